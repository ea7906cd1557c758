//! Counting one call: the hot path.
use std::sync::atomic::{AtomicU64, Ordering};

#[cfg(not(all(target_arch = "x86_64", target_os = "linux")))]
use crate::lease::lease_calls;
use crate::shard::Slot;

/// A part's call counter slot in the `CALLS` slice. Its address tells each thread where the
/// part's counter is in its block; its own atomic is the shared fallback counter.
#[doc(hidden)]
#[derive(Debug)]
#[repr(transparent)]
pub struct CallSlot(AtomicU64);

// SAFETY: a single `AtomicU64`, valid when zero.
unsafe impl Slot for CallSlot {
    fn zero(&self) {
        zero(&self.0);
    }
}

/// Sets a count to zero, without writing (and so copying a forked child's page) if it is.
pub(crate) fn zero(count: &AtomicU64) {
    // Relaxed: only called where no other thread writes (a forked child's only thread).
    if count.load(Ordering::Relaxed) != 0 {
        count.store(0, Ordering::Relaxed);
    }
}

impl CallSlot {
    /// A new slot.
    ///
    /// # Safety
    /// The slot must be a `static` placed in the `CALLS` distributed slice, as
    /// `#[wear::tracked]` does: [`hit`] reaches the thread's counter by the slot's offset in
    /// that slice and does not check it.
    #[allow(clippy::new_without_default)]
    pub const unsafe fn new() -> Self {
        CallSlot(AtomicU64::new(0))
    }

    /// Calls counted in the shared fallback counter.
    pub(crate) fn shared(&self) -> u64 {
        self.0.load(Ordering::Relaxed)
    }

    /// The shared fallback counter, for threads that cannot have a block.
    #[cfg_attr(not(all(target_arch = "x86_64", target_os = "linux")), allow(dead_code))]
    pub(crate) fn fallback(&self) -> &AtomicU64 {
        &self.0
    }

    /// The per-thread counter of this slot in a block, given the bias.
    #[cfg(not(all(target_arch = "x86_64", target_os = "linux")))]
    #[inline(always)]
    fn in_block(&'static self, bias: usize) -> &'static AtomicU64 {
        let addr = bias.wrapping_add((self as *const CallSlot).addr());
        // SAFETY: `bias` is `block - CALLS` for a block laid out like `CALLS` and never freed
        // (`shard`), and `self` lies in `CALLS` (contract of `CallSlot::new`), so `addr` is the
        // same slot inside the block: in bounds, aligned, a live `AtomicU64`, with the block's
        // exposed provenance.
        unsafe { &*std::ptr::with_exposed_provenance::<AtomicU64>(addr) }
    }
}

/// Counts one call of the part whose slot is `slot`.
///
/// On x86_64 Linux this is six instructions of assembly (`fast_hit`); elsewhere the same
/// steps in Rust. Inlined into every tracked function in optimised builds; in builds with debug
/// assertions (cargo's `dev` profile) it is a call instead, because inlining it into each of
/// them cost rustc about a million instructions per function (`benches/compile_time.sh`).
#[doc(hidden)]
#[cfg_attr(not(debug_assertions), inline(always))]
#[cfg_attr(debug_assertions, inline(never))]
pub fn hit(slot: &'static CallSlot) {
    #[cfg(all(target_arch = "x86_64", target_os = "linux"))]
    crate::fast_hit::hit(slot);
    #[cfg(not(all(target_arch = "x86_64", target_os = "linux")))]
    portable_hit(slot);
}

#[cfg(not(all(target_arch = "x86_64", target_os = "linux")))]
#[inline(always)]
fn portable_hit(slot: &'static CallSlot) {
    let bias = crate::call_bias::get();
    if bias != 0 {
        let counter = slot.in_block(bias);
        // Only this thread writes its block, so load + store loses nothing and needs no
        // `lock`; Relaxed suffices because readers only want each value eventually, and the
        // lease's Release/Acquire hands the block to the next thread.
        counter.store(counter.load(Ordering::Relaxed).wrapping_add(1), Ordering::Relaxed);
    } else {
        hit_cold(slot);
    }
}

#[cfg(not(all(target_arch = "x86_64", target_os = "linux")))]
#[cold]
#[inline(never)]
fn hit_cold(slot: &'static CallSlot) {
    match lease_calls() {
        Some(bias) => {
            let counter = slot.in_block(bias);
            counter.store(counter.load(Ordering::Relaxed).wrapping_add(1), Ordering::Relaxed);
        }
        // Relaxed: a plain count; fetch_add keeps it exact across threads.
        None => {
            slot.0.fetch_add(1, Ordering::Relaxed);
        }
    }
}
