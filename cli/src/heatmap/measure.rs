//! What the heatmap colours parts by (`--by`): each measure's value for a part, its wording in
//! cells, legends and the lines under the grid. A part whose value is unknown (no usage data,
//! no limit, not in git, not timed) has none, and is drawn as such rather than as a zero.
use crate::due::DueItem;
use crate::present::words::{busy, count};
use crate::time::{DAY, Secs};

/// A measure of a part.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub(crate) enum Measure {
    /// Percent of the nearest limit (calls, busy time or age, whichever is nearest).
    Wear,
    /// Days since overhaul: since the part's newest line was written.
    Age,
    /// Calls since overhaul (or since the last sign-off).
    Calls,
    /// Busy time since overhaul (or since the last sign-off), for timed parts.
    Busy,
}

impl Measure {
    /// The value of `item` as of `now`, if known: percent, days, calls or nanoseconds.
    pub(crate) fn value(self, item: &DueItem, now: Secs) -> Option<f64> {
        match self {
            Measure::Wear => item.nearest.as_ref().map(|n| n.percent).filter(|p| p.is_finite()),
            Measure::Age => item.overhauled_at.map(|t| (now.saturating_sub(t).max(0) / DAY) as f64),
            Measure::Calls => item.calls_since_overhaul.map(|c| c as f64),
            Measure::Busy => item.busy_ns.map(|b| b as f64),
        }
    }

    /// A value for people: `87%`, `412d`, `12.3k`, `4.2s`.
    pub(crate) fn format(self, value: f64) -> String {
        let whole = value.max(0.0).round() as u64;
        match self {
            Measure::Wear => format!("{whole}%"),
            Measure::Age => format!("{whole}d"),
            Measure::Calls => count(whole),
            Measure::Busy => busy(Some(whole)),
        }
    }

    /// The measure as the legend names it.
    pub(crate) fn title(self) -> &'static str {
        match self {
            Measure::Wear => "wear (percent of the nearest limit)",
            Measure::Age => "age since overhaul",
            Measure::Calls => "calls since overhaul",
            Measure::Busy => "busy time since overhaul",
        }
    }

    /// The argument's spelling: `wear`, `age`, `calls`, `busy`.
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Measure::Wear => "wear",
            Measure::Age => "age",
            Measure::Calls => "calls",
            Measure::Busy => "busy",
        }
    }
}
