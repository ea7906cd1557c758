//! The instants of a snapshot (`started_at`, `taken_at`) as RFC 3339 text in UTC with
//! milliseconds: `2026-11-21T09:05:00.000Z`.
//!
//! A clock outside what RFC 3339 can write (before 1970 on a machine without a real-time
//! clock, or past the year 9999) gives the nearest instant it can write, never a panic: the
//! snapshot still carries its counts.
use std::fmt::Write;
use std::time::{SystemTime, UNIX_EPOCH};

/// 9999-12-31T23:59:59.999Z, in milliseconds since the Unix epoch: the last instant with a
/// four-digit year.
const LAST_MS: u64 = 253_402_300_799_999;

/// `time` as `YYYY-MM-DDTHH:MM:SS.mmmZ`.
pub(crate) fn rfc3339_millis(time: SystemTime) -> String {
    let ms = time
        .duration_since(UNIX_EPOCH)
        .map_or(0, |since| u64::try_from(since.as_millis()).unwrap_or(u64::MAX));
    let ms = ms.min(LAST_MS);
    let (secs, millis) = (ms / 1000, ms % 1000);
    let (days, of_day) = (secs / 86_400, secs % 86_400);
    let (year, month, day) = civil_from_days(days);
    let mut text = String::with_capacity(24);
    // Writing to a `String` never fails.
    let _ = write!(
        text,
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}.{millis:03}Z",
        of_day / 3600,
        of_day / 60 % 60,
        of_day % 60
    );
    text
}

/// Year, month (1-12) and day (1-31) of the day `days` after 1970-01-01, in the proleptic
/// Gregorian calendar (Howard Hinnant's `civil_from_days`, for days on or after the epoch).
fn civil_from_days(days: u64) -> (u64, u64, u64) {
    // Shifted so that a 400-year era starts on 0000-03-01: the leap day ends each year.
    let z = days + 719_468;
    let era = z / 146_097;
    let day_of_era = z % 146_097;
    let year_of_era = (day_of_era - day_of_era / 1_460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let month_from_march = (5 * day_of_year + 2) / 153;
    let day = day_of_year - (153 * month_from_march + 2) / 5 + 1;
    let month = if month_from_march < 10 { month_from_march + 3 } else { month_from_march - 9 };
    let year = year_of_era + era * 400 + u64::from(month <= 2);
    (year, month, day)
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;

    fn at(ms: u64) -> SystemTime {
        UNIX_EPOCH + Duration::from_millis(ms)
    }

    #[test]
    fn known_instants() {
        assert_eq!(rfc3339_millis(UNIX_EPOCH), "1970-01-01T00:00:00.000Z");
        assert_eq!(rfc3339_millis(at(951_782_400_000)), "2000-02-29T00:00:00.000Z");
        assert_eq!(rfc3339_millis(at(1_795_251_900_123)), "2026-11-21T09:05:00.123Z");
        assert_eq!(rfc3339_millis(at(4_107_542_399_999)), "2100-02-28T23:59:59.999Z");
        assert_eq!(rfc3339_millis(at(4_107_542_400_000)), "2100-03-01T00:00:00.000Z");
        assert_eq!(rfc3339_millis(at(LAST_MS)), "9999-12-31T23:59:59.999Z");
        // Sub-millisecond parts are cut, as `humantime::format_rfc3339_millis` did.
        assert_eq!(rfc3339_millis(UNIX_EPOCH + Duration::from_nanos(1_999_999)), "1970-01-01T00:00:00.001Z");
    }

    #[test]
    fn instants_rfc3339_cannot_write_become_the_nearest_it_can() {
        let before = UNIX_EPOCH.checked_sub(Duration::from_secs(86_400)).expect("the clock reaches 1969");
        assert_eq!(rfc3339_millis(before), "1970-01-01T00:00:00.000Z");
        assert_eq!(rfc3339_millis(at(LAST_MS + 1)), "9999-12-31T23:59:59.999Z");
        if let Some(far) = UNIX_EPOCH.checked_add(Duration::from_secs(u64::MAX / 2)) {
            assert_eq!(rfc3339_millis(far), "9999-12-31T23:59:59.999Z");
        }
    }

    /// The text humantime wrote for snapshots before wear formatted instants itself, over
    /// 200,000 instants spread from 1970 to 9999 and every day boundary of four centuries.
    #[test]
    fn same_text_as_humantime() {
        let mut state = 0x2545_f491_4f6c_dd1d_u64;
        let mut instants: Vec<u64> = (0..200_000)
            .map(|_| {
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                state % (LAST_MS + 1)
            })
            .collect();
        instants.extend((0..146_097).flat_map(|day| [day * 86_400_000, day * 86_400_000 + 86_399_999]));
        instants.extend((0..146_097).map(|day| 946_684_800_000 + day * 86_400_000));
        for ms in instants {
            let time = at(ms);
            assert_eq!(rfc3339_millis(time), humantime::format_rfc3339_millis(time).to_string(), "{ms} ms");
        }
    }
}
