//! A cheap clock for `timed` parts: raw CPU ticks on the hot path, converted to nanoseconds
//! only when a snapshot is taken.
//!
//! `Instant::now()` costs about 23 ns here (a vDSO call); `rdtsc` about 10 ns, and a timed call
//! reads the clock twice. Ticks are scaled with a ratio measured between the first time wear saw
//! the process and the snapshot, against the monotonic clock, so the ratio gets more exact the
//! longer the process runs.
use std::sync::OnceLock;
use std::time::{Duration, Instant};

/// The clock reading on the hot path, in ticks.
#[inline(always)]
pub(crate) fn ticks() -> u64 {
    #[cfg(target_arch = "x86_64")]
    {
        // SAFETY: `rdtsc` exists on every x86_64 CPU and has no preconditions.
        #[allow(unused_unsafe)]
        unsafe {
            core::arch::x86_64::_rdtsc()
        }
    }
    #[cfg(not(target_arch = "x86_64"))]
    {
        // Elsewhere ticks are nanoseconds since the anchor (slower, but portable).
        u64::try_from(anchor().0.elapsed().as_nanos()).unwrap_or(u64::MAX)
    }
}

/// The first reading, taken when wear first sees the process.
fn anchor() -> &'static (Instant, u64) {
    static ANCHOR: OnceLock<(Instant, u64)> = OnceLock::new();
    ANCHOR.get_or_init(|| {
        let now = Instant::now();
        #[cfg(target_arch = "x86_64")]
        let t = ticks();
        #[cfg(not(target_arch = "x86_64"))]
        let t = 0;
        (now, t)
    })
}

/// Takes the anchor reading (cheap after the first time).
pub(crate) fn start() {
    anchor();
}

/// Nanoseconds per tick, measured over at least 5 ms (waiting if the process is younger).
pub(crate) fn nanos_per_tick() -> f64 {
    if cfg!(not(target_arch = "x86_64")) {
        return 1.0;
    }
    let (at, t0) = *anchor();
    let min = Duration::from_millis(5);
    if at.elapsed() < min {
        std::thread::sleep(min.saturating_sub(at.elapsed()));
    }
    let elapsed = at.elapsed();
    let dt = ticks().saturating_sub(t0);
    if dt == 0 {
        return 1.0;
    }
    elapsed.as_nanos() as f64 / dt as f64
}
