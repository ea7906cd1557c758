//! What a part is: the static description `#[wear::tracked]` compiles into the program.
//!
//! A plain part is two statics, its call slot and this description, and the description is
//! one string: every field and every static cost rustc work in each tracked function (about
//! 1.7 million instructions per function with the eleven fields this struct once had, in a
//! debug build; see `benches/compile_time.sh`). What a `timed` or `failures` part needs more
//! is in its [`Extra`].
use std::sync::atomic::{AtomicU64, Ordering};

use crate::counter::CallSlot;
use crate::timing::TimingSlot;

/// One tracked function, as compiled in. Built only by `#[wear::tracked]`.
#[doc(hidden)]
#[derive(Debug)]
pub struct Part {
    /// Where calls are counted.
    pub calls: &'static CallSlot,
    /// `path NUL file NUL first-line last-line serial limit-calls limit-busy-secs interval-secs`,
    /// numbers in decimal, 0 for a limit not set; see [`Described`].
    pub about: &'static str,
    /// For `timed` and `failures` parts.
    pub extra: Option<&'static Extra>,
}

/// What a `timed` or `failures` part has more than a plain one.
#[doc(hidden)]
#[derive(Debug)]
pub struct Extra {
    /// Where busy time and latency are recorded, for `timed` parts.
    pub timing: Option<&'static TimingSlot>,
    /// Whether failures are counted (`failures`).
    pub counts_failures: bool,
    /// Calls that returned `Err` or unwound. Failures are rare, so one shared atomic is enough.
    pub failures: AtomicU64,
}

/// A part's description, read from [`Part::about`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Described {
    /// The part's path (`shop::cart::Cart::add_item`), see `wear_identity::owner`.
    pub path: &'static str,
    /// Source file as rustc saw it (`file!()`).
    pub file: &'static str,
    /// First and last line of the function.
    pub lines: (u32, u32),
    /// The serial (`wear_identity::serial`).
    pub serial: u64,
    /// Limits from the attribute; 0 means "not set, use the project's policy".
    pub limit_calls: u64,
    /// Busy-time limit in seconds; 0 means not set.
    pub limit_busy_secs: u64,
    /// Calendar interval in seconds; 0 means not set.
    pub interval_secs: u64,
}

impl Part {
    /// The part's description. Read on every call rather than kept: a lazily filled cache
    /// could be left half-filled by a `fork` and block the child. A text the macro did not
    /// write (a mismatched `wear-macros`) reads as zeros and empty names, never a panic.
    pub(crate) fn described(&self) -> Described {
        let mut fields = self.about.splitn(3, '\0');
        let path = fields.next().unwrap_or_default();
        let file = fields.next().unwrap_or_default();
        let mut numbers = fields.next().unwrap_or_default().split(' ').map(|n| n.parse::<u64>().unwrap_or(0));
        let mut next = || numbers.next().unwrap_or(0);
        let line = |n: u64| u32::try_from(n).unwrap_or(0);
        Described {
            path,
            file,
            lines: (line(next()), line(next())),
            serial: next(),
            limit_calls: next(),
            limit_busy_secs: next(),
            interval_secs: next(),
        }
    }

    /// The timing slot of a `timed` part.
    pub(crate) fn timing(&self) -> Option<&'static TimingSlot> {
        self.extra.and_then(|extra| extra.timing)
    }

    /// Whether the part counts failures.
    #[cfg_attr(not(feature = "otlp"), allow(dead_code))]
    pub(crate) fn counts_failures(&self) -> bool {
        self.extra.is_some_and(|extra| extra.counts_failures)
    }

    /// Failures counted so far, for parts that count them.
    pub(crate) fn failures(&self) -> Option<u64> {
        // Relaxed: a plain count, read eventually.
        self.extra.filter(|extra| extra.counts_failures).map(|extra| extra.failures.load(Ordering::Relaxed))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // SAFETY: the slot is never counted into (`hit`): these tests only read descriptions.
    static SLOT: CallSlot = unsafe { CallSlot::new() };

    fn part(about: &'static str) -> Part {
        Part { calls: &SLOT, about, extra: None }
    }

    #[test]
    fn the_description_reads_back_what_the_macro_wrote() {
        let d =
            part("shop::cart::Cart::add\0src/cart.rs\x0012 40 18446744073709551615 1000 3600 0").described();
        assert_eq!(
            d,
            Described {
                path: "shop::cart::Cart::add",
                file: "src/cart.rs",
                lines: (12, 40),
                serial: u64::MAX,
                limit_calls: 1000,
                limit_busy_secs: 3600,
                interval_secs: 0,
            }
        );
    }

    #[test]
    fn a_description_the_macro_did_not_write_reads_as_zeros() {
        for about in ["", "only::a::path", "p\0f", "p\0f\0x y", "p\0f\0-1 2.5"] {
            let d = part(about).described();
            assert_eq!(
                (d.lines, d.serial, d.limit_calls, d.limit_busy_secs, d.interval_secs),
                ((0, 0), 0, 0, 0, 0),
                "{about:?}"
            );
        }
        assert_eq!(part("only::a::path").described().path, "only::a::path");
        let d = part("p\0f\x0099999999999 1").described();
        assert_eq!((d.path, d.file, d.lines, d.serial), ("p", "f", (0, 1), 0));
        let d = part("").described();
        assert_eq!((d.path, d.file, d.lines, d.serial), ("", "", (0, 0), 0));
    }
}
