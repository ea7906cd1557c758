//! What a part is: the static description `#[wear::tracked]` compiles into the program.
//!
//! A plain part is two statics, its call slot and this description, and the description is
//! one string: every field and every static cost rustc work in each tracked function (about
//! 1.7 million instructions per function with the eleven fields this struct once had, in a
//! debug build; see `benches/compile_time.sh`). What a `timed` or `failures` part needs more
//! is in its [`Extra`].
use std::ptr;
use std::sync::atomic::{AtomicPtr, AtomicU64, Ordering};

use crate::counter::CallSlot;
use crate::registry::PARTS;
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

/// Every part's description, in [`PARTS`] order, read from the strings once per process.
///
/// Reading 10,002 descriptions took 0.85 ms, ten times the rest of a collection
/// (`cargo bench -p wear-benches --bench collect`), so exporters read them here. The list is
/// published with one compare-and-swap rather than behind a lock or a `OnceLock`: a `fork`
/// while another thread is reading the descriptions leaves nothing held in the child, which
/// reads them again itself. Two threads that race both read; one list is kept.
pub(crate) fn descriptions() -> &'static [Described] {
    static READ: AtomicPtr<Vec<Described>> = AtomicPtr::new(ptr::null_mut());
    // Acquire: pairs with the Release of the publishing compare-and-swap below.
    let published = READ.load(Ordering::Acquire);
    // SAFETY: a non-null pointer in READ came from `Box::into_raw` below and is never freed.
    if let Some(list) = unsafe { published.as_ref() } {
        return list;
    }
    let mine = Box::into_raw(Box::new(PARTS.iter().map(Part::described).collect::<Vec<_>>()));
    match READ.compare_exchange(ptr::null_mut(), mine, Ordering::AcqRel, Ordering::Acquire) {
        // SAFETY: `mine` is now published and never freed.
        Ok(_) => unsafe { &*mine },
        Err(theirs) => {
            // SAFETY: `mine` was not published, so nothing else refers to it; `theirs` was
            // published by another thread and is never freed.
            unsafe {
                drop(Box::from_raw(mine));
                &*theirs
            }
        }
    }
}

impl Part {
    /// The part's description, read from its string. A text the macro did not write (a
    /// mismatched `wear-macros`) reads as zeros and empty names, never a panic. Exporters use
    /// [`descriptions`], which reads each once.
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

    /// A part in this test binary's registry, so that the list below is not empty. (The
    /// macro's own `unsafe` is documented where it is written, in `registry.rs`; clippy sees
    /// it as local code here.)
    #[allow(dead_code, clippy::undocumented_unsafe_blocks)]
    fn registered() {
        crate::__private::part! { "wear::part::tests::registered\0src/part.rs\x00170 172 7 0 0 0" }
    }

    #[test]
    fn descriptions_are_read_once_for_every_thread_that_asks() {
        // Threads that start together race to publish; every one must get the list kept.
        let lists: Vec<usize> = std::thread::scope(|scope| {
            let threads: Vec<_> = (0..8).map(|_| scope.spawn(|| descriptions().as_ptr().addr())).collect();
            threads.into_iter().filter_map(|t| t.join().ok()).collect()
        });
        assert_eq!(lists.len(), 8);
        assert!(lists.iter().all(|&at| at == descriptions().as_ptr().addr()), "{lists:?}");
        let list = descriptions();
        assert_eq!(list.len(), PARTS.len());
        assert!(list.iter().any(|d| d.path == "wear::part::tests::registered" && d.serial == 7), "{list:?}");
        for (part, described) in PARTS.iter().zip(list) {
            assert_eq!(&part.described(), described);
        }
    }
}
