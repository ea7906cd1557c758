//! What `wear::otel::install()`'s own OTLP push sends, seen by a real OTLP/HTTP receiver on
//! loopback: gzip-compressed requests when `OTEL_EXPORTER_OTLP_COMPRESSION=gzip`, the headers
//! of `OTEL_EXPORTER_OTLP_HEADERS` on every request, and the program's own metrics (made on
//! `OtlpGuard::provider()`) in the same requests as wear's counts, under the same resource.
mod otel_receiver;

use otel_receiver::{Behaviour, Receiver, Run, probe};

const CALLS: u64 = 5_000;

fn run(receiver: &Receiver, export: &str, extra: &[(&str, &str)]) -> Run {
    let mut env =
        vec![("OTEL_EXPORTER_OTLP_ENDPOINT", receiver.addr.as_str()), ("OTEL_METRIC_EXPORT_INTERVAL", "100")];
    env.extend_from_slice(extra);
    let run = probe(CALLS, 300, export, &env, None);
    assert!(run.status.success(), "probe failed: {}\n{}", run.status, run.stderr);
    assert!(run.stderr.is_empty(), "no warning expected: {}", run.stderr);
    run
}

/// Every part arrived with exactly the calls the program counted.
fn assert_every_part_arrived(receiver: &Receiver, run: &Run) {
    otel_receiver::assert_every_part_arrived(receiver, run, CALLS);
}

#[test]
fn gzip_compressed_requests_carry_every_part() {
    let receiver = Receiver::start(Behaviour::Ok);
    let run = run(&receiver, "otlp", &[("OTEL_EXPORTER_OTLP_COMPRESSION", "gzip")]);
    let headers = receiver.headers.lock().expect("headers").clone();
    assert!(headers.len() >= 2, "periodic exports and the last one: {}", headers.len());
    for h in &headers {
        assert_eq!(h.get("content-encoding").map(String::as_str), Some("gzip"), "{h:?}");
        let length: usize = h.get("content-length").and_then(|l| l.parse().ok()).expect("content-length");
        // 2,154 parts of a few hundred bytes each, compressed: far under the plain size.
        assert!(length < 100_000, "compressed body of {length} bytes");
    }
    assert_every_part_arrived(&receiver, &run);
}

#[test]
fn the_environments_headers_arrive_with_every_request() {
    let receiver = Receiver::start(Behaviour::Ok);
    let run = run(
        &receiver,
        "otlp",
        &[("OTEL_EXPORTER_OTLP_HEADERS", "x-scope-orgid=team-a, authorization=Bearer%20abc123")],
    );
    let headers = receiver.headers.lock().expect("headers").clone();
    assert!(headers.len() >= 2, "periodic exports and the last one: {}", headers.len());
    for h in &headers {
        assert_eq!(h.get("x-scope-orgid").map(String::as_str), Some("team-a"), "{h:?}");
        assert_eq!(h.get("authorization").map(String::as_str), Some("Bearer abc123"), "{h:?}");
        assert_eq!(h.get("content-type").map(String::as_str), Some("application/x-protobuf"), "{h:?}");
        assert_eq!(h.get("content-encoding"), None, "not compressed unless asked: {h:?}");
    }
    assert_every_part_arrived(&receiver, &run);
}

#[test]
fn the_programs_own_metrics_arrive_in_the_same_requests_as_wears() {
    let receiver = Receiver::start(Behaviour::Ok);
    let run = run(&receiver, "otlp-own", &[("OTEL_SERVICE_NAME", "probe-own")]);
    assert_every_part_arrived(&receiver, &run);
    let requests = receiver.requests.lock().expect("requests").clone();
    let mut with_orders = 0;
    for request in &requests {
        // wear's counts first; the program's metrics, when it has some, in a second
        // ResourceMetrics with the same resource.
        let scopes: Vec<Vec<&str>> = request
            .resource_metrics
            .iter()
            .map(|rm| {
                rm.scope_metrics.iter().map(|sm| sm.scope.as_ref().map_or("", |s| s.name.as_str())).collect()
            })
            .collect();
        match scopes.as_slice() {
            [wear] if wear == &["wear"] => {}
            [wear, own] if wear == &["wear"] && own == &["probe"] => {
                with_orders += 1;
                assert_eq!(request.resource_metrics[0].resource, request.resource_metrics[1].resource);
            }
            other => panic!("unexpected scopes {other:?}"),
        }
    }
    assert!(with_orders >= 2, "the program's metric rides along with periodic exports and the last one");
    let points = otel_receiver::Points::from_requests(&requests);
    assert_eq!(points.resource.get("service.name").map(String::as_str), Some("probe-own"));
    let orders: Vec<_> = points.of("probe.orders").collect();
    assert_eq!(orders.len(), 1, "{orders:?}");
    assert_eq!(orders[0].0.attribute("shop"), Some("main"));
    assert_eq!(orders[0].1.u(), 42);
    let (unit, monotonic, cumulative) = &points.metrics["probe.orders"];
    assert_eq!((unit.as_str(), *monotonic, *cumulative), ("{order}", true, true));
}
