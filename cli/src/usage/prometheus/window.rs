//! `--window`: how far back the fleet query looks, written the way PromQL writes durations
//! (`30d`, `12h`, `1w`, `1d12h`, `90m`), and sent to the backend as whole seconds (`2592000s`),
//! which Prometheus, Thanos, Mimir and VictoriaMetrics all read the same way.
use crate::error::{Error, Result};

/// The window used when `--window` is not given.
pub(crate) const DEFAULT_WINDOW: &str = "30d";

/// The longest window: ten years of 365 days, longer than any backend keeps samples (a
/// longer one is a typo, and one of centuries would take `--now` before the calendar starts).
const MAX_SECS: i64 = 10 * 365 * 86_400;

/// A query window in whole seconds (one to [`MAX_SECS`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Window {
    /// Length in seconds.
    pub(crate) secs: i64,
}

impl Window {
    /// Parses a PromQL-style duration: one or more `<number><unit>` with units `ms`, `s`, `m`,
    /// `h`, `d`, `w`, `y` (365 days), largest first, adding up to at least one second.
    pub(crate) fn parse(text: &str) -> Result<Window> {
        let invalid = |why: &str| {
            Error::new(format!("`{text}` is not a window: {why}"))
                .help("write a duration like 30d, 12h, 1w or 1d12h (units: ms, s, m, h, d, w, y)")
        };
        let mut rest = text.trim();
        if rest.is_empty() {
            return Err(invalid("it is empty"));
        }
        let mut millis: i64 = 0;
        let mut last_unit = i64::MAX;
        while !rest.is_empty() {
            let digits = rest.find(|c: char| !c.is_ascii_digit()).unwrap_or(rest.len());
            if digits == 0 {
                return Err(invalid("expected a number"));
            }
            let number: i64 = rest[..digits].parse().map_err(|_| invalid("the number is too large"))?;
            rest = &rest[digits..];
            let unit_len = rest.find(|c: char| c.is_ascii_digit()).unwrap_or(rest.len());
            let unit_ms: i64 = match &rest[..unit_len] {
                "ms" => 1,
                "s" => 1_000,
                "m" => 60_000,
                "h" => 3_600_000,
                "d" => 86_400_000,
                "w" => 7 * 86_400_000,
                "y" => 365 * 86_400_000,
                "" => return Err(invalid("a number needs a unit")),
                other => return Err(invalid(&format!("unknown unit `{other}`"))),
            };
            if unit_ms >= last_unit {
                return Err(invalid("units go from the largest to the smallest, each once"));
            }
            last_unit = unit_ms;
            rest = &rest[unit_len..];
            millis = number
                .checked_mul(unit_ms)
                .and_then(|n| millis.checked_add(n))
                .ok_or_else(|| invalid("it is too long"))?;
        }
        if millis < 1_000 {
            return Err(invalid("it must be at least one second"));
        }
        if millis / 1_000 > MAX_SECS {
            return Err(invalid("it is longer than 10y, more than any backend keeps"));
        }
        Ok(Window { secs: millis / 1_000 })
    }

    /// The window as PromQL writes it in a range selector: `[2592000s]`.
    pub(crate) fn promql(self) -> String {
        format!("{}s", self.secs)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_add_up_in_seconds() {
        assert_eq!(Window::parse("30d").unwrap().secs, 30 * 86_400);
        assert_eq!(Window::parse("1d12h").unwrap().secs, 36 * 3_600);
        assert_eq!(Window::parse("1w").unwrap().promql(), "604800s");
        assert_eq!(Window::parse("1500ms").unwrap().secs, 1);
        assert_eq!(Window::parse("10y").unwrap().secs, MAX_SECS);
    }

    #[test]
    fn bad_windows_say_how_to_write_one() {
        for bad in [
            "",
            "30",
            "d",
            "30x",
            "1h1d",
            "1h1h",
            "500ms",
            "0s",
            "99999999999999999999d",
            "-1d",
            "11y",
            "3651d",
        ] {
            let err = Window::parse(bad).unwrap_err();
            assert!(err.to_string().contains("is not a window"), "{bad}: {err}");
            assert!(err.help.as_deref().unwrap_or("").contains("30d"), "{bad}: {err}");
        }
    }
}
