//! The counting core: what a part is, the link-time registry of parts, and the per-thread
//! counters the hot path writes, with the process's identity they are counted under.
//!
//! It knows nothing of exporting. Its modules are private: the code `#[wear::tracked]`
//! generates reaches what it needs through `crate::__private`, and the exporters read counts
//! only through [`read`], so that nothing outside this folder touches an atomic, a block or a
//! lease.
mod call_bias;
mod clock;
mod counter;
mod failure;
#[cfg(all(target_arch = "x86_64", target_os = "linux"))]
mod fast_hit;
#[cfg(unix)]
mod fork;
mod lease;
mod part;
mod process;
pub(crate) mod read;
mod registry;
mod shard;
mod timing;

pub use process::{Service, set_service};

/// What the code `#[wear::tracked]` generates touches, re-exported by `crate::__private`.
pub mod generated {
    pub use super::counter::hit;
    pub use super::failure::{FailureGuard, OtherFailure, Probe, ResultFailure, run};
    pub use super::part::{Extra, Part};
    pub use super::registry::{EXTRAS, PARTS, TIMINGS};
    pub use super::timing::{Timer, TimingSlot};
}
