//! Records from the future (issue 18): a sign-off dated ahead of the clock is refused by
//! `inspect`, and one already in the logbook (typed by hand, made on a machine with a wrong
//! clock) does not silence its part: the report says it is not counted. Two readings of one
//! process run that contradict each other are not taken silently.
mod support;

use serde_json::Value;
use support::{Fixture, Reading, snapshot};

const NOW: &str = "2026-11-21";
const LIB: &str = "#[wear::tracked]\npub fn hot() -> u32 {\n    1\n}\n";

fn fixture() -> Fixture {
    let fx = Fixture::new("clocks");
    fx.write("src/lib.rs", LIB);
    fx.write("wear.toml", "[defaults]\ncalls = 5\n");
    fx.commit("hot", "Ada", "2026-01-10");
    let scan = fx.wear(&["scan", "--format", "json"]).output().expect("scan");
    let parts: Value = serde_json::from_slice(&scan.stdout).expect("json");
    let serial = parts[0]["serial"].as_str().expect("serial").to_owned();
    let reading = Reading { path: "clocks::hot", serial: &serial, calls: 7, busy_ns: None };
    fx.write("usage.json", &snapshot("i1", "2026-11-01T00:00:00Z", "2026-11-20T00:00:00Z", &[reading]));
    fx
}

fn inspect(fx: &Fixture, date: &str) -> std::process::Output {
    fx.wear(&["inspect", "clocks::hot", "--now", date, "--usage", "usage.json", "--no-ledger"])
        .args(["--note", "looked", "--by", "Ada"])
        .output()
        .expect("runs")
}

/// The part's status and remarks in the report made at `NOW`.
fn hot(fx: &Fixture) -> (String, Vec<String>) {
    let out = fx
        .wear(&["report", "--now", NOW, "--usage", "usage.json", "--no-ledger", "--format", "json"])
        .output()
        .expect("runs");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let report: Value = serde_json::from_slice(&out.stdout).expect("json");
    let part = &report["parts"][0];
    let remarks =
        part["remarks"].as_array().expect("remarks").iter().map(|r| r.as_str().unwrap_or("").to_owned());
    (part["status"].as_str().expect("status").to_owned(), remarks.collect())
}

#[test]
fn inspect_refuses_a_date_ahead_of_the_clock_and_writes_nothing() {
    let fx = fixture();
    let out = inspect(&fx, "2062-03-01");
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("error: --now 2062-03-01T00:00:00Z is after today"), "{stderr}");
    assert!(
        stderr.contains("give the date of the inspection, today or earlier; nothing was written"),
        "{stderr}"
    );
    assert!(
        !fx.path("wear-logbook").exists() && !fx.path("wear-logbook.toml").exists(),
        "no logbook was written"
    );
}

#[test]
fn a_sign_off_from_the_future_does_not_silence_its_part() {
    let fx = fixture();
    assert_eq!(hot(&fx).0, "overdue", "7 calls against a limit of 5");

    // A sign-off before the report's instant restarts the count: the part is no longer overdue.
    let out = inspect(&fx, "2026-11-20");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let signed = fx.logbook_text();
    assert_ne!(hot(&fx).0, "overdue", "a sign-off dated before the report counts");

    // The same sign-off dated decades ahead (typed by hand) is not counted, and said so.
    std::fs::remove_dir_all(fx.path("wear-logbook")).expect("remove");
    fx.write("wear-logbook.toml", &signed.replace("2026-11-20", "2062-03-01"));
    let (status, remarks) = hot(&fx);
    assert_eq!(status, "overdue", "a sign-off from the future does not silence the part");
    assert!(
        remarks.iter().any(|r| r
            == "the sign-off dated 2062-03-01 is after the report's instant (2026-11-21): it is not counted"),
        "{remarks:?}"
    );
}

#[test]
fn now_outside_the_dates_wear_works_with_is_refused_clearly() {
    let fx = fixture();
    for date in ["9999-12-31", "1969-12-31", "0001-01-01"] {
        let out = fx
            .wear(&["report", "--now", date, "--usage", "usage.json", "--no-ledger"])
            .output()
            .expect("runs");
        assert_eq!(out.status.code(), Some(2), "--now {date}");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(
            stderr.contains(&format!("error: --now `{date}` is outside the dates wear works with")),
            "{stderr}"
        );
        assert!(stderr.contains("give --now a date from 1970-01-01 to 9999-12-30"), "{stderr}");
        assert!(out.stdout.is_empty(), "no report for --now {date}");
    }
    for date in ["9999-12-30", "1970-01-01"] {
        let out = fx
            .wear(&["report", "--now", date, "--usage", "usage.json", "--no-ledger"])
            .output()
            .expect("runs");
        assert!(out.status.success(), "--now {date}: {}", String::from_utf8_lossy(&out.stderr));
    }
    let out = fx.wear(&["report", "--now", "2026-13-01"]).output().expect("runs");
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("`2026-13-01` is not a date"),
        "a wrong date is not a range"
    );
}

/// A snapshot of process `i1` (started 2026-11-01) taken at `taken` with `calls` calls.
fn reading(fx: &Fixture, taken: &str, calls: u64) -> String {
    let scan = fx.wear(&["scan", "--format", "json"]).output().expect("scan");
    let parts: Value = serde_json::from_slice(&scan.stdout).expect("json");
    let serial = parts[0]["serial"].as_str().expect("serial").to_owned();
    snapshot(
        "i1",
        "2026-11-01T00:00:00Z",
        taken,
        &[Reading { path: "clocks::hot", serial: &serial, calls, busy_ns: None }],
    )
}

#[test]
fn a_count_that_goes_down_within_one_process_run_is_said() {
    let fx = fixture();
    fx.write("early.json", &reading(&fx, "2026-11-10T00:00:00Z", 9));
    fx.write("late.json", &reading(&fx, "2026-11-12T00:00:00Z", 4));
    let out = fx
        .wear(&["report", "--now", NOW, "--usage", "early.json", "late.json", "--no-ledger"])
        .output()
        .expect("runs");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("late.json: the calls of clocks::hot went down from 9 (in early.json) to 4 within one process run (i1)"),
        "{stderr}"
    );
}

#[test]
fn two_readings_at_one_instant_with_different_counts_are_an_error() {
    let fx = fixture();
    fx.write("a.json", &reading(&fx, "2026-11-12T00:00:00Z", 9));
    fx.write("b.json", &reading(&fx, "2026-11-12T00:00:00Z", 4));
    fx.write("same.json", &reading(&fx, "2026-11-12T00:00:00Z", 9));
    let out = fx
        .wear(&["report", "--now", NOW, "--usage", "a.json", "b.json", "--no-ledger", "--output", "due.txt"])
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains(
            "error: a.json and b.json are readings of one process run (i1) at the same instant with different \
             counts: clocks::hot has 9 and 4 calls"
        ),
        "{stderr}"
    );
    assert!(stderr.contains("keep the file the process wrote and remove the other"), "{stderr}");
    assert!(!fx.path("due.txt").exists(), "no report was written");
    // The same reading twice (a copy) is one reading, not a contradiction.
    let out = fx
        .wear(&["report", "--now", NOW, "--usage", "a.json", "same.json", "--no-ledger"])
        .output()
        .expect("runs");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
}
