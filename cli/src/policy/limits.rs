//! The limits that apply to one part once the policy, its rules and the macro's arguments are
//! combined, and how a limit is written back for people (`1000000000`, `100h`, `365d`).
use std::time::Duration;

use crate::time::{DAY, Secs};

/// Calls allowed since overhaul or sign-off when nothing else is said: effectively unlimited,
/// so that the calendar limit decides unless a project chooses otherwise.
pub(crate) const DEFAULT_CALLS: u64 = 1_000_000_000;

/// Calendar age allowed since overhaul or sign-off when nothing else is said: a year.
pub(crate) const DEFAULT_AGE: Secs = 365 * DAY;

/// Percent of any limit past which a part is due soon, when nothing else is said.
pub(crate) const DEFAULT_DUE_SOON_PERCENT: f64 = 90.0;

/// The limits of one part: whichever is reached first makes it due. `None` means no limit of
/// that kind.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct EffectiveLimits {
    /// Calls since overhaul or sign-off.
    pub(crate) calls: Option<u64>,
    /// Busy time since overhaul or sign-off, in nanoseconds.
    pub(crate) busy_ns: Option<u64>,
    /// Calendar age since overhaul or sign-off, in seconds.
    pub(crate) age: Option<Secs>,
    /// Fraction of a limit (above 0, at most 1) at which the part is due soon.
    pub due_soon: f64,
}

impl Default for EffectiveLimits {
    /// The limits without any policy file: 1e9 calls, 365 days, no busy-time limit, due soon
    /// at 90%.
    fn default() -> EffectiveLimits {
        EffectiveLimits {
            calls: Some(DEFAULT_CALLS),
            busy_ns: None,
            age: Some(DEFAULT_AGE),
            due_soon: DEFAULT_DUE_SOON_PERCENT / 100.0,
        }
    }
}

/// A duration as whole nanoseconds, saturating (u64 nanoseconds reach past 500 years).
pub(crate) fn duration_ns(duration: Duration) -> u64 {
    u64::try_from(duration.as_nanos()).unwrap_or(u64::MAX)
}

/// A duration as whole seconds, rounding a fraction up so that a limit is never shorter than
/// written, saturating.
pub(crate) fn duration_secs(duration: Duration) -> Secs {
    let whole = duration.as_secs() + u64::from(duration.subsec_nanos() > 0);
    Secs::try_from(whole).unwrap_or(Secs::MAX)
}

/// A calls limit as written: the plain number, `1000000000`.
pub(crate) fn format_calls(calls: u64) -> String {
    calls.to_string()
}

/// A length of time in nanoseconds in the largest unit that divides it: `100h`, `365d`,
/// `90m`, `1500ms`.
pub(crate) fn format_ns(ns: u64) -> String {
    const UNITS: [(u64, &str); 7] = [
        (86_400_000_000_000, "d"),
        (3_600_000_000_000, "h"),
        (60_000_000_000, "m"),
        (1_000_000_000, "s"),
        (1_000_000, "ms"),
        (1_000, "us"),
        (1, "ns"),
    ];
    if ns == 0 {
        return "0s".to_owned();
    }
    for (size, unit) in UNITS {
        if ns.is_multiple_of(size) {
            return format!("{}{unit}", ns / size);
        }
    }
    format!("{ns}ns")
}

/// A length of time in seconds in the largest unit that divides it: `365d`, `12h`.
pub(crate) fn format_secs(secs: Secs) -> String {
    match u64::try_from(secs) {
        Ok(secs) => match secs.checked_mul(1_000_000_000) {
            Some(ns) => format_ns(ns),
            None if secs.is_multiple_of(86_400) => format!("{}d", secs / 86_400),
            None => format!("{secs}s"),
        },
        Err(_) => format!("{secs}s"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limits_are_written_in_the_largest_whole_unit() {
        assert_eq!(format_secs(365 * DAY), "365d");
        assert_eq!(format_secs(100 * 3600), "100h");
        assert_eq!(format_secs(90 * 60), "90m");
        assert_eq!(format_secs(86_401), "86401s");
        assert_eq!(format_ns(100 * 3_600_000_000_000), "100h");
        assert_eq!(format_ns(1_500_000_000), "1500ms");
        assert_eq!(format_ns(7), "7ns");
        assert_eq!(format_calls(1_000_000_000), "1000000000");
    }

    #[test]
    fn conversions_round_limits_up_and_saturate() {
        assert_eq!(duration_secs(Duration::from_millis(1500)), 2);
        assert_eq!(duration_secs(Duration::from_secs(60)), 60);
        assert_eq!(duration_ns(Duration::from_secs(u64::MAX)), u64::MAX);
        assert_eq!(duration_ns(Duration::from_secs(3600)), 3_600_000_000_000);
    }
}
