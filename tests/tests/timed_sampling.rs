//! `timed` parts sample their short calls (see the `timing` module of `wear`): call counts stay
//! exact, and the latency count and busy time are estimates that land on the truth, on one
//! thread and on several, for short calls and for a mix of short and long ones.
use std::time::{Duration, Instant};

use wear::snapshot::PartReading;

#[wear::tracked(timed)]
fn short(x: u64) -> u64 {
    std::hint::black_box(x).rotate_left(5) ^ 3
}

#[wear::tracked(timed)]
fn sometimes_long(long: bool) {
    if long {
        wear_tests::outlast_sampling();
    }
}

fn part(name: &str) -> PartReading {
    let path = format!("timed_sampling::{name}");
    wear::snapshot().parts.into_iter().find(|p| p.path == path).expect("the part is registered")
}

#[test]
fn short_calls_are_counted_exactly_and_their_timings_estimated() {
    const PER_THREAD: u64 = 400_000;
    std::thread::scope(|s| {
        for _ in 0..3 {
            s.spawn(|| (0..PER_THREAD).fold(0, |acc, i| acc ^ short(i)));
        }
    });
    let reading = part("short");
    let calls = 3 * PER_THREAD;
    assert_eq!(reading.calls, calls, "calls are counted, not sampled");
    let estimated = reading.latency_ns.expect("timed").count;
    // One call in eight is timed and weighs 8: the standard error is about 0.3% here.
    let error = (estimated as f64 - calls as f64).abs() / calls as f64;
    assert!(error < 0.03, "{estimated} calls estimated from the timings, for {calls}");
    assert!(reading.busy_ns.expect("timed") > 0);
}

#[test]
fn busy_time_of_mixed_calls_is_estimated_without_bias() {
    // Every fourth call is long: a sampler that timed every fourth or eighth call would see
    // all of them or none.
    let mut truth = Duration::ZERO;
    for i in 0..8_000 {
        let started = Instant::now();
        sometimes_long(i % 4 == 1);
        truth += started.elapsed();
    }
    let reading = part("sometimes_long");
    assert_eq!(reading.calls, 8_000);
    let busy = reading.busy_ns.expect("timed") as f64;
    let truth = truth.as_nanos() as f64;
    // The long calls dominate; about half of them are timed (after a short one, one in eight;
    // after a long one, every call): the standard error is about 4%.
    assert!(
        (busy - truth).abs() / truth < 0.25,
        "busy {busy} ns estimated, {truth} ns measured around the calls"
    );
}
