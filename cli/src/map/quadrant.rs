//! The four quadrants of the wear map and where they split. The split is at the medians of the
//! parts on the map: half the parts are older than the age split, half the used parts have more
//! calls than the calls split. Medians rather than the policy's limits because limits differ
//! part by part (rules, attributes) and a part past its limit is already on the due list: the
//! map ranks parts against each other, and a median split always gives four readable groups.
use crate::due::DueItem;
use crate::time::{DAY, Secs};

/// A quadrant of the wear map.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Quadrant {
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
    pub const ALL: [Quadrant; 4] =
        [Quadrant::InspectFirst, Quadrant::Watch, Quadrant::RemovalCandidates, Quadrant::NewUnused];

    /// The quadrant's name on the map.
    pub fn name(self) -> &'static str {
        match self {
            Quadrant::InspectFirst => "old and hot: inspect first",
            Quadrant::Watch => "new and hot: watch",
            Quadrant::RemovalCandidates => "old and unused: removal candidates",
            Quadrant::NewUnused => "new and unused",
        }
    }

    /// What to do with its parts: `inspect first`, `watch`, `removal candidates`, `new and
    /// unused`.
    pub fn short(self) -> &'static str {
        match self {
            Quadrant::InspectFirst => "inspect first",
            Quadrant::Watch => "watch",
            Quadrant::RemovalCandidates => "removal candidates",
            Quadrant::NewUnused => "new and unused",
        }
    }

    /// The colour of its points: red, amber, blue, grey.
    pub fn rgb(self) -> (u8, u8, u8) {
        match self {
            Quadrant::InspectFirst => (230, 60, 50),
            Quadrant::Watch => (240, 170, 30),
            Quadrant::RemovalCandidates => (70, 130, 230),
            Quadrant::NewUnused => (128, 128, 128),
        }
    }
}

/// A part on the map: its age since overhaul in whole days and its calls since overhaul.
#[derive(Clone, Debug)]
pub struct Point<'a> {
    /// The part.
    pub item: &'a DueItem,
    /// Days since overhaul.
    pub days: u64,
    /// Calls since overhaul.
    pub calls: u64,
}

impl<'a> Point<'a> {
    /// The part's point, when both its age and its calls are known.
    pub fn of(item: &'a DueItem, now: Secs) -> Option<Point<'a>> {
        let days = (now.saturating_sub(item.overhauled_at?).max(0) / DAY) as u64;
        Some(Point { item, days, calls: item.calls_since_overhaul? })
    }
}

/// Where the map splits: parts at least `days` old are old, parts with at least `calls` calls
/// (and at least one) are hot.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Split {
    /// The median age of the parts on the map, in days.
    pub days: u64,
    /// The median calls of the used parts (1 when none is used).
    pub calls: u64,
}

impl Split {
    /// The medians of `points` (the upper median of an even count).
    pub fn medians(points: &[Point<'_>]) -> Split {
        let median = |mut v: Vec<u64>| -> Option<u64> {
            v.sort_unstable();
            v.get(v.len() / 2).copied()
        };
        Split {
            days: median(points.iter().map(|p| p.days).collect()).unwrap_or(0),
            calls: median(points.iter().filter(|p| p.calls > 0).map(|p| p.calls).collect())
                .unwrap_or(1)
                .max(1),
        }
    }

    /// The quadrant of a point.
    pub fn quadrant(&self, point: &Point<'_>) -> Quadrant {
        match (point.days >= self.days, point.calls >= self.calls) {
            (true, true) => Quadrant::InspectFirst,
            (false, true) => Quadrant::Watch,
            (true, false) => Quadrant::RemovalCandidates,
            (false, false) => Quadrant::NewUnused,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn medians_split_old_from_new_and_hot_from_unused() {
        let item = crate::heatmap::layout::tests_support::item("a::f");
        let p = |days, calls| Point { item: &item, days, calls };
        let points = [p(10, 0), p(20, 5), p(300, 50), p(400, 500), p(5, 5000)];
        let split = Split::medians(&points);
        assert_eq!(split, Split { days: 20, calls: 500 });
        let quadrants: Vec<Quadrant> = points.iter().map(|q| split.quadrant(q)).collect();
        assert_eq!(
            quadrants,
            [
                Quadrant::NewUnused,
                Quadrant::RemovalCandidates,
                Quadrant::RemovalCandidates,
                Quadrant::InspectFirst,
                Quadrant::Watch
            ]
        );
        assert_eq!(Split::medians(&[p(3, 0)]), Split { days: 3, calls: 1 }, "no used part: one call is hot");
    }
}
