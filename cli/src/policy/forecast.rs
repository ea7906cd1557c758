//! The forecast: when a part will reach a limit at its current rate of use. The calendar
//! limit gives a fixed date; calls and busy time are projected from the rate over the window
//! the usage data covers. The projected due date is the earliest of these.
use super::assess::Facts;
use super::limits::EffectiveLimits;
use crate::time::Secs;

/// The last instant a report can print (the end of year 9999); later projections mean "not in
/// any meaningful future" and are dropped.
fn latest_instant() -> Secs {
    jiff::Timestamp::MAX.as_second()
}

/// The earliest instant at which any limit is reached, `None` when no limit can be projected
/// (no calendar limit or no overhaul date, and no rate of use toward the other limits).
///
/// For a limit already reached: the calendar limit gives the date it was reached; calls and
/// busy time give `now`, since only "by now" is known.
pub(crate) fn projected_due(facts: &Facts, limits: &EffectiveLimits, now: Secs) -> Option<Secs> {
    let by_age = match (limits.age, facts.since) {
        (Some(age), Some(since)) => Some(since.saturating_add(age)).filter(|&due| due <= latest_instant()),
        _ => None,
    };
    let by_calls = at_rate(limits.calls, facts.calls, facts.calls_per_sec, now);
    let by_busy = at_rate(limits.busy_ns, facts.busy_ns, facts.busy_ns_per_sec, now);
    [by_age, by_calls, by_busy].into_iter().flatten().min()
}

/// When `used` reaches `limit` growing at `per_sec` from `now`.
fn at_rate(limit: Option<u64>, used: Option<u64>, per_sec: Option<f64>, now: Secs) -> Option<Secs> {
    let (limit, used) = (limit?, used?);
    if used >= limit {
        return Some(now);
    }
    let per_sec = per_sec.filter(|r| r.is_finite() && *r > 0.0)?;
    let secs = ((limit - used) as f64 / per_sec).ceil();
    let room = latest_instant().saturating_sub(now);
    // Compared as floats first, so the cast below cannot saturate silently.
    if secs.is_finite() && secs <= room as f64 {
        let secs = (secs as Secs).min(room);
        Some(now + secs)
    } else {
        None
    }
}
