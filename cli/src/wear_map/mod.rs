//! The wear map's model, one for both of its views (the terminal picture of `cargo wear map`
//! and the SVG of the HTML report): which parts are on the map and where (age since overhaul,
//! calls since overhaul), where it splits, the four quadrants with their names and advice, and
//! the quadrant of every part. The views only draw what this module decides, so a part is in
//! the same quadrant in both.
//!
//! A part is on the map when it has an age from git and usage data. The split is at the
//! medians of the parts on the map: the upper median of their ages in whole days, and the upper
//! median of the calls of the used parts (at least one call); a part at the split is old (hot).
//! Medians rather than the policy's limits because limits differ part by part (rules,
//! attributes) and a part past its limit is already on the due list: the map ranks parts
//! against each other, and a median split always gives four readable groups.
//!
//! Why the upper median of whole days, and not a geometric mean over fractional days (what the
//! HTML view used to draw): the split is then always the age and calls of a real part, written
//! exactly in both views (`172d`, `150 calls`) in the unit the due list writes ages in, so a
//! reader can check a quadrant against the table; the assignment has no floating point in it,
//! so it is the same on every platform (reports are reproducible); and because the age split is
//! a whole number of days, a view that draws fractional ages still puts every dot on its
//! quadrant's side of the line (`floor(age) >= d` exactly when `age >= d`).
use serde::Serialize;

use crate::due::{DueItem, DueList};
use crate::present::words::count;
use crate::time::{DAY, Secs};

#[cfg(test)]
mod tests;

/// A quadrant of the wear map.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub(crate) enum Quadrant {
    /// Old and hot: inspect first.
    InspectFirst,
    /// New and hot: watch.
    Watch,
    /// Old and unused (few or no calls): removal candidates.
    RemovalCandidates,
    /// New and unused.
    NewUnused,
}

impl Quadrant {
    /// Every quadrant, in the order the map lists them.
    pub(crate) const ALL: [Quadrant; 4] =
        [Quadrant::InspectFirst, Quadrant::Watch, Quadrant::RemovalCandidates, Quadrant::NewUnused];

    /// The quadrant's name on the map, with its advice: `old and hot: inspect first`.
    pub(crate) fn name(self) -> &'static str {
        match self {
            Quadrant::InspectFirst => "old and hot: inspect first",
            Quadrant::Watch => "new and hot: watch",
            Quadrant::RemovalCandidates => "old and unused: removal candidates",
            Quadrant::NewUnused => "new and unused",
        }
    }

    /// What to do with its parts: `inspect first`, `watch`, `removal candidates`, `new and
    /// unused`.
    pub(crate) fn advice(self) -> &'static str {
        match self {
            Quadrant::InspectFirst => "inspect first",
            Quadrant::Watch => "watch",
            Quadrant::RemovalCandidates => "removal candidates",
            Quadrant::NewUnused => "new and unused",
        }
    }
}

/// A part on the map.
#[derive(Clone, Debug)]
pub(crate) struct Point<'a> {
    /// Its index in the due list.
    pub(crate) index: usize,
    /// The part.
    pub(crate) item: &'a DueItem,
    /// Seconds since overhaul (never negative).
    pub(crate) age: Secs,
    /// Whole days since overhaul.
    pub(crate) days: u64,
    /// Calls since overhaul.
    pub(crate) calls: u64,
    /// Its quadrant.
    pub(crate) quadrant: Quadrant,
}

impl Point<'_> {
    /// Days since overhaul with their fraction, for a view that draws finer than whole days.
    pub(crate) fn age_days(&self) -> f64 {
        self.age as f64 / DAY as f64
    }
}

/// Where the map splits: parts at least `days` old are old, parts with at least `calls` calls
/// (and at least one) are hot.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub(crate) struct Split {
    /// The median age of the parts on the map, in whole days.
    pub(crate) days: u64,
    /// The median calls of the used parts (1 when none is used).
    pub(crate) calls: u64,
}

impl Split {
    /// The upper medians of `days` and of the calls above zero in `calls`.
    fn medians(days: Vec<u64>, calls: Vec<u64>) -> Split {
        let median = |mut v: Vec<u64>| -> Option<u64> {
            v.sort_unstable();
            v.get(v.len() / 2).copied()
        };
        Split {
            days: median(days).unwrap_or(0),
            calls: median(calls.into_iter().filter(|&c| c > 0).collect()).unwrap_or(1).max(1),
        }
    }

    /// The quadrant of a part `days` old with `calls` calls.
    pub(crate) fn quadrant(&self, days: u64, calls: u64) -> Quadrant {
        match (days >= self.days, calls >= self.calls) {
            (true, true) => Quadrant::InspectFirst,
            (false, true) => Quadrant::Watch,
            (true, false) => Quadrant::RemovalCandidates,
            (false, false) => Quadrant::NewUnused,
        }
    }

    /// `split at the medians: 172d since overhaul, 150 calls (of the used parts)`.
    pub(crate) fn text(&self) -> String {
        format!(
            "split at the medians: {}d since overhaul, {} calls (of the used parts)",
            self.days,
            count(self.calls)
        )
    }
}

/// The wear map of a due list.
#[derive(Clone, Debug)]
pub(crate) struct WearMap<'a> {
    /// The parts on the map, in due-list order.
    pub(crate) points: Vec<Point<'a>>,
    /// Where it splits.
    pub(crate) split: Split,
    /// Parts left off the map: no age from git or no usage data.
    pub(crate) unplaced: usize,
}

impl<'a> WearMap<'a> {
    /// The map of `list`, as of its instant.
    pub(crate) fn of(list: &'a DueList) -> WearMap<'a> {
        let placed: Vec<(usize, &DueItem, Secs, u64)> = list
            .parts
            .iter()
            .enumerate()
            .filter_map(|(index, item)| {
                let age = list.now.saturating_sub(item.overhauled_at?).max(0);
                Some((index, item, age, item.calls_since_overhaul?))
            })
            .collect();
        let days = |age: Secs| (age / DAY) as u64;
        let split =
            Split::medians(placed.iter().map(|p| days(p.2)).collect(), placed.iter().map(|p| p.3).collect());
        let points = placed
            .into_iter()
            .map(|(index, item, age, calls)| Point {
                index,
                item,
                age,
                days: days(age),
                calls,
                quadrant: split.quadrant(days(age), calls),
            })
            .collect::<Vec<_>>();
        WearMap { unplaced: list.parts.len() - points.len(), points, split }
    }

    /// How many parts `quadrant` holds.
    pub(crate) fn count(&self, quadrant: Quadrant) -> usize {
        self.points.iter().filter(|p| p.quadrant == quadrant).count()
    }

    /// `inspect first: 2 · watch: 0 · removal candidates: 3 · new and unused: 0`.
    pub(crate) fn counts_text(&self) -> String {
        let counts: Vec<String> =
            Quadrant::ALL.iter().map(|&q| format!("{}: {}", q.advice(), self.count(q))).collect();
        counts.join(" · ")
    }
}
