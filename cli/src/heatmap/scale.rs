//! The colour scale of the heatmap: where a value sits between the lowest and the highest the
//! scale shows (linear for wear, logarithmic for age, calls and busy time, which span orders
//! of magnitude), its colour on viridis, its shade character without colour, and the values at
//! the legend's stops.
//!
//! Viridis because it is perceptually uniform (equal steps of value look like equal steps of
//! colour), reads in grey and for the common colour-vision deficiencies, and its dark end is a
//! blue-purple that stays visible on a black terminal, where inferno's and magma's near-black
//! low end disappears. Its bright yellow end is "hot".
use super::measure::Measure;

/// Shade characters from low to high, for output without colour. None is a blank: a blank
/// lowest shade left young code and whole rows looking empty when piped.
pub(crate) const SHADES: [char; 5] = ['▁', '░', '▒', '▓', '█'];

/// The age scale reaches at least this many days, as the HTML report's does, so that a young
/// repository is not all at the top.
const MIN_AGE_SPAN_DAYS: f64 = 30.0;

/// How a scale maps values to positions.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Mapping {
    /// `(v - lo) / (hi - lo)`.
    Linear,
    /// `ln(1 + v) / ln(1 + hi)`, from 0.
    Log,
}

/// A scale from `lo` to `hi`; values beyond `hi` sit at the top (`hi` is then shown as `hi+`).
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) struct Scale {
    mapping: Mapping,
    lo: f64,
    hi: f64,
    /// Whether some value is above `hi` (wear past 100%).
    pub(crate) overflow: bool,
}

impl Scale {
    /// The scale for `measure` over the values shown: wear from 0% to 100% (overdue parts
    /// beyond it sit at the top), age logarithmically from 0 days to the oldest (at least
    /// 30), calls and busy time logarithmically from 0 to the largest.
    pub(crate) fn for_measure(measure: Measure, values: &[f64]) -> Scale {
        let max = values.iter().copied().filter(|v| v.is_finite()).fold(0.0f64, f64::max);
        match measure {
            Measure::Wear => Scale { mapping: Mapping::Linear, lo: 0.0, hi: 100.0, overflow: max > 100.0 },
            // As the HTML report's: a real codebase's ages span days to decades, and linear
            // buckets put most parts in the first (67% on a 41k-commit workspace).
            Measure::Age => {
                Scale { mapping: Mapping::Log, lo: 0.0, hi: max.max(MIN_AGE_SPAN_DAYS), overflow: false }
            }
            Measure::Calls | Measure::Busy => {
                Scale { mapping: Mapping::Log, lo: 0.0, hi: max.max(1.0), overflow: false }
            }
        }
    }

    /// Where `value` sits, from 0 (lowest) to 1 (highest).
    pub(crate) fn position(&self, value: f64) -> f64 {
        if !value.is_finite() {
            return 0.0;
        }
        let t = match self.mapping {
            Mapping::Linear => (value - self.lo) / (self.hi - self.lo),
            Mapping::Log => (1.0 + value.max(0.0)).ln() / (1.0 + self.hi).ln(),
        };
        t.clamp(0.0, 1.0)
    }

    /// The value at position `t` (the inverse of [`Scale::position`]).
    pub(crate) fn value_at(&self, t: f64) -> f64 {
        let t = t.clamp(0.0, 1.0);
        match self.mapping {
            Mapping::Linear => self.lo + t * (self.hi - self.lo),
            Mapping::Log => ((1.0 + self.hi).ln() * t).exp() - 1.0,
        }
    }
}

/// The viridis colour at position `t`, as red, green and blue.
pub(crate) fn color(t: f64) -> (u8, u8, u8) {
    let c = colorous::VIRIDIS.eval_continuous(t.clamp(0.0, 1.0));
    (c.r, c.g, c.b)
}

/// The shade level (an index into [`SHADES`]) at position `t`: five equal bins, the top one
/// closed.
pub(crate) fn shade_level(t: f64) -> usize {
    ((t.clamp(0.0, 1.0) * SHADES.len() as f64) as usize).min(SHADES.len() - 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wear_is_linear_to_one_hundred_percent_and_overdue_sits_at_the_top() {
        let scale = Scale::for_measure(Measure::Wear, &[10.0, 112.0]);
        assert_eq!(scale.position(0.0), 0.0);
        assert_eq!(scale.position(50.0), 0.5);
        assert_eq!(scale.position(112.0), 1.0);
        assert!(scale.overflow);
        assert!(!Scale::for_measure(Measure::Wear, &[10.0, 100.0]).overflow);
        assert_eq!(scale.value_at(0.25), 25.0);
    }

    #[test]
    fn calls_are_logarithmic_so_orders_of_magnitude_are_equal_steps() {
        let scale = Scale::for_measure(Measure::Calls, &[0.0, 9.0, 99.0, 999.0]);
        let (a, b, c) = (scale.position(9.0), scale.position(99.0), scale.position(999.0));
        assert!((b - a - (c - b)).abs() < 1e-9, "{a} {b} {c}");
        assert_eq!(c, 1.0);
        assert_eq!(scale.position(0.0), 0.0);
        for t in [0.0, 0.3, 0.5, 1.0] {
            assert!((scale.position(scale.value_at(t)) - t).abs() < 1e-9, "{t}");
        }
    }

    #[test]
    fn age_is_logarithmic_from_zero_to_the_oldest_and_never_divides_by_zero() {
        let scale = Scale::for_measure(Measure::Age, &[100.0, 9999.0]);
        let (a, b, c) = (scale.position(9.0), scale.position(99.0), scale.position(999.0));
        assert!((b - a - (c - b)).abs() < 1e-9, "days to decades in equal steps: {a} {b} {c}");
        assert_eq!(scale.position(9999.0), 1.0);
        let young = Scale::for_measure(Measure::Age, &[3.0]);
        assert!(young.position(3.0) < 0.5, "a young repository is not all at the top");
        let flat = Scale::for_measure(Measure::Age, &[0.0]);
        assert_eq!(flat.position(0.0), 0.0);
        assert!(!SHADES.contains(&' '), "no shade is a blank");
        assert_eq!(Scale::for_measure(Measure::Busy, &[]).position(f64::NAN), 0.0);
    }

    #[test]
    fn viridis_runs_from_dark_purple_to_yellow_and_gets_lighter() {
        let luma = |(r, g, b): (u8, u8, u8)| 0.2126 * r as f64 + 0.7152 * g as f64 + 0.0722 * b as f64;
        let (r0, g0, b0) = color(0.0);
        assert!(b0 > r0 && b0 > g0, "low end is blue-purple: {r0} {g0} {b0}");
        let (r1, g1, b1) = color(1.0);
        assert!(r1 > 200 && g1 > 200 && b1 < 100, "high end is yellow: {r1} {g1} {b1}");
        let steps: Vec<f64> = (0..=10).map(|i| luma(color(i as f64 / 10.0))).collect();
        assert!(steps.windows(2).all(|w| w[1] > w[0]), "lightness rises: {steps:?}");
    }

    #[test]
    fn shades_are_five_equal_bins() {
        let levels: Vec<usize> = [0.0, 0.19, 0.2, 0.5, 0.79, 0.8, 1.0, 7.0].map(shade_level).to_vec();
        assert_eq!(levels, [0, 0, 1, 2, 3, 4, 4, 4]);
    }
}
