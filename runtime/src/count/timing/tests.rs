//! The histogram's buckets, and the sampler's promises: slow calls are all timed, fast ones are
//! sampled into unbiased estimates whatever the pattern of their durations.
use super::*;

#[test]
fn buckets_are_contiguous_and_ordered() {
    let mut last = 0;
    for bucket in 1..BUCKETS {
        let floor = bucket_floor(bucket);
        assert!(floor > last, "bucket {bucket}");
        assert_eq!(bucket_of(floor), bucket);
        assert_eq!(bucket_of(floor - 1), bucket - 1);
        last = floor;
    }
    assert_eq!(bucket_of(u64::MAX), BUCKETS - 1);
}

#[test]
fn buckets_are_at_most_an_eighth_wide() {
    for bucket in 8..BUCKETS - 1 {
        let (lo, hi) = (bucket_floor(bucket), bucket_floor(bucket + 1));
        assert!((hi - lo) as f64 / lo as f64 <= 0.125 + 1e-9, "bucket {bucket}");
    }
}

/// A named pattern of call durations in ticks, by call index.
type Pattern = (&'static str, fn(u64) -> u64);

/// What a thread's slot holds after calls of the given durations (in ticks), as `Timer` would
/// record them: (calls the buckets stand for, busy ticks).
fn run(durations: impl Iterator<Item = u64>) -> (u64, u64) {
    // SAFETY: the slot is used directly, never through `Timer`, so it needs no place in TIMINGS.
    let slot = unsafe { TimingSlot::new() };
    let mut clock = 0x5eed_u64;
    for duration in durations {
        let weight = slot.weigh_owned();
        if weight != 0 {
            slot.record_owned(duration, weight, clock);
        }
        clock = clock.wrapping_add(duration + 40);
    }
    let counted = slot.buckets.iter().map(|b| b.load(Ordering::Relaxed)).sum();
    (counted, slot.busy_ticks.load(Ordering::Relaxed))
}

#[test]
fn slow_calls_are_all_timed_exactly() {
    let durations = (0..10_000).map(|i| SAMPLE_BELOW + i % 7 * 1_000);
    let busy: u64 = durations.clone().sum();
    assert_eq!(run(durations), (10_000, busy));
}

#[test]
fn fast_calls_are_sampled_into_unbiased_estimates() {
    const CALLS: u64 = 1_000_000;
    // Patterns a systematic "every 8th call" sampler would get wrong by up to 8 times: the
    // period of the sampling itself, and two that alias with it.
    let patterns: [Pattern; 4] = [
        ("constant", |_| 100),
        ("alternating", |i| if i % 2 == 0 { 10 } else { 1_000 }),
        ("one in eight", |i| if i % 8 == 0 { 1_500 } else { 10 }),
        ("one in sixteen", |i| if i % 16 == 3 { 2_000 } else { 20 }),
    ];
    for (name, pattern) in patterns {
        let busy: u64 = (0..CALLS).map(pattern).sum();
        let (counted, estimated) = run((0..CALLS).map(pattern));
        let error = |estimate: u64, truth: u64| (estimate as f64 - truth as f64).abs() / truth as f64;
        // Standard errors are under 0.3% for the counts and 1.2% for busy time here; these
        // bounds are five of them or more.
        assert!(error(counted, CALLS) < 0.015, "{name}: {counted} calls estimated for {CALLS}");
        assert!(error(estimated, busy) < 0.06, "{name}: {estimated} busy ticks estimated for {busy}");
        // And it did sample: far fewer clock reads than calls would leave most weights at 8.
        assert!(counted % SAMPLE_ONE_IN == 1, "{name}: the first call weighs 1, the others 0 or 8");
    }
}

#[test]
fn one_slow_call_times_every_call_until_a_fast_one() {
    // SAFETY: as in `run`.
    let slot = unsafe { TimingSlot::new() };
    assert_eq!(slot.weigh_owned(), 1, "a thread's first call is timed");
    slot.record_owned(10, 1, 7);
    let weights: Vec<u64> = (0..64).map(|_| slot.weigh_owned()).collect();
    assert!(weights.iter().all(|w| [0, SAMPLE_ONE_IN].contains(w)), "{weights:?}");
    assert!(weights.contains(&0) && weights.contains(&SAMPLE_ONE_IN), "{weights:?}");
    slot.record_owned(SAMPLE_BELOW, SAMPLE_ONE_IN, 7);
    assert_eq!([slot.weigh_owned(), slot.weigh_owned()], [1, 1], "slow: every call timed");
    slot.record_owned(SAMPLE_BELOW - 1, 1, 7);
    assert!((0..64).any(|_| slot.weigh_owned() == 0), "fast again: sampled");
}
