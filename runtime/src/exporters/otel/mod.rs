//! OpenTelemetry export of wear's counts (feature `otel`; the one-call OTLP setup needs
//! feature `otlp`).
//!
//! [`register`] publishes every part on a [`Meter`] you already have, as asynchronous
//! (observable) counters: the SDK reads wear's counters when *it* collects, and the hot path
//! never calls it. One collection reads every counter once, whichever instruments ask.
//!
//! | instrument | unit | data points | Prometheus name |
//! |---|---|---|---|
//! | `wear.part.calls` | `{call}` | every part, including those at zero | `wear_part_calls_total` |
//! | `wear.part.failures` | `{failure}` | parts tracked with `failures` | `wear_part_failures_total` |
//! | `wear.part.busy_time` | `s` (f64) | `timed` parts | `wear_part_busy_time_seconds_total` |
//! | `wear.part.latency.bucket` | `{call}` | `timed` parts × 23 `le` bounds | `wear_part_latency_bucket_total` |
//!
//! Every data point carries `code.function.name` (the part path), `code.file.path`,
//! `code.line.number` and `wear.part.serial`; latency buckets add `le` (seconds as written by
//! Rust's `Display` for `f64`, e.g. `0.0000025`, then `+Inf`), cumulative, as
//! `histogram_quantile()` reads them. All are cumulative monotonic counters.
//!
//! # The cardinality trap
//!
//! The OpenTelemetry SDK keeps at most 2,000 series per instrument by default and folds the
//! rest into one `otel.metric.overflow` series, silently. A program with more than 2,000 parts,
//! or more than 86 `timed` parts (86 × 23 buckets), loses series unless the pipeline raises
//! the limit for wear's instruments to [`cardinality_limit()`], with a view:
//!
//! ```ignore
//! let limit = wear::otel::cardinality_limit();
//! let provider = opentelemetry_sdk::metrics::SdkMeterProvider::builder()
//!     .with_view(move |i: &opentelemetry_sdk::metrics::Instrument| {
//!         i.name().starts_with("wear.part.")
//!             .then(|| opentelemetry_sdk::metrics::Stream::builder().with_cardinality_limit(limit).build().ok())
//!             .flatten()
//!     })
//!     // .with_reader(...) / .with_periodic_exporter(...)
//!     .build();
//! ```
//!
//! With feature `otlp`, [`view()`] is that closure.
//!
//! # The one-call setup
//!
//! [`install()`] (feature `otlp`) does not go through the SDK for wear's counts: a thread of
//! its own reads them every interval and writes them into an OTLP request it encoded once
//! (only values and timestamps change between exports), then POSTs it. The same metrics,
//! attributes and resource as above arrive, with no cardinality limit to raise, for a
//! fraction of the SDK's cost (its collection rebuilds and hashes every series each time).
//! Metrics of the program's own go through the SDK provider [`OtlpGuard::provider`] returns,
//! and leave in the same requests.
#[cfg(feature = "otlp")]
mod env;
#[cfg(feature = "otlp")]
mod install;
mod instruments;
#[cfg(feature = "otlp")]
mod program_metrics;
#[cfg(feature = "otlp")]
mod push;
#[cfg(feature = "otlp")]
mod request;
#[cfg(feature = "otlp")]
mod tls;

use opentelemetry::metrics::Meter;

#[cfg(feature = "otlp")]
pub use install::{DEFAULT_SHUTDOWN_TIMEOUT, InstallError, OtlpGuard, ShutdownError, install, view};

/// Registers wear's instruments on `meter` and keeps them reporting until it is dropped.
///
/// ```
/// # use opentelemetry::metrics::MeterProvider as _;
/// # let provider = opentelemetry::metrics::noop::NoopMeterProvider::new();
/// let meter = provider.meter("wear");
/// let _wear = wear::otel::register(&meter);
/// // ... the program: every collection of `provider` now includes every part ...
/// ```
///
/// Mind the SDK's cardinality limit (see the [module documentation](self)).
pub fn register(meter: &Meter) -> Registration {
    let instruments = instruments::register(meter);
    Registration { parts: instruments.shared.parts(), instruments }
}

/// The instruments [`register`] made. Dropping it stops reporting: opentelemetry 0.33 cannot
/// remove a callback, so the instruments stay on the meter but observe nothing.
#[must_use = "dropping the Registration stops reporting wear's counts"]
#[derive(Debug)]
pub struct Registration {
    instruments: instruments::Instruments,
    parts: usize,
}

impl Registration {
    /// How many parts each collection reports.
    pub fn parts(&self) -> usize {
        self.parts
    }
}

impl Drop for Registration {
    fn drop(&mut self) {
        self.instruments.shared.stop();
    }
}

/// The cardinality limit wear's instruments need so that no series is dropped: the number
/// of parts, or of `timed` parts × 23 latency buckets if that is more. Raise the limit of
/// the `wear.part.*` instruments to at least this (the SDK's default is 2,000).
pub fn cardinality_limit() -> usize {
    instruments::series_needed()
}
