//! Fleet usage from a Prometheus-compatible query API (Prometheus, Thanos, Mimir,
//! VictoriaMetrics): the calls, failures and busy time of every part summed over every process,
//! in a fixed number of requests whatever the number of parts.
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
//! The result is one [`Reading`] of a series named after the backend (`prometheus URL`),
//! started at the window's start and taken at its end; of several recorded ones only the
//! latest counts ([`supersede`]), because each counts every process of its window.
//!
//! A *period* (`ingest --prometheus` once the ledger holds one) is what the fleet counted
//! between the ledger's last period and now ([`queries::increase_query`]): periods add up, so
//! a report reads the ledger plus the short stretch since, never months of samples. Its
//! stretches without data and the restarts of an aggregation are [`Gap`]s, reported.
pub(crate) mod client;
pub(crate) mod gaps;
pub(crate) mod header;
pub(crate) mod kind;
pub(crate) mod queries;
pub mod response;
pub(crate) mod window;

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::time::Duration;

pub(crate) use client::{Auth, Backend};
pub(crate) use gaps::Gap;
pub(crate) use header::Header;
pub(crate) use kind::SeriesKind;
pub(crate) use queries::{Metric, PATH_LABEL, SERIAL_LABEL};
pub(crate) use window::{DEFAULT_WINDOW, Window};

use crate::error::{Error, Result};
use crate::time::{Secs, format_instant};
use crate::usage::series::{Counts, PartSerial, Reading, SeriesKey};

/// The series name of fleet totals over a window: this prefix, then the backend's identity.
pub(crate) const SERIES_PREFIX: &str = "prometheus ";
/// The series name of fleet periods: this prefix, then the backend's identity.
pub(crate) const PERIOD_PREFIX: &str = "fleet period ";

/// The timeout of each attempt when `--prometheus-timeout` is not given, in seconds.
pub(crate) const DEFAULT_TIMEOUT_SECS: f64 = 30.0;

/// How far before a period a process's last value is looked for, at most and at least: a
/// process exports every few seconds to a minute, so an hour finds it; a day bounds the
/// samples read for a long period.
const LOOKBACK_SECS: (i64, i64) = (3_600, 86_400);

/// What to ask which backend.
#[derive(Debug)]
pub(crate) struct FleetQuery {
    /// The backend.
    pub(crate) backend: Backend,
    /// How far back from `end` a process must have reported to count.
    pub(crate) window: Window,
    /// The end of the window, in seconds since the epoch.
    pub(crate) end: Secs,
    /// Which series are read.
    pub(crate) kind: SeriesKind,
    /// When set, what the fleet counted after this instant (a period), not the window's totals.
    pub(crate) since: Option<Since>,
}

/// The start of a period.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Since {
    /// The instant, in seconds since the epoch.
    pub(crate) at: Secs,
    /// True when the ledger's previous period ended there (data is expected from the start).
    pub(crate) continues: bool,
}

/// What a fleet query read: one reading, and the gaps found in a period.
#[derive(Debug)]
pub(crate) struct FleetReading {
    /// The totals (or the period's increase) per part and serial.
    pub(crate) reading: Reading,
    /// Stretches without data, or aggregation restarts, within the period.
    pub(crate) gaps: Vec<Gap>,
}

/// The series key of fleet readings from the backend at `url` whose window starts at `start`.
pub(crate) fn series_key(url: &str, start: Secs) -> SeriesKey {
    SeriesKey { instance: format!("{SERIES_PREFIX}{url}"), started_ms: start.saturating_mul(1000) }
}

/// The series key of the period of the backend at `url` that starts at `start`.
pub(crate) fn period_key(url: &str, start: Secs) -> SeriesKey {
    SeriesKey { instance: format!("{PERIOD_PREFIX}{url}"), started_ms: start.saturating_mul(1000) }
}

/// Reads the fleet's totals (or a period's increase): one request per [`Metric`], then the
/// checks (counter resets; for aggregated series, labels of a process run left on them; for a
/// period, stretches without data), each retried at most [`client::ATTEMPTS`] times. `say`
/// hears warnings (retries, the backend's own warnings, counter resets) as whole sentences.
/// Any error quoting the backend (a label value, an error answer) has the credentials sent to it
/// redacted ([`Backend::redact`]), as have the warnings.
pub(crate) fn read_fleet(query: &FleetQuery, say: &mut dyn FnMut(String)) -> Result<FleetReading> {
    read_fleet_unredacted(query, say).map_err(|e| query.backend.redact_error(e))
}

fn read_fleet_unredacted(query: &FleetQuery, say: &mut dyn FnMut(String)) -> Result<FleetReading> {
    let FleetQuery { backend, window, end, kind, since } = query;
    let (end, kind) = (*end, *kind);
    let url = backend.url.as_str();
    let identity = backend.identity();
    let ask_body = |promql: &str, say: &mut dyn FnMut(String)| -> Result<String> {
        // Whatever the backend says is redacted: it may echo the credentials it was sent.
        backend
            .query(promql, end, |why, wait, attempt| {
                say(backend.redact(&format!(
                    "the Prometheus API at {url}: {why}; retrying in {:.1} s (attempt {attempt} of {})",
                    wait.as_secs_f64(),
                    client::ATTEMPTS
                )))
            })
            .map_err(|e| backend.redact_error(e))
    };
    let warn = |warnings: &[String], say: &mut dyn FnMut(String)| {
        for warning in warnings {
            say(format!("the Prometheus API at {url} warns: {}", client::shorten(&backend.redact(warning))));
        }
    };
    let ask = |promql: &str, say: &mut dyn FnMut(String)| -> Result<response::Answer> {
        let body = ask_body(promql, say)?;
        let answer = response::parse(url, promql, &body).map_err(|e| backend.redact_error(e))?;
        warn(&answer.warnings, say);
        Ok(answer)
    };
    // The period (or window) read, in seconds before `end`.
    let start = match since {
        Some(since) => since.at,
        None => end.saturating_sub(window.secs),
    };
    let secs = end.saturating_sub(start).max(1);
    let promql_of = |metric: Metric| match (since, kind) {
        (None, SeriesKind::Raw) => queries::total_query(metric, *window),
        _ => queries::increase_query(metric, kind, secs, secs.clamp(LOOKBACK_SECS.0, LOOKBACK_SECS.1)),
    };
    if kind == SeriesKind::Aggregated {
        check_aggregated_labels(url, &ask(&queries::per_process_query(secs), say)?)?;
    }
    let mut parts: BTreeMap<PartSerial, Counts> = BTreeMap::new();
    for metric in Metric::ALL {
        let promql = promql_of(metric);
        let answer = ask(&promql, say)?;
        // Nothing at all is a wrong URL or setup, unless a ledger's periods went on until now: then
        // it is a stretch without use, or without data, which the presence check reports.
        if metric == Metric::Calls && answer.samples.is_empty() && !since.is_some_and(|s| s.continues) {
            return Err(no_series(url, kind, secs, end));
        }
        for sample in answer.samples {
            add_sample(&mut parts, url, metric, kind, &sample)?;
        }
    }
    let mut gaps = Vec::new();
    let resets = ask(&queries::resets_query(kind, secs), say)?;
    let reset_series: f64 = resets.samples.iter().map(|s| s.value).sum();
    if reset_series > 0.0 {
        match kind {
            SeriesKind::Raw => say(format!(
                "{reset_series} `{}` series at {url} went back down within the window: several processes \
                 share a series there (a pipeline drops the `service_instance_id` label?), so the totals \
                 miss what those processes counted before each restart; keep `service_instance_id` on \
                 every series",
                Metric::Calls.name(kind)
            )),
            // The aggregation restarted and lost its running totals: the calls around it are lost.
            SeriesKind::Aggregated => gaps.push(Gap {
                from: start,
                to: end,
                why: format!(
                    "{reset_series} aggregated `{}` series went back down: the aggregation restarted and \
                     lost its running totals, so the calls counted between its last write and the \
                     restart are missing",
                    Metric::Calls.name(kind)
                ),
            }),
        }
    }
    if let Some(since) = since {
        let step = gaps::step_for(secs);
        let promql = queries::presence_query(kind, secs, step, gaps::look_for(step));
        let body = ask_body(&promql, say)?;
        let (series, warnings) =
            response::parse_matrix(url, &promql, &body).map_err(|e| backend.redact_error(e))?;
        warn(&warnings, say);
        let present: Vec<Secs> = series.iter().flat_map(|s| s.points.iter().map(|p| p.0)).collect();
        for (from, to) in gaps::holes(&present, start, end, step, since.continues) {
            gaps.push(Gap {
                from,
                to,
                why: format!(
                    "no `{}` sample at {url} from {} to {}: the backend was down or has lost them, or no \
                     process ran",
                    Metric::Calls.name(kind),
                    format_instant(from),
                    format_instant(to)
                ),
            });
        }
    }
    let (key, service) = match since {
        Some(_) => (period_key(&identity, start), "fleet period"),
        None => (series_key(&identity, start), "fleet"),
    };
    let reading = Reading {
        series: key,
        service: service.to_owned(),
        taken_ms: end.saturating_mul(1000),
        source: PathBuf::from(&identity),
        parts,
    };
    Ok(FleetReading { reading, gaps })
}

/// The error for a backend without the call series a query needs.
fn no_series(url: &str, kind: SeriesKind, secs: i64, end: Secs) -> Error {
    let error = Error::new(format!(
        "the Prometheus API at {url} has no `{}` series in the {secs} s up to {}",
        Metric::Calls.name(kind),
        format_instant(end)
    ));
    match kind {
        SeriesKind::Raw => error.help(
            "check that the services export wear's metrics (feature `prometheus` or \
             `opentelemetry` of the `wear` crate) and that this backend receives them, \
             or give a longer --window",
        ),
        SeriesKind::Aggregated => error.help(format!(
            "set up the aggregation that writes `{}` (the guide's \"Fleets at scale\" shows a \
             VictoriaMetrics -streamAggr.config), or read each process's series with \
             --prometheus-series raw; nothing was written",
            kind::FLEET_CALLS
        )),
    }
}

/// Refuses aggregated series that still carry a label of a process run: summed per process,
/// they grow with restarts and, read as aggregated, would be counted wrong.
fn check_aggregated_labels(url: &str, answer: &response::Answer) -> Result<()> {
    for sample in &answer.samples {
        if let Some((label, value)) = sample
            .labels
            .iter()
            .find(|(label, value)| kind::PER_PROCESS_LABELS.contains(&label.as_str()) && !value.is_empty())
        {
            return Err(Error::new(format!(
                "the Prometheus API at {url} has aggregated `{}` series that still carry the label \
                 `{label}` (e.g. {label}=\"{}\"): they are one per process run, not per part",
                kind::FLEET_CALLS,
                client::shorten(value)
            ))
            .help(format!(
                "add `{label}` to the aggregation's `without:` list (every label that names a process \
                 run: {}); nothing was written",
                kind::PER_PROCESS_LABELS.join(", ")
            )));
        }
    }
    Ok(())
}

/// Adds one sample of `metric` to `parts`.
fn add_sample(
    parts: &mut BTreeMap<PartSerial, Counts>,
    url: &str,
    metric: Metric,
    kind: SeriesKind,
    sample: &response::Sample,
) -> Result<()> {
    let part = part_of(url, sample)?;
    let counts = parts.entry(part).or_default();
    let bad = |what: &str| {
        Error::new(format!(
            "the Prometheus API at {url} answered {what} for `{}` of {:?}",
            metric.name(kind),
            sample.labels
        ))
        .help("wear's counters are whole, non-negative numbers; check what writes these series")
    };
    match metric {
        Metric::Calls => {
            counts.calls = whole(sample.value).ok_or_else(|| bad("a count that is negative or not finite"))?
        }
        Metric::Failures => {
            counts.failures =
                Some(whole(sample.value).ok_or_else(|| bad("a count that is negative or not finite"))?)
        }
        Metric::BusyTime => {
            counts.busy_ns = Some(
                whole(sample.value * 1e9).ok_or_else(|| bad("a busy time that is negative or not finite"))?,
            )
        }
    }
    Ok(())
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
    kind: SeriesKind,
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
    Ok(FleetQuery { backend, window, end, kind, since: None })
}

/// Drops the fleet totals that something else supersedes: of the totals over a window of each
/// backend only the latest, and none of a backend `live` (queried now) or with periods in
/// `readings` (periods count what the fleet did, once). Periods are all kept: they add up.
/// Returns what is kept and, for each backend with dropped totals, a sentence saying so.
pub(crate) fn supersede(readings: Vec<Reading>, live: Option<&str>) -> (Vec<Reading>, Vec<String>) {
    let backend = |r: &Reading| r.series.instance.strip_prefix(SERIES_PREFIX).map(str::to_owned);
    let with_periods: std::collections::BTreeSet<String> = readings
        .iter()
        .filter_map(|r| r.series.instance.strip_prefix(PERIOD_PREFIX).map(str::to_owned))
        .collect();
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
        } else if with_periods.contains(url) {
            notes.push(format!(
                "the ledger's {count} recorded fleet totals of {url} are not counted: \
                 the periods ingested since replace them"
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
            Some(url) => {
                live != Some(url.as_str())
                    && !with_periods.contains(&url)
                    && latest.get(&url).is_some_and(|l| l.0 == r.taken_ms)
            }
        })
        .collect();
    (kept, notes)
}

#[cfg(test)]
mod tests {
    use super::*;

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
    fn periods_add_up_and_replace_the_totals_of_their_backend() {
        let reading = |instance: &str, started_ms: i64, taken_ms: i64| Reading {
            series: SeriesKey { instance: instance.to_owned(), started_ms },
            service: String::new(),
            taken_ms,
            source: PathBuf::new(),
            parts: BTreeMap::new(),
        };
        let all = vec![
            reading("prometheus http://a", 0, 100),
            reading("fleet period http://a", 100, 200),
            reading("fleet period http://a", 200, 300),
            reading("prometheus http://b", 0, 250),
        ];
        let (kept, notes) = supersede(all, None);
        let kept: Vec<(&str, i64)> = kept.iter().map(|r| (r.series.instance.as_str(), r.taken_ms)).collect();
        assert_eq!(
            kept,
            [("fleet period http://a", 200), ("fleet period http://a", 300), ("prometheus http://b", 250)]
        );
        assert!(notes.iter().any(|n| n.contains("periods ingested since")), "{notes:?}");
    }

    #[test]
    fn counts_are_whole_and_not_negative() {
        assert_eq!(whole(41.9999999), Some(42));
        assert_eq!(whole(-0.0), Some(0));
        assert_eq!(whole(-3.0), None);
        assert_eq!(whole(f64::INFINITY), None);
    }
}
