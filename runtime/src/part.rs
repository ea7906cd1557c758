//! What a part is: the static description `#[wear::tracked]` compiles into the program.
use std::sync::atomic::AtomicU64;

use crate::counter::CallSlot;
use crate::timing::TimingSlot;

/// One tracked function, as compiled in. Built only by `#[wear::tracked]`.
#[doc(hidden)]
#[derive(Debug)]
pub struct Part {
    /// The part's path (`shop::cart::Cart::add_item`), see `wear_identity::owner`.
    pub path: &'static str,
    /// Source file as rustc saw it (`file!()`).
    pub file: &'static str,
    /// First and last line of the function.
    pub lines: (u32, u32),
    /// The serial (`wear_identity::serial`).
    pub serial: u64,
    /// Where calls are counted.
    pub calls: &'static CallSlot,
    /// Where busy time and latency are recorded, for `timed` parts.
    pub timing: Option<&'static TimingSlot>,
    /// Whether failures are counted (`failures`).
    pub counts_failures: bool,
    /// Calls that returned `Err` or unwound. Failures are rare, so one shared atomic is enough.
    pub failures: AtomicU64,
    /// Limits from the attribute; 0 means "not set, use the project's policy".
    pub limit_calls: u64,
    /// Busy-time limit in seconds; 0 means not set.
    pub limit_busy_secs: u64,
    /// Calendar interval in seconds; 0 means not set.
    pub interval_secs: u64,
}
