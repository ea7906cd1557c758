//! Counting one call: the hot path, and the counters it writes.
use std::alloc::{Layout, alloc_zeroed, dealloc};
use std::ptr;
use std::sync::atomic::{AtomicPtr, AtomicU64, Ordering};

#[cfg(not(all(target_arch = "x86_64", target_os = "linux")))]
use crate::count::lease::lease_calls;
use crate::count::part::Part;
use crate::count::registry::PARTS;
use crate::count::shard::Slot;

/// One part's call count in a thread's block. A block holds one per part, laid out like
/// `PARTS`, so the part's address plus the thread's bias is its counter there.
#[derive(Debug)]
#[repr(transparent)]
pub(crate) struct Counter(AtomicU64);

// A block mirrors `PARTS` byte for byte.
const _: () =
    assert!(size_of::<Counter>() == size_of::<Part>() && align_of::<Counter>() <= align_of::<Part>());

// SAFETY: a single `AtomicU64`, valid when zero.
unsafe impl Slot for Counter {
    fn zero(&self) {
        zero(&self.0);
    }
}

impl Counter {
    /// Calls counted here.
    pub(crate) fn get(&self) -> u64 {
        // Relaxed: a plain count, read eventually.
        self.0.load(Ordering::Relaxed)
    }
}

/// Sets a count to zero, without writing (and so copying a forked child's page) if it is.
pub(crate) fn zero(count: &AtomicU64) {
    // Relaxed: only called where no other thread writes (a forked child's only thread).
    if count.load(Ordering::Relaxed) != 0 {
        count.store(0, Ordering::Relaxed);
    }
}

/// The shared counters, one per part, for calls from threads that cannot have a block (no
/// memory for one, or past their thread-local destructors), counted with `fetch_add`. Null
/// until such a call first happens.
static SHARED: AtomicPtr<Counter> = AtomicPtr::new(ptr::null_mut());

/// The shared counters, if any thread has needed them.
pub(crate) fn shared() -> Option<&'static [Counter]> {
    // Acquire: pairs with the Release of the publishing compare-and-swap in `count_shared`.
    let published = SHARED.load(Ordering::Acquire);
    // SAFETY: a non-null pointer in SHARED is a zeroed allocation of `PARTS.len()` counters
    // (valid when zero), published once and never freed.
    (!published.is_null()).then(|| unsafe { std::slice::from_raw_parts(published, PARTS.len()) })
}

/// Counts one call of `part` in the shared counters, allocating them the first time. If even
/// they cannot be allocated (the process is out of memory) the call goes uncounted: the only
/// case where a count is lost.
pub(crate) fn count_shared(part: &'static Part) {
    let counters = shared().or_else(|| {
        let layout = Layout::array::<Counter>(PARTS.len()).ok().filter(|l| l.size() > 0)?;
        // SAFETY: the layout has a non-zero size (checked above).
        let mine = unsafe { alloc_zeroed(layout) }.cast::<Counter>();
        if mine.is_null() {
            return None;
        }
        // Release: publish the zeroed memory with the pointer.
        if SHARED.compare_exchange(ptr::null_mut(), mine, Ordering::AcqRel, Ordering::Acquire).is_err() {
            // Another thread published first. SAFETY: `mine` was allocated above with this
            // layout and never published.
            unsafe { dealloc(mine.cast(), layout) };
        }
        shared()
    });
    if let Some(counter) = counters.and_then(|c| c.get(part.index())) {
        // Relaxed: a plain count; fetch_add keeps it exact across threads.
        counter.0.fetch_add(1, Ordering::Relaxed);
    }
}

/// Zeroes the shared counters (a forked child's reset).
#[cfg(unix)]
pub(crate) fn zero_shared() {
    shared().into_iter().flatten().for_each(Slot::zero);
}

/// The counter of `part` in a block, given the bias.
#[cfg(not(all(target_arch = "x86_64", target_os = "linux")))]
#[inline(always)]
fn in_block(part: &'static Part, bias: usize) -> &'static AtomicU64 {
    let addr = bias.wrapping_add(ptr::from_ref(part).addr());
    // SAFETY: `bias` is `block - PARTS` for a block laid out like `PARTS` and never freed
    // (`shard`), and `part` lies in `PARTS` (contract of `Part::new`), so `addr` is the part's
    // counter inside the block: in bounds, aligned, a live `AtomicU64`, with the block's
    // exposed provenance.
    unsafe { &*ptr::with_exposed_provenance::<AtomicU64>(addr) }
}

/// Counts one call of `part`.
///
/// On x86_64 Linux this is six instructions of assembly (`fast_hit`); elsewhere the same
/// steps in Rust. Inlined into every tracked function in optimised builds; in builds with debug
/// assertions (cargo's `dev` profile) it is a call instead, because inlining it into each of
/// them cost rustc about a million instructions per function (`benches/compile_time.sh`).
#[doc(hidden)]
#[cfg_attr(not(debug_assertions), inline(always))]
#[cfg_attr(debug_assertions, inline(never))]
pub fn hit(part: &'static Part) {
    #[cfg(all(target_arch = "x86_64", target_os = "linux"))]
    crate::count::fast_hit::hit(part);
    #[cfg(not(all(target_arch = "x86_64", target_os = "linux")))]
    portable_hit(part);
}

#[cfg(not(all(target_arch = "x86_64", target_os = "linux")))]
#[inline(always)]
fn portable_hit(part: &'static Part) {
    let bias = crate::count::call_bias::get();
    if bias != 0 {
        let counter = in_block(part, bias);
        // Only this thread writes its block, so load + store loses nothing and needs no
        // `lock`; Relaxed suffices because readers only want each value eventually, and the
        // lease's Release/Acquire hands the block to the next thread.
        counter.store(counter.load(Ordering::Relaxed).wrapping_add(1), Ordering::Relaxed);
    } else {
        hit_cold(part);
    }
}

#[cfg(not(all(target_arch = "x86_64", target_os = "linux")))]
#[cold]
#[inline(never)]
fn hit_cold(part: &'static Part) {
    match lease_calls() {
        Some(bias) => {
            let counter = in_block(part, bias);
            counter.store(counter.load(Ordering::Relaxed).wrapping_add(1), Ordering::Relaxed);
        }
        None => count_shared(part),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // A part of this test binary's own registry, counted into directly.
    crate::__private::in_slice! { PARTS
        // SAFETY: placed in `PARTS` by `in_slice!`, and the description ends with its only NUL.
        static SHARED_TEST: Part = unsafe { Part::new("wear::counter::tests::shared\nsrc/counter.rs\n1 1 1 0 0 0\0") };
    }

    fn shared_count() -> u64 {
        shared().and_then(|counters| counters.get(SHARED_TEST.index())).map_or(0, Counter::get)
    }

    #[test]
    fn shared_counts_are_exact_when_threads_race_to_allocate_them() {
        let before = shared_count();
        std::thread::scope(|scope| {
            for _ in 0..8 {
                scope.spawn(|| (0..10_000).for_each(|_| count_shared(&SHARED_TEST)));
            }
        });
        assert_eq!(shared_count() - before, 80_000);
        assert_eq!(shared().map(<[Counter]>::len), Some(PARTS.len()));
    }
}
