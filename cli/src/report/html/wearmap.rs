//! The wear map as inline SVG: each part a dot at its age since overhaul (x, log scale)
//! against its calls since overhaul (y, log scale), split into four named quadrants (old and
//! hot: inspect first; new and hot: watch; old and unused: removal candidates; new and unused).
//! Which parts are on the map, the split and the quadrants come from [`crate::wear_map`], as in
//! the terminal's map; this file only draws them. Parts with no calls sit on a band under the
//! plot, since a log scale has no zero. It does not change with the page's switches, so it is
//! drawn here, with every part path escaped, and the page's script only listens to its dots.
use std::fmt::Write as _;

use super::escape_html;
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

/// The SVG of `map`. Ages are drawn with their fraction of a day; the split is a whole number
/// of days, so every dot is on its quadrant's side of the lines.
pub(super) fn render(map: &WearMap<'_>) -> String {
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
    // Most urgent drawn last, so an overdue dot is never hidden under a serviceable one.
    let mut order: Vec<_> = map.points.iter().collect();
    order.sort_by(|a, b| b.item.status.cmp(&a.item.status).then(a.index.cmp(&b.index)));
    let mut unused = 0usize;
    for p in order {
        let cy = if p.calls == 0 {
            unused += 1;
            (BAND_TOP + BAND_BOTTOM) / 2.0 + ((unused % 5) as f64 - 2.0) * 5.0
        } else {
            y.at(p.calls as f64)
        };
        let _ = writeln!(
            svg,
            "<circle class=\"dot {status}\" data-i=\"{i}\" cx=\"{:.1}\" cy=\"{cy:.1}\" r=\"5\">\
             <title>{} ({status})</title></circle>",
            x.at(age(p.age_days())),
            escape_html(&p.item.part),
            i = p.index,
            status = p.item.status.as_str(),
        );
    }
    svg.push_str("</svg>\n");
    svg
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

    /// The SVG of `parts`, and how many are off the map.
    fn render(parts: Vec<DueItem>) -> (String, usize) {
        let list = DueList {
            schema: "wear-report/2",
            now: 1000 * DAY,
            head: None,
            shallow: false,
            usage_window: None,
            parts,
        };
        let map = WearMap::of(&list);
        (super::render(&map), map.unplaced)
    }

    /// `(cx, cy)` of the dot for part `i`.
    fn dot(svg: &str, i: usize) -> (f64, f64) {
        let at = svg.find(&format!("data-i=\"{i}\"")).expect("dot drawn");
        let attr = |name: &str| -> f64 {
            let start = at + svg[at..].find(&format!("{name}=\"")).expect("attribute") + name.len() + 2;
            svg[start..start + svg[start..].find('"').expect("closing quote")].parse().expect("number")
        };
        (attr("cx"), attr("cy"))
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
        let (svg, unplaced) = render(points);
        assert_eq!(unplaced, 2);
        let (old_hot, new_hot, old_cold, unused) = (dot(&svg, 0), dot(&svg, 1), dot(&svg, 2), dot(&svg, 3));
        assert!(old_hot.0 > new_hot.0 && old_cold.0 > new_hot.0, "older is further right");
        assert!(old_hot.1 < old_cold.1, "more calls is higher up");
        assert!(unused.1 > BAND_TOP && unused.1 < BAND_BOTTOM, "no calls: on the band");
        assert!(old_cold.1 <= BOTTOM);
        assert!(!svg.contains("data-i=\"4\"") && !svg.contains("data-i=\"5\""));
        for name in ["old and hot: inspect first", "new and hot: watch", "old and unused: removal candidates"]
        {
            assert!(svg.contains(name), "{name}");
        }
        assert!(svg.contains(">new and unused<"));
        // The overdue dot is drawn last, over the others.
        assert!(svg.rfind("class=\"dot ").expect("dots") < svg.find("data-i=\"0\"").expect("dot 0") + 40);
    }

    #[test]
    fn part_paths_are_escaped_in_tooltips() {
        let (svg, _) =
            render(vec![point("<script>alert(1)</script>&", Status::Serviceable, Some(1.0), Some(1))]);
        assert!(
            svg.contains("<title>&lt;script&gt;alert(1)&lt;/script&gt;&amp; (serviceable)</title>"),
            "{svg}"
        );
        assert!(!svg.contains("<script"));
    }

    #[test]
    fn an_empty_map_still_draws() {
        let (svg, unplaced) = render(Vec::new());
        assert_eq!(unplaced, 0);
        assert!(svg.starts_with("<svg") && svg.ends_with("</svg>\n") && !svg.contains("NaN"));
    }
}
