//! The PromQL that cargo-wear sends: one query per metric whatever the number of parts, in
//! the subset of PromQL that Prometheus, Thanos, Mimir and VictoriaMetrics read alike.
use super::kind::SeriesKind;
use super::window::Window;

/// The metrics read, in the order queried.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Metric {
    /// `wear_part_calls_total`.
    Calls,
    /// `wear_part_failures_total`.
    Failures,
    /// `wear_part_busy_time_seconds_total`, in seconds.
    BusyTime,
}

impl Metric {
    /// Every metric, in the order queried.
    pub(crate) const ALL: [Metric; 3] = [Metric::Calls, Metric::Failures, Metric::BusyTime];

    /// The series name of this metric in series of `kind`.
    pub(crate) fn name(self, kind: SeriesKind) -> &'static str {
        let [calls, failures, busy] = kind.names();
        match self {
            Metric::Calls => calls,
            Metric::Failures => failures,
            Metric::BusyTime => busy,
        }
    }
}

/// The Prometheus label of the part path.
pub(crate) const PATH_LABEL: &str = "code_function_name";
/// The Prometheus label of the serial.
pub(crate) const SERIAL_LABEL: &str = "wear_part_serial";

/// The fleet total of `metric` per part and serial over `window`, from raw series: the largest
/// value of each process's series (its count since it started), summed.
pub(crate) fn total_query(metric: Metric, window: Window) -> String {
    format!(
        "sum by ({PATH_LABEL}, {SERIAL_LABEL}) (max_over_time({}[{}]))",
        metric.name(SeriesKind::Raw),
        window.promql()
    )
}

/// What `metric` grew by per part and serial in the `period_secs` before the query's time:
/// for each series, its largest value in the period less its largest value in the
/// `lookback_secs` before the period, or all of it for a series that started in the period.
/// Counters only grow within a series, so the periods of a ledger add up to the total with
/// nothing counted twice. Exact (no extrapolation, unlike `increase`), on every backend.
pub(crate) fn increase_query(
    metric: Metric,
    kind: SeriesKind,
    period_secs: i64,
    lookback_secs: i64,
) -> String {
    let name = metric.name(kind);
    format!(
        "sum by ({PATH_LABEL}, {SERIAL_LABEL}) (\
         clamp_min(max_over_time({name}[{period_secs}s]) - max_over_time({name}[{lookback_secs}s] offset {period_secs}s), 0) \
         or max_over_time({name}[{period_secs}s]))"
    )
}

/// How many call series of `kind` went back down in the `secs` before the query's time.
pub(crate) fn resets_query(kind: SeriesKind, secs: i64) -> String {
    format!("count(resets({}[{secs}s]) > 0)", Metric::Calls.name(kind))
}

/// The aggregated call series grouped by the labels that name a process run: any group with
/// one of them set means the aggregation kept it, and its sums are per process again.
pub(crate) fn per_process_query(secs: i64) -> String {
    let labels = super::kind::PER_PROCESS_LABELS.join(", ");
    format!("count by ({labels}) (max_over_time({}[{secs}s]))", Metric::Calls.name(SeriesKind::Aggregated))
}

/// Whether any call series of `kind` had a sample in the `look_secs` before each of the
/// instants `step_secs` apart through the `secs` before the query's time: a subquery,
/// answered as a range of points.
pub(crate) fn presence_query(kind: SeriesKind, secs: i64, step_secs: i64, look_secs: i64) -> String {
    format!("count(max_over_time({}[{look_secs}s]))[{secs}s:{step_secs}s]", Metric::Calls.name(kind))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_queries_are_one_per_metric_and_window() {
        let w = Window::parse("30d").unwrap();
        assert_eq!(
            total_query(Metric::Calls, w),
            "sum by (code_function_name, wear_part_serial) (max_over_time(wear_part_calls_total[2592000s]))"
        );
        assert!(total_query(Metric::BusyTime, w).contains("wear_part_busy_time_seconds_total[2592000s]"));
        assert_eq!(
            resets_query(SeriesKind::Raw, 2_592_000),
            "count(resets(wear_part_calls_total[2592000s]) > 0)"
        );
    }

    #[test]
    fn an_increase_subtracts_the_value_before_the_period_of_the_same_series() {
        let q = increase_query(Metric::Failures, SeriesKind::Aggregated, 86_400, 3_600);
        assert!(q.contains("max_over_time(wear_fleet_part_failures_total[86400s]) - "), "{q}");
        assert!(q.contains("max_over_time(wear_fleet_part_failures_total[3600s] offset 86400s)"), "{q}");
        assert!(q.ends_with("or max_over_time(wear_fleet_part_failures_total[86400s]))"), "{q}");
        assert_eq!(
            per_process_query(60),
            "count by (service_instance_id, instance) (max_over_time(wear_fleet_part_calls_total[60s]))"
        );
        assert_eq!(
            presence_query(SeriesKind::Raw, 3600, 60, 600),
            "count(max_over_time(wear_part_calls_total[600s]))[3600s:60s]"
        );
    }
}
