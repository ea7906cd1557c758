//! Totals per part and serial over every series of a [`UsageSet`]: what the due list joins
//! with the scanned parts. Different series add up; the time each serial was observed is kept
//! so that a rate of use, and from it a forecast, can be worked out.
use std::collections::BTreeMap;

use crate::time::Secs;
use crate::usage::series::{Counts, UsageSet};

/// One part's usage under one serial, summed over every series that reported that serial.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SerialUsage {
    /// Calls.
    pub calls: u64,
    /// Failures, when at least one series counted them.
    pub failures: Option<u64>,
    /// Busy time in nanoseconds, when at least one series timed the part.
    pub busy_ns: Option<u64>,
    /// The earliest start of a process that reported this serial.
    pub first: Secs,
    /// The latest snapshot that reported this serial.
    pub last: Secs,
}

impl SerialUsage {
    /// The usage of two sets of process runs together.
    pub(crate) fn merged(&self, other: &SerialUsage) -> SerialUsage {
        let add = |a: Option<u64>, b: Option<u64>| match (a, b) {
            (Some(a), Some(b)) => Some(a.saturating_add(b)),
            (a, b) => a.or(b),
        };
        SerialUsage {
            calls: self.calls.saturating_add(other.calls),
            failures: add(self.failures, other.failures),
            busy_ns: add(self.busy_ns, other.busy_ns),
            first: self.first.min(other.first),
            last: self.last.max(other.last),
        }
    }
}

/// Usage of every part seen in the usage records.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Usage {
    /// Part path → serial → totals. A part reported with zero calls is present (it is covered
    /// by usage data: "in storage"); a part never reported is absent ("unknown").
    pub parts: BTreeMap<String, BTreeMap<String, SerialUsage>>,
    /// The earliest process start and the latest snapshot over all series, if any.
    pub window: Option<(Secs, Secs)>,
    /// How many series (process runs) the totals come from.
    pub series: usize,
}

/// Whole seconds (rounded down) of an instant in milliseconds.
pub(crate) fn secs_of(ms: i64) -> Secs {
    ms.div_euclid(1000)
}

impl UsageSet {
    /// Totals per part and serial over the latest reading of every series.
    pub fn usage(&self) -> Usage {
        let mut usage = Usage { series: self.len(), ..Usage::default() };
        for reading in self.readings() {
            let (start, end) = (secs_of(reading.series.started_ms), secs_of(reading.taken_ms));
            usage.window = Some(match usage.window {
                Some((first, last)) => (first.min(start), last.max(end)),
                None => (start, end),
            });
            for (part, counts) in &reading.parts {
                let serials = usage.parts.entry(part.path.clone()).or_default();
                match serials.get_mut(&part.serial) {
                    Some(total) => {
                        let mut sum =
                            Counts { calls: total.calls, failures: total.failures, busy_ns: total.busy_ns };
                        sum.add(counts);
                        *total = SerialUsage {
                            calls: sum.calls,
                            failures: sum.failures,
                            busy_ns: sum.busy_ns,
                            first: total.first.min(start),
                            last: total.last.max(end),
                        };
                    }
                    None => {
                        serials.insert(
                            part.serial.clone(),
                            SerialUsage {
                                calls: counts.calls,
                                failures: counts.failures,
                                busy_ns: counts.busy_ns,
                                first: start,
                                last: end,
                            },
                        );
                    }
                }
            }
        }
        usage
    }
}

impl Usage {
    /// The serials reported for `path`, if any usage record covers the part.
    pub fn part(&self, path: &str) -> Option<&BTreeMap<String, SerialUsage>> {
        self.parts.get(path)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn instants_round_down_to_the_second_also_before_1970() {
        assert_eq!(secs_of(1_999), 1);
        assert_eq!(secs_of(2_000), 2);
        assert_eq!(secs_of(-1), -1);
        assert_eq!(secs_of(-1_000), -1);
        assert_eq!(secs_of(-1_001), -2);
    }

    #[test]
    fn an_empty_set_has_no_window() {
        assert_eq!(UsageSet::new().usage(), Usage { parts: BTreeMap::new(), window: None, series: 0 });
    }
}
