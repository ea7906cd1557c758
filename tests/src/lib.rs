//! End-to-end tests of wear live in `tests/`; this library holds what several of them share.
use std::future::Future;
use std::path::Path;
use std::pin::pin;
use std::task::{Context, Poll, Waker};
use std::time::Duration;

/// Sleeps long enough (50 µs: well over 2^11 clock ticks at any CPU speed) that a `timed`
/// part times every call instead of sampling its calls (see `wear`'s `timing` module). For tests
/// that check one recorded duration per call.
pub fn outlast_sampling() {
    std::thread::sleep(Duration::from_micros(50));
}

/// Polls a future to completion on this thread (the tests' futures never wait on anything).
pub fn block_on<F: Future>(future: F) -> F::Output {
    let mut future = pin!(future);
    let mut cx = Context::from_waker(Waker::noop());
    loop {
        if let Poll::Ready(out) = future.as_mut().poll(&mut cx) {
            return out;
        }
    }
}

/// The names of the entries of `dir`, sorted: what a failed or finished write left behind.
pub fn entries(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .expect("dir")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}
