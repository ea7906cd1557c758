//! Properties that must hold for every input, checked with `proptest` on a few hundred cases
//! each so they run in CI in seconds (issue 6, contracts 6 and 7). The ledger: recording a set
//! of readings in any order, any number of times and in any split into ingests gives the same
//! totals and the same kept readings as recording them once in order, on real SQLite files.
//! The parsers of outside input (snapshot JSON, OTLP JSON, Prometheus answers, `wear.toml`,
//! `wear-logbook.toml`) never panic: arbitrary bytes, arbitrary JSON and damaged copies of a
//! good document are either read or refused with an error that names where it came from, and
//! a good document cut short is always refused.
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use proptest::prelude::*;
use wear_cli::policy::{Logbook, parse_policy_text};
use wear_cli::usage::prometheus::response;
use wear_cli::usage::{Counts, Ledger, PartSerial, Reading, SeriesKey, UsageSet, otlp, snapshot};

fn config(cases: u32) -> ProptestConfig {
    ProptestConfig { cases, failure_persistence: None, ..ProptestConfig::default() }
}

// ---------------------------------------------------------------------------------------------
// The ledger

/// Readings of up to 4 series, each with up to 4 cumulative readings over 3 parts.
fn readings() -> impl Strategy<Value = Vec<Reading>> {
    let series = (0..4usize, prop::collection::vec((1..5u64, prop::collection::vec(0..1000u64, 3)), 1..5));
    prop::collection::vec(series, 1..5).prop_map(|all| {
        let mut out = Vec::new();
        let mut seen = std::collections::BTreeSet::new();
        for (instance, steps) in all {
            if !seen.insert(instance) {
                continue;
            }
            let mut taken_ms = 1_000_000;
            let mut calls = [0u64; 3];
            for (gap, adds) in steps {
                taken_ms += gap as i64 * 1000;
                let parts = (0..3)
                    .map(|p| {
                        calls[p] += adds[p];
                        let key = PartSerial { path: format!("shop::part_{p}"), serial: format!("{p:016x}") };
                        (key, Counts { calls: calls[p], failures: Some(calls[p] / 3), busy_ns: None })
                    })
                    .collect();
                out.push(Reading {
                    series: SeriesKey { instance: format!("i{instance}"), started_ms: 1_000_000 },
                    service: "shop".to_owned(),
                    taken_ms,
                    source: PathBuf::from(format!("i{instance}-{taken_ms}.json")),
                    parts,
                });
            }
        }
        out
    })
}

/// Totals per part and serial, and the kept reading of every series, from a ledger file.
fn ledger_state(path: &Path) -> (BTreeMap<String, u64>, Vec<(SeriesKey, i64)>) {
    let ledger = Ledger::open(path).expect("opens");
    let mut set = UsageSet::new();
    set.add_ledger(&ledger, None).expect("reads");
    let usage = set.usage();
    let totals = usage
        .parts
        .iter()
        .flat_map(|(path, serials)| serials.iter().map(move |(s, u)| (format!("{path}/{s}"), u.calls)))
        .collect();
    let mut kept: Vec<_> =
        ledger.latest_readings().expect("reads").into_iter().map(|r| (r.series, r.taken_ms)).collect();
    kept.sort();
    (totals, kept)
}

proptest! {
    #![proptest_config(config(64))]

    #[test]
    fn the_ledger_gives_the_same_totals_whatever_the_order_and_repeats(
        readings in readings(),
        order in prop::collection::vec(any::<prop::sample::Index>(), 1..24),
        cuts in prop::collection::vec(1..6usize, 1..6),
    ) {
        let dir = tempfile::tempdir().expect("tempdir");
        let once = dir.path().join("once.sqlite");
        Ledger::open(&once).expect("opens").record(&readings).expect("records");

        // Every reading at least once, then more picked at random (duplicates), in any order,
        // split into several ingests.
        let mut shuffled: Vec<Reading> = readings.clone();
        shuffled.extend(order.iter().map(|i| readings[i.index(readings.len())].clone()));
        let len = shuffled.len();
        for (k, i) in order.iter().enumerate() {
            shuffled.swap(k % len, i.index(len));
        }
        let mixed = dir.path().join("mixed.sqlite");
        let mut rest = &shuffled[..];
        let mut cuts = cuts.iter().cycle();
        while !rest.is_empty() {
            let n = (*cuts.next().expect("cycle")).min(rest.len());
            // A fresh connection per ingest, as separate `cargo wear ingest` runs would open.
            Ledger::open(&mixed).expect("opens").record(&rest[..n]).expect("records");
            rest = &rest[n..];
        }
        let expected = ledger_state(&once);
        prop_assert_eq!(ledger_state(&mixed), expected.clone());

        // And the totals are the latest reading of each series, summed.
        let mut sums: BTreeMap<String, u64> = BTreeMap::new();
        let mut latest: BTreeMap<&SeriesKey, &Reading> = BTreeMap::new();
        for r in &readings {
            let keep = latest.get(&r.series).is_none_or(|k| r.taken_ms > k.taken_ms);
            if keep {
                latest.insert(&r.series, r);
            }
        }
        for r in latest.values() {
            for (part, counts) in &r.parts {
                *sums.entry(format!("{}/{}", part.path, part.serial)).or_default() += counts.calls;
            }
        }
        prop_assert_eq!(expected.0, sums);
    }
}

// ---------------------------------------------------------------------------------------------
// The parsers

const SNAPSHOT: &str = r#"{
  "format": "wear-snapshot/1",
  "process": {"service": "shop", "version": "0.1.0", "instance": "a1", "pid": 42,
              "started_at": "2026-11-21T09:00:00Z", "taken_at": "2026-11-21T10:00:00Z", "collect_us": 10},
  "parts": [{"path": "shop::cart::add", "file": "src/cart.rs", "lines": [1, 9],
             "serial": "00000000000000aa", "calls": 12, "failures": 1, "busy_ns": 900}]
}
"#;

const OTLP: &str = r#"{"resourceMetrics":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"shop"}},{"key":"service.instance.id","value":{"stringValue":"a1"}}]},"scopeMetrics":[{"scope":{"name":"wear"},"metrics":[{"name":"wear.part.calls","unit":"{call}","sum":{"aggregationTemporality":2,"isMonotonic":true,"dataPoints":[{"attributes":[{"key":"code.function.name","value":{"stringValue":"shop::cart::add"}},{"key":"wear.part.serial","value":{"stringValue":"00000000000000aa"}}],"startTimeUnixNano":"1795251600000000000","timeUnixNano":"1795251660000000000","asInt":"40"}]}}]}]}]}
"#;

const PROMETHEUS: &str = r#"{"status":"success","data":{"resultType":"vector","result":[{"metric":{"code_function_name":"a::b","wear_part_serial":"00000000000000aa"},"value":[1763715600.000,"42"]}]},"warnings":["partial"]}"#;

const POLICY: &str =
    "[defaults]\nage = \"730d\"\ncalls = 100000\n\n[[rule]]\nparts = \"shop::cart::*\"\nage = \"90d\"\n";

const LOGBOOK: &str = "[[signoff]]\npart = \"shop::cart::add\"\nserial = \"00000000000000aa\"\ndate = 2026-11-21T00:00:00Z\ncalls = 12\nby = \"Cy\"\nnote = \"fine\"\n";

const FILE: &str = "under-test.json";
const URL: &str = "http://prometheus.test:9090";

/// Runs every parser on `bytes` and returns which accepted it; a panic fails the property.
/// A refusal must name the file (or the backend).
fn parse_all(bytes: &[u8]) -> [bool; 5] {
    let path = Path::new(FILE);
    let text = String::from_utf8_lossy(bytes);
    let named = |r: Result<(), wear_cli::Error>, name: &str| match r {
        Ok(()) => true,
        Err(e) => {
            let message = e.to_string();
            assert!(message.contains(name), "the error does not name {name}: {message}");
            false
        }
    };
    [
        named(snapshot::parse(path, bytes).map(drop), FILE),
        named(otlp::parse(path, bytes).map(drop), FILE),
        named(response::parse(URL, "q", &text).map(drop), URL),
        named(parse_policy_text(path, &text).map(drop), FILE),
        named(Logbook::parse(path, &text).map(drop), FILE),
    ]
}

/// A good document, damaged: cut, a byte changed, a byte removed or a byte inserted.
fn damaged(good: &'static str) -> impl Strategy<Value = Vec<u8>> {
    let len = good.len();
    (0..4u8, 0..len, any::<u8>()).prop_map(move |(how, at, byte)| {
        let mut bytes = good.as_bytes().to_vec();
        match how {
            0 => bytes.truncate(at),
            1 => bytes[at] = byte,
            2 => drop(bytes.remove(at)),
            _ => bytes.insert(at, byte),
        }
        bytes
    })
}

/// Arbitrary JSON, a few levels deep, with the keys the readers look for.
fn json() -> impl Strategy<Value = serde_json::Value> {
    let key = prop::sample::select(vec![
        "format",
        "process",
        "parts",
        "path",
        "serial",
        "calls",
        "taken_at",
        "started_at",
        "status",
        "data",
        "resultType",
        "result",
        "metric",
        "value",
        "resourceMetrics",
        "scopeMetrics",
        "metrics",
        "dataPoints",
        "asInt",
        "name",
        "sum",
        "x",
    ]);
    let leaf = prop_oneof![
        Just(serde_json::Value::Null),
        any::<bool>().prop_map(serde_json::Value::from),
        any::<i64>().prop_map(serde_json::Value::from),
        any::<f64>().prop_filter("finite", |f| f.is_finite()).prop_map(serde_json::Value::from),
        prop_oneof![Just("wear-snapshot/1".to_owned()), Just("success".to_owned()), ".{0,12}"]
            .prop_map(serde_json::Value::from),
    ];
    leaf.prop_recursive(4, 48, 6, move |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(serde_json::Value::from),
            prop::collection::btree_map(key.clone(), inner, 0..6).prop_map(|m| serde_json::Value::Object(
                m.into_iter().map(|(k, v)| (k.to_owned(), v)).collect()
            )),
        ]
    })
}

#[test]
fn the_good_documents_are_read() {
    let path = Path::new(FILE);
    snapshot::parse(path, SNAPSHOT.as_bytes()).expect("snapshot");
    assert_eq!(otlp::parse(path, OTLP.as_bytes()).expect("otlp").len(), 1);
    response::parse(URL, "q", PROMETHEUS).expect("prometheus");
    parse_policy_text(path, POLICY).expect("policy");
    assert_eq!(Logbook::parse(path, LOGBOOK).expect("logbook").entries().len(), 1);
}

proptest! {
    #![proptest_config(config(256))]

    #[test]
    fn arbitrary_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..512)) {
        parse_all(&bytes);
    }

    #[test]
    fn arbitrary_text_never_panics(text in "\\PC{0,200}") {
        parse_all(text.as_bytes());
    }

    #[test]
    fn arbitrary_json_never_panics(value in json()) {
        let compact = value.to_string();
        parse_all(compact.as_bytes());
        parse_all(format!("{compact}\n{compact}\n").as_bytes());
    }

    #[test]
    fn a_damaged_snapshot_never_panics(bytes in damaged(SNAPSHOT)) {
        parse_all(&bytes);
    }

    #[test]
    fn a_damaged_otlp_file_never_panics(bytes in damaged(OTLP)) {
        parse_all(&bytes);
    }

    #[test]
    fn a_damaged_prometheus_answer_never_panics(bytes in damaged(PROMETHEUS)) {
        parse_all(&bytes);
    }

    #[test]
    fn a_damaged_policy_never_panics(bytes in damaged(POLICY)) {
        parse_all(&bytes);
    }

    #[test]
    fn a_damaged_logbook_never_panics(bytes in damaged(LOGBOOK)) {
        parse_all(&bytes);
    }

    #[test]
    fn a_json_document_cut_short_is_refused(at in 0..SNAPSHOT.trim_end().len()) {
        let path = Path::new(FILE);
        prop_assert!(snapshot::parse(path, &SNAPSHOT.as_bytes()[..at]).is_err());
        prop_assert!(response::parse(URL, "q", &PROMETHEUS[..at.min(PROMETHEUS.len() - 1)]).is_err());
        let cut = at.min(OTLP.trim_end().len() - 1);
        // An empty OTLP file holds no lines at all; anything else cut short is broken.
        if !OTLP[..cut].trim().is_empty() {
            prop_assert!(otlp::parse(path, &OTLP.as_bytes()[..cut]).is_err());
        }
    }
}
