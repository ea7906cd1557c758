//! Series and readings: one process run is a series, each snapshot of it a reading. Readings
//! of a series are cumulative, so a [`UsageSet`] keeps only the latest reading of each series,
//! whichever source (snapshot files, the ledger) it came from.
use std::collections::BTreeMap;
use std::path::PathBuf;

use crate::error::Result;
use crate::usage::Ledger;

/// One process run: its random instance id and the instant it started, in milliseconds since
/// the Unix epoch. A restart (new start time) is a new series even with the same instance.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct SeriesKey {
    /// The runtime's random id of the process run.
    pub instance: String,
    /// When the process started (`process.started_at`), in milliseconds.
    pub started_ms: i64,
}

/// A part as a usage record names it: its path and the serial it had in the running build.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct PartSerial {
    /// The part's path, e.g. `shop::cart::Cart::add_item`.
    pub path: String,
    /// The serial, 16 lowercase hex digits.
    pub serial: String,
}

/// A part's counts in one reading, cumulative since its process started.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Counts {
    /// Calls.
    pub calls: u64,
    /// Calls that returned `Err` or unwound, when the part counts failures.
    pub failures: Option<u64>,
    /// Busy time in nanoseconds, when the part is timed.
    pub busy_ns: Option<u64>,
}

impl Counts {
    /// Adds `other` to these counts; an absent count stays absent only if both are absent.
    pub fn add(&mut self, other: &Counts) {
        self.calls = self.calls.saturating_add(other.calls);
        self.failures = add_optional(self.failures, other.failures);
        self.busy_ns = add_optional(self.busy_ns, other.busy_ns);
    }
}

fn add_optional(a: Option<u64>, b: Option<u64>) -> Option<u64> {
    match (a, b) {
        (Some(a), Some(b)) => Some(a.saturating_add(b)),
        (a, b) => a.or(b),
    }
}

/// One snapshot of one series: every part's counts at `taken_ms`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Reading {
    /// The process run it belongs to.
    pub series: SeriesKey,
    /// The service name the process reported.
    pub service: String,
    /// When the snapshot was taken, in milliseconds since the Unix epoch.
    pub taken_ms: i64,
    /// The snapshot file (or ledger) it was read from, for messages.
    pub source: PathBuf,
    /// Counts per part and serial (entries of the same part and serial are summed).
    pub parts: BTreeMap<PartSerial, Counts>,
}

/// Usage collected from snapshot files and/or a ledger: the latest reading of each series.
#[derive(Clone, Debug, Default)]
pub struct UsageSet {
    latest: BTreeMap<SeriesKey, Reading>,
    /// Readings of one process run that contradict each other (see [`UsageSet::add_reading`]).
    disagreements: Vec<Disagreement>,
    /// The report's instant in milliseconds: a reading taken (or a process started) after it
    /// is set aside in `future`, not counted, so a wrong clock cannot change a verdict.
    until_ms: Option<i64>,
    /// Readings set aside for being after `until_ms`: source, instance, and the instant.
    future: Vec<(PathBuf, String, i64)>,
}

/// Two readings of one process run that cannot both be right.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Disagreement {
    /// A count is lower in the later reading: the counters only grow while a process runs.
    WentDown(String),
    /// Taken at the same instant, with different counts: one of them was edited or corrupted.
    SameInstant(String),
}

impl UsageSet {
    /// An empty set.
    pub fn new() -> Self {
        UsageSet::default()
    }

    /// An empty set that leaves out readings taken, or of processes started, after `now`
    /// (seconds): they are listed by [`UsageSet::future`] instead.
    pub fn until(now: crate::time::Secs) -> Self {
        // Instants are whole seconds: a reading within the second of `now` is not after it.
        UsageSet { until_ms: Some(now.saturating_mul(1000).saturating_add(999)), ..UsageSet::default() }
    }

    /// The readings left out for being after the set's instant: the file (or ledger) each
    /// came from, its process run, and when it was taken (or its process started), in ms.
    pub(crate) fn future(&self) -> &[(PathBuf, String, i64)] {
        &self.future
    }

    /// Reads every snapshot file matched by `patterns` (paths, or globs with `*`, `?` or `[`).
    /// All files are read before any is added, so on error the set is unchanged; the error names
    /// the file (and line).
    pub fn add_files(&mut self, patterns: &[String]) -> Result<()> {
        let paths = crate::usage::files::expand(patterns)?;
        let readings = crate::usage::files::read_all(&paths)?;
        for reading in readings {
            self.add_reading(reading);
        }
        Ok(())
    }

    /// Adds the latest reading of every series recorded in `ledger`, but of a fleet's
    /// recorded totals only the latest, and none of the fleet `live` (queried now, so read
    /// afterwards). Returns a sentence for each fleet whose older totals were left out.
    pub fn add_ledger(&mut self, ledger: &Ledger, live: Option<&str>) -> Result<Vec<String>> {
        let (readings, notes) = crate::usage::prometheus::supersede(ledger.latest_readings()?, live);
        for reading in readings {
            self.add_reading(reading);
        }
        Ok(notes)
    }

    /// Adds one reading: it replaces the one kept for its series only if taken later (on a tie
    /// the reading seen first stays), so a reading found in several sources counts once. Two
    /// readings of one process run that contradict each other (a count going down, the same
    /// instant with other counts) are recorded in [`UsageSet::disagreements`].
    pub(crate) fn add_reading(&mut self, reading: Reading) {
        let at = reading.taken_ms.max(reading.series.started_ms);
        if self.until_ms.is_some_and(|until| at > until) {
            self.future.push((reading.source, reading.series.instance, at));
            return;
        }
        match self.latest.get_mut(&reading.series) {
            Some(kept) if kept.taken_ms == reading.taken_ms => {
                if kept.parts != reading.parts {
                    self.disagreements.push(Disagreement::SameInstant(format!(
                        "{} and {} are readings of one process run ({}) at the same instant with different \
                         counts{}",
                        kept.source.display(),
                        reading.source.display(),
                        reading.series.instance,
                        first_difference(kept, &reading)
                    )));
                }
            }
            Some(kept) if kept.taken_ms > reading.taken_ms => {
                self.disagreements.extend(went_down(&reading, kept));
            }
            Some(kept) => {
                self.disagreements.extend(went_down(kept, &reading));
                *kept = reading;
            }
            None => {
                self.latest.insert(reading.series.clone(), reading);
            }
        }
    }

    /// The contradictions met so far, in the order met.
    pub(crate) fn disagreements(&self) -> &[Disagreement] {
        &self.disagreements
    }

    /// True when no series was added.
    pub fn is_empty(&self) -> bool {
        self.latest.is_empty()
    }

    /// The number of series.
    pub fn len(&self) -> usize {
        self.latest.len()
    }

    /// The latest reading of each series, ordered by series.
    pub fn readings(&self) -> impl Iterator<Item = &Reading> {
        self.latest.values()
    }
}

/// The first part whose calls went down from `older` to `newer`, two readings of one process
/// run. A fleet's totals are sums over a moving window, which may go down: they are not checked.
fn went_down(older: &Reading, newer: &Reading) -> Option<Disagreement> {
    if older.series.instance.starts_with(crate::usage::prometheus::SERIES_PREFIX) {
        return None;
    }
    let (part, was, now) = older.parts.iter().find_map(|(part, counts)| {
        let now = newer.parts.get(part)?.calls;
        (now < counts.calls).then_some((part, counts.calls, now))
    })?;
    Some(Disagreement::WentDown(format!(
        "{}: the calls of {} went down from {was} (in {}) to {now} within one process run ({}); \
         counters only grow while a process runs, so one of the files is not what the process wrote",
        newer.source.display(),
        part.path,
        older.source.display(),
        older.series.instance
    )))
}

/// `: PART has N and M calls`, for the first part the two readings count differently.
fn first_difference(a: &Reading, b: &Reading) -> String {
    a.parts
        .iter()
        .find(|(part, counts)| b.parts.get(*part) != Some(*counts))
        .map(|(part, counts)| {
            let other = b.parts.get(part).map_or_else(|| "no".to_owned(), |c| c.calls.to_string());
            format!(": {} has {} and {other} calls", part.path, counts.calls)
        })
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reading(taken_ms: i64, calls: u64) -> Reading {
        let part = PartSerial { path: "shop::checkout".to_owned(), serial: "00000000000000aa".to_owned() };
        Reading {
            series: SeriesKey { instance: "a1".to_owned(), started_ms: 1_000 },
            service: "shop".to_owned(),
            taken_ms,
            source: PathBuf::from(format!("{calls}.json")),
            parts: BTreeMap::from([(part, Counts { calls, ..Counts::default() })]),
        }
    }

    fn kept_calls(set: &UsageSet) -> Vec<u64> {
        set.readings().flat_map(|r| r.parts.values().map(|c| c.calls)).collect()
    }

    #[test]
    fn the_latest_reading_stays_and_a_tie_keeps_the_first() {
        let mut set = UsageSet::new();
        set.add_reading(reading(5_000, 10));
        set.add_reading(reading(4_000, 99));
        assert_eq!(kept_calls(&set), [10], "an earlier reading does not replace a later one");
        set.add_reading(reading(5_000, 11));
        assert_eq!(kept_calls(&set), [10], "on a tie the reading seen first stays");
        set.add_reading(reading(5_001, 12));
        assert_eq!(kept_calls(&set), [12]);
        assert_eq!(set.len(), 1);
    }

    #[test]
    fn a_reading_after_the_instant_is_set_aside_and_the_earlier_one_stays() {
        let mut set = UsageSet::until(5);
        set.add_reading(reading(4_000, 10));
        set.add_reading(reading(5_999, 11));
        assert_eq!(kept_calls(&set), [11], "within the second of the instant is not after it");
        set.add_reading(reading(6_000, 99));
        assert_eq!(kept_calls(&set), [11], "the reading from the future replaces nothing");
        assert_eq!(set.future(), [(PathBuf::from("99.json"), "a1".to_owned(), 6_000)]);
    }

    #[test]
    fn absent_counts_stay_absent_only_when_both_are() {
        let mut sum = Counts { calls: u64::MAX - 1, failures: None, busy_ns: Some(5) };
        sum.add(&Counts { calls: 7, failures: Some(2), busy_ns: None });
        assert_eq!(sum, Counts { calls: u64::MAX, failures: Some(2), busy_ns: Some(5) });
        sum.add(&Counts { calls: 0, failures: None, busy_ns: None });
        assert_eq!(sum, Counts { calls: u64::MAX, failures: Some(2), busy_ns: Some(5) });
    }
}
