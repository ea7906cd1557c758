//! The wear map's two log scales: age since overhaul in days (`log(1 + days)`, so a part
//! changed today sits at the left edge) and calls since overhaul (`log(calls)` from one call;
//! parts with no calls have their own row), with ticks at powers of ten.
use crate::present::words::count;

/// A logarithmic axis over `cells` character positions.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) struct LogAxis {
    /// `log10` of the largest value shown, after the axis's offset.
    top: f64,
    /// Added before taking the logarithm: 1 for ages (0 days is the origin), 0 for calls.
    offset: f64,
    /// Character positions along the axis.
    pub(crate) cells: usize,
}

impl LogAxis {
    /// The age axis, from 0 days to `max_days`.
    pub(crate) fn age(max_days: f64, cells: usize) -> LogAxis {
        LogAxis { top: (1.0 + max_days.max(1.0)).log10(), offset: 1.0, cells: cells.max(1) }
    }

    /// The calls axis, from 1 call to `max_calls`.
    pub(crate) fn calls(max_calls: f64, cells: usize) -> LogAxis {
        LogAxis { top: max_calls.max(10.0).log10(), offset: 0.0, cells: cells.max(1) }
    }

    /// The position of `value`, from 0 to `cells - 1`.
    pub(crate) fn cell(&self, value: f64) -> usize {
        let v = (value + self.offset).max(1.0).log10();
        let t = (v / self.top).clamp(0.0, 1.0);
        (t * (self.cells - 1) as f64).round() as usize
    }

    /// Ticks at the axis's start and at powers of ten up to its top, as (cell, value).
    pub(crate) fn ticks(&self) -> Vec<(usize, f64)> {
        let mut ticks = Vec::new();
        if self.offset > 0.0 {
            ticks.push((0, 0.0));
        }
        let mut value = 1.0f64;
        while (value + self.offset).log10() <= self.top + 1e-9 {
            ticks.push((self.cell(value), value));
            value *= 10.0;
        }
        ticks.dedup_by_key(|t| t.0);
        ticks
    }
}

/// A tick's text: `0d`, `10d`, `1000d` on the age axis, `1`, `100`, `10k` on the calls axis.
pub(crate) fn tick_text(value: f64, days: bool) -> String {
    let n = value.round() as u64;
    if days { format!("{n}d") } else { count(n) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ages_start_at_zero_days_and_decades_are_equal_steps() {
        let axis = LogAxis::age(999.0, 31);
        assert_eq!(axis.cell(0.0), 0);
        assert_eq!(axis.cell(999.0), 30);
        let (a, b, c) = (axis.cell(9.0), axis.cell(99.0), axis.cell(999.0));
        assert_eq!((a, b, c), (10, 20, 30));
        let ticks: Vec<(usize, String)> =
            axis.ticks().iter().map(|&(c, v)| (c, tick_text(v, true))).collect();
        assert_eq!(ticks[0], (0, "0d".to_owned()));
        assert_eq!(ticks.last().map(|t| t.1.as_str()), Some("100d"));
    }

    #[test]
    fn calls_start_at_one_and_never_leave_the_axis() {
        let axis = LogAxis::calls(1_000_000.0, 7);
        assert_eq!(axis.cell(1.0), 0);
        assert_eq!(axis.cell(1000.0), 3);
        assert_eq!(axis.cell(1e9), 6);
        assert_eq!(axis.cell(0.0), 0);
        let ticks: Vec<String> = axis.ticks().iter().map(|&(_, v)| tick_text(v, false)).collect();
        assert_eq!(ticks, ["1", "10", "100", "1000", "10k", "100k", "1M"]);
        assert_eq!(LogAxis::calls(3.0, 5).cell(3.0), 2, "a small top still spans a decade");
    }
}
