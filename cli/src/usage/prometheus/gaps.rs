//! Stretches of a period in which the backend holds no sample of the fleet: the backend was
//! down, lost them (retention), or no process ran. Their calls cannot be in the ledger, and
//! nothing fills them in: they are reported, and kept in the ledger to be reported again.
use crate::time::Secs;

/// A stretch with no sample, or an event that lost calls, and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Gap {
    /// The last instant with data before it (or the period's start), in seconds.
    pub(crate) from: Secs,
    /// The first instant with data after it (or the period's end), in seconds.
    pub(crate) to: Secs,
    /// What happened, in words.
    pub(crate) why: String,
}

/// The step of the presence check of a period of `secs`: five minutes for a day, at least a
/// minute, and at most 288 steps in any period: each step reads every series once, so on a
/// fleet of 600,000 raw series 1,440 steps over a month took most of a 49 s ingest.
pub(crate) fn step_for(secs: i64) -> i64 {
    (secs / 288).max(60)
}

/// How far before each step of the presence check a sample is looked for: processes export
/// every few seconds to a minute, scrapes every minute or so; ten minutes of silence, or two
/// steps, is a hole.
pub(crate) fn look_for(step: i64) -> i64 {
    (2 * step).max(600)
}

/// The holes in `present` (the step instants with a sample) among the multiples of `step` in
/// (`start`, `end`]: runs of at least two missing steps. A run at the start counts only when
/// `leading` (the ledger's previous period ended there, so data was expected at once).
pub(crate) fn holes(present: &[Secs], start: Secs, end: Secs, step: i64, leading: bool) -> Vec<(Secs, Secs)> {
    let step = step.max(1);
    let present: std::collections::BTreeSet<Secs> = present.iter().copied().collect();
    let mut holes = Vec::new();
    let mut last_seen = start;
    let mut missing = 0;
    let mut seen_any = false;
    let mut t = (start.div_euclid(step) + 1) * step;
    while t <= end {
        if present.contains(&t) {
            if missing >= 2 && (seen_any || leading) {
                holes.push((last_seen, t));
            }
            missing = 0;
            seen_any = true;
            last_seen = t;
        } else {
            missing += 1;
        }
        t += step;
    }
    if missing >= 2 && (seen_any || leading) {
        holes.push((last_seen, end));
    }
    holes
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_run_of_missing_steps_is_a_hole_between_the_samples_around_it() {
        let present = [60, 120, 180, 420, 480];
        assert_eq!(holes(&present, 0, 480, 60, false), [(180, 420)]);
        // One missing step is a late sample, not a hole.
        assert_eq!(holes(&[60, 120, 240, 300], 0, 300, 60, false), []);
    }

    #[test]
    fn the_start_counts_only_when_data_was_expected_there() {
        let present = [300, 360];
        assert_eq!(holes(&present, 0, 360, 60, false), []);
        assert_eq!(holes(&present, 0, 360, 60, true), [(0, 300)]);
        // Data that stops before the end leaves a hole up to the end.
        assert_eq!(holes(&[60, 120], 0, 360, 60, false), [(120, 360)]);
        // No data at all: a hole only when data was expected.
        assert_eq!(holes(&[], 0, 360, 60, false), []);
        assert_eq!(holes(&[], 0, 360, 60, true), [(0, 360)]);
    }

    #[test]
    fn a_long_period_has_at_most_288_steps() {
        assert_eq!(step_for(3_600), 60);
        assert_eq!(step_for(86_400), 300);
        assert_eq!(step_for(30 * 86_400), 9_000);
    }
}
