//! Usage: how many calls (and failures, busy time) each part and serial had, read from
//! `wear-snapshot/2` (or `/1`) files, OTLP JSON files, a Prometheus-compatible query API and the local
//! ledger.
//!
//! A running program writes snapshots of its cumulative counters. A process run is a
//! *series* (instance, start time); its snapshots are *readings*, cumulative, so only the
//! latest reading of a series counts, and different series add up. Counts are kept per part
//! path *and* serial: the due list counts every serial towards "since new" and only the
//! current one towards "since overhaul".
//!
//! - [`files`]: `--usage` arguments (paths and globs) → snapshot files.
//! - [`snapshot`]: one file → a [`Reading`], with errors naming file and line.
//! - [`otlp`]: one OTLP JSON file (the Collector's `file` exporter) → a [`Reading`] per series.
//! - [`prometheus`]: a query API → one [`Reading`] of the fleet's totals over a window.
//! - [`series`]: [`UsageSet`], the latest reading of each series from any source.
//! - [`totals`]: [`Usage`], the totals per part and serial the due list joins.
//! - [`ledger`]: the SQLite [`Ledger`] fed by `cargo wear ingest`.
//! - [`sources`]: the ledger, files and fleet a command names → one [`UsageSet`].

pub(crate) mod files;
pub(crate) mod ledger;
pub mod otlp;
pub mod prometheus;
pub(crate) mod series;
pub mod snapshot;
pub(crate) mod sources;
pub(crate) mod totals;

pub use ledger::{IngestSummary, Ledger};
pub use series::{Counts, PartSerial, Reading, SeriesKey, UsageSet};
pub use totals::{SerialUsage, Usage};
