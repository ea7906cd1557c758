//! Fleet usage from a Prometheus-compatible query API (Prometheus, Thanos, Mimir,
//! VictoriaMetrics): the calls, failures and busy time of every part summed over every process
//! that reported within a window, in a fixed number of requests whatever the number of parts.
//!
//! Every process exports its cumulative counters as its own series (label
//! `service_instance_id`, a new id for each run), so the largest value of a series within the
//! window is that process's count since it started, and the sum over series is the fleet's
//! total; a restart is a new series and adds up. One query per metric does it all:
//!
//! ```text
//! sum by (code_function_name, wear_part_serial) (max_over_time(wear_part_calls_total[WINDOW]))
//! ```
//!
//! and a fourth, `count(resets(wear_part_calls_total[WINDOW]) > 0)`, finds series whose counter
//! went back down: that only happens when a pipeline drops `service_instance_id` so that
//! several processes share one series, and then the totals are too low; a warning says so.
//!
//! The result is one [`Reading`] of a series named after the backend (`prometheus URL`),
//! started at the window's start and taken at its end. At most one such reading per backend
//! counts: given `--prometheus URL`, the live one replaces what `ingest --prometheus URL`
//! recorded earlier, and of several recorded ones only the latest counts ([`supersede`]),
//! because each already counts every process of its window since that process started.
pub(crate) mod client;
pub(crate) mod header;
pub mod response;
pub(crate) mod window;

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::time::Duration;

use wear::export::names;

pub(crate) use client::{Auth, Backend};
pub(crate) use header::Header;
pub(crate) use window::{DEFAULT_WINDOW, Window};

use crate::error::{Error, Result};
use crate::time::{Secs, format_instant};
use crate::usage::series::{Counts, PartSerial, Reading, SeriesKey};

/// The series name of fleet readings: this prefix, then the backend's URL.
pub(crate) const SERIES_PREFIX: &str = "prometheus ";

/// The timeout of each attempt when `--prometheus-timeout` is not given, in seconds.
pub(crate) const DEFAULT_TIMEOUT_SECS: f64 = 30.0;

/// What to ask which backend.
#[derive(Debug)]
pub(crate) struct FleetQuery {
    /// The backend.
    pub(crate) backend: Backend,
    /// How far back from `end` a process must have reported to count.
    pub(crate) window: Window,
    /// The end of the window, in seconds since the epoch.
    pub(crate) end: Secs,
}

/// The metrics read, the label each query groups by, and how a value becomes a count.
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

    /// The Prometheus name.
    pub(crate) fn name(self) -> &'static str {
        match self {
            Metric::Calls => names::PROM_CALLS,
            Metric::Failures => names::PROM_FAILURES,
            Metric::BusyTime => names::PROM_BUSY_TIME,
        }
    }
}

/// The Prometheus label of the part path.
pub(crate) const PATH_LABEL: &str = "code_function_name";
/// The Prometheus label of the serial.
pub(crate) const SERIAL_LABEL: &str = "wear_part_serial";

/// The fleet total of `metric` per part and serial over `window`.
pub(crate) fn total_query(metric: Metric, window: Window) -> String {
    format!("sum by ({PATH_LABEL}, {SERIAL_LABEL}) (max_over_time({}[{}]))", metric.name(), window.promql())
}

/// How many call series went back down within `window`.
pub(crate) fn resets_query(window: Window) -> String {
    format!("count(resets({}[{}]) > 0)", names::PROM_CALLS, window.promql())
}

/// The series key of fleet readings from the backend at `url` whose window starts at `start`.
pub(crate) fn series_key(url: &str, start: Secs) -> SeriesKey {
    SeriesKey { instance: format!("{SERIES_PREFIX}{url}"), started_ms: start.saturating_mul(1000) }
}

/// Reads the fleet's totals: [`Metric::ALL`] then the resets check, four requests in all,
/// each retried at most [`client::ATTEMPTS`] times. `say` hears warnings (retries, the
/// backend's own warnings, counter resets) as whole sentences.
/// Any error quoting the backend (a label value, an error answer) has the credentials sent to it
/// redacted ([`Backend::redact`]), as have the warnings.
pub(crate) fn read_fleet(query: &FleetQuery, say: &mut dyn FnMut(String)) -> Result<Reading> {
    read_fleet_unredacted(query, say).map_err(|e| query.backend.redact_error(e))
}

fn read_fleet_unredacted(query: &FleetQuery, say: &mut dyn FnMut(String)) -> Result<Reading> {
    let FleetQuery { backend, window, end } = query;
    let url = backend.url.as_str();
    let identity = backend.identity();
    let ask = |promql: &str, say: &mut dyn FnMut(String)| -> Result<response::Answer> {
        // Whatever the backend says is redacted: it may echo the credentials it was sent.
        let body = backend
            .query(promql, *end, |why, wait, attempt| {
                say(backend.redact(&format!(
                    "the Prometheus API at {url}: {why}; retrying in {:.1} s (attempt {attempt} of {})",
                    wait.as_secs_f64(),
                    client::ATTEMPTS
                )))
            })
            .map_err(|e| backend.redact_error(e))?;
        let answer = response::parse(url, promql, &body).map_err(|e| backend.redact_error(e))?;
        for warning in &answer.warnings {
            say(format!("the Prometheus API at {url} warns: {}", client::shorten(&backend.redact(warning))));
        }
        Ok(answer)
    };
    let mut parts: BTreeMap<PartSerial, Counts> = BTreeMap::new();
    for metric in Metric::ALL {
        let promql = total_query(metric, *window);
        let answer = ask(&promql, say)?;
        if metric == Metric::Calls && answer.samples.is_empty() {
            return Err(Error::new(format!(
                "the Prometheus API at {url} has no `{}` series in the {} s up to {}",
                metric.name(),
                window.secs,
                format_instant(*end)
            ))
            .help(
                "check that the services export wear's metrics (feature `prometheus` or \
                 `opentelemetry` of the `wear` crate) and that this backend receives them, \
                 or give a longer --window",
            ));
        }
        for sample in answer.samples {
            let part = part_of(url, &sample)?;
            let counts = parts.entry(part).or_default();
            let bad = |what: &str| {
                Error::new(format!(
                    "the Prometheus API at {url} answered {what} for `{}` of {:?}",
                    metric.name(),
                    sample.labels
                ))
                .help("wear's counters are whole, non-negative numbers; check what writes these series")
            };
            match metric {
                Metric::Calls => {
                    counts.calls =
                        whole(sample.value).ok_or_else(|| bad("a count that is negative or not finite"))?
                }
                Metric::Failures => {
                    counts.failures = Some(
                        whole(sample.value).ok_or_else(|| bad("a count that is negative or not finite"))?,
                    )
                }
                Metric::BusyTime => {
                    counts.busy_ns = Some(
                        whole(sample.value * 1e9)
                            .ok_or_else(|| bad("a busy time that is negative or not finite"))?,
                    )
                }
            }
        }
    }
    let resets = ask(&resets_query(*window), say)?;
    let reset_series: f64 = resets.samples.iter().map(|s| s.value).sum();
    if reset_series > 0.0 {
        say(format!(
            "{reset_series} `{}` series at {url} went back down within the window: several processes \
             share a series there (a pipeline drops the `service_instance_id` label?), so the totals \
             miss what those processes counted before each restart; keep `service_instance_id` on \
             every series",
            names::PROM_CALLS
        ));
    }
    let start = end.saturating_sub(window.secs);
    Ok(Reading {
        series: series_key(&identity, start),
        service: "fleet".to_owned(),
        taken_ms: end.saturating_mul(1000),
        source: PathBuf::from(&identity),
        parts,
    })
}

/// A sample's part and serial, from its labels.
fn part_of(url: &str, sample: &response::Sample) -> Result<PartSerial> {
    let label = |name: &str| sample.labels.get(name).filter(|v| !v.is_empty());
    let (Some(path), Some(serial)) = (label(PATH_LABEL), label(SERIAL_LABEL)) else {
        return Err(Error::new(format!(
            "the Prometheus API at {url} answered a series without `{PATH_LABEL}` and `{SERIAL_LABEL}`: {:?}",
            sample.labels
        ))
        .help("wear's series always carry both labels; check what else writes these metric names"));
    };
    if serial.len() != 16 || !serial.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(Error::new(format!(
            "the Prometheus API at {url} answered `{path}` with the serial {serial:?}, not 16 hex digits"
        ))
        .help("check what else writes wear's metric names"));
    }
    Ok(PartSerial { path: path.clone(), serial: serial.to_ascii_lowercase() })
}

/// A non-negative finite number rounded to a whole count that fits the ledger.
fn whole(value: f64) -> Option<u64> {
    (value.is_finite() && value >= -0.5 && value.round() <= i64::MAX as f64)
        .then(|| value.round().max(0.0) as u64)
}

/// The settings behind `--prometheus`, `--window`, `--prometheus-timeout` and
/// `--prometheus-header`, with credentials read through `env`, ending at `end`.
pub(crate) fn fleet_query(
    url: &str,
    headers: &[String],
    window: &str,
    timeout_secs: f64,
    end: Secs,
    env: impl Fn(&str) -> Option<String>,
) -> Result<FleetQuery> {
    let window = Window::parse(window)?;
    if !(timeout_secs.is_finite() && timeout_secs > 0.0 && timeout_secs <= 3600.0) {
        return Err(Error::new(format!("--prometheus-timeout {timeout_secs} is not a number of seconds"))
            .help("give a number of seconds from 0.1 to 3600, e.g. --prometheus-timeout 30"));
    }
    let headers = headers.iter().map(|h| Header::parse(h)).collect::<Result<Vec<_>>>()?;
    let backend = Backend::new(url, Auth::from_env(env)?, headers, Duration::from_secs_f64(timeout_secs))?;
    Ok(FleetQuery { backend, window, end })
}

/// Drops the fleet readings that another one supersedes: of the readings of each backend
/// only the latest, and none of the backend `live` (queried now). Returns what is kept and,
/// for each backend with dropped readings, a sentence saying so.
pub(crate) fn supersede(readings: Vec<Reading>, live: Option<&str>) -> (Vec<Reading>, Vec<String>) {
    let backend = |r: &Reading| r.series.instance.strip_prefix(SERIES_PREFIX).map(str::to_owned);
    let mut latest: BTreeMap<String, (i64, usize)> = BTreeMap::new();
    for reading in &readings {
        if let Some(url) = backend(reading) {
            let entry = latest.entry(url).or_insert((reading.taken_ms, 0));
            entry.0 = entry.0.max(reading.taken_ms);
            entry.1 += 1;
        }
    }
    let mut notes = Vec::new();
    for (url, (taken_ms, count)) in &latest {
        if live == Some(url.as_str()) {
            notes.push(format!(
                "the ledger's {count} recorded fleet totals of {url} are not counted: \
                 the live query of --prometheus replaces them"
            ));
        } else if *count > 1 {
            notes.push(format!(
                "of {count} fleet totals recorded from {url}, only the latest (to {}) counts",
                format_instant(taken_ms / 1000)
            ));
        }
    }
    let kept = readings
        .into_iter()
        .filter(|r| match backend(r) {
            None => true,
            Some(url) => live != Some(url.as_str()) && latest.get(&url).is_some_and(|l| l.0 == r.taken_ms),
        })
        .collect();
    (kept, notes)
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
        assert_eq!(resets_query(w), "count(resets(wear_part_calls_total[2592000s]) > 0)");
    }

    #[test]
    fn only_the_latest_fleet_reading_of_a_backend_counts() {
        let reading = |instance: &str, taken_ms: i64| Reading {
            series: SeriesKey { instance: instance.to_owned(), started_ms: taken_ms - 10 },
            service: String::new(),
            taken_ms,
            source: PathBuf::new(),
            parts: BTreeMap::new(),
        };
        let all = vec![
            reading("prometheus http://a", 100),
            reading("prometheus http://a", 300),
            reading("prometheus http://b", 200),
            reading("f00d", 50),
        ];
        let (kept, notes) = supersede(all.clone(), None);
        let taken: Vec<i64> = kept.iter().map(|r| r.taken_ms).collect();
        assert_eq!(taken, [300, 200, 50]);
        assert_eq!(notes.len(), 1, "{notes:?}");
        let (kept, notes) = supersede(all, Some("http://b"));
        let taken: Vec<i64> = kept.iter().map(|r| r.taken_ms).collect();
        assert_eq!(taken, [300, 50]);
        assert!(notes.iter().any(|n| n.contains("live query")), "{notes:?}");
    }

    #[test]
    fn counts_are_whole_and_not_negative() {
        assert_eq!(whole(41.9999999), Some(42));
        assert_eq!(whole(-0.0), Some(0));
        assert_eq!(whole(-3.0), None);
        assert_eq!(whole(f64::INFINITY), None);
    }
}
