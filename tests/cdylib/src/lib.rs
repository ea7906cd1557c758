//! Two C functions: a tracked one, and one that sums the calls in the library's own snapshot.

/// Adds one; counted.
#[wear::tracked]
#[unsafe(no_mangle)]
pub extern "C" fn wear_check_ping(x: u64) -> u64 {
    x + 1
}

/// The calls of every part of this library.
#[unsafe(no_mangle)]
pub extern "C" fn wear_check_calls() -> u64 {
    wear::snapshot().parts.iter().map(|p| p.calls).sum()
}
