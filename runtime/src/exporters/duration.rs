//! Durations as people write them: `WEAR_SNAPSHOT_INTERVAL` (`30s`, `5m`, `1h 30m`, `1.5s`)
//! read into a `Duration`, and the limits of a part written back as `180d`.
//!
//! The grammar and the error messages are those of `humantime::parse_duration`, which wear used
//! before reading durations itself: one or more spans, each a whole or decimal number and a
//! unit, with optional whitespace between them and between a number and its unit. Units:
//! `ns`, `us`/`µs`, `ms`, `s`, `m`, `h`, `d`, `w`, `M` (months of 30.44 days), `y` (years of
//! 365.25 days), and their long forms (`nsec`, `usec`, `msec`, `sec`/`secs`/`second(s)`,
//! `min`/`mins`/`minute(s)`, `hr`/`hrs`/`hour(s)`, `day(s)`, `wk`/`wks`/`week(s)`,
//! `month(s)`, `yr`/`yrs`/`year(s)`, `nanos`, `millis`). Unlike humantime, no input makes it
//! panic (humantime's `18446744073709551615s 1000000000ns` does).
use std::time::Duration;

const NANOS_PER_SEC: u128 = 1_000_000_000;

/// Fraction digits beyond this many are read and ignored: they are below a nanosecond even for
/// a year (3.2 × 10^16 ns).
const FRACTION_DIGITS: u32 = 18;

/// Reads a duration such as `30s`, `5m` or `1h 30m`.
pub(crate) fn parse_duration(text: &str) -> Result<Duration, String> {
    let mut reader = Reader { text, at: 0 };
    reader.skip_whitespace();
    if reader.at == text.len() {
        return Err("value was empty".to_owned());
    }
    let mut total: u128 = 0;
    while reader.at < text.len() {
        let span = reader.span()?;
        total = total.checked_add(span).ok_or_else(too_large)?;
        reader.skip_whitespace();
    }
    let secs = u64::try_from(total / NANOS_PER_SEC).map_err(|_| too_large())?;
    // Below 10^9, so `new` has no second to carry and cannot overflow.
    Ok(Duration::new(secs, (total % NANOS_PER_SEC) as u32))
}

fn invalid(at: usize, c: char) -> String {
    format!("invalid character at {at} ({c:?})")
}

fn too_large() -> String {
    "number is too large or cannot be represented without a lack of precision \
     (values below 1ns are not supported)"
        .to_owned()
}

struct Reader<'a> {
    text: &'a str,
    /// Byte offset of the next character.
    at: usize,
}

impl Reader<'_> {
    fn peek(&self) -> Option<char> {
        self.text[self.at..].chars().next()
    }

    fn skip_whitespace(&mut self) {
        while let Some(c) = self.peek().filter(|c| c.is_whitespace()) {
            self.at += c.len_utf8();
        }
    }

    /// One number and its unit, in nanoseconds.
    fn span(&mut self) -> Result<u128, String> {
        let start = self.at;
        let whole = self.digits();
        if self.at == start {
            return Err(format!("expected number at {start}"));
        }
        let whole: u64 = whole.ok_or_else(too_large)?;
        let mut fraction = (0u128, 1u128);
        if self.peek() == Some('.') {
            self.at += 1;
            fraction = self.fraction()?;
        }
        self.skip_whitespace();
        let unit_start = self.at;
        while let Some(c) = self.peek().filter(|c| c.is_ascii_alphabetic() || *c == 'µ') {
            self.at += c.len_utf8();
        }
        let unit = &self.text[unit_start..self.at];
        if unit.is_empty() {
            return Err(match self.peek() {
                None => format!("time unit needed, for example {whole}sec or {whole}ms"),
                Some(c) => invalid(self.at, c),
            });
        }
        let per_unit = unit_nanos(unit).ok_or_else(|| {
            format!(
                "unknown time unit {unit:?}, supported units: ns, us/µs, ms, sec, min, hours, days, \
                 weeks, months, years (and few variations)"
            )
        })?;
        if let Some(c) = self.peek().filter(|c| !c.is_whitespace() && !c.is_ascii_digit()) {
            return Err(invalid(self.at, c));
        }
        // At most (2^64 - 1) × 3.2 × 10^16 < 2^120: no overflow.
        let (numerator, denominator) = fraction;
        Ok(u128::from(whole) * per_unit + numerator * per_unit / denominator)
    }

    /// Decimal digits as a number; `None` when it does not fit in a `u64` (the digits are
    /// consumed either way).
    fn digits(&mut self) -> Option<u64> {
        let mut value = Some(0u64);
        while let Some(digit) = self.peek().and_then(|c| c.to_digit(10)) {
            self.at += 1;
            value = value.and_then(|v| v.checked_mul(10)?.checked_add(u64::from(digit)));
        }
        value
    }

    /// The digits after a decimal point, as numerator and denominator.
    fn fraction(&mut self) -> Result<(u128, u128), String> {
        let (mut numerator, mut denominator, mut count) = (0u128, 1u128, 0u32);
        while let Some(digit) = self.peek().and_then(|c| c.to_digit(10)) {
            self.at += 1;
            if count < FRACTION_DIGITS {
                numerator = numerator * 10 + u128::from(digit);
                denominator *= 10;
            }
            count += 1;
        }
        if count == 0 {
            return Err(match self.peek() {
                Some(c) => invalid(self.at, c),
                None => format!("expected digits after the decimal point at {}", self.at),
            });
        }
        Ok((numerator, denominator))
    }
}

/// Nanoseconds in one `unit`.
fn unit_nanos(unit: &str) -> Option<u128> {
    let secs = |n: u128| n * NANOS_PER_SEC;
    Some(match unit {
        "nanos" | "nsec" | "ns" => 1,
        "usec" | "us" | "µs" => 1_000,
        "millis" | "msec" | "ms" => 1_000_000,
        "seconds" | "second" | "secs" | "sec" | "s" => secs(1),
        "minutes" | "minute" | "min" | "mins" | "m" => secs(60),
        "hours" | "hour" | "hr" | "hrs" | "h" => secs(3_600),
        "days" | "day" | "d" => secs(86_400),
        "weeks" | "week" | "wk" | "wks" | "w" => secs(604_800),
        "months" | "month" | "M" => secs(2_630_016),
        "years" | "year" | "yr" | "yrs" | "y" => secs(31_557_600),
        _ => return None,
    })
}

/// A whole number of the largest unit that divides it: `"180d"`, `"36h"`, `"90s"` (what
/// [`parse_duration`] and `cargo wear` read back).
pub(crate) fn duration_text(secs: u64) -> String {
    match secs {
        s if s % 86_400 == 0 => format!("{}d", s / 86_400),
        s if s % 3_600 == 0 => format!("{}h", s / 3_600),
        s if s % 60 == 0 => format!("{}m", s / 60),
        s => format!("{s}s"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ok(text: &str) -> Duration {
        parse_duration(text).unwrap_or_else(|e| panic!("{text:?}: {e}"))
    }

    fn err(text: &str) -> String {
        match parse_duration(text) {
            Ok(d) => panic!("{text:?} read as {d:?}"),
            Err(e) => e,
        }
    }

    #[test]
    fn what_people_write() {
        assert_eq!(ok("30s"), Duration::from_secs(30));
        assert_eq!(ok("5m"), Duration::from_secs(300));
        assert_eq!(ok("60s"), Duration::from_secs(60));
        assert_eq!(ok("10ms"), Duration::from_millis(10));
        assert_eq!(ok("1h 30m"), Duration::from_secs(5_400));
        assert_eq!(ok("1h30m"), Duration::from_secs(5_400));
        assert_eq!(ok(" 2 min "), Duration::from_secs(120));
        assert_eq!(ok("1.5s"), Duration::from_millis(1_500));
        assert_eq!(ok("0.25h"), Duration::from_secs(900));
        assert_eq!(ok("250us"), Duration::from_micros(250));
        assert_eq!(ok("250µs"), Duration::from_micros(250));
        assert_eq!(ok("3 days 4 hours"), Duration::from_secs(3 * 86_400 + 4 * 3_600));
        assert_eq!(ok("2w"), Duration::from_secs(14 * 86_400));
        assert_eq!(ok("1M"), Duration::from_secs(2_630_016));
        assert_eq!(ok("1y"), Duration::from_secs(31_557_600));
        assert_eq!(ok("0s"), Duration::ZERO);
    }

    #[test]
    fn mistakes_say_what_is_wrong_and_where() {
        assert_eq!(err(""), "value was empty");
        assert_eq!(err("   "), "value was empty");
        assert_eq!(err("every so often"), "expected number at 0");
        assert_eq!(err("-5s"), "expected number at 0");
        assert_eq!(err("5"), "time unit needed, for example 5sec or 5ms");
        assert!(err("5 parsecs").starts_with("unknown time unit \"parsecs\", supported units: ns"));
        assert!(err("5S").starts_with("unknown time unit \"S\""), "units are case-sensitive, as humantime's");
        assert_eq!(err("1h, 2m"), "invalid character at 2 (',')");
        assert_eq!(err("1.s"), "invalid character at 2 ('s')");
        assert_eq!(err("1."), "expected digits after the decimal point at 2");
        assert_eq!(err("1s x"), "expected number at 3");
        assert_eq!(err("5%"), "invalid character at 1 ('%')");
    }

    #[test]
    fn too_large_is_an_error_never_a_panic() {
        for text in [
            "18446744073709551616s",
            "18446744073709551615s 1000000000ns",
            "18446744073709551615y",
            "99999999999999999999999999999999999999999999ns",
            "584542046091y",
        ] {
            assert!(err(text).starts_with("number is too large"), "{text}");
        }
        assert_eq!(ok("18446744073709551615s"), Duration::from_secs(u64::MAX));
        assert_eq!(ok("0.999999999999999999999999999999s"), Duration::from_nanos(999_999_999));
    }

    #[test]
    fn limits_are_written_in_the_largest_whole_unit() {
        assert_eq!(duration_text(180 * 86_400), "180d");
        assert_eq!(duration_text(36 * 3_600), "36h");
        assert_eq!(duration_text(90), "90s");
        assert_eq!(duration_text(120), "2m");
        for secs in [1, 59, 60, 3_600, 86_399, 86_400, 31_557_600] {
            assert_eq!(ok(&duration_text(secs)), Duration::from_secs(secs), "{secs}");
        }
    }
}
