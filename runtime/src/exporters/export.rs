//! What exporters (OpenTelemetry, Prometheus) read, and the names they publish it under, so
//! that a part has the same metric names and labels whichever way its counts leave the
//! process, and `cargo wear` can query them back.
//!
//! | OpenTelemetry instrument | unit | Prometheus name |
//! |---|---|---|
//! | `wear.part.calls` (counter) | `{call}` | `wear_part_calls_total` |
//! | `wear.part.failures` (counter) | `{failure}` | `wear_part_failures_total` |
//! | `wear.part.busy_time` (counter) | `s` | `wear_part_busy_time_seconds_total` |
//! | `wear.part.latency.bucket` (counter, with `le`) | `{call}` | `wear_part_latency_bucket_total` |
//!
//! Every data point carries `code.function.name` (the part path), `code.file.path`,
//! `code.line.number` (the first line) and `wear.part.serial`; Prometheus writes them with `_`
//! for `.`. OpenTelemetry has no asynchronous histogram, so latency is published as cumulative
//! counters of calls at or under each bound `le` (seconds, `+Inf` last): what
//! `histogram_quantile()` reads.
use crate::count::read::{self, BUCKETS, bucket_floor};

/// Instrument and attribute names.
pub mod names {
    /// Calls since the process started.
    pub const CALLS: &str = "wear.part.calls";
    /// Calls that returned `Err` or unwound.
    pub const FAILURES: &str = "wear.part.failures";
    /// Time spent inside the part, in seconds.
    pub const BUSY_TIME: &str = "wear.part.busy_time";
    /// Calls at or under each latency bound.
    pub const LATENCY_BUCKET: &str = "wear.part.latency.bucket";
    /// The part path (OpenTelemetry semantic conventions for code).
    pub const FUNCTION: &str = "code.function.name";
    /// The source file.
    pub const FILE: &str = "code.file.path";
    /// The function's first line.
    pub const LINE: &str = "code.line.number";
    /// The part's serial, 16 hex digits.
    pub const SERIAL: &str = "wear.part.serial";
    /// The latency bound of a bucket, in seconds (`+Inf` for the last).
    pub const LE: &str = "le";
    /// Prometheus form of [`CALLS`].
    pub const PROM_CALLS: &str = "wear_part_calls_total";
    /// Prometheus form of [`FAILURES`].
    pub const PROM_FAILURES: &str = "wear_part_failures_total";
    /// Prometheus form of [`BUSY_TIME`].
    pub const PROM_BUSY_TIME: &str = "wear_part_busy_time_seconds_total";
    /// Prometheus form of [`LATENCY_BUCKET`].
    pub const PROM_LATENCY_BUCKET: &str = "wear_part_latency_bucket_total";
}

/// Upper bounds of the published latency buckets, in seconds: 1, 2.5 and 5 per decade from
/// 1 µs to 10 s. `+Inf` follows them.
pub const LATENCY_BOUNDS: [f64; 22] = [
    1e-6, 2.5e-6, 5e-6, 1e-5, 2.5e-5, 5e-5, 1e-4, 2.5e-4, 5e-4, 1e-3, 2.5e-3, 5e-3, 1e-2, 2.5e-2, 5e-2, 0.1,
    0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
];

/// The text of a latency bound as both exporters write it in `le`, the way Prometheus clients
/// do (`1e-06`, `2.5e-05`, `0.0001`, `0.25`, `1`, `10`; `+Inf` for the last bucket), so that
/// series pushed over OTLP and scraped from the endpoint sum together by `le`.
pub fn le_label(bound: f64) -> String {
    if bound.is_infinite() && bound > 0.0 {
        return "+Inf".to_owned();
    }
    // `{:e}` gives the shortest digits in scientific form, e.g. `2.5e-6`.
    let scientific = format!("{bound:e}");
    let Some((mantissa, exponent)) = scientific.split_once('e') else { return scientific };
    let Ok(exponent) = exponent.parse::<i32>() else { return scientific };
    if (-4..6).contains(&exponent) {
        // Display never uses an exponent and keeps the shortest digits: `0.00025`, `10`.
        format!("{bound}")
    } else {
        let sign = if exponent < 0 { '-' } else { '+' };
        format!("{mantissa}e{sign}{:02}", exponent.unsigned_abs())
    }
}

/// One part's counts, as exporters publish them.
#[derive(Clone, Debug, PartialEq)]
pub struct ExportReading {
    /// The part path.
    pub path: &'static str,
    /// Source file.
    pub file: &'static str,
    /// First line.
    pub line: u32,
    /// The serial.
    pub serial: u64,
    /// Calls since the process started.
    pub calls: u64,
    /// Failures, for parts tracked with `failures`.
    pub failures: Option<u64>,
    /// Busy time in seconds, for `timed` parts.
    pub busy_seconds: Option<f64>,
    /// For `timed` parts: calls at or under each of [`LATENCY_BOUNDS`], then all calls
    /// (`+Inf`), cumulative. Calls under about a microsecond are sampled (one in eight, at
    /// random, weighing eight), so for them these and the busy time are unbiased estimates.
    pub latency: Option<[u64; LATENCY_BOUNDS.len() + 1]>,
}

impl ExportReading {
    /// The serial as 16 hex digits.
    pub fn serial_hex(&self) -> String {
        format!("{:016x}", self.serial)
    }
}

/// Reads every part's counters once, off the hot path, in registry order.
pub fn collect() -> Vec<ExportReading> {
    read::touch();
    let counts = read::counts(read::nanos_per_tick());
    counts
        .parts()
        .map(|part| ExportReading {
            path: part.about.path,
            file: part.about.file,
            line: part.about.lines.0,
            serial: part.about.serial,
            calls: part.calls,
            failures: part.failures,
            busy_seconds: part.timing.map(|t| t.busy_nanos() / 1e9),
            latency: part.timing.map(|t| cumulative(t.buckets(), t.nanos_per_tick())),
        })
        .collect()
}

/// Folds the fine buckets into the published ones: a fine bucket counts under the first
/// bound its lower edge does not exceed (fine buckets are at most 12.5% wide).
fn cumulative(fine: &[u64], nanos_per_tick: f64) -> [u64; LATENCY_BOUNDS.len() + 1] {
    let mut out = [0u64; LATENCY_BOUNDS.len() + 1];
    for (bucket, &n) in fine.iter().enumerate().take(BUCKETS).filter(|(_, n)| **n > 0) {
        let seconds = bucket_floor(bucket) as f64 * nanos_per_tick / 1e9;
        let at = LATENCY_BOUNDS.iter().position(|&le| seconds <= le).unwrap_or(LATENCY_BOUNDS.len());
        out[at] = out[at].wrapping_add(n);
    }
    for i in 1..out.len() {
        out[i] = out[i].wrapping_add(out[i - 1]);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn buckets_are_cumulative_and_end_with_every_call() {
        // One tick = 1 ns: bucket floors are nanoseconds.
        let mut fine = vec![0u64; BUCKETS];
        fine[read::bucket_of(500)] = 3; // 0.5 µs
        fine[read::bucket_of(2_000_000)] = 2; // 2 ms
        fine[BUCKETS - 1] = 1; // past 10 s
        let out = cumulative(&fine, 1.0);
        assert_eq!(out[0], 3, "0.5 µs is under 1 µs");
        let two_ms = LATENCY_BOUNDS.iter().position(|&b| b == 2.5e-3).unwrap_or(0);
        assert_eq!(out[two_ms - 1], 3);
        assert_eq!(out[two_ms], 5);
        assert_eq!(out[LATENCY_BOUNDS.len() - 1], 5);
        assert_eq!(out[LATENCY_BOUNDS.len()], 6, "+Inf counts every call");
    }
}
