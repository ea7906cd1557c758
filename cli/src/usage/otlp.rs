//! Usage from OTLP JSON files: what the OpenTelemetry Collector's `file` exporter writes, one
//! `ExportMetricsServiceRequest` per line in the protobuf JSON mapping
//! (`{"resourceMetrics": [...]}`, 64-bit integers as strings, enums as numbers or names).
//!
//! Of each line only wear's cumulative sums are read: `wear.part.calls`, `wear.part.failures`
//! and `wear.part.busy_time` (seconds), whose data points carry `code.function.name` and
//! `wear.part.serial`. A process run is a series: the resource's `service.instance.id` and the
//! points' `startTimeUnixNano` (the process start, as in a snapshot), so an OTLP file and a
//! snapshot of the same process count once. Points are cumulative: of the same series and
//! attributes only the latest (`timeUnixNano`) counts, and the file becomes one [`Reading`]
//! per series. Delta temporality cannot be summed this way and is refused; every error names
//! the file and the line.
use std::collections::BTreeMap;
use std::fmt;
use std::path::Path;

use serde::Deserialize;
use serde::de::{Deserializer, Visitor};
use wear::export::names;

use crate::error::{Error, Result};
use crate::usage::series::{Counts, PartSerial, Reading, SeriesKey};

/// How to get good OTLP JSON, for help texts.
const HOW: &str = "export with the OpenTelemetry Collector's `file` exporter (format json) from a \
                   pipeline that receives wear's metrics";

/// True when `bytes` look like OTLP JSON: its first line that is not blank holds
/// `"resourceMetrics"` (or the proto name `"resource_metrics"`).
pub(crate) fn is_otlp(bytes: &[u8]) -> bool {
    let first = bytes.split(|&b| b == b'\n').find(|line| line.iter().any(|b| !b.is_ascii_whitespace()));
    first.is_some_and(|line| {
        let has = |needle: &[u8]| line.windows(needle.len()).any(|w| w == needle);
        has(b"\"resourceMetrics\"") || has(b"\"resource_metrics\"")
    })
}

/// Reads the readings of the OTLP JSON file at `path`, whose contents are `bytes`.
pub fn parse(path: &Path, bytes: &[u8]) -> Result<Vec<Reading>> {
    let mut series: BTreeMap<SeriesKey, SeriesPoints> = BTreeMap::new();
    for (index, line) in bytes.split(|&b| b == b'\n').enumerate() {
        if line.iter().all(u8::is_ascii_whitespace) {
            continue;
        }
        let at = index + 1;
        let request: RawRequest = serde_json::from_slice(line).map_err(|e| {
            use serde_json::error::Category;
            let what = match e.classify() {
                Category::Eof => "the line ends in the middle of the JSON".to_owned(),
                Category::Syntax => format!("invalid JSON: {}", strip_position(&e)),
                _ => format!("not an OTLP metrics request: {}", strip_position(&e)),
            };
            Error::in_file(path, format!("{what} (column {})", e.column()))
                .at_line(at)
                .help(format!("each line must be one OTLP JSON `{{\"resourceMetrics\": [...]}}`; {HOW}"))
        })?;
        read_request(request, &mut series).map_err(|why| {
            Error::in_file(path, why.message).at_line(at).help(why.help.unwrap_or_else(|| HOW.to_owned()))
        })?;
    }
    if series.is_empty() {
        return Err(Error::in_file(path, format!("no `{}` data points in this OTLP file", names::CALLS))
            .help(format!("check that the services export wear's metrics; {HOW}")));
    }
    Ok(series
        .into_iter()
        .map(|(key, points)| {
            let mut parts: BTreeMap<PartSerial, Counts> = BTreeMap::new();
            for ((metric, part, _place), (_, value)) in points.latest {
                let counts = parts.entry(part).or_default();
                match metric {
                    Metric::Calls => counts.calls = counts.calls.saturating_add(value),
                    Metric::Failures => {
                        counts.failures = Some(counts.failures.unwrap_or(0).saturating_add(value))
                    }
                    Metric::BusyTime => {
                        counts.busy_ns = Some(counts.busy_ns.unwrap_or(0).saturating_add(value))
                    }
                }
            }
            Reading {
                series: key,
                service: points.service,
                taken_ms: points.taken_ms,
                source: path.to_owned(),
                parts,
            }
        })
        .collect())
}

fn strip_position(e: &serde_json::Error) -> String {
    let full = e.to_string();
    let suffix = format!(" at line {} column {}", e.line(), e.column());
    full.strip_suffix(&suffix).unwrap_or(&full).to_owned()
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Metric {
    Calls,
    Failures,
    BusyTime,
}

/// What one series' points came to so far: the latest point of each metric and attribute set
/// (part, serial, file and line: the same function linked twice is two counters that add up).
#[derive(Default)]
struct SeriesPoints {
    service: String,
    taken_ms: i64,
    latest: BTreeMap<(Metric, PartSerial, String), (u64, u64)>,
}

fn read_request(request: RawRequest, series: &mut BTreeMap<SeriesKey, SeriesPoints>) -> Result<()> {
    for resource in request.resource_metrics {
        let attributes = resource.resource.map(|r| r.attributes).unwrap_or_default();
        let Some(instance) = string_attribute(&attributes, "service.instance.id") else {
            return Err(Error::new("a resource without the `service.instance.id` attribute").help(
                "wear's exporters set it on every resource; keep it in the pipeline \
                 (it tells the processes apart, so that their counts add up)",
            ));
        };
        let service = string_attribute(&attributes, "service.name").unwrap_or_default();
        for metric in resource.scope_metrics.into_iter().flat_map(|s| s.metrics) {
            let kind = match metric.name.as_str() {
                names::CALLS => Metric::Calls,
                names::FAILURES => Metric::Failures,
                names::BUSY_TIME => Metric::BusyTime,
                _ => continue,
            };
            let Some(sum) = metric.sum else {
                return Err(Error::new(format!("`{}` is not a sum (a counter)", metric.name))
                    .help("wear exports it as a monotonic cumulative sum; check the pipeline's processors"));
            };
            match sum.aggregation_temporality.0 {
                2 => {}
                1 => {
                    return Err(Error::new(format!("`{}` has delta temporality", metric.name)).help(
                        "wear reads cumulative sums: export with cumulative temporality \
                         (OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE=cumulative) and drop any \
                         cumulativetodelta processor",
                    ));
                }
                other => {
                    return Err(Error::new(format!(
                        "`{}` has no aggregation temporality (found {other})",
                        metric.name
                    ))
                    .help("expected \"aggregationTemporality\": 2 (cumulative)"));
                }
            }
            for point in sum.data_points {
                if point.flags & 1 == 1 {
                    continue; // FLAG_NO_RECORDED_VALUE: the series went stale.
                }
                let (Some(path), Some(serial)) = (
                    string_attribute(&point.attributes, names::FUNCTION),
                    string_attribute(&point.attributes, names::SERIAL),
                ) else {
                    return Err(Error::new(format!(
                        "a `{}` data point without the `{}` and `{}` attributes",
                        metric.name,
                        names::FUNCTION,
                        names::SERIAL
                    )));
                };
                if serial.len() != 16 || !serial.bytes().all(|b| b.is_ascii_hexdigit()) {
                    return Err(Error::new(format!("`{path}` has the serial {serial:?}, not 16 hex digits")));
                }
                if point.start_time_unix_nano.0 == 0 {
                    return Err(Error::new(format!(
                        "a `{}` data point of `{path}` without `startTimeUnixNano`",
                        metric.name
                    ))
                    .help("a cumulative point starts when its process started; check the pipeline"));
                }
                if point.time_unix_nano.0 < point.start_time_unix_nano.0 {
                    return Err(Error::new(format!(
                        "a `{}` data point of `{path}` was taken before it started",
                        metric.name
                    )));
                }
                let value = match (point.as_int, point.as_double) {
                    (Some(n), _) if kind != Metric::BusyTime => n.0,
                    (Some(n), _) => n.0.saturating_mul(1_000_000_000),
                    (None, Some(x)) => {
                        let scaled = if kind == Metric::BusyTime { x.0 * 1e9 } else { x.0 };
                        if !(scaled.is_finite() && scaled >= 0.0 && scaled <= i64::MAX as f64) {
                            return Err(Error::new(format!(
                                "`{}` of `{path}` is {}, not a count",
                                metric.name, x.0
                            )));
                        }
                        scaled.round() as u64
                    }
                    (None, None) => {
                        return Err(Error::new(format!(
                            "a `{}` data point of `{path}` without a value (`asInt` or `asDouble`)",
                            metric.name
                        )));
                    }
                };
                let place = format!(
                    "{}:{}",
                    string_attribute(&point.attributes, names::FILE).unwrap_or_default(),
                    int_attribute(&point.attributes, names::LINE).unwrap_or_default()
                );
                let key = SeriesKey {
                    instance: instance.clone(),
                    started_ms: i64::try_from(point.start_time_unix_nano.0 / 1_000_000).unwrap_or(i64::MAX),
                };
                let taken_ms = i64::try_from(point.time_unix_nano.0 / 1_000_000).unwrap_or(i64::MAX);
                let entry = series.entry(key).or_default();
                entry.service.clone_from(&service);
                entry.taken_ms = entry.taken_ms.max(taken_ms);
                let part = PartSerial { path, serial: serial.to_ascii_lowercase() };
                let latest = entry.latest.entry((kind, part, place)).or_insert((0, value));
                if point.time_unix_nano.0 >= latest.0 {
                    *latest = (point.time_unix_nano.0, value);
                }
            }
        }
    }
    Ok(())
}

fn string_attribute(attributes: &[RawKeyValue], key: &str) -> Option<String> {
    attributes.iter().find(|kv| kv.key == key).and_then(|kv| kv.value.string_value.clone())
}

fn int_attribute(attributes: &[RawKeyValue], key: &str) -> Option<u64> {
    attributes.iter().find(|kv| kv.key == key).and_then(|kv| kv.value.int_value.as_ref().map(|n| n.0))
}

// The protobuf JSON mapping: lowerCamelCase names (the proto names are accepted too), 64-bit
// integers as strings or numbers, enums as numbers or names. Unknown fields are ignored.

#[derive(Deserialize)]
struct RawRequest {
    #[serde(rename = "resourceMetrics", alias = "resource_metrics", default)]
    resource_metrics: Vec<RawResourceMetrics>,
}

#[derive(Deserialize)]
struct RawResourceMetrics {
    #[serde(default)]
    resource: Option<RawResource>,
    #[serde(rename = "scopeMetrics", alias = "scope_metrics", default)]
    scope_metrics: Vec<RawScopeMetrics>,
}

#[derive(Deserialize)]
struct RawResource {
    #[serde(default)]
    attributes: Vec<RawKeyValue>,
}

#[derive(Deserialize)]
struct RawScopeMetrics {
    #[serde(default)]
    metrics: Vec<RawMetric>,
}

#[derive(Deserialize)]
struct RawMetric {
    name: String,
    #[serde(default)]
    sum: Option<RawSum>,
}

#[derive(Deserialize)]
struct RawSum {
    #[serde(rename = "dataPoints", alias = "data_points", default)]
    data_points: Vec<RawPoint>,
    #[serde(rename = "aggregationTemporality", alias = "aggregation_temporality", default)]
    aggregation_temporality: Temporality,
}

#[derive(Deserialize)]
struct RawPoint {
    #[serde(default)]
    attributes: Vec<RawKeyValue>,
    #[serde(rename = "startTimeUnixNano", alias = "start_time_unix_nano", default)]
    start_time_unix_nano: Int,
    #[serde(rename = "timeUnixNano", alias = "time_unix_nano", default)]
    time_unix_nano: Int,
    #[serde(rename = "asInt", alias = "as_int", default)]
    as_int: Option<Int>,
    #[serde(rename = "asDouble", alias = "as_double", default)]
    as_double: Option<Double>,
    #[serde(default)]
    flags: u32,
}

#[derive(Deserialize)]
struct RawKeyValue {
    key: String,
    #[serde(default)]
    value: RawAnyValue,
}

#[derive(Deserialize, Default)]
struct RawAnyValue {
    #[serde(rename = "stringValue", alias = "string_value", default)]
    string_value: Option<String>,
    #[serde(rename = "intValue", alias = "int_value", default)]
    int_value: Option<Int>,
}

/// A non-negative 64-bit integer, as a string (`"42"`, the mapping's form) or a number.
#[derive(Default)]
struct Int(u64);

impl<'de> Deserialize<'de> for Int {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Int, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = Int;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a whole number from 0 (a string like \"42\" or a number)")
            }
            fn visit_u64<E: serde::de::Error>(self, n: u64) -> Result<Int, E> {
                Ok(Int(n))
            }
            fn visit_i64<E: serde::de::Error>(self, n: i64) -> Result<Int, E> {
                u64::try_from(n)
                    .map(Int)
                    .map_err(|_| E::custom(format!("a count cannot be negative, found {n}")))
            }
            fn visit_str<E: serde::de::Error>(self, text: &str) -> Result<Int, E> {
                match text.parse::<i64>() {
                    Ok(n) => self.visit_i64(n),
                    Err(_) => text
                        .parse::<u64>()
                        .map(Int)
                        .map_err(|_| E::custom(format!("{text:?} is not a whole number"))),
                }
            }
        }
        deserializer.deserialize_any(V)
    }
}

/// A double: a number, or `"NaN"`, `"Infinity"`, `"-Infinity"` as the mapping writes those.
struct Double(f64);

impl<'de> Deserialize<'de> for Double {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Double, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = Double;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a number")
            }
            fn visit_f64<E: serde::de::Error>(self, x: f64) -> Result<Double, E> {
                Ok(Double(x))
            }
            fn visit_u64<E: serde::de::Error>(self, n: u64) -> Result<Double, E> {
                Ok(Double(n as f64))
            }
            fn visit_i64<E: serde::de::Error>(self, n: i64) -> Result<Double, E> {
                Ok(Double(n as f64))
            }
            fn visit_str<E: serde::de::Error>(self, text: &str) -> Result<Double, E> {
                match text {
                    "NaN" => Ok(Double(f64::NAN)),
                    "Infinity" => Ok(Double(f64::INFINITY)),
                    "-Infinity" => Ok(Double(f64::NEG_INFINITY)),
                    _ => text.parse().map(Double).map_err(|_| E::custom(format!("{text:?} is not a number"))),
                }
            }
        }
        deserializer.deserialize_any(V)
    }
}

/// `AggregationTemporality`: 0 unspecified, 1 delta, 2 cumulative; as a number or its name.
#[derive(Default)]
struct Temporality(i64);

impl<'de> Deserialize<'de> for Temporality {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Temporality, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = Temporality;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an aggregation temporality (2 or \"AGGREGATION_TEMPORALITY_CUMULATIVE\")")
            }
            fn visit_u64<E: serde::de::Error>(self, n: u64) -> Result<Temporality, E> {
                Ok(Temporality(i64::try_from(n).unwrap_or(-1)))
            }
            fn visit_i64<E: serde::de::Error>(self, n: i64) -> Result<Temporality, E> {
                Ok(Temporality(n))
            }
            fn visit_str<E: serde::de::Error>(self, text: &str) -> Result<Temporality, E> {
                match text {
                    "AGGREGATION_TEMPORALITY_UNSPECIFIED" => Ok(Temporality(0)),
                    "AGGREGATION_TEMPORALITY_DELTA" => Ok(Temporality(1)),
                    "AGGREGATION_TEMPORALITY_CUMULATIVE" => Ok(Temporality(2)),
                    _ => Err(E::custom(format!("{text:?} is not an aggregation temporality"))),
                }
            }
        }
        deserializer.deserialize_any(V)
    }
}
