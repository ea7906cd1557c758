//! Numbers, ages and durations in words, as every format writes them: counts exact while
//! short and then compact (`9999`, `12.3k`, `1.2M`), ages in whole days (`412d`), busy time to
//! two units (`3m07s`), percentages whole (`87%`). Integer arithmetic wherever it can be, so
//! every platform prints the same.
use crate::time::{DAY, Secs};

/// `n` for people: exact below 10,000, then one decimal below 100 of a unit and whole units
/// above (`9999`, `12.3k`, `456k`, `1.2M`, `3G`), trailing `.0` dropped. Integer arithmetic,
/// so every platform prints the same.
pub(crate) fn count(n: u64) -> String {
    if n < 10_000 {
        return n.to_string();
    }
    let n = u128::from(n);
    for (unit, suffix) in [(1_000u128, "k"), (1_000_000, "M"), (1_000_000_000, "G"), (1_000_000_000_000, "T")]
    {
        let tenths = (n * 10 + unit / 2) / unit;
        if tenths < 1_000 {
            return match tenths % 10 {
                0 => format!("{}{suffix}", tenths / 10),
                d => format!("{}.{d}{suffix}", tenths / 10),
            };
        }
        let whole = (n + unit / 2) / unit;
        if whole < 1_000 {
            return format!("{whole}{suffix}");
        }
    }
    let unit = 1_000_000_000_000_000u128;
    format!("{}P", (n + unit / 2) / unit)
}

/// `calls` or `-` when no usage covers the part.
pub(crate) fn opt_count(n: Option<u64>) -> String {
    n.map_or_else(|| "-".to_owned(), count)
}

/// Whole days from `then` to `now` (`412d`); `0d` for instants after `now`, `-` when unknown.
pub(crate) fn age(now: Secs, then: Option<Secs>) -> String {
    match then {
        Some(t) => format!("{}d", (now.saturating_sub(t)).max(0) / DAY),
        None => "-".to_owned(),
    }
}

/// Busy time for people, to two units at most: `850ns`, `12us`, `340ms`, `4.2s`, `3m07s`,
/// `2h05m`, `3d04h`; `-` when the part is not timed.
pub(crate) fn busy(ns: Option<u64>) -> String {
    let Some(ns) = ns else { return "-".to_owned() };
    const US: u64 = 1_000;
    const MS: u64 = 1_000_000;
    const S: u64 = 1_000_000_000;
    match ns {
        n if n < US => format!("{n}ns"),
        n if n < MS => format!("{}us", n / US),
        n if n < S => format!("{}ms", n / MS),
        n if n < 60 * S => format!("{}.{}s", n / S, n % S / (S / 10)),
        n if n < 3_600 * S => format!("{}m{:02}s", n / (60 * S), n / S % 60),
        n if n < 86_400 * S => format!("{}h{:02}m", n / (3_600 * S), n / (60 * S) % 60),
        n => format!("{}d{:02}h", n / (86_400 * S), n / (3_600 * S) % 24),
    }
}

/// A percentage as whole percent (`87%`), or `?%` when it could not be computed.
pub(crate) fn percent(p: f64) -> String {
    if p.is_finite() { format!("{:.0}%", p.max(0.0)) } else { "?%".to_owned() }
}

/// `N part(s)`.
pub(crate) fn parts_text(n: usize) -> String {
    if n == 1 { "1 part".to_owned() } else { format!("{n} parts") }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_are_exact_then_compact() {
        let cases = [
            (0, "0"),
            (9_999, "9999"),
            (10_000, "10k"),
            (12_345, "12.3k"),
            (99_949, "99.9k"),
            (99_950, "100k"),
            (456_789, "457k"),
            (999_499, "999k"),
            (999_500, "1M"),
            (1_234_567, "1.2M"),
            (1_000_000_000, "1G"),
            (u64::MAX, "18447P"),
        ];
        for (n, text) in cases {
            assert_eq!(count(n), text, "{n}");
        }
    }

    #[test]
    fn busy_time_has_two_units_at_most() {
        let s = 1_000_000_000u64;
        let cases = [
            (None, "-"),
            (Some(850), "850ns"),
            (Some(12_500), "12us"),
            (Some(340_000_000), "340ms"),
            (Some(4 * s + 250_000_000), "4.2s"),
            (Some(187 * s), "3m07s"),
            (Some(2 * 3600 * s + 5 * 60 * s), "2h05m"),
            (Some(3 * 86_400 * s + 4 * 3600 * s + 59), "3d04h"),
        ];
        for (ns, text) in cases {
            assert_eq!(busy(ns), text, "{ns:?}");
        }
    }

    #[test]
    fn ages_are_whole_days_and_never_negative() {
        assert_eq!(age(10 * DAY + 5, Some(5)), "10d");
        assert_eq!(age(10 * DAY, Some(10 * DAY - 1)), "0d");
        assert_eq!(age(0, Some(DAY)), "0d");
        assert_eq!(age(0, None), "-");
    }
}
