//! The due list: every part with its age, usage, limits and status, most urgent first. It is
//! what every report format prints, and what `check` gates on.
use serde::Serialize;

use crate::time::Secs;

/// Version of the JSON report schema; bumped on any incompatible change.
pub const SCHEMA: &str = "wear-report/2";

/// Where a part stands, from the most to the least urgent.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Status {
    /// A limit is reached.
    Overdue,
    /// Past the due-soon threshold of a limit.
    DueSoon,
    /// Used, and within its limits.
    Serviceable,
    /// Usage data covers it, and it had no calls.
    InStorage,
    /// No usage data covers it.
    Unknown,
}

impl Status {
    /// The word used in every output: `overdue`, `due-soon`, `serviceable`, `in-storage`,
    /// `unknown`.
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Overdue => "overdue",
            Status::DueSoon => "due-soon",
            Status::Serviceable => "serviceable",
            Status::InStorage => "in-storage",
            Status::Unknown => "unknown",
        }
    }
}

/// Which limit of a policy.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum LimitKind {
    /// Calls since overhaul or sign-off.
    Calls,
    /// Busy time since overhaul or sign-off.
    Busy,
    /// Calendar age since overhaul or sign-off.
    Age,
}

/// How far a part is through the limit nearest to being reached.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct LimitUse {
    /// The limit.
    pub kind: LimitKind,
    /// The limit as written (`1000000000`, `100h`, `365d`).
    pub limit: String,
    /// Percent used, 0 and up (may exceed 100).
    pub percent: f64,
}

/// One line of the due list.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct DueItem {
    /// The part's path, e.g. `shop::cart::Cart::add_item`.
    pub part: String,
    /// Where it stands.
    pub status: Status,
    /// The current serial (16 hex digits).
    pub serial: String,
    /// Source file, relative to the repository root (the workspace root outside git), with `/`
    /// separators, as code scanning and annotations locate it.
    pub file: String,
    /// First and last line of the function.
    pub lines: [u32; 2],
    /// Calls with the current serial, since the last sign-off if there is one; `None` when no
    /// usage covers the part.
    pub calls_since_overhaul: Option<u64>,
    /// Calls with every serial the part had.
    pub calls_since_new: Option<u64>,
    /// Busy time with the current serial since overhaul or sign-off, when timed.
    pub busy_ns: Option<u64>,
    /// Failures with the current serial, when counted.
    pub failures: Option<u64>,
    /// When the part last changed (its newest line), or `None` when not in git.
    pub overhauled_at: Option<Secs>,
    /// When its oldest line was written.
    pub oldest_line_at: Option<Secs>,
    /// The latest sign-off for the current serial, if any.
    pub signed_off_at: Option<Secs>,
    /// Who signed that sign-off.
    pub signed_off_by: Option<String>,
    /// What that sign-off says was looked at and found.
    pub signoff_note: Option<String>,
    /// Distinct commits that touched its lines.
    pub commits: u32,
    /// Who wrote its lines, most lines first.
    pub authors: Vec<String>,
    /// The nearest limit.
    pub nearest: Option<LimitUse>,
    /// When it will reach a limit at its current rate of use.
    pub projected_due: Option<Secs>,
    /// Remarks: lower-bound ages in a shallow clone, uncommitted lines, usage only for an
    /// older serial, a sign-off for an older serial.
    pub remarks: Vec<String>,
}

/// The whole report.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct DueList {
    /// Always [`SCHEMA`].
    pub schema: &'static str,
    /// The instant the report is made at (`--now`, or the clock).
    pub now: Secs,
    /// The commit at HEAD, when in git.
    pub head: Option<String>,
    /// Whether the history is cut short (ages at the cut are lower bounds).
    pub shallow: bool,
    /// The span of time the usage data covers, when there is any.
    pub usage_window: Option<[Secs; 2]>,
    /// Every part, most urgent first.
    pub parts: Vec<DueItem>,
}

impl DueList {
    /// Sorts most urgent first: by status, then by percent of the nearest limit (higher
    /// first), then by part path, so equal inputs give equal reports.
    pub fn sort(&mut self) {
        crate::order::sort_large_by(&mut self.parts, |a, b| {
            let pa = a.nearest.as_ref().map_or(-1.0, |n| n.percent);
            let pb = b.nearest.as_ref().map_or(-1.0, |n| n.percent);
            a.status.cmp(&b.status).then(pb.total_cmp(&pa)).then_with(|| a.part.cmp(&b.part))
        });
    }

    /// How many parts have each status, in [`Status`] order.
    pub(crate) fn counts(&self) -> [(Status, usize); 5] {
        let all = [Status::Overdue, Status::DueSoon, Status::Serviceable, Status::InStorage, Status::Unknown];
        all.map(|s| (s, self.parts.iter().filter(|p| p.status == s).count()))
    }
}
