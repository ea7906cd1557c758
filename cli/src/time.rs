//! Instants as whole seconds since the Unix epoch, UTC: commits and usage records carry
//! them, and `--now` pins the one the report is made at (contract 5).
use jiff::Timestamp;

use crate::error::{Error, Result};

/// Seconds since 1970-01-01T00:00:00Z.
pub type Secs = i64;

/// Seconds in a day.
pub const DAY: Secs = 86_400;

/// Parses `--now`: an RFC 3339 instant (`2026-11-21T12:00:00Z`) or a date (`2026-11-21`,
/// meaning its midnight UTC).
pub fn parse_instant(text: &str) -> Result<Secs> {
    let text = text.trim();
    if let Ok(ts) = text.parse::<Timestamp>() {
        return Ok(ts.as_second());
    }
    // A date alone: jiff would also read a date-time without offset as its date, silently
    // dropping the time, so only bare dates go this way.
    if !text.contains(['T', 't', ' '])
        && let Ok(date) = text.parse::<jiff::civil::Date>()
        && let Ok(zoned) = date.to_zoned(jiff::tz::TimeZone::UTC)
    {
        return Ok(zoned.timestamp().as_second());
    }
    Err(Error::new(format!("`{text}` is not a date or an RFC 3339 instant"))
        .help("write a date like 2026-11-21 or an instant like 2026-11-21T12:00:00Z"))
}

/// Formats an instant as RFC 3339 in UTC, to the second: `2026-11-21T12:00:00Z`.
pub fn format_instant(secs: Secs) -> String {
    match Timestamp::from_second(secs) {
        Ok(ts) => ts.strftime("%Y-%m-%dT%H:%M:%SZ").to_string(),
        Err(_) => secs.to_string(),
    }
}

/// Formats the UTC date of an instant: `2026-11-21`.
pub(crate) fn format_date(secs: Secs) -> String {
    match Timestamp::from_second(secs) {
        Ok(ts) => ts.strftime("%Y-%m-%d").to_string(),
        Err(_) => secs.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_and_instants_round_trip() {
        let t = parse_instant("2026-11-21").unwrap();
        assert_eq!(format_instant(t), "2026-11-21T00:00:00Z");
        assert_eq!(parse_instant("2026-11-21T12:00:00Z").unwrap() - t, 12 * 3600);
        assert_eq!(format_date(t + 3600), "2026-11-21");
        assert!(parse_instant("2026-01-01T12:34:56").is_err(), "a time without offset is refused");
        let err = parse_instant("yesterday").unwrap_err();
        assert!(err.to_string().contains("`yesterday`"), "{err}");
    }
}
