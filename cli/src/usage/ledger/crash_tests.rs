//! A crash inside an ingest leaves the ledger as it was: a child process (this test binary
//! run again) ingests a large batch and is killed with SIGKILL while its transaction has
//! written into the ledger file but not committed; the next open rolls the file back to the
//! same bytes and rows. The same for a fleet period: after the crash the ledger's last period
//! is where it was, so the next ingest reads and records the same stretch, once.
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use wear::snapshot::{PartReading, ProcessInfo, Snapshot};

use super::period_tests::period;
use crate::usage::Ledger;

/// Tells the child test where the ledger and the batch are.
const DIR_VAR: &str = "WEAR_TEST_CRASH_DIR";
/// The child prints this once everything is written and the transaction is still open.
const INSIDE: &str = "inside the ingest transaction";
const CHILD: &str = "usage::ledger::crash_tests::child_ingests_and_stops_before_commit";

fn snapshot(instance: &str, parts: usize, calls: u64) -> Snapshot {
    Snapshot {
        format: "wear-snapshot/1".to_owned(),
        process: ProcessInfo {
            service: "shop".to_owned(),
            version: "0.1.0".to_owned(),
            revision: None,
            instance: instance.to_owned(),
            pid: 1,
            started_at: "2026-11-21T09:00:00.000Z".to_owned(),
            taken_at: "2026-11-21T10:00:00.000Z".to_owned(),
            collect_us: 1,
        },
        parts: (0..parts)
            .map(|i| PartReading {
                path: format!("shop::module_{}::function_with_a_long_name_{i}", i % 50),
                file: "src/lib.rs".to_owned(),
                lines: [1, 2],
                serial: format!("{i:016x}"),
                calls: calls + i as u64,
                failures: Some(i as u64 % 7),
                busy_ns: Some(1_000 * i as u64),
                latency_ns: None,
                limits: None,
            })
            .collect(),
    }
}

fn batch_pattern(dir: &Path) -> String {
    dir.join("batch/*.json").to_string_lossy().into_owned()
}

fn journal_of(ledger: &Path) -> PathBuf {
    ledger.with_file_name("ledger.sqlite-journal")
}

/// What a child does inside its transaction: says so, and waits to be killed.
fn say_inside_and_wait() {
    let mut out = std::io::stdout();
    writeln!(out, "\n{INSIDE}").unwrap();
    out.flush().unwrap();
    std::thread::sleep(std::time::Duration::from_secs(120));
}

/// Runs the test `child` of this binary in a child process working in `dir`, and kills it with
/// SIGKILL once it says it is inside its transaction.
fn kill_inside_the_transaction(child: &str, dir: &Path) {
    let mut process = Command::new(std::env::current_exe().unwrap())
        .args([child, "--exact", "--ignored", "--nocapture", "--test-threads=1"])
        .env(DIR_VAR, dir)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let stdout = process.stdout.take().unwrap();
    let reached = BufReader::new(stdout).lines().map_while(Result::ok).any(|line| line.contains(INSIDE));
    if !reached {
        let output = process.wait_with_output().unwrap();
        panic!("the child never reached the transaction: {}", String::from_utf8_lossy(&output.stderr));
    }
    process.kill().unwrap();
    assert!(!process.wait().unwrap().success(), "the child was killed");
}

#[test]
fn a_crash_inside_the_ingest_transaction_leaves_the_ledger_as_it_was() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("ledger.sqlite");
    let first = dir.path().join("first.json");
    snapshot("first", 20, 5).write_to(&first).unwrap();
    Ledger::open(&path).unwrap().ingest(&[first.to_string_lossy().into_owned()]).unwrap();
    std::fs::create_dir(dir.path().join("batch")).unwrap();
    for n in 0..6 {
        snapshot(&format!("batch{n}"), 3_000, 100)
            .write_to(&dir.path().join(format!("batch/{n}.json")))
            .unwrap();
    }
    let bytes_before = std::fs::read(&path).unwrap();
    let readings_before = Ledger::open(&path).unwrap().latest_readings().unwrap();
    assert_eq!(std::fs::read(&path).unwrap(), bytes_before, "opening and reading writes nothing");

    kill_inside_the_transaction(CHILD, dir.path());

    // The crash happened mid-write: the file holds uncommitted pages and a hot journal.
    let journal = journal_of(&path);
    assert!(journal.metadata().is_ok_and(|m| m.len() > 0), "the killed ingest left its journal");
    assert_ne!(std::fs::read(&path).unwrap(), bytes_before, "uncommitted pages reached the file");

    // The next open rolls it back: same rows, same bytes, no journal.
    let ledger = Ledger::open(&path).unwrap();
    assert_eq!(ledger.latest_readings().unwrap(), readings_before);
    drop(ledger);
    assert_eq!(std::fs::read(&path).unwrap(), bytes_before);
    assert!(!journal.exists());

    // And the batch that was cut short can be ingested afterwards.
    let summary = Ledger::open(&path).unwrap().ingest(&[batch_pattern(dir.path())]).unwrap();
    assert_eq!((summary.new_readings, summary.new_series), (6, 6));
}

const PERIOD_CHILD: &str = "usage::ledger::crash_tests::child_records_a_period_and_stops_before_commit";

#[test]
fn a_crash_inside_a_fleet_period_leaves_the_ledger_as_it_was_and_the_period_to_record() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("ledger.sqlite");
    Ledger::open(&path)
        .unwrap()
        .record_period("http://vm", &period(0, 100, 10, 3), &[], false, 0, || {})
        .unwrap();
    let bytes_before = std::fs::read(&path).unwrap();
    kill_inside_the_transaction(PERIOD_CHILD, dir.path());
    assert!(journal_of(&path).metadata().is_ok_and(|m| m.len() > 0), "the killed ingest left its journal");

    // Rolled back: the last period still ends at 100, and the next ingest goes on from there.
    let mut ledger = Ledger::open(&path).unwrap();
    assert_eq!(ledger.last_period_end("http://vm").unwrap(), Some(100));
    drop(ledger);
    assert_eq!(std::fs::read(&path).unwrap(), bytes_before);
    ledger = Ledger::open(&path).unwrap();
    ledger.record_period("http://vm", &period(100, 200, 20_000, 3), &[], true, 0, || {}).unwrap();
    assert_eq!(ledger.last_period_end("http://vm").unwrap(), Some(200));
}

/// Run by `a_crash_inside_a_fleet_period_...` in a child process, never on its own.
#[test]
#[ignore = "a child process of a_crash_inside_a_fleet_period_leaves_the_ledger_as_it_was_and_the_period_to_record"]
fn child_records_a_period_and_stops_before_commit() {
    let Some(dir) = std::env::var_os(DIR_VAR).map(PathBuf::from) else {
        return;
    };
    let mut ledger = Ledger::open(&dir.join("ledger.sqlite")).unwrap();
    ledger.conn.execute_batch("PRAGMA cache_size = 10").unwrap();
    let result =
        ledger.record_period("http://vm", &period(100, 200, 20_000, 3), &[], true, 0, say_inside_and_wait);
    panic!("the parent should have killed this process: {result:?}");
}

/// Run by `a_crash_inside_the_ingest_transaction_...` in a child process, never on its own.
#[test]
#[ignore = "a child process of a_crash_inside_the_ingest_transaction_leaves_the_ledger_as_it_was"]
fn child_ingests_and_stops_before_commit() {
    let Some(dir) = std::env::var_os(DIR_VAR).map(PathBuf::from) else {
        return;
    };
    let mut ledger = Ledger::open(&dir.join("ledger.sqlite")).unwrap();
    // A small page cache makes SQLite write uncommitted pages into the file before the commit,
    // as a large ingest would: the rollback then has real work to do.
    ledger.conn.execute_batch("PRAGMA cache_size = 10").unwrap();
    let result = ledger.ingest_with(&[batch_pattern(&dir)], say_inside_and_wait);
    panic!("the parent should have killed this process: {result:?}");
}
