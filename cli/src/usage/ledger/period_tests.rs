//! Fleet periods in the ledger: each stretch of time is recorded once, even when two ingests
//! read the same stretch at the same time.
use std::path::PathBuf;

use super::Ledger;
use crate::usage::prometheus::{FleetReading, Gap, period_key};
use crate::usage::series::{Counts, PartSerial, Reading};

/// A period of the fleet `http://vm` from `from` to `to` (seconds): `parts` parts with `calls`
/// calls each, and a gap in its first minute. The crash tests record it too.
pub(super) fn period(from: i64, to: i64, parts: usize, calls: u64) -> FleetReading {
    let counts = Counts { calls, failures: None, busy_ns: None };
    let part = |i: usize| PartSerial {
        path: format!("shop::module_{}::function_with_a_long_name_{i}", i % 50),
        serial: format!("{i:016x}"),
    };
    FleetReading {
        reading: Reading {
            series: period_key("http://vm", from),
            service: "fleet period".to_owned(),
            taken_ms: to * 1000,
            source: PathBuf::from("http://vm"),
            parts: (0..parts).map(|i| (part(i), counts)).collect(),
        },
        gaps: vec![Gap { from, to: from + 60, why: "down".to_owned() }],
    }
}

#[test]
fn a_period_read_while_another_was_recorded_is_refused_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("ledger.sqlite");
    let (mut first, mut second) = (Ledger::open(&path).unwrap(), Ledger::open(&path).unwrap());
    // Both read the ledger (no period yet), then both read the backend from the window's start.
    assert_eq!(first.last_period_end("http://vm").unwrap(), None);
    first.record_period("http://vm", &period(100, 200, 1, 5), &[], false, 0, || {}).unwrap();
    let err = second.record_period("http://vm", &period(100, 210, 1, 6), &[], false, 0, || {}).unwrap_err();
    assert!(err.message.contains("another ingest"), "{err}");
    assert_eq!(second.last_period_end("http://vm").unwrap(), Some(200));

    // The next one goes on from 200; a stale one from 150 is refused.
    second.record_period("http://vm", &period(200, 300, 1, 7), &[], true, 0, || {}).unwrap();
    assert!(first.record_period("http://vm", &period(150, 400, 1, 9), &[], true, 0, || {}).is_err());
    let calls: u64 =
        first.latest_readings().unwrap().iter().flat_map(|r| r.parts.values()).map(|c| c.calls).sum();
    assert_eq!(calls, 12, "5 + 7: each stretch once");
    assert_eq!(first.gaps().unwrap().len(), 2);
}
