//! `cargo wear` end to end: the real binary on a real workspace whose git history is built
//! with git2 at chosen dates, with snapshot files as the runtime writes them. Checks ages,
//! statuses, forecasts, the ledger, sign-offs, every output format against expected files,
//! the gate's exit codes, and that bad input changes nothing.
mod support;

use serde_json::Value;
use support::{Fixture, Reading, expect_file, snapshot, tree_bytes};

const NOW: &str = "2026-11-21";

const FIRST: &str = "\
#[wear::tracked]
pub fn hot() -> u32 {
    1
}

#[wear::tracked(limit_calls = 100)]
pub fn limited() {}

#[wear::tracked]
pub fn changed() -> u32 {
    1
}
";

const SECOND: &str = "\
#[wear::tracked]
pub fn hot() -> u32 {
    1
}

#[wear::tracked(limit_calls = 100)]
pub fn limited() {}

#[wear::tracked]
pub fn changed() -> u32 {
    2
}

#[wear::tracked]
pub fn idle() {}

#[wear::tracked]
pub fn cold() {}
";

const POLICY: &str = "[defaults]\nage = \"730d\"\n";

fn r<'a>(path: &'a str, serial: &'a str, calls: u64) -> Reading<'a> {
    Reading { path, serial, calls, busy_ns: None }
}

/// The fleet: three parts written by Ana on 2025-01-10; Bo changed `changed` and added
/// `idle` and `cold` on 2026-06-01. Usage: two processes in November 2026, the first read
/// twice, from a build that still had the old `changed`.
fn fleet() -> Fixture {
    let fx = Fixture::new("fleet");
    fx.write("src/lib.rs", FIRST);
    fx.write("wear.toml", POLICY);
    fx.commit("first parts", "Ana", "2025-01-10");
    let old = fx.serials();
    fx.write("src/lib.rs", SECOND);
    fx.commit("change and add parts", "Bo", "2026-06-01");
    let new = fx.serials();
    assert_ne!(old["fleet::changed"], new["fleet::changed"], "an edit makes a new serial");

    let (hot, limited, changed) = (&new["fleet::hot"], &new["fleet::limited"], &old["fleet::changed"]);
    let (idle, cold) = (&new["fleet::idle"], &new["fleet::cold"]);
    let early = snapshot(
        "a1",
        "2026-11-01T00:00:00Z",
        "2026-11-05T00:00:00Z",
        &[r("fleet::hot", hot, 400), r("fleet::limited", limited, 90), r("fleet::changed", changed, 200)],
    );
    let late = snapshot(
        "a1",
        "2026-11-01T00:00:00Z",
        "2026-11-11T00:00:00Z",
        &[
            r("fleet::hot", hot, 600),
            r("fleet::limited", limited, 150),
            r("fleet::changed", changed, 500),
            r("fleet::idle", idle, 0),
            r("fleet::cold", cold, 5),
        ],
    );
    let other = snapshot("b2", "2026-11-06T00:00:00Z", "2026-11-11T00:00:00Z", &[r("fleet::hot", hot, 400)]);
    fx.write("usage/a1-early.json", &early);
    fx.write("usage/a1-late.json", &late);
    fx.write("usage/b2.json", &other);
    fx
}

fn report_json(fx: &Fixture, extra: &[&str]) -> Value {
    let mut args = vec!["report", "--now", NOW, "--format", "json"];
    args.extend_from_slice(extra);
    let out = fx.wear(&args).output().expect("report runs");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).expect("json report")
}

fn part<'a>(report: &'a Value, path: &str) -> &'a Value {
    report["parts"].as_array().expect("parts").iter().find(|p| p["path"] == path).expect("part in report")
}

#[test]
fn the_due_list_joins_ages_usage_and_policy() {
    let fx = fleet();
    let report = report_json(&fx, &["--usage", "usage/*.json"]);
    let order: Vec<&str> =
        report["parts"].as_array().expect("parts").iter().map(|p| p["path"].as_str().unwrap_or("")).collect();
    assert_eq!(order, ["fleet::limited", "fleet::hot", "fleet::cold", "fleet::idle", "fleet::changed"]);

    let limited = part(&report, "fleet::limited");
    assert_eq!(limited["status"], "overdue");
    assert_eq!(limited["calls_since_overhaul"], 150, "latest reading of its series");
    assert_eq!(limited["nearest"]["kind"], "calls");
    assert_eq!(limited["nearest"]["percent"], 150.0);

    let hot = part(&report, "fleet::hot");
    assert_eq!(hot["status"], "due-soon", "680 of 730 days");
    assert_eq!(hot["calls_since_overhaul"], 1000, "two processes add up");
    assert_eq!(hot["overhauled_at"], "2025-01-10T12:00:00Z");
    assert_eq!(hot["projected_due"], "2027-01-10T12:00:00Z", "the age limit comes first");
    assert_eq!(hot["authors"], serde_json::json!(["Ana"]));

    let changed = part(&report, "fleet::changed");
    assert_eq!(changed["status"], "unknown", "no usage of its current serial");
    assert_eq!(changed["calls_since_overhaul"], Value::Null);
    assert_eq!(changed["calls_since_new"], 500);
    assert_eq!(changed["overhauled_at"], "2026-06-01T12:00:00Z");
    assert_eq!(changed["oldest_line_at"], "2025-01-10T12:00:00Z");
    assert_eq!(changed["commits"], 2);
    assert_eq!(changed["authors"], serde_json::json!(["Ana", "Bo"]));
    assert!(changed["remarks"][0].as_str().unwrap_or("").contains("no usage of the current serial"));

    assert_eq!(part(&report, "fleet::idle")["status"], "in-storage");
    assert_eq!(part(&report, "fleet::cold")["status"], "serviceable");
    assert_eq!(report["usage_window"]["from"], "2026-11-01T00:00:00Z");
    assert_eq!(report["usage_window"]["to"], "2026-11-11T00:00:00Z");
}

#[test]
fn every_format_matches_its_expected_file_and_is_reproducible() {
    let fx = fleet();
    for (format, file) in [
        ("table", "table.txt"),
        ("json", "report.json"),
        ("markdown", "report.md"),
        ("sarif", "report.sarif"),
        ("github", "github.txt"),
        ("junit", "junit.xml"),
    ] {
        let run = || {
            let out = fx
                .wear(&["report", "--now", NOW, "--usage", "usage/*.json", "--format", format])
                .output()
                .expect("runs");
            assert!(out.status.success(), "{format}: {}", String::from_utf8_lossy(&out.stderr));
            String::from_utf8(out.stdout).expect("utf-8")
        };
        let first = run();
        assert_eq!(first, run(), "{format}: the same inputs give the same bytes");
        expect_file(&format!("e2e/{file}"), &first);
    }
    // --output writes the same bytes to a file.
    fx.wear(&[
        "report",
        "--now",
        NOW,
        "--usage",
        "usage/*.json",
        "--format",
        "sarif",
        "--output",
        "wear.sarif",
    ])
    .assert()
    .success();
    expect_file("e2e/report.sarif", &fx.read("wear.sarif"));
}

#[test]
fn check_exits_by_fail_on_and_a_sign_off_restarts_the_interval() {
    let fx = fleet();
    let check = |extra: &[&str]| {
        let mut args = vec!["check", "--now", NOW, "--usage", "usage/*.json"];
        args.extend_from_slice(extra);
        fx.wear(&args).output().expect("check runs").status.code()
    };
    assert_eq!(check(&[]), Some(1), "fleet::limited is overdue");

    fx.wear(&[
        "inspect",
        "fleet::limited",
        "--note",
        "looked at the limit",
        "--by",
        "Cy",
        "--now",
        NOW,
        "--usage",
        "usage/*.json",
    ])
    .assert()
    .success();
    let logbook = fx.logbook_text();
    assert!(logbook.contains("part = \"fleet::limited\""), "{logbook}");
    assert!(logbook.contains("calls = 150"), "{logbook}");
    assert!(logbook.contains("by = \"Cy\""), "{logbook}");

    let report = report_json(&fx, &["--usage", "usage/*.json"]);
    let limited = part(&report, "fleet::limited");
    assert_eq!(limited["calls_since_overhaul"], 0, "counted from the sign-off");
    assert_eq!(limited["signed_off_at"], "2026-11-21T00:00:00Z");
    assert_eq!(check(&[]), Some(0), "nothing overdue after the sign-off");
    assert_eq!(check(&["--fail-on", "due-soon"]), Some(1), "fleet::hot is due soon");
}

#[test]
fn ingesting_twice_counts_once_and_reports_read_the_ledger() {
    let fx = fleet();
    for _ in 0..2 {
        fx.wear(&["ingest", "usage/a1-early.json", "usage/a1-late.json", "usage/b2.json"]).assert().success();
    }
    let from_ledger = report_json(&fx, &[]);
    let from_files = report_json(&fx, &["--no-ledger", "--usage", "usage/*.json"]);
    assert_eq!(from_ledger, from_files);
    let both = report_json(&fx, &["--usage", "usage/*.json"]);
    assert_eq!(
        part(&both, "fleet::hot")["calls_since_overhaul"],
        1000,
        "a series in both is not counted twice"
    );
}

#[test]
fn uncommitted_edits_count_as_changed_now() {
    let fx = fleet();
    fx.write("src/lib.rs", &SECOND.replace("    1\n}", "    // tuned\n    3\n}"));
    let report = report_json(&fx, &["--usage", "usage/*.json"]);
    let hot = part(&report, "fleet::hot");
    assert_eq!(hot["overhauled_at"], "2026-11-21T00:00:00Z");
    assert_eq!(hot["calls_since_overhaul"], Value::Null, "the edited part has a new serial");
    assert!(hot["remarks"].to_string().contains("not committed"), "{hot}");
}

#[test]
fn a_shallow_clone_says_its_ages_are_lower_bounds() {
    let fx = fleet();
    let clone = tempfile::tempdir().expect("tempdir");
    let status = std::process::Command::new("git")
        .args(["clone", "-q", "--depth", "1"])
        .arg(format!("file://{}", fx.root().display()))
        .arg(clone.path())
        .status()
        .expect("git clone");
    assert!(status.success());
    let out = assert_cmd::Command::cargo_bin("cargo-wear")
        .expect("binary")
        .current_dir(clone.path())
        .args(["wear", "report", "--now", NOW, "--format", "json", "--usage"])
        .arg(fx.path("usage/a1-late.json"))
        .env("CARGO_TARGET_DIR", clone.path().join("target"))
        .output()
        .expect("runs");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let report: Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(report["shallow"], true);
    let hot = part(&report, "fleet::hot");
    assert_eq!(hot["overhauled_at"], "2026-06-01T12:00:00Z", "the boundary commit's date: a lower bound");
    assert!(hot["remarks"].to_string().contains("lower bound"), "{hot}");
}

/// Runs a command that must fail with exit 2, naming `needle`, and write nothing.
fn fails_cleanly(fx: &Fixture, args: &[&str], needle: &str) {
    let before = tree_bytes(fx.root());
    let out = fx.wear(args).output().expect("runs");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{args:?}: {stderr}");
    assert!(stderr.contains(needle), "{args:?}: expected {needle:?} in:\n{stderr}");
    assert!(out.stdout.is_empty(), "{args:?}: nothing on stdout");
    assert_eq!(tree_bytes(fx.root()), before, "{args:?} changed files");
}

#[test]
fn bad_input_is_a_clear_error_that_changes_nothing() {
    let fx = fleet();
    fx.wear(&["ingest", "usage/b2.json"]).assert().success();
    fx.write("usage/broken.json", "{\"format\": \"wear-snapshot/1\",\n  \"process\": ");
    fx.write(
        "bad-ledger.sqlite",
        "not a database at all, just text that is long enough to look like a header",
    );

    fails_cleanly(&fx, &["report", "--now", "yesterday"], "`yesterday`");
    fails_cleanly(&fx, &["report", "--usage", "usage/missing.json"], "missing.json");
    fails_cleanly(&fx, &["report", "--usage", "nothing/*.json"], "nothing/*.json");
    fails_cleanly(&fx, &["report", "--usage", "usage/broken.json"], "broken.json:2");
    fails_cleanly(&fx, &["ingest", "usage/b2.json", "usage/broken.json"], "broken.json");
    fails_cleanly(&fx, &["report", "--ledger", "bad-ledger.sqlite"], "bad-ledger.sqlite");
    fails_cleanly(&fx, &["inspect", "fleet::nope", "--note", "x", "--by", "Cy"], "no part `fleet::nope`");
    fails_cleanly(&fx, &["inspect", "fleet::hot", "--note", " ", "--by", "Cy"], "note is empty");
    fails_cleanly(&fx, &["init"], "wear.toml");
    fails_cleanly(&fx, &["report", "--manifest-path", "nowhere/Cargo.toml"], "no such manifest");
    fails_cleanly(&fx, &["report", "--format", "yaml"], "yaml");

    fails_cleanly(&fx, &["report", "--output", "no/such/folder/out.txt"], "out.txt");

    fx.write("wear-logbook.toml", "[[signoff]]\npart = \"fleet::hot\"\nserial = 12\n");
    fails_cleanly(&fx, &["inspect", "fleet::hot", "--note", "ok", "--by", "Cy"], "wear-logbook.toml:3");
    fails_cleanly(&fx, &["report"], "wear-logbook.toml:3");
    std::fs::remove_file(fx.path("wear-logbook.toml")).expect("remove");

    fx.write("wear.toml", "[defaults]\nage = \"730d\"\ncals = 5\n");
    fails_cleanly(&fx, &["check"], "wear.toml:3");
}

#[test]
fn outside_git_is_a_clear_error() {
    let fx = Fixture::new("loose");
    fx.write("src/lib.rs", "#[wear::tracked]\npub fn f() {}\n");
    std::fs::remove_dir_all(fx.path(".git")).expect("no git");
    fails_cleanly(&fx, &["report"], "git");
    fx.wear(&["scan"]).assert().success().stdout(predicates::str::contains("loose::f"));
}

#[test]
fn init_writes_a_starter_policy_that_reports_read() {
    let fx = Fixture::new("fresh");
    fx.write("src/lib.rs", "#[wear::tracked]\npub fn f() {}\n");
    fx.commit("start", "Ana", "2026-01-01");
    fx.wear(&["init"]).assert().success();
    assert!(fx.read("wear.toml").contains("[defaults]"));
    let report = report_json(&fx, &[]);
    assert_eq!(part(&report, "fresh::f")["status"], "unknown");
    assert_eq!(part(&report, "fresh::f")["nearest"]["limit"], "365d");
}
