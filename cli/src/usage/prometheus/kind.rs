//! `--prometheus-series`: which series a fleet query reads. `raw` are the processes' own
//! series, one per part and process run; `aggregated` are one series per part and serial (and
//! service) that the backend keeps by summing the processes' counters as they arrive — a
//! VictoriaMetrics stream aggregation (`total` output, `without` the per-process labels), set
//! up as the guide's "Fleets at scale" chapter shows — so their number does not grow with
//! restarts.
use wear::export::names;

use crate::error::{Error, Result};

/// The series a fleet query reads.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) enum SeriesKind {
    /// `wear_part_calls_total` and its siblings, one series per process run.
    #[default]
    Raw,
    /// `wear_fleet_part_calls_total` and its siblings, one series per part and serial.
    Aggregated,
}

/// The calls series the aggregation writes.
pub(crate) const FLEET_CALLS: &str = "wear_fleet_part_calls_total";
/// The failures series the aggregation writes.
pub(crate) const FLEET_FAILURES: &str = "wear_fleet_part_failures_total";
/// The busy-time series the aggregation writes, in seconds.
pub(crate) const FLEET_BUSY_TIME: &str = "wear_fleet_part_busy_time_seconds_total";

/// The labels that name one process run: the aggregation must drop them all.
pub(crate) const PER_PROCESS_LABELS: [&str; 2] = ["service_instance_id", "instance"];

impl SeriesKind {
    /// Reads `--prometheus-series`.
    pub(crate) fn parse(text: &str) -> Result<SeriesKind> {
        match text {
            "raw" => Ok(SeriesKind::Raw),
            "aggregated" => Ok(SeriesKind::Aggregated),
            _ => Err(Error::new(format!("`{text}` is not a kind of fleet series"))
                .help("give --prometheus-series raw (each process's series) or aggregated")),
        }
    }

    /// The names of the calls, failures and busy-time series.
    pub(crate) fn names(self) -> [&'static str; 3] {
        match self {
            SeriesKind::Raw => [names::PROM_CALLS, names::PROM_FAILURES, names::PROM_BUSY_TIME],
            SeriesKind::Aggregated => [FLEET_CALLS, FLEET_FAILURES, FLEET_BUSY_TIME],
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_two_kinds_are_read_and_nothing_else() {
        assert_eq!(SeriesKind::parse("raw").unwrap(), SeriesKind::Raw);
        assert_eq!(SeriesKind::parse("aggregated").unwrap(), SeriesKind::Aggregated);
        let err = SeriesKind::parse("rolled-up").unwrap_err().to_string();
        assert!(err.contains("rolled-up"), "{err}");
    }
}
