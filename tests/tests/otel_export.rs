//! `wear::otel::install()` against a real OTLP/HTTP receiver: a real instrumented program
//! (`wear-otel-probe`, 2,154 parts) exports, the receiver decodes with the official protobuf
//! definitions, and every part arrives with its attributes and exact counts.
mod otel_receiver;

use std::collections::BTreeMap;

use otel_receiver::{Behaviour, Receiver, probe};

const CALLS: u64 = 100_000;

#[test]
fn every_part_arrives_with_its_attributes_and_exact_counts() {
    let receiver = Receiver::start(Behaviour::Ok);
    let run = probe(
        CALLS,
        400,
        "otlp",
        &[
            ("OTEL_EXPORTER_OTLP_ENDPOINT", &receiver.addr),
            ("OTEL_METRIC_EXPORT_INTERVAL", "100"),
            ("OTEL_SERVICE_NAME", "probe-service"),
            ("OTEL_RESOURCE_ATTRIBUTES", "deployment.environment.name=test,team=wear"),
        ],
        None,
    );
    assert!(run.status.success(), "probe failed: {}\n{}", run.status, run.stderr);
    assert!(!run.stderr.contains("panicked"), "{}", run.stderr);
    assert!(run.stderr.is_empty(), "no warning expected with a healthy receiver: {}", run.stderr);
    let points = receiver.points();
    assert!(points.requests >= 3, "periodic exports and the last one at exit: {}", points.requests);
    println!("{} requests, {} series", points.requests, points.latest.len());

    // Resource and scope.
    let resource = &points.resource;
    assert_eq!(resource.get("service.name").map(String::as_str), Some("probe-service"));
    assert_eq!(resource.get("service.version").map(String::as_str), Some(env!("CARGO_PKG_VERSION")));
    assert_eq!(resource.get("service.instance.id"), Some(&run.instance));
    assert_eq!(resource.get("vcs.ref.head.revision").map(String::as_str), Some("0123abcd"));
    assert_eq!(resource.get("deployment.environment.name").map(String::as_str), Some("test"));
    assert_eq!(resource.get("team").map(String::as_str), Some("wear"));
    assert_eq!(points.scopes, ["wear"]);

    // Names, units, cumulative monotonic sums.
    let units: BTreeMap<&str, &str> =
        points.metrics.iter().map(|(name, (unit, _, _))| (name.as_str(), unit.as_str())).collect();
    assert_eq!(
        units,
        BTreeMap::from([
            ("wear.part.busy_time", "s"),
            ("wear.part.calls", "{call}"),
            ("wear.part.failures", "{failure}"),
            ("wear.part.latency.bucket", "{call}"),
        ])
    );
    assert!(points.metrics.values().all(|(_, monotonic, cumulative)| *monotonic && *cumulative));

    // Every part, with exactly what the program counted, zero-call parts included.
    assert_eq!(run.parts.len(), 2_154, "the probe's parts");
    let calls: BTreeMap<&str, (&otel_receiver::Series, u64)> = points
        .of("wear.part.calls")
        .map(|(s, v)| (s.attribute("code.function.name").expect("code.function.name"), (s, v.u())))
        .collect();
    assert_eq!(calls.len(), run.parts.len(), "one calls series per part, none lost past 2,000");
    for counted in &run.parts {
        let (series, value) =
            calls.get(counted.path.as_str()).unwrap_or_else(|| panic!("{} missing", counted.path));
        assert_eq!(*value, counted.calls, "{}", counted.path);
        let attributes: Vec<(&str, &str)> =
            series.attributes.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        assert_eq!(
            attributes,
            [
                ("code.file.path", counted.file.as_str()),
                ("code.function.name", counted.path.as_str()),
                ("code.line.number", counted.line.as_str()),
                ("wear.part.serial", counted.serial.as_str()),
            ],
            "{}",
            counted.path
        );
    }
    let value = |path: &str| calls[path].1;
    assert_eq!(value("wear_otel_probe::work"), CALLS);
    assert_eq!(value("wear_otel_probe::timed_work"), 200);
    assert_eq!(value("wear_otel_probe::fallible"), 100);
    assert_eq!(value("wear_otel_probe::never_called"), 0);
    for (a, b) in [(0, 0), (0, 1), (0, 3), (1, 2), (49, 42)] {
        let k = 43 * a + b;
        assert_eq!(value(&format!("wear_otel_probe::many::o{a}::i{b}::part")), k % 4, "o{a}::i{b}");
    }
    let zeros = calls.values().filter(|(_, v)| *v == 0).count();
    assert!(zeros > 500, "zero-call parts are exported: {zeros}");

    // Failures only for parts tracked with them.
    let failures: Vec<_> = points.of("wear.part.failures").collect();
    assert_eq!(failures.len(), 1, "{failures:?}");
    assert_eq!(failures[0].0.attribute("code.function.name"), Some("wear_otel_probe::fallible"));
    assert_eq!(failures[0].1.u(), 50);

    // Busy time and latency buckets only for timed parts.
    let busy: Vec<_> = points.of("wear.part.busy_time").collect();
    assert_eq!(busy.len(), 1, "{busy:?}");
    assert_eq!(busy[0].0.attribute("code.function.name"), Some("wear_otel_probe::timed_work"));
    assert!(busy[0].1.f() > 0.0 && busy[0].1.f() < 1.0, "{:?}", busy[0].1);
    let mut buckets: Vec<(f64, u64)> = points
        .of("wear.part.latency.bucket")
        .map(|(s, v)| {
            assert_eq!(s.attribute("code.function.name"), Some("wear_otel_probe::timed_work"));
            let le = s.attribute("le").expect("le");
            (if le == "+Inf" { f64::INFINITY } else { le.parse().expect("le is a number") }, v.u())
        })
        .collect();
    buckets.sort_by(|a, b| a.0.total_cmp(&b.0));
    let bounds: Vec<f64> = buckets.iter().map(|(le, _)| *le).collect();
    let mut expected: Vec<f64> = wear::export::LATENCY_BOUNDS.to_vec();
    expected.push(f64::INFINITY);
    assert_eq!(bounds, expected);
    assert!(buckets.windows(2).all(|w| w[0].1 <= w[1].1), "cumulative: {buckets:?}");
    // These calls are short, so they are sampled: the first call of the thread weighs 1, later
    // ones 0 or 8, except that a call the scheduler stretched past the sampling threshold puts
    // the thread back to timing every call (weight 1) until one is short again; on a loaded
    // machine that happens. The export carries exactly what the program estimated.
    let timed = run.parts.iter().find(|p| p.path == "wear_otel_probe::timed_work").and_then(|p| p.timed);
    assert_eq!(buckets.last().map(|b| b.1), timed, "+Inf is the program's own estimate");
    let estimate = timed.expect("timed_work is timed");
    assert!((1..=1 + 8 * 199).contains(&estimate), "weights 1 and 8 over 200 calls: {estimate}");
}

#[test]
fn bad_variables_warn_and_fall_back_to_defaults() {
    // An unusable metrics endpoint falls back to the base endpoint; a bad interval and
    // timeout to their defaults (60 s: only the export at exit arrives).
    let receiver = Receiver::start(Behaviour::Ok);
    let run = probe(
        1_000,
        0,
        "otlp",
        &[
            ("OTEL_EXPORTER_OTLP_METRICS_ENDPOINT", "localhost:4318"),
            ("OTEL_EXPORTER_OTLP_ENDPOINT", &receiver.addr),
            ("OTEL_METRIC_EXPORT_INTERVAL", "fast"),
            ("OTEL_EXPORTER_OTLP_TIMEOUT", "-1"),
        ],
        None,
    );
    assert!(run.status.success(), "{}", run.stderr);
    assert!(!run.stderr.contains("panicked"), "{}", run.stderr);
    for var in
        ["OTEL_EXPORTER_OTLP_METRICS_ENDPOINT", "OTEL_METRIC_EXPORT_INTERVAL", "OTEL_EXPORTER_OTLP_TIMEOUT"]
    {
        assert!(run.stderr.contains(&format!("wear: ignoring {var}=")), "{var} not named in: {}", run.stderr);
    }
    let points = receiver.points();
    assert_eq!(points.requests, 1, "the default interval is 60 s: only the export at exit");
    let work = points
        .of("wear.part.calls")
        .find(|(s, _)| s.attribute("code.function.name") == Some("wear_otel_probe::work"))
        .map(|(_, v)| v.u());
    assert_eq!(work, Some(1_000));
}
