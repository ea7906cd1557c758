//! Each thread's leased blocks and the biases the hot path reads.
//!
//! The biases are `const`-initialised thread-locals with no destructor, so reading one is a
//! single load from the thread pointer with no "initialised yet?" check. The lease itself has
//! a destructor (to give the blocks back at thread exit) and is only touched on the cold path.
use std::cell::Cell;

use crate::counter::CallSlot;
use crate::registry::{CALLS, TIMINGS};
use crate::shard::{Block, Shards, bias_of};
use crate::timing::TimingSlot;

pub(crate) static CALL_SHARDS: Shards<CallSlot> = Shards::new();
pub(crate) static TIMING_SHARDS: Shards<TimingSlot> = Shards::new();

thread_local! {
    /// `block address - CALLS address` for this thread's call block; 0 when it has none.
    pub(crate) static CALL_BIAS: Cell<usize> = const { Cell::new(0) };
    /// The same for this thread's timing block.
    pub(crate) static TIMING_BIAS: Cell<usize> = const { Cell::new(0) };
    static LEASE: Lease = const { Lease { calls: Cell::new(None), timings: Cell::new(None) } };
}

struct Lease {
    calls: Cell<Option<&'static Block<CallSlot>>>,
    timings: Cell<Option<&'static Block<TimingSlot>>>,
}

impl Drop for Lease {
    fn drop(&mut self) {
        // Clear the biases first: a tracked call from a later thread-local destructor must
        // take the cold path and count in the shared slot, not in a block given away.
        CALL_BIAS.set(0);
        TIMING_BIAS.set(0);
        if let Some(block) = self.calls.take() {
            Shards::release(block);
        }
        if let Some(block) = self.timings.take() {
            Shards::release(block);
        }
    }
}

/// Leases a call block for this thread and returns its bias, or `None` when this thread must
/// count in the shared slot (no memory, or thread-locals already destroyed).
pub(crate) fn lease_calls() -> Option<usize> {
    crate::process::touch();
    LEASE
        .try_with(|lease| {
            let block = match lease.calls.get() {
                Some(block) => block,
                None => {
                    let block = CALL_SHARDS.lease(&CALLS)?;
                    lease.calls.set(Some(block));
                    block
                }
            };
            let bias = bias_of(block, &CALLS);
            CALL_BIAS.set(bias);
            Some(bias)
        })
        .ok()
        .flatten()
}

/// The same as [`lease_calls`] for timing blocks.
pub(crate) fn lease_timings() -> Option<usize> {
    LEASE
        .try_with(|lease| {
            let block = match lease.timings.get() {
                Some(block) => block,
                None => {
                    let block = TIMING_SHARDS.lease(&TIMINGS)?;
                    lease.timings.set(Some(block));
                    block
                }
            };
            let bias = bias_of(block, &TIMINGS);
            TIMING_BIAS.set(bias);
            Some(bias)
        })
        .ok()
        .flatten()
}
