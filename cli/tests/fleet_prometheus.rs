//! `cargo wear report/check/ingest --prometheus URL` end to end: the real binary against a real
//! HTTP server on 127.0.0.1 that answers like a Prometheus query API and records every request.
//! Checks the queries sent, that their number does not grow with the number of parts, the
//! credentials sent and never printed, retries with growing backoff on 503, none on 400, and a
//! clear error with exit 2 that writes nothing for every way a backend fails.
mod fleet_server;
mod support;

use std::collections::BTreeMap;
use std::time::Duration;

use fleet_server::{Reply, Server, Total, answer};
use serde_json::Value;
use support::{Fixture, tree_bytes};
use wear_cli::usage::{Ledger, UsageSet};

const NOW: &str = "2026-11-21";
/// 2026-11-21T00:00:00Z in seconds: the `time` of every query made with `--now 2026-11-21`.
const NOW_SECS: &str = "1795219200";
const TOKEN: &str = "tok-9f8e7d6c5b4a";

const LIB: &str = "\
#[wear::tracked]
pub fn hot() {}

#[wear::tracked(limit_calls = 1000)]
pub fn limited() {}

#[wear::tracked]
pub fn idle() {}

#[wear::tracked]
pub fn cold() {}
";

/// A workspace with four parts written on 2025-01-10, and their serials.
fn workspace() -> (Fixture, BTreeMap<String, String>) {
    let fx = Fixture::new("fleet");
    fx.write("src/lib.rs", LIB);
    fx.write("wear.toml", "[defaults]\nage = \"3650d\"\n");
    fx.commit("parts", "Ana", "2025-01-10");
    let serials = fx.serials();
    (fx, serials)
}

/// The fleet the canned answers describe: `hot` and `limited` used, `idle` at zero calls
/// (exported, never called: in storage), `cold` not exported at all (unknown).
fn totals(serials: &BTreeMap<String, String>) -> Vec<Total> {
    let total = |path: &str, calls, failures, busy_seconds| Total {
        path: path.to_owned(),
        serial: serials[path].clone(),
        calls,
        failures,
        busy_seconds,
    };
    vec![
        total("fleet::hot", 1_400, Some(7), Some(2.5)),
        total("fleet::limited", 1_200, None, None),
        total("fleet::idle", 0, Some(0), None),
    ]
}

fn report(fx: &Fixture, url: &str, extra: &[&str]) -> (Value, String) {
    let mut args = vec!["report", "--now", NOW, "--format", "json", "--prometheus", url];
    args.extend_from_slice(extra);
    let out = fx.wear(&args).output().expect("report runs");
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(out.status.success(), "{stderr}");
    (serde_json::from_slice(&out.stdout).expect("json report"), stderr)
}

fn part<'a>(report: &'a Value, path: &str) -> &'a Value {
    report["parts"].as_array().expect("parts").iter().find(|p| p["path"] == path).expect("part in report")
}

/// Runs a command that must fail with exit 2 naming `needle`, and write nothing.
fn fails_cleanly(fx: &Fixture, args: &[&str], envs: &[(&str, &str)], needle: &str) -> String {
    let before = tree_bytes(fx.root());
    let mut cmd = fx.wear(args);
    for (k, v) in envs {
        cmd.env(k, v);
    }
    let out = cmd.output().expect("runs");
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert_eq!(out.status.code(), Some(2), "{args:?}: {stderr}");
    assert!(stderr.contains(needle), "{args:?}: expected {needle:?} in:\n{stderr}");
    assert!(out.stdout.is_empty(), "{args:?}: nothing on stdout");
    assert_eq!(tree_bytes(fx.root()), before, "{args:?} changed files");
    stderr
}

#[test]
fn report_reads_the_fleet_totals_with_one_query_per_metric() {
    let (fx, serials) = workspace();
    let fleet = totals(&serials);
    let server = Server::start(move |request, _| answer(request, &fleet, 0));
    let (report, _) = report(&fx, &server.url, &[]);

    let hot = part(&report, "fleet::hot");
    assert_eq!(hot["calls_since_new"], 1_400);
    assert_eq!(hot["status"], "serviceable");
    assert_eq!(part(&report, "fleet::limited")["status"], "overdue", "1,200 calls > limit 1,000");
    assert_eq!(part(&report, "fleet::idle")["status"], "in-storage", "series at zero calls: covered");
    assert_eq!(part(&report, "fleet::cold")["status"], "unknown", "no series: not covered");
    assert_eq!(report["usage_window"]["from"], "2026-10-22T00:00:00Z", "30 days before --now");
    assert_eq!(report["usage_window"]["to"], "2026-11-21T00:00:00Z");

    let requests = server.requests();
    let queries: Vec<&str> = requests.iter().map(|r| r.query()).collect();
    assert_eq!(
        queries,
        [
            "sum by (code_function_name, wear_part_serial) (max_over_time(wear_part_calls_total[2592000s]))",
            "sum by (code_function_name, wear_part_serial) (max_over_time(wear_part_failures_total[2592000s]))",
            "sum by (code_function_name, wear_part_serial) \
             (max_over_time(wear_part_busy_time_seconds_total[2592000s]))",
            "count(resets(wear_part_calls_total[2592000s]) > 0)",
        ]
    );
    for r in &requests {
        assert_eq!(r.path, "/api/v1/query");
        assert_eq!(r.params["time"], NOW_SECS, "the window ends at --now");
        assert!(!r.headers.contains_key("authorization"), "no credentials were configured");
    }

    // `check` reads the same, and the window is the one asked for.
    let out = fx
        .wear(&["check", "--now", NOW, "--prometheus", &server.url, "--window", "1w", "--format", "json"])
        .output()
        .expect("check runs");
    assert_eq!(out.status.code(), Some(1), "`limited` is overdue: {}", String::from_utf8_lossy(&out.stderr));
    assert!(server.requests()[4].query().contains("[604800s]"), "{:?}", server.requests()[4]);
}

#[test]
fn the_number_of_requests_does_not_grow_with_the_number_of_parts() {
    let requests_for = |parts: usize| {
        let fleet: Vec<Total> = (0..parts)
            .map(|i| Total {
                path: format!("big::part_{i}"),
                serial: format!("{i:016x}"),
                calls: i as u64,
                failures: None,
                busy_seconds: Some(i as f64 / 1000.0),
            })
            .collect();
        let server = Server::start(move |request, _| answer(request, &fleet, 0));
        let dir = tempfile::tempdir().expect("tempdir");
        let ledger = dir.path().join("ledger.sqlite");
        let fx = Fixture::new("unused");
        let out = fx
            .wear(&[
                "ingest",
                "--prometheus",
                &server.url,
                "--now",
                NOW,
                "--ledger",
                &ledger.to_string_lossy(),
            ])
            .output()
            .expect("ingest runs");
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        let mut set = UsageSet::new();
        set.add_ledger(&Ledger::open(&ledger).expect("ledger"), None).expect("read");
        let usage = set.usage();
        assert_eq!(usage.parts.len(), parts, "every part recorded");
        let last = format!("big::part_{}", parts - 1);
        let serial = format!("{:016x}", parts - 1);
        assert_eq!(usage.parts[&last][&serial].calls, parts as u64 - 1);
        assert_eq!(usage.parts[&last][&serial].busy_ns, Some((parts as u64 - 1) * 1_000_000));
        server.requests().len()
    };
    // Three metrics, the resets check and the presence check.
    assert_eq!(requests_for(3), 5);
    assert_eq!(requests_for(5_000), 5, "the same five queries for 5,000 parts as for 3");
}

#[test]
fn credentials_are_sent_and_never_printed() {
    let (fx, serials) = workspace();
    let fleet = totals(&serials);
    let server = Server::start(move |request, _| match request.headers.get("authorization") {
        Some(auth) if auth == &format!("Bearer {TOKEN}") || auth == "Basic b3BzOmh1bnRlcjI=" => {
            answer(request, &fleet, 0)
        }
        _ => Reply::Status(401, "Unauthorized".to_owned()),
    });
    let url = server.url.clone();

    let stderr = fails_cleanly(&fx, &["report", "--prometheus", &url], &[], "WEAR_PROMETHEUS_TOKEN");
    assert!(stderr.contains("HTTP 401") && stderr.contains(&url), "{stderr}");

    let mut cmd = fx.wear(&["report", "--now", NOW, "--prometheus", &url]);
    let out = cmd.env("WEAR_PROMETHEUS_TOKEN", TOKEN).output().expect("runs");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(server.requests().last().expect("request").headers["authorization"].ends_with(TOKEN));

    let mut cmd = fx.wear(&["report", "--now", NOW, "--prometheus", &url]);
    let out = cmd
        .env("WEAR_PROMETHEUS_USER", "ops")
        .env("WEAR_PROMETHEUS_PASSWORD", "hunter2")
        .output()
        .expect("runs");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));

    // A wrong token, a failing backend, a password in the URL: the secret shows nowhere.
    let wrong = [("WEAR_PROMETHEUS_TOKEN", "wrong-tok-123")];
    let stderr = fails_cleanly(&fx, &["report", "--prometheus", &url], &wrong, "check the credentials");
    assert!(!stderr.contains("wrong-tok-123"), "{stderr}");
    let down =
        Server::start(|_, _| Reply::Status(503, "{\"status\":\"error\",\"error\":\"overloaded\"}".into()));
    let stderr = fails_cleanly(
        &fx,
        &["report", "--prometheus", &down.url],
        &[("WEAR_PROMETHEUS_TOKEN", TOKEN)],
        "failed 4 times",
    );
    assert!(!stderr.contains(TOKEN), "{stderr}");
    let with_password = url.replace("http://", "http://ops:hunter2@");
    let stderr = fails_cleanly(&fx, &["report", "--prometheus", &with_password], &[], "WEAR_PROMETHEUS_USER");
    assert!(!stderr.contains("hunter2"), "{stderr}");
    let both = [("WEAR_PROMETHEUS_TOKEN", TOKEN), ("WEAR_PROMETHEUS_USER", "ops")];
    let stderr = fails_cleanly(&fx, &["report", "--prometheus", &url], &both, "not both");
    assert!(!stderr.contains(TOKEN), "{stderr}");
}

#[test]
fn a_503_is_retried_with_growing_backoff_and_a_400_is_not() {
    let (fx, serials) = workspace();
    let fleet = totals(&serials);
    let server = Server::start(move |request, n| {
        if n < 3 {
            Reply::Status(
                503,
                "{\"status\":\"error\",\"errorType\":\"unavailable\",\"error\":\"busy\"}".into(),
            )
        } else {
            answer(request, &fleet, 0)
        }
    });
    let (report, stderr) = report(&fx, &server.url, &[]);
    assert_eq!(part(&report, "fleet::hot")["calls_since_new"], 1_400);
    assert_eq!(stderr.matches("retrying in").count(), 3, "{stderr}");
    assert!(stderr.contains("HTTP 503: busy"), "{stderr}");
    let requests = server.requests();
    assert_eq!(requests.len(), 3 + 4, "three failures, then the four queries");
    assert!(requests[..4].iter().all(|r| r.query() == requests[0].query()), "the same query is retried");
    let gaps: Vec<Duration> = requests[..4].windows(2).map(|w| w[1].at - w[0].at).collect();
    assert!(gaps[0] >= Duration::from_millis(120), "{gaps:?}");
    // Each wait is drawn from the upper half of a doubling span, so it is at least the one
    // before (30 ms of slack for the exchange itself).
    assert!(gaps[1] + Duration::from_millis(30) >= gaps[0], "{gaps:?}");
    assert!(gaps[2] + Duration::from_millis(30) >= gaps[1], "{gaps:?}");
    assert!(gaps[2] >= Duration::from_millis(480), "{gaps:?}");

    let bad = Server::start(|_, _| {
        Reply::Status(
            400,
            r#"{"status":"error","errorType":"bad_data","error":"parse error at char 5"}"#.into(),
        )
    });
    let stderr = fails_cleanly(&fx, &["report", "--prometheus", &bad.url], &[], "parse error at char 5");
    assert!(stderr.contains(&bad.url) && stderr.contains("HTTP 400"), "{stderr}");
    assert_eq!(bad.requests().len(), 1, "a 400 is not retried");

    let limited = Server::start(|_, n| {
        if n == 0 {
            Reply::WithHeaders(429, vec![("Retry-After".into(), "1".into())], "slow down".into())
        } else {
            Reply::Status(422, r#"{"status":"error","error":"too many samples"}"#.into())
        }
    });
    let stderr = fails_cleanly(&fx, &["report", "--prometheus", &limited.url], &[], "too many samples");
    assert!(stderr.contains("429") && stderr.contains("--window"), "{stderr}");
    let requests = limited.requests();
    assert_eq!(requests.len(), 2, "429 retried once, 422 not");
    assert!(requests[1].at - requests[0].at >= Duration::from_millis(950), "Retry-After is honoured");
}

#[test]
fn a_backend_that_fails_is_a_clear_error_that_writes_nothing() {
    let (fx, serials) = workspace();
    let fleet = totals(&serials);
    let good = Server::start(move |request, _| answer(request, &fleet, 0));
    // A ledger that must stay as it is.
    let ingest = ["ingest", "--prometheus", &good.url, "--now", "2026-11-01", "--ledger", "ledger.sqlite"];
    fx.wear(&ingest).assert().success();

    let html = Server::start(|_, _| Reply::Status(200, "<html><body>Grafana login</body></html>".into()));
    let shape = Server::start(|_, _| {
        Reply::Status(200, r#"{"status":"success","data":{"resultType":"matrix","result":[]}}"#.into())
    });
    let error = Server::start(|_, _| {
        Reply::Status(200, r#"{"status":"error","errorType":"timeout","error":"query timed out"}"#.into())
    });
    let empty = Server::start(|request, _| answer(request, &[], 0));
    let hang = Server::start(|_, _| Reply::Hang);
    let refused = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
        format!("http://{}", listener.local_addr().expect("addr"))
    };
    for (url, needle) in [
        (&html.url, "not JSON"),
        (&shape.url, "matrix"),
        (&error.url, "query timed out"),
        (&empty.url, "no `wear_part_calls_total` series"),
        (&hang.url, "no answer within 0.3 s"),
        (&refused, "connection refused"),
    ] {
        let timeout = ["--prometheus-timeout", "0.3"];
        for command in [&["report", "--now", NOW][..], &["ingest", "--now", NOW][..]] {
            let mut args = command.to_vec();
            args.extend(["--prometheus", url, "--ledger", "ledger.sqlite"]);
            args.extend(timeout);
            let stderr = fails_cleanly(&fx, &args, &[], needle);
            assert!(stderr.contains(url.as_str()), "names the backend: {stderr}");
            assert!(stderr.contains("help:"), "says what to do: {stderr}");
        }
    }
    assert_eq!(hang.requests().len(), 8, "four attempts for report, four for ingest");
    fails_cleanly(&fx, &["report", "--prometheus", "prometheus:9090"], &[], "no scheme");
    fails_cleanly(&fx, &["report", "--prometheus", &good.url, "--window", "30"], &[], "needs a unit");
    fails_cleanly(&fx, &["report", "--window", "7d"], &[], "--prometheus");
}

#[test]
fn a_counter_that_goes_back_down_is_reported() {
    let (fx, serials) = workspace();
    let fleet = totals(&serials);
    let server = Server::start(move |request, _| answer(request, &fleet, 2));
    let (_, stderr) = report(&fx, &server.url, &[]);
    assert!(stderr.contains("warning: 2 `wear_part_calls_total` series"), "{stderr}");
    assert!(stderr.contains("service_instance_id"), "{stderr}");
}

#[test]
fn a_tenant_header_picks_the_fleet_and_two_tenants_are_two_fleets() {
    let (fx, serials) = workspace();
    let team_a = totals(&serials);
    let mut team_b = totals(&serials);
    team_b.iter_mut().for_each(|t| t.calls /= 2);
    // As Mimir and Cortex do: no `X-Scope-OrgID`, no answer; each tenant sees its own series.
    let server =
        Server::start(move |request, _| match request.headers.get("x-scope-orgid").map(String::as_str) {
            Some("team-a") => answer(request, &team_a, 0),
            Some("team-b") => answer(request, &team_b, 0),
            _ => Reply::Status(401, "no org id".to_owned()),
        });
    let url = server.url.clone();
    fails_cleanly(&fx, &["report", "--prometheus", &url], &[], "HTTP 401");
    let untenanted = server.requests().len();

    let (a, _) = report(&fx, &url, &["--prometheus-header", "X-Scope-OrgID: team-a"]);
    assert_eq!(part(&a, "fleet::hot")["calls_since_new"], 1_400);
    let (b, _) = report(&fx, &url, &["--prometheus-header", "x-scope-orgid:team-b"]);
    assert_eq!(part(&b, "fleet::hot")["calls_since_new"], 700);
    let sent = &server.requests()[untenanted..];
    assert!(sent.len() >= 8 && sent.iter().all(|r| r.headers.contains_key("x-scope-orgid")), "every query");

    // Ingested, the two tenants are two fleets: each counts, neither supersedes the other.
    for tenant in ["X-Scope-OrgID: team-a", "X-Scope-OrgID: team-b"] {
        let args = ["ingest", "--prometheus", &url, "--prometheus-header", tenant, "--now", "2026-11-01"];
        let out = fx.wear(&args).output().expect("ingest runs");
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    }
    let out = fx.wear(&["report", "--now", NOW, "--format", "json"]).output().expect("report runs");
    let both: Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(part(&both, "fleet::hot")["calls_since_new"], 2_100);

    // A credential header is refused before anything is sent, and nothing is written.
    let before = server.requests().len();
    let stderr = fails_cleanly(
        &fx,
        &["report", "--prometheus", &url, "--prometheus-header", "Authorization: Bearer s3cr3t"],
        &[],
        "cannot set Authorization",
    );
    assert!(!stderr.contains("s3cr3t"), "{stderr}");
    fails_cleanly(
        &fx,
        &["report", "--prometheus", &url, "--prometheus-header", "X-Scope-OrgID"],
        &[],
        "no `:`",
    );
    assert_eq!(server.requests().len(), before, "no request for a bad header");
}
