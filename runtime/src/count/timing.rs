//! Busy time and latency of `timed` parts: per-thread log-linear histograms in ticks, fed by
//! every slow call and a random eighth of the fast ones.
//!
//! A timed call adds its duration to the part's busy time and one to a latency bucket, both in
//! the thread's timing block (see `shard`). Buckets are log-linear with 8 sub-buckets per
//! power of two (at most 12.5% wide); at snapshot time they are scaled to nanoseconds and read
//! for quantiles (`latency`).
//!
//! Reading the clock twice costs about 18 ns here, far more than a short call itself. So each
//! thread times every call of a part while the part's last timed call took at least
//! [`SAMPLE_BELOW`] ticks (about a microsecond; the clock is then a few percent of the call),
//! and below that times each call with probability 1/[`SAMPLE_ONE_IN`], recording it with
//! weight [`SAMPLE_ONE_IN`] (busy time and bucket alike). The choice is a coin toss per call
//! (a per-thread xorshift), made before the call with a probability known then, so the weighted
//! sums are unbiased estimates (Horvitz–Thompson) whatever the pattern of durations. Call
//! counts stay exact: they come from the call counters, not from here.
use std::sync::atomic::{AtomicU64, Ordering};

use crate::count::clock::ticks;
use crate::count::lease::{TIMING_BIAS, lease_timings};
use crate::count::shard::Slot;

/// A thread times every call of a part while the part's last timed call on that thread took
/// at least this many ticks (2^11: 0.5 to 1 µs at 2 to 4 GHz).
pub(crate) const SAMPLE_BELOW: u64 = 1 << 11;

/// Below [`SAMPLE_BELOW`], one call in this many (at random) is timed, and stands for as many.
pub(crate) const SAMPLE_ONE_IN: u64 = 8;

/// Number of latency buckets: exact below 8 ticks, then 8 per power of two up to 2^48 ticks
/// (about a day); longer calls land in the last bucket.
pub(crate) const BUCKETS: usize = 8 + 45 * 8;

/// A timed part's slot in the `TIMINGS` slice (and, in each block, one thread's share).
#[doc(hidden)]
#[derive(Debug)]
pub struct TimingSlot {
    pub(crate) busy_ticks: AtomicU64,
    pub(crate) buckets: [AtomicU64; BUCKETS],
    /// The owning thread's sampling state for this part: 0 while its calls are slow (time
    /// every call), else the state of its xorshift generator (never 0). Unused in the shared
    /// static slot.
    sampler: AtomicU64,
}

// SAFETY: made of `AtomicU64`s only, all valid when zero.
unsafe impl Slot for TimingSlot {
    fn zero(&self) {
        crate::count::counter::zero(&self.busy_ticks);
        self.buckets.iter().for_each(crate::count::counter::zero);
        crate::count::counter::zero(&self.sampler);
    }
}

impl TimingSlot {
    /// A new slot.
    ///
    /// # Safety
    /// The slot must be a `static` in the `TIMINGS` distributed slice, as `#[wear::tracked]`
    /// places it: [`Timer`] reaches the thread's share by the slot's offset in that slice.
    #[allow(clippy::new_without_default)]
    pub const unsafe fn new() -> Self {
        TimingSlot {
            busy_ticks: AtomicU64::new(0),
            buckets: [const { AtomicU64::new(0) }; BUCKETS],
            sampler: AtomicU64::new(0),
        }
    }

    #[inline(always)]
    fn in_block(&'static self, bias: usize) -> &'static TimingSlot {
        let addr = bias.wrapping_add((self as *const TimingSlot).addr());
        // SAFETY: as for a call counter (`counter::in_block`): `self` lies in `TIMINGS`
        // (contract of `new`) and the bias leads to the same slot in a live block laid out
        // like `TIMINGS`.
        unsafe { &*std::ptr::with_exposed_provenance::<TimingSlot>(addr) }
    }

    /// The weight of the coming call in this thread's block: 1 (timed, slow mode), 0 (not
    /// timed) or [`SAMPLE_ONE_IN`] (timed, standing for that many calls).
    #[inline(always)]
    fn weigh_owned(&self) -> u64 {
        let state = self.sampler.load(Ordering::Relaxed);
        if state == 0 {
            return 1;
        }
        let next = xorshift(state);
        self.sampler.store(next, Ordering::Relaxed);
        // The top bits are the generator's best.
        if next >> (64 - SAMPLE_ONE_IN.trailing_zeros()) == 0 { SAMPLE_ONE_IN } else { 0 }
    }

    #[inline(always)]
    fn record_owned(&self, duration: u64, weight: u64, started: u64) {
        // Only the leasing thread writes its block: load + store is exact (see `counter::hit`).
        // In range: `bucket_of` clamps to the last bucket.
        let bucket = &self.buckets[bucket_of(duration)];
        bucket.store(bucket.load(Ordering::Relaxed).wrapping_add(weight), Ordering::Relaxed);
        let busy = duration.wrapping_mul(weight);
        self.busy_ticks.store(self.busy_ticks.load(Ordering::Relaxed).wrapping_add(busy), Ordering::Relaxed);
        let sampling = self.sampler.load(Ordering::Relaxed) != 0;
        if duration >= SAMPLE_BELOW {
            if sampling {
                self.sampler.store(0, Ordering::Relaxed);
            }
        } else if !sampling {
            // Seeded from the clock, so threads and parts draw different sequences; `| 1`
            // keeps it non-zero, as xorshift needs.
            self.sampler.store(started.wrapping_mul(0x9e37_79b9_7f4a_7c15) | 1, Ordering::Relaxed);
        }
    }
}

/// Marsaglia's xorshift64: one step. Never maps a non-zero state to 0.
#[inline(always)]
fn xorshift(mut x: u64) -> u64 {
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    x
}

/// The bucket of a duration in ticks.
#[inline(always)]
pub(crate) fn bucket_of(ticks: u64) -> usize {
    if ticks < 8 {
        return ticks as usize;
    }
    let exp = 63 - ticks.leading_zeros() as usize; // >= 3
    let sub = ((ticks >> (exp - 3)) & 7) as usize;
    ((exp - 2) * 8 + sub).min(BUCKETS - 1)
}

/// The smallest duration in ticks that falls in `bucket`.
pub(crate) fn bucket_floor(bucket: usize) -> u64 {
    if bucket < 8 {
        return bucket as u64;
    }
    let exp = bucket / 8 + 2;
    let sub = (bucket % 8) as u64;
    (8 + sub) << (exp - 3)
}

/// Measures one call of a timed part; records when dropped (return, unwind or cancellation).
#[doc(hidden)]
#[derive(Debug)]
#[must_use = "a timer records when it is dropped at the end of the call"]
pub struct Timer {
    slot: &'static TimingSlot,
    start: u64,
    /// How many calls this one stands for; 0 when it is not timed.
    weight: u64,
}

impl Timer {
    /// Starts timing a call, or decides not to (see the module documentation). A call rather
    /// than inlined in builds with debug assertions, for compile time, as `counter::hit`.
    #[cfg_attr(not(debug_assertions), inline(always))]
    #[cfg_attr(debug_assertions, inline(never))]
    pub fn start(slot: &'static TimingSlot) -> Timer {
        let bias = TIMING_BIAS.get();
        let weight = if bias != 0 { slot.in_block(bias).weigh_owned() } else { weigh_cold() };
        Timer { slot, start: if weight != 0 { ticks() } else { 0 }, weight }
    }
}

impl Drop for Timer {
    #[cfg_attr(not(debug_assertions), inline(always))]
    #[cfg_attr(debug_assertions, inline(never))]
    fn drop(&mut self) {
        if self.weight == 0 {
            return;
        }
        // Ticks read on another core can be slightly behind: never record a negative time.
        let duration = ticks().saturating_sub(self.start);
        // The bias is read again rather than kept from `start`: at the end of a thread the
        // block may have been given back in between, and then this call counts as shared.
        let bias = TIMING_BIAS.get();
        if bias != 0 {
            self.slot.in_block(bias).record_owned(duration, self.weight, self.start);
        } else {
            record_shared(self.slot, duration, self.weight);
        }
    }
}

/// The first timed call of a thread (it has no block yet): lease one, and time the call.
#[cold]
#[inline(never)]
fn weigh_cold() -> u64 {
    // Timed either way: into the new block, or, with no block, into the shared slot (unsampled:
    // the sampler lives in the block).
    let _ = lease_timings();
    1
}

#[cold]
#[inline(never)]
fn record_shared(slot: &'static TimingSlot, duration: u64, weight: u64) {
    // Several threads may write the shared slot, so use atomic adds.
    slot.buckets[bucket_of(duration)].fetch_add(weight, Ordering::Relaxed);
    slot.busy_ticks.fetch_add(duration.wrapping_mul(weight), Ordering::Relaxed);
}

#[cfg(test)]
mod tests;
