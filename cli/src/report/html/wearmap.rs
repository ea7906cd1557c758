//! The wear map as inline SVG: each part a dot at its age since overhaul (x, log scale)
//! against its calls since overhaul (y, log scale), split into four named quadrants (old and
//! hot: inspect first; new and hot: watch; old and unused: removal candidates; new and unused).
//! Which parts are on the map, the split and the quadrants come from [`crate::wear_map`], as in
//! the terminal's map; this file only draws them. Parts with no calls sit on a band under the
//! plot, since a log scale has no zero. The frame, axes and quadrant names are drawn here; the
//! dots, one per part and so the bulk of a large page, are placed here too but drawn by the
//! page's script from [`Dot`]s: three numbers each rather than an element of markup.
use std::fmt::Write as _;

use serde::Serialize;

use crate::present::words::count;
use crate::wear_map::{Quadrant, WearMap};

/// Width and height of the drawing, in SVG units.
const WIDTH: f64 = 900.0;
const HEIGHT: f64 = 430.0;
/// The plot's edges.
const LEFT: f64 = 70.0;
const RIGHT: f64 = WIDTH - 20.0;
const TOP: f64 = 16.0;
const BOTTOM: f64 = 320.0;
/// The band of parts with no calls.
const BAND_TOP: f64 = 334.0;
const BAND_BOTTOM: f64 = 370.0;

/// The shortest age on the axis: a part changed in the last hour is an hour old.
const MIN_AGE_DAYS: f64 = 1.0 / 24.0;

/// A part's dot: its index in the due list, its centre, and its quadrant's index in
/// [`Quadrant::ALL`]. Serialized as a four-number array.
#[derive(Serialize)]
pub(super) struct Dot(pub(super) usize, f64, f64, u8);

/// The SVG of `map` without its dots, and the dots, most urgent last so that an overdue dot
/// is never hidden under a serviceable one. Ages are placed with their fraction of a day; the
/// split is a whole number of days, so every dot is on its quadrant's side of the lines.
pub(super) fn render(map: &WearMap<'_>) -> (String, Vec<Dot>) {
    let age = |days: f64| days.max(MIN_AGE_DAYS);
    let ages: Vec<f64> = map.points.iter().map(|p| age(p.age_days())).collect();
    let calls: Vec<f64> = map.points.iter().filter(|p| p.calls > 0).map(|p| p.calls as f64).collect();
    let x = Axis::new(&ages, LEFT, RIGHT);
    let y = Axis::new(&calls, BOTTOM, TOP);
    let (split_x, split_y) = (x.at(age(map.split.days as f64)), y.at(map.split.calls as f64));

    let mut svg = format!(
        "<svg id=\"wearmap\" viewBox=\"0 0 {WIDTH} {HEIGHT}\" role=\"img\" \
         aria-label=\"wear map: age since overhaul against calls since overhaul\">\n"
    );
    let _ = writeln!(
        svg,
        "<rect class=\"plot\" x=\"{LEFT}\" y=\"{TOP}\" width=\"{}\" height=\"{}\"/>\n\
         <rect class=\"band\" x=\"{LEFT}\" y=\"{BAND_TOP}\" width=\"{}\" height=\"{}\"/>",
        RIGHT - LEFT,
        BOTTOM - TOP,
        RIGHT - LEFT,
        BAND_BOTTOM - BAND_TOP
    );
    for (at, label) in x.ticks(&AGE_TICKS) {
        let _ = writeln!(
            svg,
            "<line class=\"grid\" x1=\"{at:.1}\" y1=\"{TOP}\" x2=\"{at:.1}\" y2=\"{BAND_BOTTOM}\"/>\
             <text class=\"tick\" x=\"{at:.1}\" y=\"{}\" text-anchor=\"middle\">{label}</text>",
            BAND_BOTTOM + 16.0
        );
    }
    for (at, label) in y.ticks(&call_ticks()) {
        let _ = writeln!(
            svg,
            "<line class=\"grid\" x1=\"{LEFT}\" y1=\"{at:.1}\" x2=\"{RIGHT}\" y2=\"{at:.1}\"/>\
             <text class=\"tick\" x=\"{}\" y=\"{:.1}\" text-anchor=\"end\">{label}</text>",
            LEFT - 6.0,
            at + 4.0
        );
    }
    let _ = writeln!(
        svg,
        "<text class=\"tick\" x=\"{}\" y=\"{}\" text-anchor=\"end\">no calls</text>\n\
         <line class=\"split\" x1=\"{split_x:.1}\" y1=\"{TOP}\" x2=\"{split_x:.1}\" y2=\"{BAND_BOTTOM}\"/>\n\
         <line class=\"split\" x1=\"{LEFT}\" y1=\"{split_y:.1}\" x2=\"{RIGHT}\" y2=\"{split_y:.1}\"/>",
        LEFT - 6.0,
        (BAND_TOP + BAND_BOTTOM) / 2.0 + 4.0,
    );
    for (quadrant, x_at, y_at, anchor) in [
        (Quadrant::InspectFirst, RIGHT - 8.0, TOP + 16.0, "end"),
        (Quadrant::Watch, LEFT + 8.0, TOP + 16.0, "start"),
        (Quadrant::RemovalCandidates, RIGHT - 8.0, BOTTOM - 8.0, "end"),
        (Quadrant::NewUnused, LEFT + 8.0, BOTTOM - 8.0, "start"),
    ] {
        let _ = writeln!(
            svg,
            "<text class=\"quadrant\" x=\"{x_at}\" y=\"{y_at}\" text-anchor=\"{anchor}\">{}</text>",
            quadrant.name()
        );
    }
    let _ = writeln!(
        svg,
        "<text class=\"axis\" x=\"{}\" y=\"{}\" text-anchor=\"middle\">age since overhaul (log) →</text>\n\
         <text class=\"axis\" transform=\"translate(16 {}) rotate(-90)\" text-anchor=\"middle\">calls since \
         overhaul (log) →</text>",
        (LEFT + RIGHT) / 2.0,
        HEIGHT - 8.0,
        (TOP + BOTTOM) / 2.0
    );
    let mut order: Vec<_> = map.points.iter().collect();
    order.sort_by(|a, b| b.item.status.cmp(&a.item.status).then(a.index.cmp(&b.index)));
    let mut unused = 0usize;
    let tenth = |v: f64| (v * 10.0).round() / 10.0;
    let dots = order
        .into_iter()
        .map(|p| {
            let cy = if p.calls == 0 {
                unused += 1;
                (BAND_TOP + BAND_BOTTOM) / 2.0 + ((unused % 5) as f64 - 2.0) * 5.0
            } else {
                y.at(p.calls as f64)
            };
            let quadrant = Quadrant::ALL.iter().position(|q| *q == p.quadrant).unwrap_or(0) as u8;
            Dot(p.index, tenth(x.at(age(p.age_days()))), tenth(cy), quadrant)
        })
        .collect();
    svg.push_str("<g id=\"dots\"></g>\n</svg>\n");
    (svg, dots)
}

/// Ages worth a grid line, in days.
const AGE_TICKS: [(f64, &str); 10] = [
    (1.0 / 24.0, "1h"),
    (1.0, "1d"),
    (7.0, "1w"),
    (30.0, "30d"),
    (90.0, "90d"),
    (365.0, "1y"),
    (730.0, "2y"),
    (1825.0, "5y"),
    (3650.0, "10y"),
    (7300.0, "20y"),
];

/// Powers of ten up to 10^18, labelled as the other formats write counts.
fn call_ticks() -> Vec<(f64, String)> {
    (0..=18u32).map(|e| (10u64.pow(e) as f64, count(10u64.pow(e)))).collect()
}

/// A log-scale axis from `lo` to `hi` mapped onto the pixels `from` to `to`.
struct Axis {
    lo: f64,
    hi: f64,
    from: f64,
    to: f64,
}

impl Axis {
    /// An axis spanning `values` (positive) with a margin, at least a factor of ten wide.
    fn new(values: &[f64], from: f64, to: f64) -> Axis {
        let lo = values.iter().copied().fold(f64::INFINITY, f64::min);
        let hi = values.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        let (mut lo, mut hi) =
            if lo.is_finite() && hi.is_finite() { (lo / 1.5, hi * 1.5) } else { (1.0, 10.0) };
        if hi / lo < 10.0 {
            let centre = (lo * hi).sqrt();
            (lo, hi) = (centre / 10f64.sqrt(), centre * 10f64.sqrt());
        }
        Axis { lo, hi, from, to }
    }

    /// The pixel of `v`.
    fn at(&self, v: f64) -> f64 {
        let t = (v.ln() - self.lo.ln()) / (self.hi.ln() - self.lo.ln());
        self.from + (self.to - self.from) * t.clamp(0.0, 1.0)
    }

    /// The ticks that fall inside the axis, with their pixels.
    fn ticks<L: AsRef<str>>(&self, candidates: &[(f64, L)]) -> Vec<(f64, String)> {
        candidates
            .iter()
            .filter(|(v, _)| *v >= self.lo && *v <= self.hi)
            .map(|(v, label)| (self.at(*v), label.as_ref().to_owned()))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::due::{DueItem, DueList, Status};
    use crate::heatmap::layout::tests_support::item;
    use crate::time::DAY;

    /// A part with `status`, `age_days` since overhaul (as of day 1000) and `calls`.
    fn point(part: &str, status: Status, age_days: Option<f64>, calls: Option<u64>) -> DueItem {
        let overhauled_at = age_days.map(|d| 1000 * DAY - (d * DAY as f64) as i64);
        DueItem { status, overhauled_at, calls_since_overhaul: calls, ..item(part) }
    }

    /// The SVG of `parts`, its dots, and how many are off the map.
    fn render(parts: Vec<DueItem>) -> (String, Vec<Dot>, usize) {
        let list = DueList {
            schema: "wear-report/2",
            now: 1000 * DAY,
            head: None,
            shallow: false,
            usage_window: None,
            parts,
        };
        let map = WearMap::of(&list);
        let (svg, dots) = super::render(&map);
        (svg, dots, map.unplaced)
    }

    /// `(cx, cy)` of the dot for part `i`.
    fn dot(dots: &[Dot], i: usize) -> (f64, f64) {
        dots.iter().find(|d| d.0 == i).map(|d| (d.1, d.2)).expect("dot placed")
    }

    #[test]
    fn older_goes_right_busier_goes_up_and_unused_sits_on_the_band() {
        let points = vec![
            point("a::old_hot", Status::Overdue, Some(700.0), Some(1_000_000)),
            point("a::new_hot", Status::Serviceable, Some(2.0), Some(500_000)),
            point("a::old_cold", Status::Serviceable, Some(600.0), Some(3)),
            point("a::unused", Status::InStorage, Some(50.0), Some(0)),
            point("a::unknown", Status::Unknown, Some(50.0), None),
            point("a::not_in_git", Status::Serviceable, None, Some(10)),
        ];
        let (svg, dots, unplaced) = render(points);
        assert_eq!(unplaced, 2);
        let (old_hot, new_hot, old_cold, unused) =
            (dot(&dots, 0), dot(&dots, 1), dot(&dots, 2), dot(&dots, 3));
        assert!(old_hot.0 > new_hot.0 && old_cold.0 > new_hot.0, "older is further right");
        assert!(old_hot.1 < old_cold.1, "more calls is higher up");
        assert!(unused.1 > BAND_TOP && unused.1 < BAND_BOTTOM, "no calls: on the band");
        assert!(old_cold.1 <= BOTTOM);
        assert!(dots.iter().all(|d| d.0 < 4), "the unknown part and the one not in git are off the map");
        for name in ["old and hot: inspect first", "new and hot: watch", "old and unused: removal candidates"]
        {
            assert!(svg.contains(name), "{name}");
        }
        assert!(svg.contains(">new and unused<"));
        assert_eq!(dots.last().map(|d| d.0), Some(0), "the overdue dot is drawn last, over the others");
        assert_eq!(Quadrant::ALL[usize::from(dots.last().map_or(9, |d| d.3))], Quadrant::InspectFirst);
    }

    #[test]
    fn an_empty_map_still_draws() {
        let (svg, dots, unplaced) = render(Vec::new());
        assert_eq!((unplaced, dots.len()), (0, 0));
        assert!(svg.starts_with("<svg") && svg.ends_with("</svg>\n") && !svg.contains("NaN"));
    }
}
