//! End-to-end tests of wear live in `tests/`; this library holds what several of them share.

/// Sleeps long enough (50 µs: well over 2^11 clock ticks at any CPU speed) that a `timed`
/// part times every call instead of sampling its calls (see `wear`'s `timing` module). For tests
/// that check one recorded duration per call.
pub fn outlast_sampling() {
    std::thread::sleep(std::time::Duration::from_micros(50));
}
