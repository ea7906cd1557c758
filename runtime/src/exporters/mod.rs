//! The exporters: everything that takes counts out of the process (snapshot files, the
//! OpenTelemetry instruments and OTLP push, the Prometheus endpoint), and the helpers they share.
//!
//! They read counts only through what the counting core publishes (`crate::count::read`), so
//! they can never slow or change the hot path; the public modules are re-exported at the crate
//! root under their own names (`wear::snapshot`, `wear::export`, `wear::otel`,
//! `wear::prometheus`).
mod atomic_file;
mod duration;
pub mod export;
mod json;
mod latency;
#[cfg(feature = "otel")]
pub mod otel;
#[cfg(feature = "prometheus")]
pub mod prometheus;
pub(crate) mod recorder;
mod rfc3339;
mod say;
pub mod snapshot;
