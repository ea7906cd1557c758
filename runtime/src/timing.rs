//! Busy time and latency of `timed` parts: per-thread log-linear histograms in ticks.
//!
//! A timed call adds its duration to the part's busy time and one to a latency bucket, both in
//! the thread's timing block (see `shard`). Buckets are log-linear with 8 sub-buckets per
//! power of two (at most 12.5% wide); at snapshot time they are scaled to nanoseconds and
//! merged into an `hdrhistogram::Histogram` for quantiles.
use std::sync::atomic::{AtomicU64, Ordering};

use crate::clock::ticks;
use crate::lease::{TIMING_BIAS, lease_timings};
use crate::shard::Slot;

/// Number of latency buckets: exact below 8 ticks, then 8 per power of two up to 2^48 ticks
/// (about a day); longer calls land in the last bucket.
pub(crate) const BUCKETS: usize = 8 + 45 * 8;

/// A timed part's slot in the `TIMINGS` slice (and, in each block, one thread's share).
#[doc(hidden)]
#[derive(Debug)]
pub struct TimingSlot {
    pub(crate) busy_ticks: AtomicU64,
    pub(crate) buckets: [AtomicU64; BUCKETS],
}

// SAFETY: made of `AtomicU64`s only, all valid when zero.
unsafe impl Slot for TimingSlot {
    fn zero(&self) {
        crate::counter::zero(&self.busy_ticks);
        self.buckets.iter().for_each(crate::counter::zero);
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
        TimingSlot { busy_ticks: AtomicU64::new(0), buckets: [const { AtomicU64::new(0) }; BUCKETS] }
    }

    #[inline(always)]
    fn in_block(&'static self, bias: usize) -> &'static TimingSlot {
        let addr = bias.wrapping_add((self as *const TimingSlot).addr());
        // SAFETY: as for `CallSlot::in_block`: `self` lies in `TIMINGS` (contract of `new`) and
        // the bias leads to the same slot in a live block laid out like `TIMINGS`.
        unsafe { &*std::ptr::with_exposed_provenance::<TimingSlot>(addr) }
    }

    #[inline(always)]
    fn record_owned(&self, duration: u64) {
        // Only the leasing thread writes its block: load + store is exact (see `counter::hit`).
        // In range: `bucket_of` clamps to the last bucket.
        let bucket = &self.buckets[bucket_of(duration)];
        bucket.store(bucket.load(Ordering::Relaxed).wrapping_add(1), Ordering::Relaxed);
        self.busy_ticks
            .store(self.busy_ticks.load(Ordering::Relaxed).wrapping_add(duration), Ordering::Relaxed);
    }
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
}

impl Timer {
    /// Starts timing a call.
    #[inline(always)]
    pub fn start(slot: &'static TimingSlot) -> Timer {
        Timer { slot, start: ticks() }
    }
}

impl Drop for Timer {
    #[inline(always)]
    fn drop(&mut self) {
        // Ticks read on another core can be slightly behind: never record a negative time.
        let duration = ticks().saturating_sub(self.start);
        let bias = TIMING_BIAS.get();
        if bias != 0 {
            self.slot.in_block(bias).record_owned(duration);
        } else {
            record_cold(self.slot, duration);
        }
    }
}

#[cold]
#[inline(never)]
fn record_cold(slot: &'static TimingSlot, duration: u64) {
    match lease_timings() {
        Some(bias) => slot.in_block(bias).record_owned(duration),
        None => {
            // Shared fallback: several threads may write, so use atomic adds.
            slot.buckets[bucket_of(duration)].fetch_add(1, Ordering::Relaxed);
            slot.busy_ticks.fetch_add(duration, Ordering::Relaxed);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn buckets_are_contiguous_and_ordered() {
        let mut last = 0;
        for bucket in 1..BUCKETS {
            let floor = bucket_floor(bucket);
            assert!(floor > last, "bucket {bucket}");
            assert_eq!(bucket_of(floor), bucket);
            assert_eq!(bucket_of(floor - 1), bucket - 1);
            last = floor;
        }
        assert_eq!(bucket_of(u64::MAX), BUCKETS - 1);
    }

    #[test]
    fn buckets_are_at_most_an_eighth_wide() {
        for bucket in 8..BUCKETS - 1 {
            let (lo, hi) = (bucket_floor(bucket), bucket_floor(bucket + 1));
            assert!((hi - lo) as f64 / lo as f64 <= 0.125 + 1e-9, "bucket {bucket}");
        }
    }
}
