//! What the counting core publishes: the one way the exporters read counts.
//!
//! Exporters see plain numbers and `'static` names, never the atomics, blocks or leases
//! behind them, so the hot path's layout can change without touching an exporter, and no
//! exporter can write a count. Reading sums every thread's block with relaxed loads, off the
//! hot path: it never stops a tracked call.
use crate::count::counter::{Counter, shared};
use crate::count::lease::{CALL_SHARDS, TIMING_SHARDS};
use crate::count::part::descriptions;
use crate::count::registry::{EXTRAS, PARTS, TIMINGS};

pub(crate) use crate::count::part::Described;
pub(crate) use crate::count::process::{instance, service, started_at, touch};
#[cfg(test)]
pub(crate) use crate::count::timing::bucket_of;
pub(crate) use crate::count::timing::{BUCKETS, bucket_floor};

/// Nanoseconds per tick of the `timed` parts' clock, calibrated now (which may wait a few
/// milliseconds in a young process); 1 when no part is timed, so nothing waits for nothing.
pub(crate) fn nanos_per_tick() -> f64 {
    if TIMINGS.is_empty() { 1.0 } else { crate::count::clock::nanos_per_tick() }
}

/// Every part's counters, read at one moment: call counts, and busy time and latency
/// buckets of `timed` parts, each summed over the thread blocks and the shared counters.
pub(crate) struct Counts {
    calls: Vec<u64>,
    timings: Vec<TimingTotal>,
    nanos_per_tick: f64,
}

/// Reads every counter once; `nanos_per_tick` (from [`nanos_per_tick`]) scales busy time.
pub(crate) fn counts(nanos_per_tick: f64) -> Counts {
    Counts { calls: call_totals(), timings: timing_totals(), nanos_per_tick }
}

impl Counts {
    /// Every part linked into the program, called or not, in registry order.
    pub(crate) fn parts(&self) -> impl Iterator<Item = PartCounts<'_>> {
        descriptions().iter().enumerate().map(|(index, about)| {
            let timing = about.timing().and_then(|slot| self.timings.get(index_in(&TIMINGS, slot)));
            PartCounts {
                about,
                calls: self.calls.get(index).copied().unwrap_or(0),
                failures: about.failures(),
                timing: timing.map(|t| TimingCounts {
                    busy_ticks: t.busy_ticks,
                    buckets: &t.buckets,
                    nanos_per_tick: self.nanos_per_tick,
                }),
            }
        })
    }
}

/// One part's counts in a [`Counts`].
#[derive(Clone, Copy, Debug)]
pub(crate) struct PartCounts<'a> {
    /// What the part is, as `#[wear::tracked]` described it.
    pub(crate) about: &'static Described,
    /// Calls since the process started.
    pub(crate) calls: u64,
    /// Failures, for parts tracked with `failures`.
    pub(crate) failures: Option<u64>,
    /// Busy time and latency buckets, for `timed` parts.
    pub(crate) timing: Option<TimingCounts<'a>>,
}

/// A `timed` part's busy time and latency buckets (calls per bucket; see [`bucket_floor`]
/// for the buckets' edges, in ticks).
#[derive(Clone, Copy, Debug)]
pub(crate) struct TimingCounts<'a> {
    busy_ticks: u64,
    buckets: &'a [u64],
    nanos_per_tick: f64,
}

impl TimingCounts<'_> {
    /// Busy time in nanoseconds (an unbiased estimate: short calls are sampled).
    pub(crate) fn busy_nanos(&self) -> f64 {
        self.busy_ticks as f64 * self.nanos_per_tick
    }

    /// Calls per latency bucket, in bucket order.
    pub(crate) fn buckets(&self) -> &[u64] {
        self.buckets
    }

    /// The scale of the buckets' edges.
    pub(crate) fn nanos_per_tick(&self) -> f64 {
        self.nanos_per_tick
    }
}

/// How many parts of each kind the program has, for exporters that size their series.
#[cfg_attr(not(feature = "otel"), allow(dead_code, reason = "only OpenTelemetry sizes its series"))]
#[derive(Clone, Copy, Debug)]
pub(crate) struct Census {
    /// Every part.
    pub(crate) parts: usize,
    /// Parts tracked with `timed`.
    pub(crate) timed: usize,
    /// Parts tracked with `failures`.
    #[cfg_attr(not(feature = "otlp"), allow(dead_code, reason = "read by `otel::view` only"))]
    pub(crate) counting_failures: usize,
}

/// Counts the parts linked into the program.
#[cfg_attr(not(feature = "otel"), allow(dead_code, reason = "only OpenTelemetry sizes its series"))]
pub(crate) fn census() -> Census {
    Census {
        parts: PARTS.len(),
        timed: EXTRAS.iter().filter(|e| e.timing.is_some()).count(),
        counting_failures: EXTRAS.iter().filter(|e| e.counts_failures).count(),
    }
}

/// How many per-thread counter blocks exist (see [`crate::counter_blocks`]).
pub(crate) fn counter_blocks() -> usize {
    CALL_SHARDS.count()
}

/// Calls of every part in [`PARTS`], summed over the thread blocks and the shared counters,
/// in slice order.
fn call_totals() -> Vec<u64> {
    let mut calls: Vec<u64> = match shared() {
        Some(shared) => shared.iter().map(Counter::get).collect(),
        None => vec![0; PARTS.len()],
    };
    for block in CALL_SHARDS.blocks() {
        for (total, counter) in calls.iter_mut().zip(block.slots()) {
            *total = total.wrapping_add(counter.get());
        }
    }
    calls
}

/// Busy time and latency buckets of one timing slot, summed over the thread blocks.
struct TimingTotal {
    busy_ticks: u64,
    buckets: Vec<u64>,
}

/// Every slot of [`TIMINGS`], in slice order.
fn timing_totals() -> Vec<TimingTotal> {
    use std::sync::atomic::Ordering::Relaxed;
    // Relaxed: plain counts, each read eventually; no other memory depends on them.
    let mut totals: Vec<TimingTotal> = TIMINGS
        .iter()
        .map(|slot| TimingTotal {
            busy_ticks: slot.busy_ticks.load(Relaxed),
            buckets: slot.buckets.iter().map(|b| b.load(Relaxed)).collect(),
        })
        .collect();
    for block in TIMING_SHARDS.blocks() {
        for (total, slot) in totals.iter_mut().zip(block.slots()) {
            total.busy_ticks = total.busy_ticks.wrapping_add(slot.busy_ticks.load(Relaxed));
            for (sum, bucket) in total.buckets.iter_mut().zip(&slot.buckets) {
                *sum = sum.wrapping_add(bucket.load(Relaxed));
            }
        }
    }
    totals
}

/// The position of a static slot in its slice.
fn index_in<T>(slice: &[T], slot: &T) -> usize {
    let size = size_of::<T>().max(1);
    (slot as *const T).addr().wrapping_sub(slice.as_ptr().addr()) / size
}
