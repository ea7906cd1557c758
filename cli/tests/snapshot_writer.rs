//! The runtime writes `wear-snapshot/1` JSON itself since it dropped serde_json (issue 16,
//! `runtime/src/exporters/json.rs`); these properties check, on arbitrary snapshots (any characters in
//! every string, control characters, quotes, backslashes and non-ASCII weighted in; counts from
//! 0 to `u64::MAX`), that what it writes:
//!
//! - is byte for byte what serde_json's `to_string_pretty` wrote for the same snapshot when the
//!   structs derived `Serialize` (the derive is mirrored here), so every reader sees the same
//!   files as before;
//! - reads back through serde_json into the same snapshot, every field compared
//!   (`tests/tests/snapshot_json`, strict about missing, mistyped and unknown fields);
//! - reads through `cargo wear`'s own reader (`wear_cli::usage::snapshot::parse`) into the same
//!   instance, service, instants and counts, or is refused by it, naming the file, exactly when
//!   the snapshot breaks one of that reader's rules (a blank instance or path, a count above
//!   `i64::MAX`, taken before started).
use std::collections::BTreeMap;
use std::path::Path;

use proptest::prelude::*;
use serde::Serialize;
use wear::snapshot::{Latency, PartLimits, PartReading, ProcessInfo, Snapshot};
use wear_cli::usage::{Counts, PartSerial, snapshot as reader};

#[path = "../../tests/tests/snapshot_json/mod.rs"]
mod snapshot_json;

fn config(cases: u32) -> ProptestConfig {
    ProptestConfig { cases, failure_persistence: None, ..ProptestConfig::default() }
}

// ---------------------------------------------------------------------------------------------
// Arbitrary snapshots

/// Text of any characters, with what JSON must escape (and what a naive writer gets wrong)
/// weighted in.
fn text() -> impl Strategy<Value = String> {
    let tricky = prop::sample::select(vec![
        '"',
        '\\',
        '/',
        '\n',
        '\r',
        '\t',
        '\u{8}',
        '\u{c}',
        '\0',
        '\u{1b}',
        '\u{1f}',
        '\u{7f}',
        '\u{80}',
        'é',
        '\u{2028}',
        '\u{202e}',
        '\u{feff}',
        '\u{fffd}',
        '\u{10ffff}',
        '🦀',
        ' ',
    ]);
    let control = (0u32..0x20).prop_map(|c| char::from_u32(c).expect("below 0x20 is a char"));
    prop::collection::vec(prop_oneof![3 => any::<char>(), 2 => tricky, 1 => control], 0..20)
        .prop_map(|chars| chars.into_iter().collect())
}

/// A count, often at an edge: 0, `i64::MAX` (the most `cargo wear` takes) and one more, `u64::MAX`.
fn count() -> impl Strategy<Value = u64> {
    prop_oneof![
        2 => 0..1_000u64,
        1 => Just(0),
        1 => Just(i64::MAX as u64),
        1 => Just(i64::MAX as u64 + 1),
        1 => Just(u64::MAX),
        2 => any::<u64>(),
    ]
}

/// The last instant jiff (so `cargo wear`) reads, 9999-12-30T22:00:00Z: a day short of the
/// last one RFC 3339 writes with four digits, so that any offset still gives a year 9999.
const LAST_MS: i64 = 253_402_207_200_000;

/// Milliseconds from 1970 to [`LAST_MS`].
fn instant() -> impl Strategy<Value = i64> {
    prop_oneof![1 => Just(0i64), 1 => Just(LAST_MS), 4 => 0..=LAST_MS]
}

/// An instant as the runtime writes it: `2026-11-21T09:05:00.123Z`.
fn rfc3339(ms: i64) -> String {
    let time = jiff::Timestamp::from_millisecond(ms).expect("within jiff's range");
    time.strftime("%Y-%m-%dT%H:%M:%S%.3fZ").to_string()
}

fn latency() -> impl Strategy<Value = Latency> {
    (count(), count(), count(), count(), count(), count())
        .prop_map(|(count, mean, p50, p90, p99, max)| Latency { count, mean, p50, p90, p99, max })
}

fn limits() -> impl Strategy<Value = PartLimits> {
    (prop::option::of(count()), prop::option::of(text()), prop::option::of(text()))
        .prop_map(|(calls, busy, interval)| PartLimits { calls, busy, interval })
}

fn part() -> impl Strategy<Value = PartReading> {
    let identity = (text(), text(), any::<[u32; 2]>(), any::<u64>());
    let counts = (count(), prop::option::of(count()), prop::option::of(count()));
    let extras = (prop::option::of(latency()), prop::option::of(limits()));
    (identity, counts, extras).prop_map(
        |((path, file, lines, serial), (calls, failures, busy_ns), (latency_ns, limits))| PartReading {
            path,
            file,
            lines,
            serial: format!("{serial:016x}"),
            calls,
            failures,
            busy_ns,
            latency_ns,
            limits,
        },
    )
}

/// A snapshot, with the instants it was started and taken at in milliseconds.
fn snapshot() -> impl Strategy<Value = (Snapshot, i64, i64)> {
    let process =
        (text(), text(), prop::option::of(text()), text(), any::<u32>(), instant(), instant(), count());
    (process, prop::collection::vec(part(), 0..6)).prop_map(
        |((service, version, revision, instance, pid, started, taken, collect_us), parts)| {
            let process = ProcessInfo {
                service,
                version,
                revision,
                instance,
                pid,
                started_at: rfc3339(started),
                taken_at: rfc3339(taken),
                collect_us,
            };
            (Snapshot { format: reader::FORMAT.to_owned(), process, parts }, started, taken)
        },
    )
}

// ---------------------------------------------------------------------------------------------
// What serde_json wrote when the structs derived `Serialize` (the derive as it was)

#[derive(Serialize)]
struct SerdeSnapshot<'a> {
    format: &'a str,
    process: SerdeProcess<'a>,
    parts: Vec<SerdePart<'a>>,
}

#[derive(Serialize)]
struct SerdeProcess<'a> {
    service: &'a str,
    version: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    revision: Option<&'a str>,
    instance: &'a str,
    pid: u32,
    started_at: &'a str,
    taken_at: &'a str,
    collect_us: u64,
}

#[derive(Serialize)]
struct SerdePart<'a> {
    path: &'a str,
    file: &'a str,
    lines: [u32; 2],
    serial: &'a str,
    calls: u64,
    #[serde(skip_serializing_if = "Option::is_none")]
    failures: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    busy_ns: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    latency_ns: Option<SerdeLatency>,
    #[serde(skip_serializing_if = "Option::is_none")]
    limits: Option<SerdeLimits<'a>>,
}

#[derive(Serialize)]
struct SerdeLatency {
    count: u64,
    mean: u64,
    p50: u64,
    p90: u64,
    p99: u64,
    max: u64,
}

#[derive(Serialize)]
struct SerdeLimits<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    calls: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    busy: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    interval: Option<&'a str>,
}

fn serde_json_text(s: &Snapshot) -> String {
    let p = &s.process;
    let mirror = SerdeSnapshot {
        format: &s.format,
        process: SerdeProcess {
            service: &p.service,
            version: &p.version,
            revision: p.revision.as_deref(),
            instance: &p.instance,
            pid: p.pid,
            started_at: &p.started_at,
            taken_at: &p.taken_at,
            collect_us: p.collect_us,
        },
        parts: s
            .parts
            .iter()
            .map(|part| SerdePart {
                path: &part.path,
                file: &part.file,
                lines: part.lines,
                serial: &part.serial,
                calls: part.calls,
                failures: part.failures,
                busy_ns: part.busy_ns,
                latency_ns: part.latency_ns.map(|l| SerdeLatency {
                    count: l.count,
                    mean: l.mean,
                    p50: l.p50,
                    p90: l.p90,
                    p99: l.p99,
                    max: l.max,
                }),
                limits: part.limits.as_ref().map(|l| SerdeLimits {
                    calls: l.calls,
                    busy: l.busy.as_deref(),
                    interval: l.interval.as_deref(),
                }),
            })
            .collect(),
    };
    serde_json::to_string_pretty(&mirror).expect("serialises")
}

// ---------------------------------------------------------------------------------------------
// The properties

/// What `cargo wear` must read from `snapshot`, or `None` when it must refuse it.
fn expected_reading(snapshot: &Snapshot, started: i64, taken: i64) -> Option<BTreeMap<PartSerial, Counts>> {
    let fits = |n: Option<u64>| n.is_none_or(|n| n <= i64::MAX as u64);
    let readable = !snapshot.process.instance.trim().is_empty()
        && taken >= started
        && snapshot
            .parts
            .iter()
            .all(|p| !p.path.trim().is_empty() && fits(Some(p.calls)) && fits(p.failures) && fits(p.busy_ns));
    readable.then(|| {
        let mut parts: BTreeMap<PartSerial, Counts> = BTreeMap::new();
        for p in &snapshot.parts {
            let counts = Counts { calls: p.calls, failures: p.failures, busy_ns: p.busy_ns };
            parts
                .entry(PartSerial { path: p.path.clone(), serial: p.serial.clone() })
                .or_default()
                .add(&counts);
        }
        parts
    })
}

proptest! {
    #![proptest_config(config(512))]

    #[test]
    fn written_json_is_what_serde_json_wrote(case in snapshot()) {
        let (snapshot, _, _) = case;
        prop_assert_eq!(snapshot.to_json(), serde_json_text(&snapshot));
    }

    #[test]
    fn written_json_reads_back_through_serde_json_field_for_field(case in snapshot()) {
        let (snapshot, _, _) = case;
        prop_assert_eq!(snapshot_json::parse(&snapshot.to_json()), snapshot);
    }

    #[test]
    fn written_json_reads_back_through_cargo_wear(case in snapshot()) {
        let (snapshot, started, taken) = case;
        let path = Path::new("usage/written.json");
        let json = snapshot.to_json();
        match (reader::parse(path, json.as_bytes()), expected_reading(&snapshot, started, taken)) {
            (Ok(reading), Some(parts)) => {
                prop_assert_eq!(&reading.series.instance, &snapshot.process.instance);
                prop_assert_eq!(reading.series.started_ms, started);
                prop_assert_eq!(reading.taken_ms, taken);
                prop_assert_eq!(&reading.service, &snapshot.process.service);
                prop_assert_eq!(reading.parts, parts);
            }
            (Err(error), None) => prop_assert_eq!(error.file.as_deref(), Some(path), "{}", error),
            (Ok(_), None) => prop_assert!(false, "cargo wear read a snapshot it must refuse:\n{}", json),
            (Err(error), Some(_)) => prop_assert!(false, "cargo wear refused a good snapshot: {}\n{}", error, json),
        }
    }
}

/// The strings the generator weighs in, written out: each escape as RFC 8259 gives it.
#[test]
fn every_kind_of_character_is_written_as_json_wants_it() {
    let mut snapshot = Snapshot {
        format: reader::FORMAT.to_owned(),
        process: ProcessInfo {
            service: "quote \" backslash \\ slash /".to_owned(),
            version: "\u{8}\u{c}\n\r\t\0\u{1b}\u{1f}".to_owned(),
            revision: None,
            instance: "é \u{2028} \u{202e} 🦀 \u{7f}".to_owned(),
            pid: 1,
            started_at: rfc3339(0),
            taken_at: "9999-12-31T23:59:59.999Z".to_owned(),
            collect_us: u64::MAX,
        },
        parts: Vec::new(),
    };
    let json = snapshot.to_json();
    assert!(json.contains(r#""service": "quote \" backslash \\ slash /""#), "{json}");
    assert!(json.contains(r#""version": "\b\f\n\r\t\u0000\u001b\u001f""#), "{json}");
    assert!(json.contains("\"instance\": \"é \u{2028} \u{202e} 🦀 \u{7f}\""), "{json}");
    assert!(json.contains(r#""started_at": "1970-01-01T00:00:00.000Z""#), "{json}");
    assert!(json.contains(r#""taken_at": "9999-12-31T23:59:59.999Z""#), "{json}");
    assert!(json.contains(r#""parts": []"#), "{json}");
    snapshot.process.revision = Some(String::new());
    assert_eq!(snapshot_json::parse(&snapshot.to_json()), snapshot);
}
