//! The bad input matrix of `cargo wear`: every kind of wrong input tried (arguments, files,
//! environment variables, answers of a metrics backend), each in a fresh workspace with a real
//! git history, a real ledger and logbook, and for backends a real HTTP server on loopback. Each
//! case states the exit code and what the first line of the error must say; the test also
//! proves that nothing on disk changed (ledger, logbook, policy, output files: byte for byte),
//! that nothing went to standard output on an error, that nothing panicked and that no secret
//! was echoed. The guide's table (`docs/src/bad-input.md`) between `<!-- bad-input:begin -->` and
//! `<!-- bad-input:end -->` is rendered from these cases with the lines actually printed, so it cannot drift from what
//! users see; `UPDATE_EXPECT=1` rewrites it.
mod fleet_server;
mod support;

use std::path::{Path, PathBuf};

use fleet_server::{Reply, Server};
use support::edge::cell;
use support::{Fixture, Reading, snapshot, tree_bytes};

/// Where the bad input comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    Argument,
    File,
    Env,
    Http,
}

impl Kind {
    fn name(self) -> &'static str {
        match self {
            Kind::Argument => "argument",
            Kind::File => "file",
            Kind::Env => "env",
            Kind::Http => "HTTP",
        }
    }
}

/// What a case's setup leaves behind besides files: a backend, variables, another folder.
#[derive(Default)]
struct Ctx {
    /// Replaces `{url}` in the arguments.
    url: String,
    server: Option<Server>,
    env: Vec<(&'static str, &'static str)>,
    /// Run here instead of the workspace root.
    cwd: Option<tempfile::TempDir>,
}

impl Ctx {
    fn serve(reply: impl Fn() -> Reply + Send + Sync + 'static) -> Ctx {
        let server = Server::start(move |_, _| reply());
        Ctx { url: server.url.clone(), server: Some(server), ..Ctx::default() }
    }

    fn env(env: &[(&'static str, &'static str)]) -> Ctx {
        Ctx { env: env.to_vec(), ..Ctx::default() }
    }
}

/// One bad input.
struct Case {
    id: &'static str,
    kind: Kind,
    /// One line: what is wrong.
    input: &'static str,
    /// Makes the input in a fresh workspace (see [`workspace`]).
    setup: fn(&Fixture) -> Ctx,
    /// The command's arguments after `cargo wear`; `{url}` is the backend's URL.
    args: &'static [&'static str],
    /// The exit code: 2 for an error, 0 where the bad input is a warning and the rest goes on.
    exit: i32,
    /// What the first line on standard error must contain.
    says: &'static str,
}

const NOW: &str = "2026-11-21";
const LIB: &str = "#[wear::tracked]\npub fn hot() {}\n\n#[wear::tracked]\npub fn cold() {}\n";
const LOGBOOK: &str = "[[signoff]]\npart = \"fleet::hot\"\nserial = \"00000000000000aa\"\n\
                       date = 2026-11-01T12:00:00Z\ncalls = 5\nby = \"Ana\"\nnote = \"looked\"\n";
/// Secrets some cases pass; no output may hold them.
const SECRETS: [&str; 3] = ["hunter2", "s3cr3t", "tok-9f8e7d6c"];
/// A valid OTLP JSON resource with an instance, for the OTLP cases to break.
const OTLP_DELTA: &str = r#"{"resourceMetrics":[{"resource":{"attributes":[{"key":"service.instance.id","value":{"stringValue":"i1"}}]},"scopeMetrics":[{"metrics":[{"name":"wear.part.calls","sum":{"aggregationTemporality":1,"isMonotonic":true,"dataPoints":[{"attributes":[],"asInt":"3","startTimeUnixNano":"1","timeUnixNano":"2"}]}}]}]}]}"#;

fn good_snapshot() -> String {
    let hot = Reading { path: "fleet::hot", serial: "00000000000000aa", calls: 5, busy_ns: None };
    snapshot("a1", "2026-11-01T00:00:00Z", "2026-11-02T00:00:00Z", &[hot])
}

/// A snapshot with `key` of its only part (or process) replaced by `value`.
fn snapshot_with(key: &str, value: serde_json::Value) -> String {
    let mut doc: serde_json::Value = serde_json::from_str(&good_snapshot()).expect("json");
    let remove = value.is_null();
    match key {
        "instance" | "taken_at" => doc["process"][key] = value,
        _ => doc["parts"][0][key] = value,
    }
    if remove {
        doc["process"].as_object_mut().expect("process").remove(key);
    }
    serde_json::to_string_pretty(&doc).expect("json")
}

fn none(_: &Fixture) -> Ctx {
    Ctx::default()
}

fn http(status: u16, body: &'static str) -> Ctx {
    Ctx::serve(move || Reply::Status(status, body.to_owned()))
}

fn raw(bytes: &'static [u8]) -> Ctx {
    Ctx::serve(move || Reply::Raw(bytes.to_vec()))
}

/// A URL where nothing listens: a port just bound and let go.
fn refused(_: &Fixture) -> Ctx {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    Ctx { url: format!("http://{}", listener.local_addr().expect("addr")), ..Ctx::default() }
}

/// `report` as of a fixed day, reading the workspace's default ledger.
const R: &[&str] = &["report", "--now", NOW];

#[rustfmt::skip]
fn cases() -> Vec<Case> {
    use Kind::*;
    let c = |id, kind, input, setup: fn(&Fixture) -> Ctx, args, exit, says| Case {
        id,
        kind,
        input,
        setup,
        args,
        exit,
        says,
    };
    vec![
        // Arguments.
        c("A1", Argument, "unknown format", none, &["report", "--format", "xml"], 2, "invalid value 'xml'"),
        c("A2", Argument, "`--now` not a date", none, &["report", "--now", "yesterday"], 2, "`yesterday` is not a date"),
        c("A3", Argument, "`--now` on a day that does not exist", none, &["report", "--now", "2026-02-30"], 2, "`2026-02-30` is not a date"),
        c("A4", Argument, "unknown option", none, &["report", "--bogus"], 2, "unexpected argument '--bogus'"),
        c("A5", Argument, "unknown `--fail-on` status", none, &["check", "--fail-on", "never"], 2, "invalid value 'never'"),
        c("A6", Argument, "unknown `--color`", none, &["report", "--color", "sometimes"], 2, "invalid value 'sometimes'"),
        c("A7", Argument, "`--top 0`", none, &["heatmap", "--top", "0"], 2, "--top 0 shows nothing"),
        c("A8", Argument, "a width too narrow to draw", none, &["map", "--width", "5"], 2, "too narrow"),
        c("A9", Argument, "`--filter` not a glob", none, &["heatmap", "--filter", "["], 2, "not a valid glob"),
        c("A10", Argument, "`--usage` without a path", none, &["report", "--usage"], 2, "a value is required"),
        c("A11", Argument, "`--ledger` with `--no-ledger`", none, &["report", "--ledger", "l.sqlite", "--no-ledger"], 2, "cannot be used with"),
        c("A12", Argument, "`--window` without `--prometheus`", none, &["report", "--window", "7d"], 2, "--prometheus <URL>"),
        c("A13", Argument, "`ingest` with nothing to ingest", none, &["ingest"], 2, "<FILE>"),
        c("A14", Argument, "`--prometheus` without a scheme", none, &["report", "--prometheus", "prometheus:9090"], 2, "no scheme"),
        c("A15", Argument, "`--window` without a unit", none, &["report", "--prometheus", "http://127.0.0.1:9", "--window", "30"], 2, "needs a unit"),
        c("A16", Argument, "negative `--prometheus-timeout`", none, &["report", "--prometheus", "http://127.0.0.1:9", "--prometheus-timeout", "-1"], 2, "-1 is not a number of seconds"),
        c("A17", Argument, "a password in the `--prometheus` URL", none, &["report", "--prometheus", "http://ops:hunter2@127.0.0.1:9"], 2, "holds credentials"),
        c("A18", Argument, "a credential in `--prometheus-header`", none, &["report", "--prometheus", "http://127.0.0.1:9", "--prometheus-header", "Authorization: Bearer s3cr3t"], 2, "Authorization"),
        c("A19", Argument, "`--prometheus-header` without `:`", none, &["report", "--prometheus", "http://127.0.0.1:9", "--prometheus-header", "X-Scope-OrgID"], 2, "no `:`"),
        c("A20", Argument, "`inspect` of a part that does not exist", none, &["inspect", "fleet::nope", "--note", "x", "--by", "me"], 2, "no part `fleet::nope`"),
        c("A21", Argument, "`inspect` with a blank note", none, &["inspect", "fleet::hot", "--note", "  ", "--by", "me"], 2, "the note is empty"),
        c("A22", Argument, "`--output` in a folder that does not exist", none, &["report", "--now", NOW, "--output", "missing/out.txt"], 2, "missing/out.txt: cannot write"),
        c("A23", Argument, "`--manifest-path` to nothing", none, &["report", "--manifest-path", "nothere/Cargo.toml"], 2, "no such manifest"),
        c("A24", Argument, "`--ledger` that does not exist", none, &["report", "--now", NOW, "--ledger", "nothere.sqlite"], 2, "no such ledger"),
        c("A25", Argument, "a width that cannot be allocated", none, &["map", "--width", "4000000000"], 2, "4000000000 columns is too wide"),
        c("A26", Argument, "a width just over the widest drawn", none, &["heatmap", "--width", "1001"], 2, "1001 columns is too wide: give 20 to 1000"),
        c("A27", Argument, "`--top` over a million parts", none, &["heatmap", "--top", "1000001"], 2, "more parts than any workspace has"),
        c("A28", Argument, "`--window` longer than ten years", none, &["report", "--prometheus", "http://127.0.0.1:9", "--window", "11y"], 2, "longer than 10y"),
        c("A29", Argument, "`--prometheus-series` of another kind", none, &["report", "--prometheus", "http://127.0.0.1:9", "--prometheus-series", "rolled-up"], 2, "invalid value 'rolled-up'"),
        c("A30", Argument, "`diff --base` a revision git does not know", none, &["diff", "--now", NOW, "--base", "no-such-branch"], 2, "--base no-such-branch: no such revision"),
        c("A31", Argument, "`diff` with no upstream, no `origin/HEAD` and no `--base`", none, &["diff", "--now", NOW], 2, "no base to measure the change from"),
        c("A32", Argument, "`diff --fail-on-share` over 100", none, &["diff", "--fail-on-share", "150"], 2, "150 is not between 0 and 100"),
        // Usage files.
        c("F1", File, "snapshot cut short", |fx| { fx.write("usage/s.json", &good_snapshot()[..90]); Ctx::default() }, &["report", "--now", NOW, "--usage", "usage/s.json"], 2, "usage/s.json:6: the file ends in the middle"),
        c("F2", File, "snapshot empty", |fx| { fx.write("usage/s.json", ""); Ctx::default() }, &["report", "--now", NOW, "--usage", "usage/s.json"], 2, "usage/s.json:1:"),
        c("F3", File, "snapshot of a newer format", |fx| { fx.write("usage/s.json", &good_snapshot().replace("wear-snapshot/1", "wear-snapshot/3")); Ctx::default() }, &["report", "--now", NOW, "--usage", "usage/s.json"], 2, "`wear-snapshot/3` is newer"),
        c("F4", File, "snapshot that is not JSON", |fx| { fx.write("usage/s.json", "calls: 5\n"); Ctx::default() }, &["report", "--now", NOW, "--usage", "usage/s.json"], 2, "usage/s.json:1: invalid JSON"),
        c("F5", File, "snapshot with a bad serial", |fx| { fx.write("usage/s.json", &snapshot_with("serial", "nothex".into())); Ctx::default() }, &["report", "--now", NOW, "--usage", "usage/s.json"], 2, "16 hex digits"),
        c("F6", File, "snapshot with negative calls", |fx| { fx.write("usage/s.json", &snapshot_with("calls", (-5).into())); Ctx::default() }, &["report", "--now", NOW, "--usage", "usage/s.json"], 2, "cannot be negative"),
        c("F7", File, "snapshot without `process.instance`", |fx| { fx.write("usage/s.json", &snapshot_with("instance", serde_json::Value::Null)); Ctx::default() }, &["report", "--now", NOW, "--usage", "usage/s.json"], 2, "missing field `instance`"),
        c("F8", File, "snapshot taken before its process started", |fx| { fx.write("usage/s.json", &snapshot_with("taken_at", "2026-10-01T00:00:00Z".into())); Ctx::default() }, &["report", "--now", NOW, "--usage", "usage/s.json"], 2, "before its process started"),
        c("F9", File, "`--usage` file missing", none, &["report", "--now", NOW, "--usage", "usage/none.json"], 2, "usage/none.json: no such file"),
        c("F10", File, "`--usage` glob matching nothing", none, &["report", "--now", NOW, "--usage", "usage/*.json"], 2, "no snapshot file matches"),
        c("F11", File, "`--usage` a folder", |fx| { fx.write("usage/keep", ""); Ctx::default() }, &["report", "--now", NOW, "--usage", "usage"], 2, "is a folder"),
        c("F12", File, "OTLP JSON with delta temporality", |fx| { fx.write("usage/o.jsonl", &format!("{OTLP_DELTA}\n")); Ctx::default() }, &["report", "--now", NOW, "--usage", "usage/o.jsonl"], 2, "usage/o.jsonl:1: `wear.part.calls` has delta temporality"),
        c("F13", File, "OTLP JSON line cut short", |fx| { fx.write("usage/o.jsonl", &format!("{{\"resourceMetrics\":[]}}\n{}", &OTLP_DELTA[..60])); Ctx::default() }, &["report", "--now", NOW, "--usage", "usage/o.jsonl"], 2, "usage/o.jsonl:2: the line ends in the middle"),
        c("F14", File, "OTLP JSON without `service.instance.id`", |fx| { fx.write("usage/o.jsonl", &OTLP_DELTA.replace("service.instance.id", "host.name")); Ctx::default() }, &["report", "--now", NOW, "--usage", "usage/o.jsonl"], 2, "without the `service.instance.id`"),
        c("F15", File, "`ingest` of a good file and a cut-short one", |fx| { fx.write("usage/good.json", &good_snapshot()); fx.write("usage/s.json", "{\"format\":"); Ctx::default() }, &["ingest", "usage/good.json", "usage/s.json"], 2, "usage/s.json:1:"),
        c("F16", File, "wear.toml: unknown key", |fx| { fx.write("wear.toml", "[defaults]\ncals = 5\n"); Ctx::default() }, R, 2, "wear.toml:2: unknown field `cals`"),
        c("F17", File, "wear.toml: wrong type", |fx| { fx.write("wear.toml", "[defaults]\ncalls = \"lots\"\n"); Ctx::default() }, R, 2, "wear.toml:2: `calls` expects a whole number"),
        c("F18", File, "wear.toml: bad duration", |fx| { fx.write("wear.toml", "[defaults]\nage = \"5 fortnights\"\n"); Ctx::default() }, R, 2, "wear.toml:2: invalid duration"),
        c("F19", File, "wear.toml: threshold above 100", |fx| { fx.write("wear.toml", "[defaults]\ndue_soon = 150\n"); Ctx::default() }, R, 2, "wear.toml:2: `due_soon` must be"),
        c("F20", File, "wear.toml: bad glob", |fx| { fx.write("wear.toml", "[[rule]]\nparts = \"fleet::[h\"\nage = \"1d\"\n"); Ctx::default() }, R, 2, "wear.toml:2: invalid pattern"),
        c("F21", File, "wear.toml: rule that covers nothing", |fx| { fx.write("wear.toml", "[[rule]]\nage = \"1d\"\n"); Ctx::default() }, R, 2, "wear.toml:1: this `[[rule]]` says neither"),
        c("F22", File, "wear.toml: TOML syntax", |fx| { fx.write("wear.toml", "[defaults\n"); Ctx::default() }, R, 2, "wear.toml:1: unclosed table"),
        c("F23", File, "wear.toml: not UTF-8", |fx| { std::fs::write(fx.path("wear.toml"), b"[defaults]\nage = \"\xff\"\n").expect("write"); Ctx::default() }, R, 2, "wear.toml:2: the file is not valid UTF-8"),
        c("F24", File, "wear.toml: a folder", |fx| { fx.write("wear.toml/keep", ""); Ctx::default() }, R, 2, "wear.toml: is a folder, not a file"),
        c("F25", File, "wear.toml and `[workspace.metadata.wear]` both", |fx| { append(fx, "Cargo.toml", "\n[workspace.metadata.wear.defaults]\nage = \"1d\"\n"); fx.write("wear.toml", "[defaults]\nage = \"2d\"\n"); Ctx::default() }, R, 2, "Cargo.toml:8: the policy is given twice"),
        c("F26", File, "`[workspace.metadata.wear]`: bad duration", |fx| { append(fx, "Cargo.toml", "\n[workspace.metadata.wear.defaults]\nage = \"soon\"\n"); Ctx::default() }, R, 2, "Cargo.toml:9: invalid duration"),
        c("F27", File, "`wear init` over an existing wear.toml", |fx| { fx.write("wear.toml", "# mine\n"); Ctx::default() }, &["init"], 2, "wear.toml: `wear.toml` already exists"),
        c("F28", File, "logbook: sign-off without `serial`", |fx| { fx.write("wear-logbook.toml", &LOGBOOK.replace("serial = \"00000000000000aa\"\n", "")); Ctx::default() }, &["inspect", "fleet::hot", "--note", "x", "--by", "me", "--now", NOW], 2, "wear-logbook.toml:1: missing field `serial`"),
        c("F29", File, "logbook: bad date", |fx| { fx.write("wear-logbook.toml", &LOGBOOK.replace("2026-11-01T12:00:00Z", "\"tuesday\"")); Ctx::default() }, R, 2, "wear-logbook.toml:4: `date` is not"),
        c("F30", File, "logbook: unknown table", |fx| { fx.write("wear-logbook.toml", &LOGBOOK.replace("[[signoff]]", "[[signof]]")); Ctx::default() }, R, 2, "wear-logbook.toml:1: unknown field `signof`"),
        c("F31", File, "logbook: TOML syntax", |fx| { fx.write("wear-logbook.toml", &LOGBOOK.replace("[[signoff]]", "[[signoff]")); Ctx::default() }, &["inspect", "fleet::hot", "--note", "x", "--by", "me", "--now", NOW], 2, "wear-logbook.toml:1: unclosed array table"),
        c("F32", File, "ledger: not SQLite", |fx| { fx.write("target/wear/ledger.sqlite", "not a database, just text\n"); fx.write("usage/good.json", &good_snapshot()); Ctx::default() }, &["ingest", "usage/good.json"], 2, "this is not a wear ledger"),
        c("F33", File, "ledger: a folder", |fx| { std::fs::remove_file(fx.path("target/wear/ledger.sqlite")).expect("rm"); fx.write("target/wear/ledger.sqlite/keep", ""); fx.write("usage/good.json", &good_snapshot()); Ctx::default() }, &["ingest", "usage/good.json"], 2, "is a folder, not a ledger file"),
        c("F34", File, "source file that does not parse", |fx| { fx.write("src/lib.rs", "#[wear::tracked]\npub fn hot() {\n\n#[wear::tracked]\npub fn cold() {}\n"); Ctx::default() }, R, 0, "src/lib.rs:2: does not parse"),
        c("F35", File, "source: module whose file is missing", |fx| { fx.write("src/lib.rs", &format!("mod gone;\n{LIB}")); Ctx::default() }, R, 0, "src/lib.rs:1: module `gone` has no file"),
        c("F36", File, "source: unknown attribute argument", |fx| { fx.write("src/lib.rs", &LIB.replacen("tracked]", "tracked(bogus)]", 1)); Ctx::default() }, R, 0, "src/lib.rs:2: `hot` is left out"),
        c("F37", File, "Cargo.toml: TOML syntax", |fx| { fx.write("Cargo.toml", "[package\nname = \"fleet\"\n"); Ctx::default() }, R, 2, "Cargo.toml:1: cargo cannot read the manifest"),
        c("F38", File, "Cargo.toml: wrong type", |fx| { fx.write("Cargo.toml", "[package]\nname = \"fleet\"\nversion = 5\n"); Ctx::default() }, R, 2, "Cargo.toml:3: cargo cannot read the manifest"),
        c("F39", File, "Cargo.toml: a workspace member that is missing", |fx| { append(fx, "Cargo.toml", "members = [\"missing\"]\n"); Ctx::default() }, R, 2, "workspace member"),
        c("F40", File, "no Cargo.toml at all", |_| Ctx { cwd: Some(tempfile::tempdir().expect("tempdir")), ..Ctx::default() }, R, 2, "could not find `Cargo.toml`"),
        c("F41", File, "a workspace outside any git repository", |fx| { std::fs::remove_dir_all(fx.path(".git")).expect("rm .git"); Ctx::default() }, R, 2, "not inside a git repository"),
        c("F42", File, "`--usage` a FIFO with no writer", |fx| { mkfifo(fx, "usage/pipe.json"); Ctx::default() }, &["report", "--now", NOW, "--usage", "usage/pipe.json"], 2, "usage/pipe.json: is a FIFO (named pipe)"),
        c("F43", File, "`--usage` `/dev/zero`, which never ends", none, &["report", "--now", NOW, "--usage", "/dev/zero"], 2, "/dev/zero: is a character device"),
        c("F44", File, "`--usage` a file over 256 MiB (sparse)", |fx| { sparse(fx, "usage/big.json", 257 << 20); Ctx::default() }, &["report", "--now", NOW, "--usage", "usage/big.json"], 2, "usage/big.json: is larger than 256 MiB"),
        c("F45", File, "`ingest` of a Unix socket", |fx| { std::fs::create_dir_all(fx.path("usage")).expect("mkdir"); drop(std::os::unix::net::UnixListener::bind(fx.path("usage/sock")).expect("bind")); Ctx::default() }, &["ingest", "usage/sock"], 2, "usage/sock: is a socket"),
        c("F46", File, "wear.toml: a FIFO", |fx| { mkfifo(fx, "wear.toml"); Ctx::default() }, R, 2, "wear.toml: is a FIFO (named pipe)"),
        c("F47", File, "wear.toml: over 16 MiB (sparse)", |fx| { sparse(fx, "wear.toml", 17 << 20); Ctx::default() }, R, 2, "wear.toml: is larger than 16 MiB"),
        c("F48", File, "logbook: a symlink to `/dev/zero`", |fx| { symlink(fx, "/dev/zero", "wear-logbook.toml"); Ctx::default() }, R, 2, "wear-logbook.toml: is a character device"),
        c("F49", File, "the old single logbook file a FIFO, when `inspect` reads it before signing", |fx| { mkfifo(fx, "wear-logbook.toml"); Ctx::default() }, &["inspect", "fleet::hot", "--note", "x", "--by", "me", "--now", NOW], 2, "wear-logbook.toml: is a FIFO"),
        c("F50", File, "source: a module file that is a FIFO", |fx| { fx.write("src/lib.rs", &format!("mod pipe;\n{LIB}")); mkfifo(fx, "src/pipe.rs"); Ctx::default() }, R, 0, "src/pipe.rs: is a FIFO (named pipe), not a regular file: reading it might never end; skipped"),
        c("F51", File, "wear.toml: a source URL with no `{file}`", |fx| { fx.write("wear.toml", "[report]\nsource_url = \"https://git.example.com/fleet\"\n"); Ctx::default() }, &["report", "--now", NOW, "--format", "html", "--output", "wear.html"], 2, "wear.toml:2: invalid `source_url`"),
        // Environment.
        c("E1", Env, "a bearer token and a user both set", |_| Ctx::env(&[("WEAR_PROMETHEUS_TOKEN", "tok-9f8e7d6c"), ("WEAR_PROMETHEUS_USER", "ops")]), &["report", "--prometheus", "http://127.0.0.1:9"], 2, "both WEAR_PROMETHEUS_TOKEN and"),
        c("E2", Env, "a user without a password", |_| Ctx::env(&[("WEAR_PROMETHEUS_USER", "ops")]), &["report", "--prometheus", "http://127.0.0.1:9"], 2, "WEAR_PROMETHEUS_PASSWORD is not"),
        c("E3", Env, "a password without a user", |_| Ctx::env(&[("WEAR_PROMETHEUS_PASSWORD", "hunter2")]), &["report", "--prometheus", "http://127.0.0.1:9"], 2, "WEAR_PROMETHEUS_USER is not"),
        c("E4", Env, "`CARGO_TARGET_DIR` under a file", |fx| { fx.write("usage/good.json", &good_snapshot()); Ctx::env(&[("CARGO_TARGET_DIR", "Cargo.toml/target")]) }, &["ingest", "usage/good.json"], 2, "cannot create the ledger's folder"),
        // Answers of a metrics backend.
        c("H1", Http, "HTTP 500 on every attempt", |_| http(500, "{\"status\":\"error\",\"error\":\"boom\"}"), &["report", "--now", NOW, "--prometheus", "{url}"], 2, "failed 4 times: it answered HTTP 500: boom"),
        c("H2", Http, "an HTML login page", |_| http(200, "<html><body>Grafana login</body></html>"), &["report", "--now", NOW, "--prometheus", "{url}"], 2, "not JSON"),
        c("H3", Http, "truncated JSON", |_| http(200, "{\"status\":\"success\",\"data\":{\"resultType\":\"vec"), &["report", "--now", NOW, "--prometheus", "{url}"], 2, "not JSON"),
        c("H4", Http, "`status: error`", |_| http(200, "{\"status\":\"error\",\"errorType\":\"timeout\",\"error\":\"query timed out\"}"), &["report", "--now", NOW, "--prometheus", "{url}"], 2, "query timed out"),
        c("H5", Http, "a matrix, not an instant vector", |_| http(200, "{\"status\":\"success\",\"data\":{\"resultType\":\"matrix\",\"result\":[]}}"), &["report", "--now", NOW, "--prometheus", "{url}"], 2, "`matrix`, not an instant vector"),
        c("H6", Http, "a sample whose value is `NaN`", |_| { http(200, "{\"status\":\"success\",\"data\":{\"resultType\":\"vector\",\"result\":[{\"metric\":{},\"value\":[1,\"NaN\"]}]}}") }, &["report", "--now", NOW, "--prometheus", "{url}"], 2, "the value `NaN`"),
        c("H7", Http, "JSON that is not a query answer", |_| http(200, "{\"hello\":1}"), &["report", "--now", NOW, "--prometheus", "{url}"], 2, "not a query answer"),
        c("H8", Http, "no series at all", |_| http(200, "{\"status\":\"success\",\"data\":{\"resultType\":\"vector\",\"result\":[]}}"), &["report", "--now", NOW, "--prometheus", "{url}"], 2, "no `wear_part_calls_total` series"),
        c("H9", Http, "a body of 1 TiB announced", |_| { raw(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 1099511627776\r\n\r\n{\"status\":") }, &["report", "--now", NOW, "--prometheus", "{url}"], 2, "a body of 1048576 MiB"),
        c("H10", Http, "the connection closed mid-answer", |_| { raw(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{\"status\":\"success\"") }, &["report", "--now", NOW, "--prometheus", "{url}", "--prometheus-timeout", "0.3"], 2, "failed 4 times"),
        c("H11", Http, "a body that is not UTF-8", |_| { raw(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 4\r\n\r\n\xff\xfe\xfd\xfc") }, &["report", "--now", NOW, "--prometheus", "{url}"], 2, "not UTF-8"),
        c("H12", Http, "no answer (hangs)", |_| Ctx::serve(|| Reply::Hang), &["report", "--now", NOW, "--prometheus", "{url}", "--prometheus-timeout", "0.3"], 2, "no answer within 0.3 s"),
        c("H13", Http, "connection refused", refused, &["report", "--now", NOW, "--prometheus", "{url}"], 2, "connection refused"),
        c("H14", Http, "HTTP 401: credentials wanted", |_| http(401, "Unauthorized"), &["report", "--now", NOW, "--prometheus", "{url}"], 2, "refused the query (HTTP 401)"),
        c("H15", Http, "HTTP 403 with a wrong token", |_| { let mut ctx = http(403, "{\"status\":\"error\",\"error\":\"bad token\"}"); ctx.env = vec![("WEAR_PROMETHEUS_TOKEN", "tok-9f8e7d6c")]; ctx }, &["report", "--now", NOW, "--prometheus", "{url}"], 2, "refused the query (HTTP 403): bad token"),
        c("H16", Http, "HTTP 400 `bad_data`", |_| { http(400, "{\"status\":\"error\",\"errorType\":\"bad_data\",\"error\":\"parse error at char 5\"}") }, &["report", "--now", NOW, "--prometheus", "{url}"], 2, "rejected the query (HTTP 400): parse error"),
        c("H17", Http, "a redirect", |_| { Ctx::serve(|| { Reply::WithHeaders(302, vec![("Location".into(), "http://elsewhere:9090/".into())], String::new()) }) }, &["report", "--now", NOW, "--prometheus", "{url}"], 2, "redirect (HTTP 302) to http://elsewhere:9090/"),
        c("H18", Http, "`ingest` while the backend answers 503", |_| http(503, "{\"status\":\"error\",\"error\":\"overloaded\"}"), &["ingest", "--now", NOW, "--prometheus", "{url}"], 2, "failed 4 times: it answered HTTP 503: overloaded"),
        c("H19", Http, "`--prometheus-series aggregated` and no aggregated series", |_| http(200, "{\"status\":\"success\",\"data\":{\"resultType\":\"vector\",\"result\":[]}}"), &["ingest", "--now", NOW, "--prometheus", "{url}", "--prometheus-series", "aggregated"], 2, "no `wear_fleet_part_calls_total` series"),
        c("H20", Http, "aggregated series that kept `service_instance_id`", |_| http(200, "{\"status\":\"success\",\"data\":{\"resultType\":\"vector\",\"result\":[{\"metric\":{\"service_instance_id\":\"shop-7f3a\"},\"value\":[1,\"3\"]}]}}"), &["ingest", "--now", NOW, "--prometheus", "{url}", "--prometheus-series", "aggregated"], 2, "still carry the label `service_instance_id`"),
    ]
}

/// A FIFO at `rel`, in place of what was there: nothing ever writes to it, so a reader that
/// opened it without care would wait for ever.
fn mkfifo(fx: &Fixture, rel: &str) {
    let path = fx.path(rel);
    std::fs::create_dir_all(path.parent().expect("a folder")).expect("mkdir");
    let _ = std::fs::remove_file(&path);
    let made = std::process::Command::new("mkfifo").arg(&path).status().expect("mkfifo runs");
    assert!(made.success(), "mkfifo {}", path.display());
}

/// A file of `len` zero bytes that takes no room on disk.
fn sparse(fx: &Fixture, rel: &str, len: u64) {
    let path = fx.path(rel);
    std::fs::create_dir_all(path.parent().expect("a folder")).expect("mkdir");
    std::fs::File::create(&path).and_then(|f| f.set_len(len)).expect("sparse file");
}

/// A symbolic link at `rel` to `target`, in place of what was there.
fn symlink(fx: &Fixture, target: &str, rel: &str) {
    let path = fx.path(rel);
    let _ = std::fs::remove_file(&path);
    std::os::unix::fs::symlink(target, &path).expect("symlink");
}

fn append(fx: &Fixture, rel: &str, text: &str) {
    let mut old = fx.read(rel);
    old.push_str(text);
    fx.write(rel, &old);
}

/// A workspace with two parts committed on 2025-01-10, a ledger holding one snapshot and a
/// logbook with one sign-off: what bad input must leave as it was.
fn workspace(ledger: &[u8]) -> Fixture {
    let fx = Fixture::new("fleet");
    fx.write("src/lib.rs", LIB);
    fx.write("wear-logbook.toml", LOGBOOK);
    fx.commit("parts", "Ana", "2025-01-10");
    std::fs::create_dir_all(fx.path("target/wear")).expect("mkdir");
    std::fs::write(fx.path("target/wear/ledger.sqlite"), ledger).expect("ledger");
    fx
}

/// The bytes of a ledger with one snapshot in it, made by the real `ingest`.
fn ledger_bytes() -> Vec<u8> {
    let fx = Fixture::new("fleet");
    fx.write("src/lib.rs", LIB);
    fx.write("usage/good.json", &good_snapshot());
    let out = fx.wear(&["ingest", "usage/good.json"]).output().expect("ingest runs");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    std::fs::read(fx.path("target/wear/ledger.sqlite")).expect("ledger")
}

/// What one case printed, with the temporary paths and the server's port taken out.
struct Seen {
    env: Vec<(&'static str, &'static str)>,
    exit: i32,
    error: String,
    help: String,
}

/// The error's first line (joined with the next when it ends with `:`, as clap's "the following
/// required arguments" does) and what it says to do (`help:`, clap's possible values or usage).
fn first_lines(stderr: &str, prefix: &str) -> (String, String) {
    // Retries are announced as warnings before the error.
    let mut lines =
        stderr.lines().map(str::trim).filter(|l| !l.is_empty()).skip_while(|l| !l.starts_with(prefix));
    let mut error = lines.next().unwrap_or("").to_owned();
    if error.ends_with(':') {
        error = format!("{error} {}", lines.next().unwrap_or(""));
    }
    let help = lines.next().unwrap_or("").trim_start_matches("help: ").to_owned();
    (error, help)
}

fn run(case: &Case, ledger: &[u8]) -> Seen {
    let fx = workspace(ledger);
    let ctx = (case.setup)(&fx);
    let args: Vec<String> = case.args.iter().map(|a| a.replace("{url}", &ctx.url)).collect();
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let before = tree_bytes(fx.root());
    let mut cmd = fx.wear(&args);
    for var in ["WEAR_PROMETHEUS_TOKEN", "WEAR_PROMETHEUS_USER", "WEAR_PROMETHEUS_PASSWORD"] {
        cmd.env_remove(var);
    }
    for (name, value) in &ctx.env {
        cmd.env(name, value);
    }
    if let Some(dir) = &ctx.cwd {
        cmd.current_dir(dir.path());
    }
    let out = cmd.output().expect("cargo-wear runs");
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    let exit = out.status.code().unwrap_or(-1);
    let label = format!("{} ({}) `cargo wear {}`", case.id, case.input, args.join(" "));

    assert_eq!(exit, case.exit, "{label}: exit code\n{stderr}");
    assert!(!stderr.contains("panicked"), "{label}: {stderr}");
    for secret in SECRETS {
        assert!(!stderr.contains(secret), "{label}: echoes {secret}: {stderr}");
    }
    assert_eq!(tree_bytes(fx.root()), before, "{label}: files changed");
    if case.exit == 2 {
        assert!(out.stdout.is_empty(), "{label}: an error prints no report");
    } else {
        assert!(!out.stdout.is_empty(), "{label}: the rest goes on and the report is printed");
    }

    let mut shown = stderr;
    let mut roots: Vec<PathBuf> = vec![fx.root().to_owned()];
    roots.extend(ctx.cwd.as_ref().map(|d| d.path().to_owned()));
    for root in &roots {
        shown = shown.replace(&format!("{}/", root.display()), "").replace(&root.display().to_string(), ".");
    }
    if !ctx.url.is_empty() {
        shown = shown.replace(&ctx.url, "$URL");
    }
    let prefix = if case.exit == 2 { "error: " } else { "warning: " };
    let (error, mut help) = first_lines(&shown, prefix);
    assert!(error.contains(case.says), "{label}: expected {:?} in the first line:\n{shown}", case.says);
    assert!(error.starts_with(prefix), "{label}: {error}");
    if case.exit == 2 {
        assert!(!help.is_empty(), "{label}: says what to do\n{shown}");
    } else {
        // A warning is one line; the report follows it.
        help = String::from("(the report follows)");
    }
    drop(ctx.server);
    Seen { env: ctx.env, exit, error, help }
}

fn render(cases: &[Case], seen: &[Seen]) -> String {
    let mut out = String::from(
        "| id | kind | bad input | command | exit | what the user sees (first line) | what it says to do |\n\
         |---|---|---|---|---|---|---|\n",
    );
    for (case, seen) in cases.iter().zip(seen) {
        let env: String = seen.env.iter().map(|(k, v)| format!("{k}={v} ")).collect();
        let args: Vec<String> = case
            .args
            .iter()
            .map(|a| a.replace("{url}", "$URL"))
            .map(|a| if a.is_empty() || a.contains([' ', '[', '*']) { format!("'{a}'") } else { a })
            .collect();
        out.push_str(&format!(
            "| {} | {} | {} | `{env}cargo wear {}` | {} | {} | {} |\n",
            case.id,
            case.kind.name(),
            cell(case.input),
            cell(&args.join(" ")),
            seen.exit,
            cell(&seen.error),
            cell(&seen.help),
        ));
    }
    out
}

/// The guide's chapter that holds the table.
const CHAPTER: &str = "docs/src/bad-input.md";

/// Compares the guide's block between the markers with `table`, or rewrites it when
/// `UPDATE_EXPECT=1`.
fn expect_guide_block(name: &str, table: &str) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("..").join(CHAPTER);
    let text = std::fs::read_to_string(&path).expect(CHAPTER);
    let (begin, end) = (format!("<!-- {name}:begin -->\n"), format!("<!-- {name}:end -->"));
    let start =
        text.find(&begin).unwrap_or_else(|| panic!("{CHAPTER} has no `{begin}` marker")) + begin.len();
    let stop = text[start..].find(&end).unwrap_or_else(|| panic!("{CHAPTER} has no `{end}` marker")) + start;
    if std::env::var_os("UPDATE_EXPECT").is_some_and(|v| v == "1") {
        let updated = format!("{}{table}{}", &text[..start], &text[stop..]);
        std::fs::write(&path, updated).expect(CHAPTER);
        return;
    }
    let current = &text[start..stop];
    if current != table {
        let diff: Vec<String> = current
            .lines()
            .zip(table.lines())
            .filter(|(a, b)| a != b)
            .map(|(a, b)| format!("- {a}\n+ {b}"))
            .take(10)
            .collect();
        panic!(
            "{CHAPTER}'s bad input table differs from what users see (UPDATE_EXPECT=1 rewrites it):\n{}\n\
             ({} lines in the guide, {} now)",
            diff.join("\n"),
            current.lines().count(),
            table.lines().count()
        );
    }
}

#[test]
fn every_bad_input_gets_a_clear_error_and_changes_nothing() {
    let cases = cases();
    let mut ids: Vec<&str> = cases.iter().map(|c| c.id).collect();
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), cases.len(), "case ids are unique");
    let ledger = ledger_bytes();
    // Every case runs, so one run shows every case that fails.
    let results: Vec<_> = cases
        .iter()
        .map(|case| std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| run(case, &ledger))))
        .collect();
    let failed: Vec<&str> =
        cases.iter().zip(&results).filter(|(_, r)| r.is_err()).map(|(c, _)| c.id).collect();
    assert!(failed.is_empty(), "cases that failed (messages above): {failed:?}");
    let seen: Vec<Seen> = results.into_iter().flatten().collect();
    for kind in [Kind::Argument, Kind::File, Kind::Env, Kind::Http] {
        let n = cases.iter().filter(|c| c.kind == kind).count();
        println!("{}: {n} cases", kind.name());
    }
    expect_guide_block("bad-input", &render(&cases, &seen));
}
