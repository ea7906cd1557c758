//! Where a part stands under its limits: its status, the limit it is nearest to and, through
//! [`super::forecast`], when it will be due.
//!
//! Status rules, first match wins:
//! 1. **overdue** when any limit is reached (100% or more);
//! 2. **due soon** when any limit is at or past the due-soon threshold (90% by default);
//! 3. **unknown** when no usage data covers the part;
//! 4. **in storage** when usage data covers it and it had no calls since overhaul or sign-off;
//! 5. **serviceable** otherwise.
//!
//! The calendar limit comes first even for unknown and stored parts: as with a spare part on
//! a shelf, age is known without any usage data (it comes from git), and an untouched part past
//! its interval still needs a look, perhaps most of all because nobody knows if it still works.
use crate::due::{LimitKind, LimitUse, Status};
use crate::time::Secs;

use super::forecast::projected_due;
use super::limits::{EffectiveLimits, format_calls, format_ns, format_secs};

/// Slack when comparing a percent to the threshold, so that exactly 90% of a limit counts as
/// 90% despite the threshold being stored as the fraction 0.9.
const PERCENT_EPSILON: f64 = 1e-9;

/// What is known of one part, since its last overhaul or sign-off.
#[derive(Clone, Debug, Default, PartialEq)]
pub(crate) struct Facts {
    /// Whether any usage data covers the part.
    pub(crate) covered: bool,
    /// Calls since overhaul or sign-off, when usage covers it.
    pub(crate) calls: Option<u64>,
    /// Busy time since overhaul or sign-off in nanoseconds, when the part is timed.
    pub(crate) busy_ns: Option<u64>,
    /// When the interval started: the overhaul (newest line), or the sign-off if later.
    pub(crate) since: Option<Secs>,
    /// Calls per second over the window the usage data covers.
    pub(crate) calls_per_sec: Option<f64>,
    /// Busy nanoseconds per second over that window.
    pub(crate) busy_ns_per_sec: Option<f64>,
}

/// Where one part stands.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Assessment {
    /// Its status.
    pub(crate) status: Status,
    /// The limit with the highest percent used (calls, then busy time, then age on a tie).
    pub(crate) nearest: Option<LimitUse>,
    /// When it will reach a limit at its current rate of use.
    pub(crate) projected_due: Option<Secs>,
}

/// How far a part is through each of its limits that can be measured, with whether each is
/// reached (decided on whole numbers, not on the rounded percent).
pub(crate) fn limit_uses(facts: &Facts, limits: &EffectiveLimits, now: Secs) -> Vec<(LimitUse, bool)> {
    let mut uses = Vec::new();
    let mut push = |kind, limit: String, used: u128, of: u128| {
        let percent = used as f64 * 100.0 / of as f64;
        uses.push((LimitUse { kind, limit, percent }, used >= of));
    };
    if let (Some(limit), Some(calls)) = (limits.calls.filter(|&l| l > 0), facts.calls) {
        push(LimitKind::Calls, format_calls(limit), calls.into(), limit.into());
    }
    if let (Some(limit), Some(busy)) = (limits.busy_ns.filter(|&l| l > 0), facts.busy_ns) {
        push(LimitKind::Busy, format_ns(limit), busy.into(), limit.into());
    }
    if let (Some(age), Some(since)) = (limits.age.filter(|&a| a > 0), facts.since) {
        let elapsed = now.saturating_sub(since).max(0);
        push(LimitKind::Age, format_secs(age), elapsed.unsigned_abs().into(), age.unsigned_abs().into());
    }
    uses
}

/// Assesses one part at the instant `now` (see the module doc for the rules).
pub(crate) fn assess(facts: &Facts, limits: &EffectiveLimits, now: Secs) -> Assessment {
    let uses = limit_uses(facts, limits, now);
    let reached = uses.iter().any(|(_, reached)| *reached);
    let mut nearest: Option<LimitUse> = None;
    for (usage, _) in uses {
        if nearest.as_ref().is_none_or(|n| usage.percent > n.percent) {
            nearest = Some(usage);
        }
    }
    let threshold = limits.due_soon * 100.0;
    let status = if reached {
        Status::Overdue
    } else if nearest.as_ref().is_some_and(|n| n.percent + PERCENT_EPSILON >= threshold) {
        Status::DueSoon
    } else if !facts.covered {
        Status::Unknown
    } else if facts.calls.unwrap_or(0) == 0 {
        Status::InStorage
    } else {
        Status::Serviceable
    };
    Assessment { status, nearest, projected_due: projected_due(facts, limits, now) }
}
