//! `wear::otel::register()` on a pipeline the program built itself (what README shows):
//! the user's `SdkMeterProvider`, periodic reader and OTLP exporter, with wear's view, to a
//! real OTLP/HTTP receiver.
mod otel_receiver;

use opentelemetry::metrics::MeterProvider as _;
use opentelemetry_otlp::{MetricExporter, WithExportConfig};
use opentelemetry_sdk::metrics::{PeriodicReader, SdkMeterProvider};
use otel_receiver::{Behaviour, Receiver};

#[wear::tracked]
fn checkout(n: u32) -> u32 {
    n + 1
}

fn calls_of(receiver: &Receiver, path: &str) -> Option<u64> {
    let points = receiver.points();
    points
        .of("wear.part.calls")
        .find(|(s, _)| s.attribute("code.function.name") == Some(path))
        .map(|(_, v)| v.u())
}

#[test]
fn register_publishes_on_the_programs_own_meter_until_dropped() {
    let receiver = Receiver::start(Behaviour::Ok);
    let exporter = MetricExporter::builder()
        .with_http()
        .with_endpoint(format!("{}/v1/metrics", receiver.addr))
        .build()
        .expect("an OTLP exporter");
    let provider = SdkMeterProvider::builder()
        .with_reader(PeriodicReader::builder(exporter).build())
        .with_view(wear::otel::view())
        .build();
    let registration = wear::otel::register(&provider.meter("my-service"));
    assert_eq!(registration.parts(), 1, "this test binary has one part");
    assert!(wear::otel::cardinality_limit() >= 1);

    for n in 0..3 {
        checkout(n);
    }
    provider.force_flush().expect("flush");
    assert_eq!(calls_of(&receiver, "otel_register::checkout"), Some(3));
    let points = receiver.points();
    assert_eq!(points.scopes, ["my-service"], "wear's instruments live on the program's meter");

    checkout(3);
    provider.force_flush().expect("flush");
    assert_eq!(calls_of(&receiver, "otel_register::checkout"), Some(4), "the next collection reads anew");

    drop(registration);
    let before = receiver.requests.lock().expect("requests").len();
    checkout(4);
    provider.force_flush().expect("flush");
    let requests = receiver.requests.lock().expect("requests");
    let after_drop = otel_receiver::Points::from_requests(&requests[before..]);
    assert_eq!(after_drop.of("wear.part.calls").count(), 0, "nothing observed after the drop");
    drop(requests);
    provider.shutdown().expect("shutdown");
}
