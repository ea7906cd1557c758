//! The page's two colour scales, wear (percent of the nearest limit) and age since overhaul,
//! and their legends: the terminal heatmap's scales ([`crate::heatmap::scale`]), so the page
//! and the terminal agree on what a colour means. Both run on viridis from dark purple (new,
//! little worn) to bright yellow (old, worn); wear is linear to 100%, age logarithmic to the
//! oldest part. A part's fill is an index into a palette of [`STEPS`] colours, so the page
//! carries one small number per part and scale rather than a colour string.
use std::fmt::Write as _;

use super::escape_html;
use crate::heatmap::Measure;
use crate::heatmap::scale::{Scale, color};

/// Colours in the palette: finer than the eye tells apart in a cell.
pub(super) const STEPS: usize = 48;

/// The fill of a part the scale has no value for (no limit, not in git).
pub(super) const NO_DATA: &str = "#d4d4d4";

/// Legend ticks closer than this (share of the ramp) to one already placed are dropped.
const TICK_GAP: f64 = 0.14;

/// Which scale.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Hue {
    /// Percent of the nearest limit, 0 to 100 (beyond is the brightest).
    Wear,
    /// Days since overhaul on a log scale, up to the oldest part.
    Age,
}

impl Hue {
    pub(super) fn name(self) -> &'static str {
        match self {
            Hue::Wear => "wear",
            Hue::Age => "age",
        }
    }
}

/// The scales of one page: age's end is the oldest part.
pub(super) struct Scales {
    wear: Scale,
    age: Scale,
}

impl Scales {
    pub(super) fn new(ages: &[f64]) -> Scales {
        Scales { wear: Scale::for_measure(Measure::Wear, &[]), age: Scale::for_measure(Measure::Age, ages) }
    }

    fn of(&self, hue: Hue) -> &Scale {
        match hue {
            Hue::Wear => &self.wear,
            Hue::Age => &self.age,
        }
    }

    /// The palette index of `value` on `hue`'s scale, or `None` for no data.
    pub(super) fn step(&self, hue: Hue, value: Option<f64>) -> Option<u8> {
        let value = value.filter(|v| v.is_finite())?;
        Some((self.of(hue).position(value) * (STEPS - 1) as f64).round() as u8)
    }

    /// The legend of a scale as HTML: a title, a gradient and tick labels at their places
    /// (never closer than [`TICK_GAP`]), and the no-data swatch. `shown` is the scale the page
    /// opens on; the script switches.
    pub(super) fn legend(&self, hue: Hue, shown: Hue) -> String {
        let scale = self.of(hue);
        let (title, candidates): (&str, Vec<(f64, String)>) = match hue {
            Hue::Wear => (
                "colour: wear, the share of the nearest limit used",
                [0, 25, 50, 75, 100]
                    .iter()
                    .map(|&p| (f64::from(p), if p == 100 { "100%+".to_owned() } else { format!("{p}%") }))
                    .collect(),
            ),
            Hue::Age => ("colour: age since overhaul (log scale)", age_ticks(scale)),
        };
        let gradient: Vec<String> = (0..=8)
            .map(|i| {
                let at = f64::from(i) / 8.0;
                format!("{} {}%", hex(at), (at * 100.0).round())
            })
            .collect();
        let mut html = format!(
            "<div class=\"legend\" data-legend=\"{}\"{}>\n<span class=\"legend-title\">{}</span>\n\
             <div class=\"ramp\" style=\"background:linear-gradient(to right,{})\"></div>\n<div class=\"ticks\">",
            hue.name(),
            if hue == shown { "" } else { " hidden" },
            escape_html(title),
            gradient.join(",")
        );
        for (at, text) in spaced(candidates.into_iter().map(|(v, t)| (scale.position(v), t)).collect()) {
            let _ = write!(html, "<span style=\"left:{:.1}%\">{}</span>", at * 100.0, escape_html(&text));
        }
        let _ = write!(
            html,
            "</div>\n<span class=\"nodata\"><i style=\"background:{NO_DATA}\"></i>no data</span>\n</div>\n"
        );
        html
    }
}

/// The palette, from the lowest step to the highest.
pub(super) fn palette() -> Vec<String> {
    (0..STEPS).map(|i| hex(i as f64 / (STEPS - 1) as f64)).collect()
}

/// `#rrggbb` of viridis at `t`.
fn hex(t: f64) -> String {
    let (r, g, b) = color(t);
    format!("#{r:02x}{g:02x}{b:02x}")
}

/// Round ages and the scale's end, in days.
fn age_ticks(scale: &Scale) -> Vec<(f64, String)> {
    let end = scale.value_at(1.0);
    let mut ticks: Vec<(f64, String)> =
        [(0.0, "0d"), (7.0, "1w"), (30.0, "30d"), (365.0, "1y"), (1825.0, "5y"), (3650.0, "10y")]
            .iter()
            .filter(|(d, _)| *d < end)
            .map(|(d, text)| (*d, (*text).to_owned()))
            .collect();
    ticks.push((end, format!("{}d", end.round())));
    ticks
}

/// The ticks in order with none closer than [`TICK_GAP`] to the one before; the last (the
/// scale's end) is kept, and a tick too close to it dropped instead.
fn spaced(mut ticks: Vec<(f64, String)>) -> Vec<(f64, String)> {
    let last = ticks.pop();
    let mut out: Vec<(f64, String)> = Vec::new();
    for tick in ticks {
        let far_from_end = last.as_ref().is_none_or(|l| l.0 - tick.0 >= TICK_GAP);
        if out.last().is_none_or(|p| tick.0 - p.0 >= TICK_GAP) && far_from_end {
            out.push(tick);
        }
    }
    out.extend(last);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Relative luminance-like lightness of `#rrggbb`, enough to compare two fills.
    fn lightness(hex: &str) -> f64 {
        let v = u32::from_str_radix(&hex[1..], 16).expect("hex colour");
        let (r, g, b) = (f64::from(v >> 16), f64::from((v >> 8) & 0xff), f64::from(v & 0xff));
        0.2126 * r + 0.7152 * g + 0.0722 * b
    }

    #[test]
    fn wear_brightens_to_the_limit_then_stays() {
        let scales = Scales::new(&[]);
        let steps: Vec<u8> =
            [0.0, 20.0, 50.0, 80.0, 100.0].iter().filter_map(|&p| scales.step(Hue::Wear, Some(p))).collect();
        assert!(steps.windows(2).all(|w| w[0] < w[1]), "{steps:?}");
        let palette = palette();
        assert!(palette.windows(2).all(|w| lightness(&w[1]) > lightness(&w[0]) - 1.0), "lighter as it goes");
        assert_eq!(scales.step(Hue::Wear, Some(250.0)), Some((STEPS - 1) as u8), "overdue is the top");
        assert_eq!(scales.step(Hue::Wear, None), None);
        assert_eq!(scales.step(Hue::Wear, Some(f64::NAN)), None);
    }

    #[test]
    fn age_is_logarithmic_up_to_the_oldest_part_as_in_the_terminal() {
        let scales = Scales::new(&[1000.0, 3.0]);
        assert_eq!(scales.step(Hue::Age, Some(0.0)), Some(0));
        assert_eq!(scales.step(Hue::Age, Some(1000.0)), Some((STEPS - 1) as u8));
        let terminal = Scale::for_measure(Measure::Age, &[1000.0, 3.0]);
        let step = |d: f64| (terminal.position(d) * (STEPS - 1) as f64).round() as u8;
        assert_eq!(scales.step(Hue::Age, Some(30.0)), Some(step(30.0)));
        assert!(step(30.0) as usize > STEPS / 3, "30 days is past a third of a 1000-day log scale");
    }

    #[test]
    fn legends_name_the_scale_and_ticks_never_crowd() {
        let scales = Scales::new(&[400.0]);
        let wear = scales.legend(Hue::Wear, Hue::Wear);
        assert!(wear.contains("data-legend=\"wear\">") && wear.contains(">100%+<"), "{wear}");
        let age = scales.legend(Hue::Age, Hue::Wear);
        assert!(age.contains("data-legend=\"age\" hidden") && age.contains(">400d<"), "{age}");
        for oldest in [2.0, 31.0, 40.0, 400.0, 2000.0, 20_000.0] {
            let scale = Scale::for_measure(Measure::Age, &[oldest]);
            let at: Vec<f64> =
                spaced(age_ticks(&scale).into_iter().map(|(v, t)| (scale.position(v), t)).collect())
                    .iter()
                    .map(|t| t.0)
                    .collect();
            assert!(at.windows(2).all(|w| w[1] - w[0] >= TICK_GAP), "{oldest}: {at:?}");
            assert_eq!(at.last(), Some(&1.0), "{oldest}: the end is labelled");
        }
    }
}
