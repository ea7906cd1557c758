//! OTLP JSON files as usage: lines written by hand the way the OpenTelemetry Collector's `file`
//! exporter writes them (protobuf JSON mapping: 64-bit integers as strings, enums as numbers),
//! read next to `wear-snapshot/1` files; and a clear error naming file and line, with nothing
//! written, for every kind of bad file.
mod support;

use serde_json::{Value, json};
use support::{Fixture, Reading, snapshot, tree_bytes};
use wear_cli::usage::UsageSet;

const HOT: &str = "shop::cart::Cart::add_item";
const IDLE: &str = "shop::idle";
const SERIAL: &str = "00000000000000aa";
const IDLE_SERIAL: &str = "00000000000000bb";
/// 2026-11-21T09:00:00Z and later instants, in nanoseconds.
const START_A: u64 = 1_795_251_600_000_000_000;
const START_B: u64 = START_A + 3_600_000_000_000;
const MINUTE: u64 = 60_000_000_000;

fn attr(key: &str, value: Value) -> Value {
    json!({"key": key, "value": value})
}

fn point(path: &str, serial: &str, start: u64, time: u64, value: Value) -> Value {
    let mut point = json!({
        "attributes": [
            attr("code.function.name", json!({"stringValue": path})),
            attr("code.file.path", json!({"stringValue": "src/cart.rs"})),
            attr("code.line.number", json!({"intValue": "12"})),
            attr("wear.part.serial", json!({"stringValue": serial})),
        ],
        "startTimeUnixNano": start.to_string(),
        "timeUnixNano": time.to_string(),
    });
    point.as_object_mut().expect("object").extend(value.as_object().expect("value").clone());
    point
}

fn sum(name: &str, unit: &str, temporality: Value, points: Vec<Value>) -> Value {
    json!({"name": name, "unit": unit,
           "sum": {"dataPoints": points, "aggregationTemporality": temporality, "isMonotonic": true}})
}

/// One line: an ExportMetricsServiceRequest of one process.
fn line(instance: &str, metrics: Vec<Value>) -> String {
    json!({"resourceMetrics": [{
        "resource": {"attributes": [
            attr("service.name", json!({"stringValue": "shop"})),
            attr("service.version", json!({"stringValue": "0.1.0"})),
            attr("service.instance.id", json!({"stringValue": instance})),
        ]},
        "scopeMetrics": [{"scope": {"name": "wear", "version": "0.1.0"}, "metrics": metrics}],
        "schemaUrl": "https://opentelemetry.io/schemas/1.26.0"
    }]})
    .to_string()
}

/// Two export intervals of process a1 (the second without failures and busy time), one of b2.
fn good_file() -> String {
    let first = line(
        "a1",
        vec![
            sum(
                "wear.part.calls",
                "{call}",
                json!(2),
                vec![point(HOT, SERIAL, START_A, START_A + MINUTE, json!({"asInt": "40"}))],
            ),
            sum(
                "wear.part.failures",
                "{failure}",
                json!(2),
                vec![point(HOT, SERIAL, START_A, START_A + MINUTE, json!({"asInt": "2"}))],
            ),
            sum(
                "wear.part.busy_time",
                "s",
                json!("AGGREGATION_TEMPORALITY_CUMULATIVE"),
                vec![point(HOT, SERIAL, START_A, START_A + MINUTE, json!({"asDouble": 1.5}))],
            ),
            sum(
                "wear.part.latency.bucket",
                "{call}",
                json!(2),
                vec![point(HOT, SERIAL, START_A, START_A + MINUTE, json!({"asInt": "40"}))],
            ),
            json!({"name": "process.cpu.time", "unit": "s", "gauge": {"dataPoints": [{"asDouble": 0.2}]}}),
        ],
    );
    let second = line(
        "a1",
        vec![sum(
            "wear.part.calls",
            "{call}",
            json!(2),
            vec![point(HOT, SERIAL, START_A, START_A + 2 * MINUTE, json!({"asInt": "100"}))],
        )],
    );
    let other = line(
        "b2",
        vec![sum(
            "wear.part.calls",
            "{call}",
            json!(2),
            vec![
                point(HOT, SERIAL, START_B, START_B + MINUTE, json!({"asInt": 7})),
                point(IDLE, IDLE_SERIAL, START_B, START_B + MINUTE, json!({"asDouble": 0.0})),
            ],
        )],
    );
    format!("{first}\n{second}\n\n{other}\n")
}

#[test]
fn otlp_lines_become_one_reading_per_process() {
    let dir = tempfile::tempdir().expect("tempdir");
    let otlp = dir.path().join("metrics.json");
    std::fs::write(&otlp, good_file()).expect("write");
    // A snapshot of the same process a1, taken before the last OTLP export: counted once.
    let snap = dir.path().join("a1.json");
    let doc = snapshot(
        "a1",
        "2026-11-21T09:00:00.000Z",
        "2026-11-21T09:01:30.000Z",
        &[Reading { path: HOT, serial: SERIAL, calls: 70, busy_ns: None }],
    );
    std::fs::write(&snap, doc).expect("write");

    let mut set = UsageSet::new();
    set.add_files(&[otlp.to_string_lossy().into_owned(), snap.to_string_lossy().into_owned()])
        .expect("reads");
    assert_eq!(set.len(), 2, "a1 and b2, the snapshot of a1 is the same series");
    let usage = set.usage();
    let hot = &usage.parts[HOT][SERIAL];
    assert_eq!(hot.calls, 100 + 7, "the latest of a1 plus b2");
    assert_eq!(hot.failures, Some(2));
    assert_eq!(hot.busy_ns, Some(1_500_000_000));
    assert_eq!(usage.parts[IDLE][IDLE_SERIAL].calls, 0, "a part at zero is covered");
    assert_eq!(usage.window, Some((1_795_251_600, 1_795_255_260)));
}

#[test]
fn a_bad_otlp_file_is_a_clear_error_naming_file_and_line() {
    let dir = tempfile::tempdir().expect("tempdir");
    let good = good_file();
    let calls = |temporality: Value, value: Value| {
        line(
            "a1",
            vec![sum(
                "wear.part.calls",
                "{call}",
                temporality,
                vec![point(HOT, SERIAL, START_A, START_A + MINUTE, value)],
            )],
        )
    };
    let no_instance = calls(json!(2), json!({"asInt": "1"})).replace("service.instance.id", "host.name");
    let no_start = calls(json!(2), json!({"asInt": "1"})).replace(&format!("\"{START_A}\""), "\"0\"");
    let cases = [
        (
            "delta",
            format!("{good}{}\n", calls(json!(1), json!({"asInt": "1"}))),
            5,
            "delta temporality",
            "cumulative",
        ),
        (
            "unspecified",
            format!("{}\n", calls(json!(0), json!({"asInt": "1"}))),
            1,
            "no aggregation temporality",
            "2",
        ),
        (
            "cut",
            format!("{}\n{{\"resourceMetrics\": [{{\"resource\"\n", calls(json!(2), json!({"asInt": "1"}))),
            2,
            "ends in the middle",
            "resourceMetrics",
        ),
        (
            "syntax",
            format!("{}\n{{\"resourceMetrics\": [}}\n", calls(json!(2), json!({"asInt": "1"}))),
            2,
            "invalid JSON",
            "resourceMetrics",
        ),
        (
            "negative",
            format!("{}\n", calls(json!(2), json!({"asInt": "-5"}))),
            1,
            "cannot be negative",
            "resourceMetrics",
        ),
        (
            "serial",
            format!("{}\n", calls(json!(2), json!({"asInt": "1"})).replace(SERIAL, "xyz")),
            1,
            "16 hex digits",
            "Collector",
        ),
        ("instance", format!("{no_instance}\n"), 1, "service.instance.id", "keep it"),
        ("start", format!("{no_start}\n"), 1, "startTimeUnixNano", "process started"),
        (
            "gauge",
            format!(
                "{}\n",
                line("a1", vec![json!({"name": "wear.part.calls", "gauge": {"dataPoints": []}})])
            ),
            1,
            "not a sum",
            "monotonic",
        ),
        ("value", format!("{}\n", calls(json!(2), json!({}))), 1, "without a value", "Collector"),
        ("nothing", format!("{}\n", line("a1", vec![])), 0, "no `wear.part.calls` data points", "export"),
    ];
    for (name, text, at, says, help) in cases {
        let path = dir.path().join(format!("{name}.json"));
        std::fs::write(&path, text).expect("write");
        let mut set = UsageSet::new();
        let err = set.add_files(&[path.to_string_lossy().into_owned()]).expect_err(name);
        let shown = err.to_string();
        let place = if at > 0 { format!("{name}.json:{at}: ") } else { format!("{name}.json: ") };
        assert!(shown.contains(&place), "{name}: expected {place:?} in {shown}");
        assert!(err.message.contains(says), "{name}: expected {says:?} in {shown}");
        assert!(
            err.help.as_deref().unwrap_or("").contains(help),
            "{name}: expected help {help:?} in {shown}"
        );
        assert!(set.is_empty(), "{name}: nothing added");
    }
}

#[test]
fn report_and_ingest_read_otlp_files() {
    let fx = Fixture::new("shop");
    fx.write("src/lib.rs", "#[wear::tracked]\npub fn hot() {}\n");
    fx.commit("parts", "Ana", "2025-01-10");
    let out = fx.wear(&["scan", "--format", "json"]).output().expect("scan");
    let scanned: Value = serde_json::from_slice(&out.stdout).expect("json");
    let serial = scanned[0]["serial"].as_str().expect("serial").to_owned();
    let metrics = line(
        "a1",
        vec![sum(
            "wear.part.calls",
            "{call}",
            json!(2),
            vec![point("shop::hot", &serial, START_A, START_A + MINUTE, json!({"asInt": "321"}))],
        )],
    );
    fx.write("otel/metrics.json", &format!("{metrics}\n"));

    let out = fx
        .wear(&["report", "--now", "2026-12-01", "--format", "json", "--usage", "otel/*.json"])
        .output()
        .expect("report");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let report: Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(report["parts"][0]["calls_since_new"], 321);

    fx.wear(&["ingest", "otel/metrics.json"]).assert().success();
    fx.write("otel/broken.json", &format!("{metrics}\n{{\"resourceMetrics\": 5}}\n"));
    let before = tree_bytes(fx.root());
    let out = fx.wear(&["ingest", "otel/metrics.json", "otel/broken.json"]).output().expect("ingest");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("broken.json:2:") && stderr.contains("help:"), "{stderr}");
    assert_eq!(tree_bytes(fx.root()), before, "the ledger is untouched");
}
