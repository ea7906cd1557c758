//! Each thread's leased blocks and the biases the hot path reads.
//!
//! The biases are thread-locals with no destructor and a const initial value (the call bias in
//! `call_bias`), so reading one needs no "initialised yet?" check. The lease itself has
//! a destructor (to give the blocks back at thread exit) and is only touched on the cold path.
use std::cell::Cell;

use crate::count::counter::Counter;
use crate::count::registry::{EXTRAS, PARTS, TIMINGS};
use crate::count::shard::{Block, Shards, Slot, bias_of};
use crate::count::timing::TimingSlot;

pub(crate) static CALL_SHARDS: Shards<Counter> = Shards::new();
pub(crate) static TIMING_SHARDS: Shards<TimingSlot> = Shards::new();

thread_local! {
    /// `block address - TIMINGS address` for this thread's timing block; 0 when it has none.
    pub(crate) static TIMING_BIAS: Cell<usize> = const { Cell::new(0) };
    static LEASE: Lease = const { Lease { calls: Cell::new(None), timings: Cell::new(None) } };
}

struct Lease {
    calls: Cell<Option<&'static Block<Counter>>>,
    timings: Cell<Option<&'static Block<TimingSlot>>>,
}

impl Drop for Lease {
    fn drop(&mut self) {
        // Clear the biases first: a tracked call from a later thread-local destructor must
        // take the cold path and count in the shared counters, not in a block given away.
        crate::count::call_bias::set(0);
        TIMING_BIAS.set(0);
        if let Some(block) = self.calls.take() {
            Shards::release(block);
        }
        if let Some(block) = self.timings.take() {
            Shards::release(block);
        }
    }
}

/// In a child process just forked: every count back to zero (blocks, the shared counters and
/// slots, and the failure counts), every block but this thread's free for reuse.
#[cfg(unix)]
pub(crate) fn reset_after_fork() {
    let (calls, timings) =
        LEASE.try_with(|lease| (lease.calls.get(), lease.timings.get())).unwrap_or_default();
    CALL_SHARDS.reset_after_fork(calls);
    TIMING_SHARDS.reset_after_fork(timings);
    crate::count::counter::zero_shared();
    TIMINGS.iter().for_each(Slot::zero);
    for extra in EXTRAS.iter() {
        crate::count::counter::zero(&extra.failures);
    }
}

/// Leases a call block for this thread and returns its bias, or `None` when this thread must
/// count in the shared counters (no memory, or thread-locals already destroyed).
pub(crate) fn lease_calls() -> Option<usize> {
    crate::count::process::touch();
    lease_in(&CALL_SHARDS, &PARTS, |lease| &lease.calls, crate::count::call_bias::set)
}

/// The same as [`lease_calls`] for timing blocks.
pub(crate) fn lease_timings() -> Option<usize> {
    lease_in(&TIMING_SHARDS, &TIMINGS, |lease| &lease.timings, |bias| TIMING_BIAS.set(bias))
}

/// This thread's block of `shards` (leased now if it has none, laid out like `slice`), its
/// bias stored with `set_bias`.
fn lease_in<T: Slot, S>(
    shards: &'static Shards<T>,
    slice: &'static [S],
    held: fn(&Lease) -> &Cell<Option<&'static Block<T>>>,
    set_bias: fn(usize),
) -> Option<usize> {
    LEASE
        .try_with(|lease| {
            let block = match held(lease).get() {
                Some(block) => block,
                None => {
                    let block = shards.lease(slice)?;
                    held(lease).set(Some(block));
                    block
                }
            };
            let value = bias_of(block, slice);
            set_bias(value);
            Some(value)
        })
        .ok()
        .flatten()
}
