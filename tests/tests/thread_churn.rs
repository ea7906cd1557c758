//! 10,000 short-lived threads, 50 alive at a time (in waves), each calling a plain, a `timed` and a
//! `failures` part: no count is lost (the totals are exact), the number of per-thread counter
//! blocks stays the peak number of threads alive at once, and memory comes back (VmRSS
//! after the last thread is within 2 MiB of VmRSS after the first 1,000).
//!
//! The only test of its binary, so that no other test's threads lease blocks or use memory.
use std::sync::{Arc, Barrier};
use std::thread;

const THREADS: u64 = 10_000;
const AT_ONCE: u64 = 50;
const WARM_UP: u64 = 1_000;
const CALLS: u64 = 100;

#[wear::tracked]
fn churn(x: u64) -> u64 {
    x.wrapping_mul(3)
}

#[wear::tracked(timed)]
fn churn_timed(x: u64) -> u64 {
    x ^ 5
}

#[wear::tracked(failures)]
fn churn_failing(x: u64) -> Result<u64, u64> {
    if x == 0 { Err(x) } else { Ok(x) }
}

fn vm_rss_kb() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").expect("/proc/self/status (Linux)");
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .expect("a VmRSS line")
}

/// Runs threads `from..to` in waves of `AT_ONCE`, which all hold their blocks at once (they
/// meet at a barrier after counting), so the peak is exactly `AT_ONCE`.
fn run(from: u64, to: u64) {
    for wave in (from..to).step_by(AT_ONCE as usize) {
        let barrier = Arc::new(Barrier::new(AT_ONCE as usize));
        let threads: Vec<_> = (wave..wave + AT_ONCE)
            .map(|t| {
                let barrier = Arc::clone(&barrier);
                thread::spawn(move || {
                    let mut acc = 0;
                    for i in 0..CALLS {
                        acc ^= churn(i + t);
                    }
                    acc ^= churn_timed(t);
                    for i in 0..3 {
                        acc ^= churn_failing(i).unwrap_or(0);
                    }
                    barrier.wait();
                    acc
                })
            })
            .collect();
        for thread in threads {
            thread.join().expect("a worker");
        }
    }
}

#[test]
fn ten_thousand_short_lived_threads_lose_no_count_and_return_their_memory() {
    run(0, WARM_UP);
    let warm = vm_rss_kb();
    let blocks_warm = wear::counter_blocks();
    run(WARM_UP, THREADS);
    let end = vm_rss_kb();
    let blocks = wear::counter_blocks();
    println!(
        "{THREADS} threads, {AT_ONCE} at a time: VmRSS {warm} kB after {WARM_UP}, {end} kB after all; \
         {blocks_warm} then {blocks} counter blocks"
    );

    let snapshot = wear::snapshot();
    let reading = |name: &str| {
        snapshot.parts.iter().find(|p| p.path == format!("thread_churn::{name}")).expect("listed").clone()
    };
    assert_eq!(reading("churn").calls, THREADS * CALLS, "no count lost");
    let timed = reading("churn_timed");
    assert_eq!(timed.calls, THREADS);
    assert_eq!(timed.latency_ns.map(|l| l.count), Some(THREADS), "no timing lost");
    let failing = reading("churn_failing");
    assert_eq!((failing.calls, failing.failures), (3 * THREADS, Some(THREADS)));

    assert_eq!(blocks, AT_ONCE as usize, "one block per thread alive at once, not per thread ever");
    assert_eq!(blocks, blocks_warm, "no new block after the warm-up: exited threads' blocks are reused");
    assert!(
        end <= warm + 2 * 1024,
        "VmRSS grew from {warm} kB to {end} kB over {} threads",
        THREADS - WARM_UP
    );
}
