//! What a part is: the one static `#[wear::tracked]` compiles into the program for it.
//!
//! A plain part is a single 8-byte static, a pointer to its description, and the description
//! is one string: every static and every field cost rustc work in each tracked function
//! (about 1.7 million instructions per function with the two statics and eleven fields a part
//! once had, in a debug build; see `benches/compile_time.sh`). The part's address is its call
//! counter's place in every thread's block (`counter`). What a `timed` or `failures` part needs
//! more is in its [`Extra`], a second static that points back to the part.
use std::ffi::CStr;
use std::fmt;
use std::ptr;
use std::sync::atomic::{AtomicPtr, AtomicU64, Ordering};

use crate::count::registry::{EXTRAS, PARTS};
use crate::count::timing::TimingSlot;

/// One tracked function, as compiled in. Built only by `#[wear::tracked]`.
#[doc(hidden)]
#[repr(transparent)]
pub struct Part {
    /// `path LF file LF first-line last-line serial limit-calls limit-busy-secs interval-secs
    /// NUL`, numbers in decimal, 0 for a limit not set; see [`Described`]. A thin pointer, so
    /// that a part is as large as a counter and a thread's block can mirror `PARTS`.
    about: *const u8,
}

// SAFETY: `about` points into a `'static` string literal, which nothing ever writes.
unsafe impl Sync for Part {}

impl Part {
    /// A part described by `about`.
    ///
    /// # Safety
    /// - The part must be a `static` placed in the `PARTS` distributed slice, as
    ///   `#[wear::tracked]` does: [`hit`](crate::__private::hit) reaches the thread's counter
    ///   by the part's offset in that slice and does not check it.
    /// - `about` must end with a NUL byte, its only one: the description is read up to it.
    pub const unsafe fn new(about: &'static str) -> Part {
        Part { about: about.as_ptr() }
    }

    /// The description as written by the macro, without its NUL.
    pub(crate) fn about(&self) -> &'static str {
        // SAFETY: `about` points to a `'static` string that ends with its only NUL (contract of
        // `new`); the bytes before the NUL are that string's, so valid UTF-8 up to a char
        // boundary (NUL is a one-byte char).
        let bytes = unsafe { CStr::from_ptr(self.about.cast()) }.to_bytes();
        std::str::from_utf8(bytes).unwrap_or_default()
    }

    /// The part's position in `PARTS`, which is its counter's in every block.
    pub(crate) fn index(&'static self) -> usize {
        ptr::from_ref(self).addr().wrapping_sub(PARTS.as_ptr().addr()) / size_of::<Part>()
    }
}

impl fmt::Debug for Part {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Part").field("about", &self.about()).finish()
    }
}

/// What a `timed` or `failures` part has more than a plain one, in the `EXTRAS` slice.
#[doc(hidden)]
#[derive(Debug)]
pub struct Extra {
    /// The part this belongs to.
    pub part: &'static Part,
    /// Where busy time and latency are recorded, for `timed` parts.
    pub timing: Option<&'static TimingSlot>,
    /// Whether failures are counted (`failures`).
    pub counts_failures: bool,
    /// Calls that returned `Err` or unwound. Failures are rare, so one shared atomic is enough.
    pub failures: AtomicU64,
}

/// Each `Extra` is a distinct static: two are the same when they are the same one.
impl PartialEq for Extra {
    fn eq(&self, other: &Extra) -> bool {
        ptr::eq(self, other)
    }
}

impl Eq for Extra {}

/// A part's description, read from [`Part::about`], and its [`Extra`].
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
    /// For `timed` and `failures` parts. Private to the core: exporters read the counts
    /// behind it through `read`.
    pub(super) extra: Option<&'static Extra>,
}

/// Every part's description, in [`PARTS`] order, read from the strings once per process.
///
/// Reading 10,002 descriptions took 0.85 ms, ten times the rest of a collection
/// (`cargo bench -p wear-benches --bench collect`), so every reading (`read`) takes them
/// here. The list is published with one compare-and-swap rather than behind a lock or a
/// `OnceLock`: a `fork` while another thread is reading the descriptions leaves nothing held
/// in the child, which reads them again itself. Two threads that race both read; one list is
/// kept.
pub(crate) fn descriptions() -> &'static [Described] {
    static READ: AtomicPtr<Vec<Described>> = AtomicPtr::new(ptr::null_mut());
    // Acquire: pairs with the Release of the publishing compare-and-swap below.
    let published = READ.load(Ordering::Acquire);
    // SAFETY: a non-null pointer in READ came from `Box::into_raw` below and is never freed.
    if let Some(list) = unsafe { published.as_ref() } {
        return list;
    }
    let mut list: Vec<Described> = PARTS.iter().map(Part::described).collect();
    for extra in EXTRAS.iter() {
        if let Some(described) = list.get_mut(extra.part.index()) {
            described.extra = Some(extra);
        }
    }
    let mine = Box::into_raw(Box::new(list));
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
    /// The part's description, read from its string, without its `Extra`. A text the macro
    /// did not write (a mismatched `wear-macros`) reads as zeros and empty names, never a
    /// panic. The path and the numbers cannot hold a line feed, so the file is everything
    /// between the first and the last one, whatever its name. Readings use
    /// [`descriptions`], which reads each once.
    pub(crate) fn described(&self) -> Described {
        let about = self.about();
        let (path, rest) = about.split_once('\n').unwrap_or((about, ""));
        let (file, numbers) = rest.rsplit_once('\n').unwrap_or((rest, ""));
        let mut numbers = numbers.split(' ').map(|n| n.parse::<u64>().unwrap_or(0));
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
            extra: None,
        }
    }
}

impl Described {
    /// The timing slot of a `timed` part.
    pub(super) fn timing(&self) -> Option<&'static TimingSlot> {
        self.extra.and_then(|extra| extra.timing)
    }

    /// Failures counted so far, for parts that count them.
    pub(super) fn failures(&self) -> Option<u64> {
        // Relaxed: a plain count, read eventually.
        self.extra.filter(|extra| extra.counts_failures).map(|extra| extra.failures.load(Ordering::Relaxed))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn part(about: &'static str) -> Part {
        // SAFETY: the part is never counted into (`hit`), and every test text ends with its
        // only NUL.
        unsafe { Part::new(about) }
    }

    #[test]
    fn the_description_reads_back_what_the_macro_wrote() {
        let d =
            part("shop::cart::Cart::add\nsrc/cart.rs\n12 40 18446744073709551615 1000 3600 0\0").described();
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
                extra: None,
            }
        );
    }

    #[test]
    fn a_file_name_with_line_feeds_reads_whole() {
        let d = part("a::f\nsrc/odd\nname\n.rs\n3 9 5 0 0 0\0").described();
        assert_eq!((d.path, d.file, d.lines, d.serial), ("a::f", "src/odd\nname\n.rs", (3, 9), 5));
    }

    #[test]
    fn a_description_the_macro_did_not_write_reads_as_zeros() {
        for about in ["\0", "only::a::path\0", "p\nf\0", "p\nf\nx y\0", "p\nf\n-1 2.5\0"] {
            let d = part(about).described();
            assert_eq!(
                (d.lines, d.serial, d.limit_calls, d.limit_busy_secs, d.interval_secs),
                ((0, 0), 0, 0, 0, 0),
                "{about:?}"
            );
        }
        assert_eq!(part("only::a::path\0").described().path, "only::a::path");
        let d = part("p\nf\n99999999999 1\0").described();
        assert_eq!((d.path, d.file, d.lines, d.serial), ("p", "f", (0, 1), 0));
        let d = part("\0").described();
        assert_eq!((d.path, d.file, d.lines, d.serial), ("", "", (0, 0), 0));
    }

    /// Parts in this test binary's registry, so that the list below is not empty, one with an
    /// `Extra`. (The macro's own `unsafe` is documented where it is written, in
    /// `registry.rs`; clippy sees it as local code here.)
    #[allow(dead_code, clippy::undocumented_unsafe_blocks)]
    fn registered() {
        crate::__private::part! { "wear::part::tests::registered\nsrc/part.rs\n170 172 7 0 0 0\0" }
    }

    #[allow(dead_code, clippy::undocumented_unsafe_blocks)]
    fn registered_with_extra() {
        crate::__private::in_slice! { EXTRAS
            static __WEAR_EXTRA: Extra = Extra {
                part: &__WEAR_PART,
                timing: None,
                counts_failures: true,
                failures: AtomicU64::new(0),
            };
        }
        crate::__private::part! { "wear::part::tests::registered_with_extra\nsrc/part.rs\n180 190 8 0 0 0\0" }
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
            assert_eq!(Described { extra: described.extra, ..part.described() }, *described);
        }
    }

    #[test]
    fn each_extra_is_found_by_its_part() {
        let list = descriptions();
        let with_extra: Vec<&str> = list.iter().filter(|d| d.extra.is_some()).map(|d| d.path).collect();
        assert_eq!(with_extra, ["wear::part::tests::registered_with_extra"]);
        let described = list.iter().find(|d| d.extra.is_some());
        assert!(described.is_some_and(|d| d.failures() == Some(0) && d.timing().is_none()), "{described:?}");
        for extra in EXTRAS.iter() {
            assert!(PARTS.get(extra.part.index()).is_some_and(|part| ptr::eq(part, extra.part)));
        }
    }
}
