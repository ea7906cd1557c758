//! Counting failures: calls that return `Err` or unwind (`#[wear::tracked(failures)]`).
//!
//! Whether a return value is a failure is decided by autoref specialisation on a probe: for a
//! `Result` the inherent-looking `ResultFailure` impl is found first, for any other type the
//! `OtherFailure` impl one autoref further away. In generic code whose return type is a type
//! parameter, only unwinding counts.
use std::sync::atomic::{AtomicU64, Ordering};

/// Counts one failure if the call unwinds before [`FailureGuard::settle`].
#[doc(hidden)]
#[derive(Debug)]
#[must_use = "the guard counts an unwinding call when it is dropped"]
pub struct FailureGuard {
    failures: &'static AtomicU64,
    armed: bool,
}

impl FailureGuard {
    /// Arms the guard at the start of a call.
    #[inline(always)]
    pub fn arm(failures: &'static AtomicU64) -> FailureGuard {
        FailureGuard { failures, armed: true }
    }

    /// The call returned; `failed` says whether its value was an `Err`.
    #[inline(always)]
    pub fn settle(mut self, failed: bool) {
        self.armed = false;
        if failed {
            // Relaxed: an independent count.
            self.failures.fetch_add(1, Ordering::Relaxed);
        }
    }
}

impl Drop for FailureGuard {
    fn drop(&mut self) {
        // Still armed and unwinding: the call panicked. Still armed without a panic: an async
        // call was cancelled, which is not a failure.
        if self.armed && std::thread::panicking() {
            self.failures.fetch_add(1, Ordering::Relaxed);
        }
    }
}

/// Wraps a return value to ask whether it is a failure.
#[doc(hidden)]
#[derive(Debug)]
pub struct Probe<'a, T>(pub &'a T);

/// `Err` is a failure.
#[doc(hidden)]
pub trait ResultFailure {
    /// Whether the value is an `Err`.
    fn is_failure(&self) -> bool;
}

impl<T, E> ResultFailure for Probe<'_, Result<T, E>> {
    #[inline(always)]
    fn is_failure(&self) -> bool {
        self.0.is_err()
    }
}

/// Any other value is not a failure.
#[doc(hidden)]
pub trait OtherFailure {
    /// Always `false`.
    fn is_failure(&self) -> bool;
}

impl<T> OtherFailure for &Probe<'_, T> {
    #[inline(always)]
    fn is_failure(&self) -> bool {
        false
    }
}

/// Runs a function body given as a closure, so that its return value can be inspected. The
/// explicit `R` lets `?` inside the body infer its error conversion.
#[doc(hidden)]
#[inline(always)]
pub fn run<R, F: FnOnce() -> R>(body: F) -> R {
    body()
}
