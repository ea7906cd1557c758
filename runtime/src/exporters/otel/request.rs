//! The body of every OTLP/HTTP export of wear's counts, an `ExportMetricsServiceRequest` in
//! protobuf, encoded once: the parts, their attributes, the resource and the scope never
//! change, and every value and timestamp is a fixed-width field (`fixed64`, `sfixed64`,
//! `double`), so each export writes only those eight-byte fields in place, at offsets noted
//! when the request was first encoded. Lengths never change, so neither do the enclosing
//! messages. Encoding the same request through the SDK cost most of an export (its
//! collection rebuilds and hashes every attribute set each time).
//!
//! The fixed parts are protobuf messages of `opentelemetry-proto` encoded with `prost`; the
//! nesting around the data points is written with `prost`'s primitives, which is what lets
//! the offsets be known.
use opentelemetry_proto::tonic::common::v1::{AnyValue, InstrumentationScope, KeyValue, any_value};
use opentelemetry_proto::tonic::resource::v1::Resource;
use prost::Message;
use prost::encoding::{WireType, encode_key, encode_varint};

use crate::exporters::export::{ExportReading, LATENCY_BOUNDS, le_label, names};

/// Field numbers of the OTLP messages written here (opentelemetry-proto's `metrics.v1` and
/// `collector.metrics.v1`).
mod field {
    /// `ExportMetricsServiceRequest.resource_metrics`.
    pub(super) const RESOURCE_METRICS: u32 = 1;
    /// `ResourceMetrics.resource`.
    pub(super) const RESOURCE: u32 = 1;
    /// `ResourceMetrics.scope_metrics`.
    pub(super) const SCOPE_METRICS: u32 = 2;
    /// `ScopeMetrics.scope`.
    pub(super) const SCOPE: u32 = 1;
    /// `ScopeMetrics.metrics`.
    pub(super) const METRICS: u32 = 2;
    /// `Metric.name`, `.description`, `.unit`, `.sum`.
    pub(super) const NAME: u32 = 1;
    pub(super) const DESCRIPTION: u32 = 2;
    pub(super) const UNIT: u32 = 3;
    pub(super) const SUM: u32 = 7;
    /// `Sum.data_points`, `.aggregation_temporality`, `.is_monotonic`.
    pub(super) const DATA_POINTS: u32 = 1;
    pub(super) const TEMPORALITY: u32 = 2;
    pub(super) const MONOTONIC: u32 = 3;
    /// `NumberDataPoint.attributes`, `.start_time_unix_nano`, `.time_unix_nano`,
    /// `.as_double`, `.as_int`.
    pub(super) const ATTRIBUTES: u32 = 7;
    pub(super) const START_TIME: u32 = 2;
    pub(super) const TIME: u32 = 3;
    pub(super) const AS_DOUBLE: u32 = 4;
    pub(super) const AS_INT: u32 = 6;
}

/// `AGGREGATION_TEMPORALITY_CUMULATIVE`.
const CUMULATIVE: u64 = 2;

/// A data point's value.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Number {
    /// A count, sent as `as_int` (what the SDK sends for a `u64` counter).
    Int(u64),
    /// Busy time in seconds, sent as `as_double`.
    Double(f64),
}

/// Receives a part's data points: the latency bucket's index (for `le`) and the value.
type PointSink<'a> = &'a mut dyn FnMut(Option<usize>, Number);

/// One of wear's four metrics (the instruments of [`register`](super::register)).
#[derive(Clone, Copy, Debug)]
struct Metric {
    name: &'static str,
    description: &'static str,
    unit: &'static str,
    /// Yields the part's data points, if it has this metric.
    points: fn(&ExportReading, PointSink<'_>),
}

/// wear's metrics, in the order they are sent; names, units and descriptions are those of
/// [`register`](super::register).
const METRICS: [Metric; 4] = [
    Metric {
        name: names::CALLS,
        description: "Calls of each wear part since the process started",
        unit: "{call}",
        points: |r, point| point(None, Number::Int(r.calls)),
    },
    Metric {
        name: names::FAILURES,
        description: "Calls that returned Err or unwound, for parts tracked with `failures`",
        unit: "{failure}",
        points: |r, point| {
            if let Some(failures) = r.failures {
                point(None, Number::Int(failures));
            }
        },
    },
    Metric {
        name: names::BUSY_TIME,
        description: "Time spent inside each `timed` part",
        unit: "s",
        points: |r, point| {
            if let Some(seconds) = r.busy_seconds {
                point(None, Number::Double(seconds));
            }
        },
    },
    Metric {
        name: names::LATENCY_BUCKET,
        description: "Calls of each `timed` part that took at most `le` seconds (cumulative buckets)",
        unit: "{call}",
        points: |r, point| {
            if let Some(latency) = &r.latency {
                for (bucket, &calls) in latency.iter().enumerate() {
                    point(Some(bucket), Number::Int(calls));
                }
            }
        },
    },
];

/// Bytes being encoded, with the offsets of the eight-byte fields each export rewrites.
#[derive(Debug, Default)]
struct Encoded {
    bytes: Vec<u8>,
    /// Offsets of the values, in the order [`METRICS`] yields them.
    values: Vec<usize>,
    /// Offsets of the `time_unix_nano` fields.
    times: Vec<usize>,
}

impl Encoded {
    /// Appends `inner` as the length-delimited field `tag`, carrying its offsets along.
    fn nest(&mut self, tag: u32, inner: Encoded) {
        encode_key(tag, WireType::LengthDelimited, &mut self.bytes);
        encode_varint(inner.bytes.len() as u64, &mut self.bytes);
        let base = self.bytes.len();
        self.bytes.extend_from_slice(&inner.bytes);
        self.values.extend(inner.values.iter().map(|at| at + base));
        self.times.extend(inner.times.iter().map(|at| at + base));
    }

    /// Appends a message as the field `tag`.
    fn message(&mut self, tag: u32, message: &impl Message) {
        prost::encoding::message::encode(tag, message, &mut self.bytes);
    }

    /// Appends a string field.
    fn string(&mut self, tag: u32, text: &str) {
        prost::encoding::string::encode(tag, &text.to_owned(), &mut self.bytes);
    }

    /// Appends a varint field.
    fn varint(&mut self, tag: u32, value: u64) {
        encode_key(tag, WireType::Varint, &mut self.bytes);
        encode_varint(value, &mut self.bytes);
    }

    /// Appends an eight-byte field holding `value`, and returns its offset.
    fn fixed64(&mut self, tag: u32, value: [u8; 8]) -> usize {
        encode_key(tag, WireType::SixtyFourBit, &mut self.bytes);
        let at = self.bytes.len();
        self.bytes.extend_from_slice(&value);
        at
    }
}

/// The request, encoded, and where its values and timestamps go.
#[derive(Debug)]
pub(crate) struct Request {
    bytes: Vec<u8>,
    /// Offsets of the values, in the order [`METRICS`] yields them for a reading.
    values: Vec<usize>,
    /// Offsets of every data point's `time_unix_nano`.
    times: Vec<usize>,
}

impl Request {
    /// Encodes the request for the parts of `readings` (their attributes and shape: which
    /// have failures and latency), with `resource`, the scope `wear` and every data point
    /// starting at `start_nanos`. Values and times are zero until [`fill`](Self::fill).
    pub(crate) fn new(readings: &[ExportReading], resource: &Resource, start_nanos: u64) -> Request {
        let attributes: Vec<Vec<u8>> = readings.iter().map(part_attributes).collect();
        let le: Vec<Vec<u8>> = LATENCY_BOUNDS
            .iter()
            .chain([&f64::INFINITY])
            .map(|&bound| encode_attribute(names::LE, any_value::Value::StringValue(le_label(bound))))
            .collect();

        let mut scope = Encoded::default();
        scope.message(
            field::SCOPE,
            &InstrumentationScope {
                name: "wear".to_owned(),
                version: env!("CARGO_PKG_VERSION").to_owned(),
                ..InstrumentationScope::default()
            },
        );
        for metric in &METRICS {
            let mut sum = Encoded::default();
            for (reading, attributes) in readings.iter().zip(&attributes) {
                (metric.points)(reading, &mut |bucket, number| {
                    // Fields in the order prost writes them (by number), so that the bytes
                    // are those prost would write for the same message.
                    let mut point = Encoded::default();
                    point.fixed64(field::START_TIME, start_nanos.to_le_bytes());
                    let time = point.fixed64(field::TIME, [0; 8]);
                    point.times.push(time);
                    let tag = match number {
                        Number::Int(_) => field::AS_INT,
                        Number::Double(_) => field::AS_DOUBLE,
                    };
                    let value = point.fixed64(tag, [0; 8]);
                    point.values.push(value);
                    point.bytes.extend_from_slice(attributes);
                    if let Some(le) = bucket.and_then(|b| le.get(b)) {
                        point.bytes.extend_from_slice(le);
                    }
                    sum.nest(field::DATA_POINTS, point);
                });
            }
            if sum.bytes.is_empty() {
                // No part has this metric (e.g. none is `timed`): the SDK sends no metric then.
                continue;
            }
            sum.varint(field::TEMPORALITY, CUMULATIVE);
            sum.varint(field::MONOTONIC, 1);
            let mut encoded = Encoded::default();
            encoded.string(field::NAME, metric.name);
            encoded.string(field::DESCRIPTION, metric.description);
            encoded.string(field::UNIT, metric.unit);
            encoded.nest(field::SUM, sum);
            scope.nest(field::METRICS, encoded);
        }

        let mut resource_metrics = Encoded::default();
        resource_metrics.message(field::RESOURCE, resource);
        resource_metrics.nest(field::SCOPE_METRICS, scope);
        let mut request = Encoded::default();
        request.nest(field::RESOURCE_METRICS, resource_metrics);
        Request { bytes: request.bytes, values: request.values, times: request.times }
    }

    /// Writes the values of `readings` (the same parts, in the same order, as the readings
    /// the request was encoded for) and the time `now_nanos` into the request, and returns it.
    pub(crate) fn fill(&mut self, readings: &[ExportReading], now_nanos: u64) -> &[u8] {
        let Request { bytes, values, times } = self;
        let mut write = |at: usize, value: [u8; 8]| {
            // Offsets were taken while encoding these very bytes: always in range.
            if let Some(field) = bytes.get_mut(at..at + 8) {
                field.copy_from_slice(&value);
            }
        };
        for &at in times.iter() {
            write(at, now_nanos.to_le_bytes());
        }
        let mut offsets = values.iter();
        for metric in &METRICS {
            for reading in readings {
                (metric.points)(reading, &mut |_, number| {
                    // A reading has the shape of the first (parts are static): the offsets
                    // and values run out together.
                    if let Some(&at) = offsets.next() {
                        match number {
                            Number::Int(n) => write(at, (n as i64).to_le_bytes()),
                            Number::Double(x) => write(at, x.to_le_bytes()),
                        }
                    }
                });
            }
        }
        bytes
    }
}

/// `code.file.path`, `code.function.name`, `code.line.number` and `wear.part.serial` of a
/// part, each encoded as a `NumberDataPoint.attributes` field.
fn part_attributes(r: &ExportReading) -> Vec<u8> {
    use any_value::Value::{IntValue, StringValue};
    [
        encode_attribute(names::FILE, StringValue(r.file.to_owned())),
        encode_attribute(names::FUNCTION, StringValue(r.path.to_owned())),
        encode_attribute(names::LINE, IntValue(i64::from(r.line))),
        encode_attribute(names::SERIAL, StringValue(r.serial_hex())),
    ]
    .concat()
}

fn encode_attribute(key: &str, value: any_value::Value) -> Vec<u8> {
    let attribute =
        KeyValue { key: key.to_owned(), value: Some(AnyValue { value: Some(value) }), ..KeyValue::default() };
    let mut out = Vec::new();
    prost::encoding::message::encode(field::ATTRIBUTES, &attribute, &mut out);
    out
}

#[cfg(test)]
mod tests {
    use opentelemetry_proto::tonic::collector::metrics::v1::ExportMetricsServiceRequest;
    use opentelemetry_proto::tonic::metrics::v1::{
        self as proto, AggregationTemporality, NumberDataPoint, ResourceMetrics, ScopeMetrics, Sum,
        number_data_point,
    };

    use super::*;

    const START: u64 = 1_700_000_000_000_000_000;

    fn reading(path: &'static str, line: u32, serial: u64, calls: u64) -> ExportReading {
        ExportReading {
            path,
            file: "src/shop.rs",
            line,
            serial,
            calls,
            failures: None,
            busy_seconds: None,
            latency: None,
        }
    }

    /// Four parts: one never called, one with failures, one `timed`, one with a count past
    /// `i64::MAX`'s half; `round` changes every value.
    fn readings(round: u64) -> Vec<ExportReading> {
        let mut latency = [0u64; LATENCY_BOUNDS.len() + 1];
        for (i, bucket) in latency.iter_mut().enumerate() {
            *bucket = round * 10 + i as u64 * 3;
        }
        vec![
            reading("shop::in_storage", 3, 0x0123_4567_89ab_cdef, 0),
            ExportReading { failures: Some(round * 2), ..reading("shop::Cart::pay", 10, 42, round * 5) },
            ExportReading {
                busy_seconds: Some(0.125 * round as f64),
                latency: Some(latency),
                ..reading("shop::Cart::add_item", 20, u64::MAX, round * 7 + 1)
            },
            reading("shop::hot", 30, 7, (1 << 62) + round),
        ]
    }

    fn resource() -> Resource {
        Resource {
            attributes: vec![
                attribute("service.name", any_value::Value::StringValue("shop".to_owned())),
                attribute("service.instance.id", any_value::Value::StringValue("00ff".to_owned())),
            ],
            ..Resource::default()
        }
    }

    fn attribute(key: &str, value: any_value::Value) -> KeyValue {
        KeyValue { key: key.to_owned(), value: Some(AnyValue { value: Some(value) }), ..KeyValue::default() }
    }

    /// What the request must decode to, built from the readings with the generated messages
    /// alone (no offsets, no shared code with the encoder but the names).
    fn expected(readings: &[ExportReading], now: u64) -> ExportMetricsServiceRequest {
        use any_value::Value::{IntValue, StringValue};
        let point = |r: &ExportReading, le: Option<String>, value: number_data_point::Value| {
            let mut attributes = vec![
                attribute("code.file.path", StringValue(r.file.to_owned())),
                attribute("code.function.name", StringValue(r.path.to_owned())),
                attribute("code.line.number", IntValue(i64::from(r.line))),
                attribute("wear.part.serial", StringValue(format!("{:016x}", r.serial))),
            ];
            attributes.extend(le.map(|le| attribute("le", StringValue(le))));
            NumberDataPoint {
                attributes,
                start_time_unix_nano: START,
                time_unix_nano: now,
                value: Some(value),
                ..NumberDataPoint::default()
            }
        };
        let int = |n: u64| number_data_point::Value::AsInt(n as i64);
        let metric =
            |name: &str, description: &str, unit: &str, data_points: Vec<NumberDataPoint>| proto::Metric {
                name: name.to_owned(),
                description: description.to_owned(),
                unit: unit.to_owned(),
                data: Some(proto::metric::Data::Sum(Sum {
                    data_points,
                    aggregation_temporality: AggregationTemporality::Cumulative as i32,
                    is_monotonic: true,
                })),
                ..proto::Metric::default()
            };
        let bounds: Vec<String> = ["1e-06", "2.5e-06", "5e-06", "1e-05", "2.5e-05", "5e-05", "0.0001"]
            .into_iter()
            .map(str::to_owned)
            .chain(LATENCY_BOUNDS[7..].iter().map(|&b| le_label(b)))
            .chain(["+Inf".to_owned()])
            .collect();
        let metrics = vec![
            metric(
                "wear.part.calls",
                "Calls of each wear part since the process started",
                "{call}",
                readings.iter().map(|r| point(r, None, int(r.calls))).collect(),
            ),
            metric(
                "wear.part.failures",
                "Calls that returned Err or unwound, for parts tracked with `failures`",
                "{failure}",
                readings.iter().filter_map(|r| Some(point(r, None, int(r.failures?)))).collect(),
            ),
            metric(
                "wear.part.busy_time",
                "Time spent inside each `timed` part",
                "s",
                readings
                    .iter()
                    .filter_map(|r| Some(point(r, None, number_data_point::Value::AsDouble(r.busy_seconds?))))
                    .collect(),
            ),
            metric(
                "wear.part.latency.bucket",
                "Calls of each `timed` part that took at most `le` seconds (cumulative buckets)",
                "{call}",
                readings
                    .iter()
                    .filter_map(|r| Some((r, r.latency?)))
                    .flat_map(|(r, latency)| {
                        latency
                            .into_iter()
                            .zip(&bounds)
                            .map(move |(n, le)| point(r, Some(le.clone()), int(n)))
                    })
                    .collect(),
            ),
        ];
        ExportMetricsServiceRequest {
            resource_metrics: vec![ResourceMetrics {
                resource: Some(resource()),
                scope_metrics: vec![ScopeMetrics {
                    scope: Some(InstrumentationScope {
                        name: "wear".to_owned(),
                        version: env!("CARGO_PKG_VERSION").to_owned(),
                        ..InstrumentationScope::default()
                    }),
                    metrics,
                    ..ScopeMetrics::default()
                }],
                ..ResourceMetrics::default()
            }],
        }
    }

    fn decode(bytes: &[u8]) -> ExportMetricsServiceRequest {
        match ExportMetricsServiceRequest::decode(bytes) {
            Ok(request) => request,
            Err(error) => panic!("the request does not decode: {error}"),
        }
    }

    #[test]
    fn every_export_decodes_to_exactly_the_readings_it_was_filled_with() {
        let mut request = Request::new(&readings(0), &resource(), START);
        for (round, now) in [(1, START + 1_000), (2, START + 2_000), (9, u64::MAX - 1)] {
            let readings = readings(round);
            let decoded = decode(request.fill(&readings, now));
            let expected = expected(&readings, now);
            assert_eq!(decoded, expected, "round {round}");
        }
    }

    #[test]
    fn the_expected_request_is_what_prost_encodes_byte_for_byte() {
        // The encoder writes fields in the order prost writes them: the same bytes, not only
        // the same message.
        let mut request = Request::new(&readings(0), &resource(), START);
        let readings = readings(3);
        let bytes = request.fill(&readings, START + 5).to_vec();
        let prost = expected(&readings, START + 5).encode_to_vec();
        let first_difference = bytes.iter().zip(&prost).position(|(a, b)| a != b);
        assert_eq!((first_difference, bytes.len()), (None, prost.len()));
    }

    #[test]
    fn metrics_no_part_has_are_left_out() {
        let plain = vec![reading("a::b", 1, 1, 4), reading("a::c", 2, 2, 0)];
        let mut request = Request::new(&plain, &resource(), START);
        let decoded = decode(request.fill(&plain, START + 1));
        let metrics = &decoded.resource_metrics[0].scope_metrics[0].metrics;
        let names: Vec<&str> = metrics.iter().map(|m| m.name.as_str()).collect();
        assert_eq!(names, ["wear.part.calls"]);
        assert_eq!(decoded, {
            let mut expected = expected(&plain, START + 1);
            expected.resource_metrics[0].scope_metrics[0].metrics.truncate(1);
            expected
        });
    }
}
