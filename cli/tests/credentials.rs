//! Credentials never appear in what `cargo wear` prints or writes (issue 6, security): a token
//! or password from `WEAR_PROMETHEUS_TOKEN` / `WEAR_PROMETHEUS_USER` + `PASSWORD`, a secret
//! mistakenly given as `--prometheus-header` or in the URL's `user:password@`. The backends are
//! real HTTP servers on 127.0.0.1 (cli/tests/fleet_server) that are down, answer 401 or 500 with
//! a body echoing the request's headers, or answer 200 with the headers echoed in a warning;
//! after each run the secret is in neither stream, nor in any file of the workspace (reports
//! written with `--output`, the ledger).
mod fleet_server;
mod support;

use std::collections::BTreeMap;

use fleet_server::{Reply, Request, Server};
use support::{Fixture, tree_bytes};

const NOW: &str = "2026-11-21";
const SECRET: &str = "S3CR3T-9f2c";

fn workspace() -> (Fixture, String) {
    let fx = Fixture::new("creds");
    fx.write("src/lib.rs", "#[wear::tracked]\npub fn hot() {}\n");
    fx.commit("a part", "Ana", "2025-01-10");
    let out = fx.wear(&["scan", "--format", "json"]).output().expect("scan runs");
    let parts: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    (fx, parts[0]["serial"].as_str().expect("serial").to_owned())
}

/// What the request carried, as a careless backend or proxy echoes it.
fn echo(request: &Request) -> String {
    let headers: BTreeMap<_, _> = request.headers.iter().collect();
    format!("{headers:?}")
}

/// Runs `args` with `envs`; the secret must be nowhere: stdout, stderr, the workspace's files.
/// Returns the exit code and stderr.
fn run(fx: &Fixture, args: &[&str], envs: &[(&str, &str)]) -> (Option<i32>, String) {
    let mut cmd = fx.wear(args);
    cmd.env_remove("WEAR_PROMETHEUS_TOKEN")
        .env_remove("WEAR_PROMETHEUS_USER")
        .env_remove("WEAR_PROMETHEUS_PASSWORD");
    for (k, v) in envs {
        cmd.env(k, v);
    }
    let out = cmd.output().expect("runs");
    let (stdout, stderr) = (String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    assert!(
        !stdout.contains(SECRET) && !stderr.contains(SECRET),
        "{args:?}: the secret is shown:\n{stdout}\n{stderr}"
    );
    for (path, bytes) in tree_bytes(fx.root()) {
        let found = bytes.windows(SECRET.len()).any(|w| w == SECRET.as_bytes());
        assert!(!found, "{args:?}: the secret is in {}", path.display());
    }
    (out.status.code(), stderr.into_owned())
}

#[test]
fn secrets_given_as_headers_or_in_the_url_are_refused_without_being_quoted() {
    let (fx, _) = workspace();
    let server = Server::start(|_, _| Reply::Status(500, "{}".into()));
    let userinfo = format!("http://ops:{SECRET}@{}/", server.url.trim_start_matches("http://"));
    for header in [
        format!("Authorization: Bearer {SECRET}"),
        format!("Authorization Bearer {SECRET}"),
        format!("authorization:Basic {SECRET}\u{1}"),
        format!("X-Api-Key: {SECRET}"),
        format!("X-Auth-Token {SECRET}"),
        format!("Bearer {SECRET}"),
    ] {
        let args = ["report", "--now", NOW, "--prometheus", &server.url, "--prometheus-header", &header];
        let (code, stderr) = run(&fx, &args, &[]);
        assert_eq!(code, Some(2), "{header:?}: {stderr}");
    }
    for url in [
        userinfo.as_str(),
        &format!("http://{SECRET}@[::1"),
        &format!("ftp://u:{SECRET}@h"),
        &format!("http://h/?token={SECRET}"),
    ] {
        let (code, stderr) = run(&fx, &["report", "--now", NOW, "--prometheus", url], &[]);
        assert_eq!(code, Some(2), "{url}: {stderr}");
    }
    assert!(server.requests().is_empty(), "nothing was sent");
}

#[test]
fn a_backend_echoing_the_credentials_back_never_gets_them_shown() {
    let (fx, serial) = workspace();
    let token = [("WEAR_PROMETHEUS_TOKEN", SECRET)];
    let basic = [("WEAR_PROMETHEUS_USER", "ops"), ("WEAR_PROMETHEUS_PASSWORD", SECRET)];
    for status in [401, 500] {
        let server = Server::start(move |request, _| {
            let body = serde_json::json!({"status": "error", "errorType": "auth", "error": echo(request)});
            Reply::Status(status, body.to_string())
        });
        for envs in [&token[..], &basic[..]] {
            let (code, stderr) = run(&fx, &["report", "--now", NOW, "--prometheus", &server.url], envs);
            assert_eq!(code, Some(2), "HTTP {status}: {stderr}");
            assert!(stderr.contains("<redacted>"), "HTTP {status}: the echo is shown, redacted: {stderr}");
        }
        let seen = server.requests();
        assert!(seen.iter().any(|r| r.headers.get("authorization") == Some(&format!("Bearer {SECRET}"))));
    }

    // A backend that answers, with the headers echoed in a warning: the report is written, the
    // fleet's totals are ingested, and the secret is in neither.
    let server = Server::start(move |request, _| {
        let query = request.query().to_owned();
        let result = if query.contains("wear_part_calls_total") && !query.starts_with("count(") {
            serde_json::json!([{"metric": {"code_function_name": "creds::hot", "wear_part_serial": serial}, "value": [0, "42"]}])
        } else {
            serde_json::json!([])
        };
        // The presence check of a period is a subquery, answered as a range of points.
        let (kind, result) = if query.contains(")[") {
            ("matrix", serde_json::json!([{"metric": {}, "values": [[0, "1"]]}]))
        } else {
            ("vector", result)
        };
        let body = serde_json::json!({"status": "success", "warnings": [echo(request)],
            "data": {"resultType": kind, "result": result}});
        Reply::Status(200, body.to_string())
    });
    for envs in [&token[..], &basic[..]] {
        let args = [
            "report",
            "--now",
            NOW,
            "--format",
            "json",
            "--output",
            "report.json",
            "--prometheus",
            &server.url,
            // The live query itself, not the period ingested by the run before.
            "--no-ledger",
        ];
        let (code, stderr) = run(&fx, &args, envs);
        assert_eq!(code, Some(0), "{stderr}");
        assert!(stderr.contains("warns: ") && stderr.contains("<redacted>"), "{stderr}");
        assert!(fx.read("report.json").contains("\"calls_since_new\": 42"), "{}", fx.read("report.json"));
        let (code, stderr) = run(&fx, &["ingest", "--now", NOW, "--prometheus", &server.url], envs);
        assert_eq!(code, Some(0), "{stderr}");
    }
}

#[test]
fn a_backend_that_is_down_shows_no_secret() {
    let (fx, _) = workspace();
    let port = std::net::TcpListener::bind("127.0.0.1:0").expect("bind").local_addr().expect("addr").port();
    let url = format!("http://127.0.0.1:{port}");
    let (code, stderr) =
        run(&fx, &["report", "--now", NOW, "--prometheus", &url], &[("WEAR_PROMETHEUS_TOKEN", SECRET)]);
    assert_eq!(code, Some(2), "{stderr}");
    assert!(stderr.contains("connection refused") || stderr.contains("cannot connect"), "{stderr}");
}
