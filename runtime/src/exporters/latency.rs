//! A timed part's latency figures (count, mean, p50, p90, p99, max), read straight from its
//! buckets (see `count::timing`), as `count::read` publishes them.
//!
//! Each call is taken at the middle of its bucket, scaled to nanoseconds. A quantile `q` is
//! the middle of the first bucket whose calls, with those of every bucket below, reach
//! `ceil(q × count)` (at least 1): the nearest-rank definition, which HdrHistogram's
//! `value_at_quantile` uses too (wear used that crate before reading the buckets itself). The
//! buckets are at most 12.5% wide, so each figure is within about 6% of the calls' true one.
use crate::count::read::{BUCKETS, bucket_floor};
use crate::exporters::snapshot::Latency;

/// The figures of one part's buckets (calls per bucket, in ticks), in nanoseconds.
pub(crate) fn latency(buckets: &[u64], nanos_per_tick: f64) -> Latency {
    let buckets = &buckets[..buckets.len().min(BUCKETS)];
    // u128: counts are u64 and their sum (or a sum of count × nanoseconds) must not wrap.
    let count: u128 = buckets.iter().map(|&n| u128::from(n)).sum();
    if count == 0 {
        return Latency { count: 0, mean: 0, p50: 0, p90: 0, p99: 0, max: 0 };
    }
    let middle = |bucket: usize| middle_nanos(bucket, nanos_per_tick);
    // Saturating: only absurd counts of absurdly long calls come near u128::MAX.
    let total = buckets.iter().enumerate().fold(0u128, |sum, (bucket, &n)| {
        sum.saturating_add(u128::from(n).saturating_mul(u128::from(middle(bucket))))
    });
    let quantile = |percent: u128| {
        let rank = (count * percent).div_ceil(100).max(1);
        let mut below = 0u128;
        for (bucket, &n) in buckets.iter().enumerate() {
            below += u128::from(n);
            if below >= rank {
                return middle(bucket);
            }
        }
        // Unreachable: `below` ends at `count`, which is at least `rank`.
        0
    };
    let max = buckets.iter().rposition(|&n| n > 0).map_or(0, middle);
    Latency {
        count: saturate(count),
        // Rounded to the nearest nanosecond.
        mean: saturate(total.saturating_add(count / 2) / count),
        p50: quantile(50),
        p90: quantile(90),
        p99: quantile(99),
        max,
    }
}

/// The middle of a bucket in nanoseconds, at least 1 (a call takes some time). The last
/// bucket has no upper edge: its floor.
fn middle_nanos(bucket: usize, nanos_per_tick: f64) -> u64 {
    let lo = bucket_floor(bucket) as f64;
    let hi = if bucket + 1 < BUCKETS { bucket_floor(bucket + 1) as f64 } else { lo };
    // `as` saturates, so no tick rate gives a wrong or panicking conversion.
    (((lo + hi) / 2.0) * nanos_per_tick).round().max(1.0) as u64
}

fn saturate(n: u128) -> u64 {
    u64::try_from(n).unwrap_or(u64::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::count::read::bucket_of;

    /// Buckets holding `calls` of each given duration (ticks = nanoseconds).
    fn buckets(calls: &[(u64, u64)]) -> Vec<u64> {
        let mut buckets = vec![0; BUCKETS];
        for &(ticks, n) in calls {
            buckets[bucket_of(ticks)] += n;
        }
        buckets
    }

    #[test]
    fn no_calls_gives_zeros() {
        assert_eq!(
            latency(&vec![0; BUCKETS], 1.0),
            Latency { count: 0, mean: 0, p50: 0, p90: 0, p99: 0, max: 0 }
        );
    }

    #[test]
    fn quantiles_are_the_middle_of_the_bucket_that_reaches_their_rank() {
        // 1,000 ns is in the bucket [960, 1024), 10,000 ns in [9216, 10240).
        let figures = latency(&buckets(&[(1_000, 90), (10_000, 10)]), 1.0);
        assert_eq!(figures.count, 100);
        assert_eq!(figures.p50, 992);
        assert_eq!(figures.p90, 992, "the 90th call of 100 is the last of the fast ones");
        assert_eq!(figures.p99, 9_728);
        assert_eq!(figures.max, 9_728);
        assert_eq!(figures.mean, (90 * 992 + 10 * 9_728 + 50) / 100);

        // One more slow call moves the 90th percentile (rank ceil(90.9) = 91) to the slow bucket.
        let figures = latency(&buckets(&[(1_000, 90), (10_000, 11)]), 1.0);
        assert_eq!((figures.p50, figures.p90), (992, 9_728));
    }

    #[test]
    fn a_single_call_is_every_quantile() {
        let figures = latency(&buckets(&[(5, 1)]), 2.0);
        // Bucket 5 holds exactly 5 ticks (its middle is 5.5 ticks), at 2 ns a tick: 11 ns.
        assert_eq!(figures, Latency { count: 1, mean: 11, p50: 11, p90: 11, p99: 11, max: 11 });
    }

    #[test]
    fn figures_are_within_the_bucket_width_of_the_durations() {
        for ticks in [8, 9, 100, 1_234, 65_537, 10_000_000, 1 << 40] {
            let figures = latency(&buckets(&[(ticks, 3)]), 1.0);
            // Half a bucket (at most 6.25%), and half a nanosecond of rounding.
            assert!(
                figures.p50.abs_diff(ticks) <= ticks / 16 + 1,
                "{ticks} ticks read as {} ns",
                figures.p50
            );
            assert_eq!(
                (figures.p90, figures.p99, figures.max, figures.mean),
                (figures.p50, figures.p50, figures.p50, figures.p50)
            );
        }
    }

    #[test]
    fn huge_counts_and_durations_saturate_instead_of_wrapping_or_panicking() {
        let mut full = vec![u64::MAX; BUCKETS];
        full[0] = 0;
        let figures = latency(&full, 1e9);
        assert_eq!(figures.count, u64::MAX);
        assert_eq!(figures.max, u64::MAX, "the last bucket at 1 s a tick is past u64::MAX ns");
        assert!(figures.p50 <= figures.p90 && figures.p90 <= figures.p99 && figures.p99 <= figures.max);
        // A clock that says nothing sensible still gives numbers.
        for rate in [0.0, -1.0, f64::NAN, f64::INFINITY] {
            let _ = latency(&buckets(&[(1_000, 1)]), rate);
        }
    }
}
