//! The usage ledger on real SQLite files in temporary folders: ingesting counts a reading once,
//! a batch with a bad file or a failure midway writes nothing, files that are not a wear ledger
//! are refused untouched, and `report`'s mix of ledger and `--usage` files counts each series
//! once.
use std::path::{Path, PathBuf};

use wear::snapshot::{PartReading, ProcessInfo, Snapshot};
use wear_cli::usage::{IngestSummary, Ledger, Reading, UsageSet};

const ADD_ITEM: &str = "shop::cart::Cart::add_item";
const SERIAL: &str = "00000000000000aa";

fn snapshot(instance: &str, started_at: &str, taken_at: &str, calls: u64) -> Snapshot {
    Snapshot {
        format: "wear-snapshot/1".to_owned(),
        process: ProcessInfo {
            service: "shop".to_owned(),
            version: "0.1.0".to_owned(),
            revision: None,
            instance: instance.to_owned(),
            pid: 4242,
            started_at: started_at.to_owned(),
            taken_at: taken_at.to_owned(),
            collect_us: 41,
        },
        parts: vec![PartReading {
            path: ADD_ITEM.to_owned(),
            file: "src/cart.rs".to_owned(),
            lines: [12, 30],
            serial: SERIAL.to_owned(),
            calls,
            failures: Some(failures_of(calls)),
            busy_ns: None,
            latency_ns: None,
            limits: None,
        }],
    }
}

/// The failures the test snapshots report for a number of calls.
fn failures_of(calls: u64) -> u64 {
    calls / 10
}

fn write(dir: &Path, name: &str, snapshot: &Snapshot) -> String {
    let path = dir.join(name);
    snapshot.write_to(&path).unwrap();
    path.to_string_lossy().into_owned()
}

/// Every row of every table, in a stable order: what "row for row unchanged" compares.
fn rows(ledger: &Path) -> Vec<String> {
    let conn = rusqlite::Connection::open(ledger).unwrap();
    let mut all = Vec::new();
    for (table, order) in
        [("series", "id"), ("readings", "series, taken_ms"), ("counts", "series, path, serial")]
    {
        let mut statement = conn.prepare(&format!("SELECT * FROM {table} ORDER BY {order}")).unwrap();
        let columns = statement.column_count();
        let mut query = statement.query([]).unwrap();
        while let Some(row) = query.next().unwrap() {
            let values: Vec<String> = (0..columns)
                .map(|i| format!("{:?}", row.get::<_, rusqlite::types::Value>(i).unwrap()))
                .collect();
            all.push(format!("{table}: {}", values.join(", ")));
        }
    }
    all
}

fn calls_from_ledger(path: &Path) -> u64 {
    let ledger = Ledger::open(path).unwrap();
    let mut set = UsageSet::new();
    set.add_ledger(&ledger, None).unwrap();
    set.usage().parts[ADD_ITEM][SERIAL].calls
}

/// Asserts that the file and its folder look exactly as before: same bytes, no journal left.
fn assert_unchanged(path: &Path, bytes: &[u8], rows_before: &[String]) {
    assert!(std::fs::read(path).unwrap() == bytes, "{} changed", path.display());
    let journal = path.with_file_name(format!("{}-journal", path.file_name().unwrap().to_string_lossy()));
    assert!(!journal.exists(), "a journal was left behind");
    assert_eq!(rows(path), rows_before);
}

#[test]
fn ingesting_the_same_files_twice_counts_them_once() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let files = vec![
        write(d, "a-1.json", &snapshot("a1", "2026-11-21T09:00:00Z", "2026-11-21T09:05:00Z", 10)),
        write(d, "a-2.json", &snapshot("a1", "2026-11-21T09:00:00Z", "2026-11-21T09:10:00Z", 25)),
        write(d, "b.json", &snapshot("b2", "2026-11-21T09:00:00Z", "2026-11-21T09:07:00Z", 7)),
    ];
    let path = d.join("target/wear/ledger.sqlite");
    let mut ledger = Ledger::open(&path).unwrap();
    assert!(path.is_file(), "the ledger and its folders are created");
    let first = ledger.ingest(&files).unwrap();
    assert_eq!(
        first,
        IngestSummary { files: 3, new_readings: 3, already_known: 0, series: 2, new_series: 2 }
    );
    drop(ledger);
    assert_eq!(calls_from_ledger(&path), 32);
    let rows_once = rows(&path);

    let mut ledger = Ledger::open(&path).unwrap();
    let again = ledger.ingest(&[d.join("*.json").to_string_lossy().into_owned()]).unwrap();
    assert_eq!(
        again,
        IngestSummary { files: 3, new_readings: 0, already_known: 3, series: 2, new_series: 0 }
    );
    drop(ledger);
    assert_eq!(rows(&path), rows_once);
    assert_eq!(calls_from_ledger(&path), 32);

    // The same reading copied under another name is still the same reading.
    let copy = d.join("copy-of-b.json");
    std::fs::copy(d.join("b.json"), &copy).unwrap();
    let mut ledger = Ledger::open(&path).unwrap();
    let copied = ledger.ingest(&[copy.to_string_lossy().into_owned()]).unwrap();
    assert_eq!((copied.new_readings, copied.already_known), (0, 1));
    drop(ledger);
    assert_eq!(calls_from_ledger(&path), 32);
}

#[test]
fn the_ledger_keeps_the_latest_reading_of_each_series_across_ingests() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let path = d.join("ledger.sqlite");
    let mut ledger = Ledger::open(&path).unwrap();
    ledger
        .ingest(&[write(d, "late.json", &snapshot("a1", "2026-11-21T09:00:00Z", "2026-11-21T09:10:00Z", 25))])
        .unwrap();
    // An older reading of the same series arrives later: recorded, but it does not lower the count.
    let early = write(d, "early.json", &snapshot("a1", "2026-11-21T09:00:00Z", "2026-11-21T09:05:00Z", 10));
    let summary = ledger.ingest(&[early]).unwrap();
    assert_eq!((summary.new_readings, summary.new_series), (1, 0));
    // A restart of the same instance is a new series that adds up.
    let restart =
        write(d, "restart.json", &snapshot("a1", "2026-11-21T10:00:00Z", "2026-11-21T10:01:00Z", 3));
    assert_eq!(ledger.ingest(&[restart]).unwrap().new_series, 1);
    drop(ledger);
    assert_eq!(calls_from_ledger(&path), 28);
    let ledger = Ledger::open(&path).unwrap();
    let mut set = UsageSet::new();
    set.add_ledger(&ledger, None).unwrap();
    let usage = set.usage();
    assert_eq!(usage.series, 2);
    assert_eq!(usage.parts[ADD_ITEM][SERIAL].failures, Some(failures_of(25) + failures_of(3)));
}

#[test]
fn a_batch_with_one_bad_file_writes_nothing_and_names_the_file_and_line() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let path = d.join("ledger.sqlite");
    let mut ledger = Ledger::open(&path).unwrap();
    ledger
        .ingest(&[write(d, "old.json", &snapshot("a1", "2026-11-21T09:00:00Z", "2026-11-21T09:05:00Z", 10))])
        .unwrap();
    drop(ledger);
    let bytes = std::fs::read(&path).unwrap();
    let rows_before = rows(&path);

    let good = write(d, "good.json", &snapshot("b2", "2026-11-21T09:00:00Z", "2026-11-21T09:07:00Z", 7));
    let newer = write(d, "newer.json", &snapshot("a1", "2026-11-21T09:00:00Z", "2026-11-21T09:09:00Z", 50));
    let text = snapshot("c3", "2026-11-21T09:00:00Z", "2026-11-21T09:07:00Z", 7).to_json();
    let bad_text = text.replacen("\"calls\": 7", "\"calls\": -7", 1);
    let bad_line = 1 + bad_text.lines().position(|line| line.contains("-7")).unwrap();
    let bad = d.join("bad.json");
    std::fs::write(&bad, &bad_text).unwrap();

    let mut ledger = Ledger::open(&path).unwrap();
    let err = ledger.ingest(&[good, bad.to_string_lossy().into_owned(), newer]).unwrap_err();
    drop(ledger);
    assert_eq!(err.file.as_deref(), Some(bad.as_path()));
    assert_eq!(err.line, Some(bad_line));
    assert!(err.to_string().starts_with(&format!("{}:{bad_line}: ", bad.display())), "{err}");
    assert!(err.help.is_some());
    assert_unchanged(&path, &bytes, &rows_before);
    assert_eq!(calls_from_ledger(&path), 10);
}

#[test]
fn a_failure_midway_through_the_transaction_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let path = d.join("ledger.sqlite");
    let mut ledger = Ledger::open(&path).unwrap();
    let first = write(d, "a.json", &snapshot("a1", "2026-11-21T09:00:00Z", "2026-11-21T09:05:00Z", 10));
    ledger.ingest(&[first]).unwrap();
    let bytes = std::fs::read(&path).unwrap();
    let rows_before = rows(&path);

    // Readings built in code skip the file checks: the second one fails only when it is written,
    // after the first one was (inside the transaction).
    let mut set = UsageSet::new();
    set.add_files(&[
        write(d, "b.json", &snapshot("b2", "2026-11-21T09:00:00Z", "2026-11-21T09:07:00Z", 7)),
        write(d, "c.json", &snapshot("c3", "2026-11-21T09:00:00Z", "2026-11-21T09:07:00Z", 8)),
    ])
    .unwrap();
    let mut readings: Vec<Reading> = set.readings().cloned().collect();
    assert_eq!(readings[1].series.instance, "c3");
    readings[1].parts.values_mut().for_each(|counts| counts.calls = u64::MAX);
    let err = ledger.record(&readings).unwrap_err();
    assert!(err.message.contains("too large"), "{err}");
    drop(ledger);
    assert_unchanged(&path, &bytes, &rows_before);
}

#[test]
fn the_ledger_and_the_same_file_given_with_usage_count_once() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let path = d.join("ledger.sqlite");
    let a = write(d, "a.json", &snapshot("a1", "2026-11-21T09:00:00Z", "2026-11-21T09:05:00Z", 10));
    let b = write(d, "b.json", &snapshot("b2", "2026-11-21T09:00:00Z", "2026-11-21T09:05:00Z", 5));
    Ledger::open(&path).unwrap().ingest(&[a.clone(), b]).unwrap();
    let a_later =
        write(d, "a-later.json", &snapshot("a1", "2026-11-21T09:00:00Z", "2026-11-21T09:30:00Z", 40));

    let ledger = Ledger::open(&path).unwrap();
    let mut set = UsageSet::new();
    set.add_ledger(&ledger, None).unwrap();
    set.add_files(std::slice::from_ref(&a)).unwrap();
    assert_eq!(set.usage().parts[ADD_ITEM][SERIAL].calls, 15, "the series of a.json counts once");
    assert_eq!(set.usage().series, 2);

    // A newer reading of a series from a file replaces the ledger's, it does not add to it.
    set.add_files(&[a_later]).unwrap();
    assert_eq!(set.usage().parts[ADD_ITEM][SERIAL].calls, 45);
    // And in the other order (files first, then the ledger) the result is the same.
    let mut other = UsageSet::new();
    other.add_files(&[d.join("a*.json").to_string_lossy().into_owned()]).unwrap();
    other.add_ledger(&ledger, None).unwrap();
    assert_eq!(other.usage(), set.usage());
}

#[test]
fn a_file_that_is_not_a_wear_ledger_is_refused_and_left_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let snapshot_file =
        write(d, "a.json", &snapshot("a1", "2026-11-21T09:00:00Z", "2026-11-21T09:05:00Z", 10));

    let text = d.join("notes.txt");
    std::fs::write(&text, "these are not the droids you are looking for\n".repeat(40)).unwrap();
    let short = d.join("short.txt");
    std::fs::write(&short, "hi").unwrap();
    let other_app = d.join("other.sqlite");
    rusqlite::Connection::open(&other_app)
        .unwrap()
        .execute_batch("CREATE TABLE invoices (id INTEGER PRIMARY KEY); INSERT INTO invoices VALUES (1);")
        .unwrap();
    let newer = d.join("newer.sqlite");
    drop(Ledger::open(&newer).unwrap());
    rusqlite::Connection::open(&newer).unwrap().execute_batch("PRAGMA user_version = 3").unwrap();

    let cases = [
        (&text, "not an SQLite database"),
        (&short, "not an SQLite database"),
        (&other_app, "other tables (invoices)"),
        (&newer, "newer cargo-wear"),
        (&PathBuf::from(snapshot_file.clone()), "not an SQLite database"),
    ];
    for (path, says) in cases {
        let before = std::fs::read(path).unwrap();
        let err = Ledger::open(path).unwrap_err();
        assert_eq!(err.file.as_deref(), Some(path.as_path()));
        assert!(err.message.contains(says), "{}: {err}", path.display());
        assert!(err.help.is_some());
        let err = Ledger::open_existing(path).unwrap_err();
        assert!(err.message.contains(says), "{}: {err}", path.display());
        assert!(std::fs::read(path).unwrap() == before, "{} was changed", path.display());
        let journal = format!("{}-journal", path.display());
        assert!(!Path::new(&journal).exists());
    }

    let err = Ledger::open(d).unwrap_err();
    assert!(err.message.contains("folder"), "{err}");
}

#[test]
fn a_version_1_ledger_is_upgraded_in_place_with_everything_it_held() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let path = d.join("old.sqlite");
    let a = write(d, "a.json", &snapshot("a1", "2026-11-21T09:00:00Z", "2026-11-21T09:05:00Z", 10));
    let mut ledger = Ledger::open(&path).unwrap();
    ledger.ingest(std::slice::from_ref(&a)).unwrap();
    drop(ledger);
    // What cargo-wear 0.1 wrote: no gaps table, version 1.
    rusqlite::Connection::open(&path)
        .unwrap()
        .execute_batch("DROP TABLE fleet_gaps; PRAGMA user_version = 1;")
        .unwrap();
    let mut before = UsageSet::new();
    before.add_files(std::slice::from_ref(&a)).unwrap();

    let ledger = Ledger::open_existing(&path).unwrap().unwrap();
    let mut set = UsageSet::new();
    set.add_ledger(&ledger, None).unwrap();
    assert_eq!(set.usage(), before.usage(), "the readings are all there");
    let conn = rusqlite::Connection::open(&path).unwrap();
    let version: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0)).unwrap();
    assert_eq!(version, 2);
    let gaps: i64 = conn.query_row("SELECT count(*) FROM fleet_gaps", [], |r| r.get(0)).unwrap();
    assert_eq!(gaps, 0);
}

#[test]
fn an_empty_file_becomes_a_ledger_and_a_missing_one_is_not_created_by_readers() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let empty = d.join("empty.sqlite");
    std::fs::write(&empty, "").unwrap();
    let mut ledger = Ledger::open(&empty).unwrap();
    let a = write(d, "a.json", &snapshot("a1", "2026-11-21T09:00:00Z", "2026-11-21T09:05:00Z", 10));
    assert_eq!(ledger.ingest(&[a]).unwrap().new_readings, 1);

    let missing = d.join("nowhere/ledger.sqlite");
    assert!(Ledger::open_existing(&missing).unwrap().is_none());
    assert!(!d.join("nowhere").exists());
    let ledger = Ledger::open_existing(&empty).unwrap().unwrap();
    assert_eq!(ledger.path(), empty);
}

#[test]
fn an_unwritable_location_is_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    // A regular file where a folder should be: no one, not even root, can create the ledger.
    std::fs::write(d.join("target"), "a file, not a folder").unwrap();
    let path = d.join("target/wear/ledger.sqlite");
    let err = Ledger::open(&path).unwrap_err();
    assert_eq!(err.file.as_deref(), Some(path.as_path()));
    assert!(err.message.contains("cannot create the ledger's folder"), "{err}");
    assert!(err.message.contains("is a file, not a folder"), "{err}");
    assert!(err.help.unwrap().contains("--ledger"));
    assert_eq!(std::fs::read_to_string(d.join("target")).unwrap(), "a file, not a folder");
}

#[test]
fn ingesting_nothing_or_a_missing_file_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("ledger.sqlite");
    let mut ledger = Ledger::open(&path).unwrap();
    let rows_before = rows(&path);
    assert!(ledger.ingest(&[]).unwrap_err().message.contains("no snapshot files"));
    let missing = dir.path().join("missing.json").to_string_lossy().into_owned();
    assert!(ledger.ingest(&[missing]).unwrap_err().message.contains("no such file"));
    let pattern = dir.path().join("*.json").to_string_lossy().into_owned();
    assert!(ledger.ingest(&[pattern]).unwrap_err().message.contains("no snapshot file matches"));
    drop(ledger);
    assert_eq!(rows(&path), rows_before);
}
