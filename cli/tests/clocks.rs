//! Records from the future (issue 18): a sign-off dated ahead of the clock is refused by
//! `inspect`, and one already in the logbook (typed by hand, made on a machine with a wrong
//! clock) does not silence its part: the report says it is not counted. Two readings of one
//! process run that contradict each other are not taken silently. A snapshot taken after
//! `--now` is left out and a commit dated after it counts as made at `--now`, both said.
mod support;

use serde_json::Value;
use support::edge::{Row, record};
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

/// `out` with the clock's reading in `after today (…)` left out, so the guide's row is stable.
fn without_today(out: &std::process::Output) -> std::process::Output {
    let stderr = String::from_utf8_lossy(&out.stderr);
    let stable = match stderr.split_once("after today (") {
        Some((before, rest)) => {
            format!("{before}after today (…){}", rest.split_once(')').map_or("", |(_, after)| after))
        }
        None => stderr.into_owned(),
    };
    std::process::Output { status: out.status, stdout: out.stdout.clone(), stderr: stable.into_bytes() }
}

fn inspect(fx: &Fixture, date: &str) -> std::process::Output {
    fx.wear(&["inspect", "clocks::hot", "--now", date, "--usage", "usage.json", "--no-ledger"])
        .args(["--note", "looked", "--by", "Ada"])
        .output()
        .expect("runs")
}

/// The part's status and remarks in the report made at `NOW`.
fn hot(fx: &Fixture) -> (String, Vec<String>) {
    let (status, remarks, _) = hot_run(fx);
    (status, remarks)
}

/// [`hot`] with the run's output.
fn hot_run(fx: &Fixture) -> (String, Vec<String>, std::process::Output) {
    let out = fx
        .wear(&["report", "--now", NOW, "--usage", "usage.json", "--no-ledger", "--format", "json"])
        .output()
        .expect("runs");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let report: Value = serde_json::from_slice(&out.stdout).expect("json");
    let part = &report["parts"][0];
    let remarks =
        part["remarks"].as_array().expect("remarks").iter().map(|r| r.as_str().unwrap_or("").to_owned());
    (part["status"].as_str().expect("status").to_owned(), remarks.collect(), out)
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
    record(Row {
        id: "T1",
        situation: "a sign-off dated ahead of the machine's clock",
        command: "inspect clocks::hot --now 2062-03-01 --note looked --by Ada",
        output: &without_today(&out),
        proof: "no logbook is written",
    });
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
    let (status, remarks, out) = hot_run(&fx);
    assert_eq!(status, "overdue", "a sign-off from the future does not silence the part");
    assert!(
        remarks.iter().any(|r| r
            == "the sign-off dated 2062-03-01 is after the report's instant (2026-11-21): it is not counted"),
        "{remarks:?}"
    );
    record(Row {
        id: "T2",
        situation: "a sign-off in the logbook dated after `--now` (typed by hand, a wrong clock)",
        command: "report --now 2026-11-21 --usage usage.json --format json",
        output: &out,
        proof: "the part stays overdue; its remarks say the sign-off is after the report's instant and not counted",
    });
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
        if date == "9999-12-31" {
            record(Row {
                id: "T3",
                situation: "`--now` past the last date wear works with (or before 1970)",
                command: "report --now 9999-12-31 --usage usage.json",
                output: &out,
                proof: "no report; 1970-01-01 and 9999-12-30 are accepted",
            });
        }
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
    record(Row {
        id: "T4",
        situation: "a later snapshot of one process run counts fewer calls than an earlier one",
        command: "report --now 2026-11-21 --usage early.json late.json",
        output: &out,
        proof: "the report is made from the later reading, and the warning names both files",
    });
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
    record(Row {
        id: "T5",
        situation: "two snapshots of one process run taken at the same instant with different counts",
        command: "report --now 2026-11-21 --usage a.json b.json --output due.txt",
        output: &out,
        proof: "no report is written; the same reading twice (a copy) is accepted",
    });
    // The same reading twice (a copy) is one reading, not a contradiction.
    let out = fx
        .wear(&["report", "--now", NOW, "--usage", "a.json", "same.json", "--no-ledger"])
        .output()
        .expect("runs");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
}

#[test]
fn a_snapshot_taken_after_now_is_left_out_and_said() {
    let fx = fixture();
    // Before --now: 3 calls, under the limit of 5. After it (a wrong clock, or a report made
    // for an earlier day): 9 calls of the same process run.
    fx.write("early.json", &reading(&fx, "2026-11-20T00:00:00Z", 3));
    fx.write("future.json", &reading(&fx, "2026-11-25T00:00:00Z", 9));
    let check = |now: &str, files: &[&str]| {
        let args = [&["check", "--now", now, "--no-ledger", "--usage"][..], files].concat();
        fx.wear(&args).output().expect("runs")
    };
    let out = check(NOW, &["early.json", "future.json"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "the gate goes by the reading before --now: {stderr}");
    assert!(
        stderr.contains(
            "warning: future.json: the reading of process run i1 is dated 2026-11-25T00:00:00Z, after the \
             report's instant (2026-11-21T00:00:00Z): its calls are not counted"
        ),
        "{stderr}"
    );
    assert!(
        stderr.contains("help: pass a later --now, or fix the clock of the machine that wrote it"),
        "{stderr}"
    );
    assert_eq!(check(NOW, &["early.json"]).status.code(), Some(0), "the same verdict without the file");
    // At a later instant the reading counts: 9 calls are over the limit.
    let later = check("2026-11-26", &["early.json", "future.json"]);
    assert_eq!(later.status.code(), Some(1), "{}", String::from_utf8_lossy(&later.stderr));
    assert!(!String::from_utf8_lossy(&later.stderr).contains("not counted"));
    record(Row {
        id: "T6",
        situation: "a usage snapshot taken (or its process started) after `--now`",
        command: "check --now 2026-11-21 --usage early.json future.json",
        output: &out,
        proof: "its calls are not counted (the gate passes as without the file); with `--now 2026-11-26` they are and the gate fails",
    });
}

#[test]
fn a_commit_dated_after_now_counts_as_made_at_now_and_is_said() {
    let fx = Fixture::new("clocks");
    fx.write("src/lib.rs", LIB);
    fx.write("wear.toml", "[defaults]\nage = \"365d\"\n");
    fx.commit("hot", "Ada", "2024-06-01");
    fx.write("src/lib.rs", &LIB.replace("    1\n", "    2\n"));
    let commit = fx.commit("hot: two", "Bob", "2027-03-01").to_string();
    let out = fx.wear(&["report", "--now", NOW, "--no-ledger", "--format", "json"]).output().expect("runs");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    let said = format!(
        "warning: clocks::hot: commit {} is dated 2027-03-01T12:00:00Z, after the report's instant \
         (2026-11-21T00:00:00Z): its lines count as changed at that instant (age 0)",
        &commit[..12]
    );
    assert!(stderr.contains(&said), "{stderr}");
    assert!(stderr.contains("help: pass a later --now, or fix the commit's author date"), "{stderr}");
    let report: Value = serde_json::from_slice(&out.stdout).expect("json");
    let part = &report["parts"][0];
    assert_eq!(part["overhauled_at"], report["now"], "the overhaul is at --now, not after it: {part}");
    assert_eq!(part["oldest_line_at"].as_str().map(|s| &s[..4]), Some("2024"), "{part}");
    assert_ne!(part["status"], "overdue", "changed at --now: age 0 against 365 days");
    assert!(
        part["remarks"]
            .as_array()
            .expect("remarks")
            .iter()
            .any(|r| r.as_str().is_some_and(|r| r.contains(&commit[..12]))),
        "the report itself says it: {part}"
    );
    record(Row {
        id: "T7",
        situation: "a commit whose author date is after `--now` (a wrong clock, or a report for an earlier day)",
        command: "report --now 2026-11-21 --format json",
        output: &out,
        proof: "the part's lines count as changed at `--now` (age 0, never negative); the part's remarks name the commit",
    });
}

#[test]
fn many_commits_after_now_are_named_five_and_counted_in_one_line() {
    let fx = Fixture::new("clocks");
    let mut source = String::new();
    for i in 0..7 {
        source.push_str(&format!("#[wear::tracked]\npub fn part_{i}() -> u32 {{\n    {i}\n}}\n\n"));
        fx.write("src/lib.rs", &source);
        fx.commit(&format!("part {i}"), "Ada", &format!("2027-03-0{}", i + 1));
    }
    let out = fx.wear(&["report", "--now", NOW, "--no-ledger", "--format", "json"]).output().expect("runs");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    let named = stderr.lines().filter(|l| l.starts_with("warning: clocks::part_")).count();
    assert_eq!(named, 5, "five commits named one by one: {stderr}");
    assert!(
        stderr.contains(
            "warning: 2 more commits are dated after the report's instant (2026-11-21T00:00:00Z), in the lines \
             of 2 more parts: each part's remarks name its commit"
        ),
        "the rest in one line: {stderr}"
    );
    let report: Value = serde_json::from_slice(&out.stdout).expect("json");
    let remarked = report["parts"]
        .as_array()
        .expect("parts")
        .iter()
        .filter(|p| {
            p["remarks"].as_array().is_some_and(|r| {
                r.iter().any(|r| r.as_str().is_some_and(|r| r.contains("after the report's instant")))
            })
        })
        .count();
    assert_eq!(remarked, 7, "every part's remarks still name its commit");
}
