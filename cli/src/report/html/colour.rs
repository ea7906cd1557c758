//! The treemap's two colour scales, wear (percent of the nearest limit) and age since overhaul,
//! and their legends. Both are sequential scales whose lightness falls steadily from the first
//! stop to the last (ColorBrewer's YlOrRd and YlGnBu), so darker always means more worn or
//! older, also in grey print. Colours are computed here rather than in the page's script so the
//! same input gives the same bytes and the scales are unit-tested.
use std::fmt::Write as _;

use super::escape_html;

/// A colour stop, red, green and blue.
type Rgb = [u8; 3];

/// A legend tick: its place on the scale (0 to 1) and its label.
type Tick = (f64, String);

/// Light yellow at 0% of the nearest limit to dark red at 100% and beyond.
const WEAR_STOPS: [Rgb; 5] =
    [[0xff, 0xff, 0xcc], [0xfe, 0xd9, 0x76], [0xfd, 0x8d, 0x3c], [0xe3, 0x1a, 0x1c], [0x80, 0x00, 0x26]];

/// Light yellow for a part changed today to dark blue for the oldest.
const AGE_STOPS: [Rgb; 5] =
    [[0xff, 0xff, 0xd9], [0xc7, 0xe9, 0xb4], [0x41, 0xb6, 0xc4], [0x22, 0x5e, 0xa8], [0x08, 0x1d, 0x58]];

/// The fill of a part the scale has no value for (no limit, not in git).
pub(super) const NO_DATA: &str = "#d4d4d4";

/// The age scale reaches at least this many days, so a young repository is not all dark.
const MIN_AGE_SPAN_DAYS: f64 = 30.0;

/// Which scale.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Scale {
    /// Percent of the nearest limit, 0 to 100 (beyond is the darkest).
    Wear,
    /// Days since overhaul on a log scale, up to the oldest part.
    Age,
}

/// The fill for `percent` of the nearest limit, or [`NO_DATA`].
pub(super) fn wear_fill(percent: Option<f64>) -> String {
    match percent {
        Some(p) if p.is_finite() => interpolate(&WEAR_STOPS, p / 100.0),
        _ => NO_DATA.to_owned(),
    }
}

/// The fill for an age of `days` when the oldest part is `oldest_days` old, or [`NO_DATA`].
pub(super) fn age_fill(days: Option<f64>, oldest_days: f64) -> String {
    match days {
        Some(d) => interpolate(&AGE_STOPS, age_position(d, oldest_days)),
        None => NO_DATA.to_owned(),
    }
}

/// Where `days` falls on the age scale, 0 to 1: `ln(1 + days)` over that of the scale's end.
fn age_position(days: f64, oldest_days: f64) -> f64 {
    (1.0 + days.max(0.0)).ln() / (1.0 + age_span(oldest_days)).ln()
}

/// The last day of the age scale.
fn age_span(oldest_days: f64) -> f64 {
    oldest_days.max(MIN_AGE_SPAN_DAYS)
}

/// `#rrggbb` at `t` (clamped to 0..=1) along the stops, linear in sRGB between neighbours.
fn interpolate(stops: &[Rgb], t: f64) -> String {
    let t = if t.is_finite() { t.clamp(0.0, 1.0) } else { 0.0 };
    let scaled = t * (stops.len() - 1) as f64;
    let low = (scaled.floor() as usize).min(stops.len() - 2);
    let frac = scaled - low as f64;
    let channel = |c: usize| {
        let (a, b) = (f64::from(stops[low][c]), f64::from(stops[low + 1][c]));
        (a + (b - a) * frac).round().clamp(0.0, 255.0) as u8
    };
    format!("#{:02x}{:02x}{:02x}", channel(0), channel(1), channel(2))
}

/// The legend of a scale as HTML: a title, a gradient and tick labels at their places, and the
/// no-data swatch. Only the wear legend is visible at first; the page's script switches.
pub(super) fn legend(scale: Scale, oldest_days: f64) -> String {
    let (stops, title, ticks): (&[Rgb], &str, Vec<Tick>) = match scale {
        Scale::Wear => (
            &WEAR_STOPS,
            "colour: wear, the share of the nearest limit used",
            [0, 25, 50, 75, 100]
                .iter()
                .map(|&p| (f64::from(p) / 100.0, if p == 100 { "100%+".to_owned() } else { format!("{p}%") }))
                .collect(),
        ),
        Scale::Age => (&AGE_STOPS, "colour: age since overhaul (log scale)", age_ticks(oldest_days)),
    };
    let gradient: Vec<String> = (0..stops.len())
        .map(|i| {
            let at = i as f64 / (stops.len() - 1) as f64;
            format!("{} {}%", interpolate(stops, at), (at * 100.0).round())
        })
        .collect();
    let name = match scale {
        Scale::Wear => "wear",
        Scale::Age => "age",
    };
    let mut html = format!(
        "<div class=\"legend\" data-legend=\"{name}\"{}>\n<span class=\"legend-title\">{}</span>\n\
         <div class=\"ramp\" style=\"background:linear-gradient(to right,{})\"></div>\n<div class=\"ticks\">",
        if scale == Scale::Wear { "" } else { " hidden" },
        escape_html(title),
        gradient.join(",")
    );
    for (at, text) in ticks {
        let _ = write!(html, "<span style=\"left:{:.1}%\">{}</span>", at * 100.0, escape_html(&text));
    }
    let _ = write!(
        html,
        "</div>\n<span class=\"nodata\"><i style=\"background:{NO_DATA}\"></i>no data</span>\n</div>\n"
    );
    html
}

/// Round ages that fall inside the scale, and its end.
fn age_ticks(oldest_days: f64) -> Vec<Tick> {
    let span = age_span(oldest_days);
    let mut ticks: Vec<Tick> = [(0.0, "0d"), (7.0, "1w"), (30.0, "30d"), (365.0, "1y"), (1825.0, "5y")]
        .iter()
        .filter(|(d, _)| *d <= span * 0.8)
        .map(|(d, text)| (age_position(*d, span), (*text).to_owned()))
        .collect();
    ticks.push((1.0, format!("{}d", span.round())));
    ticks
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
    fn wear_darkens_to_the_limit_then_stays() {
        let fills: Vec<String> = [0.0, 20.0, 50.0, 80.0, 100.0].iter().map(|&p| wear_fill(Some(p))).collect();
        for pair in fills.windows(2) {
            assert!(lightness(&pair[1]) < lightness(&pair[0]), "{fills:?}");
        }
        assert_eq!(wear_fill(Some(0.0)), "#ffffcc");
        assert_eq!(wear_fill(Some(100.0)), "#800026");
        assert_eq!(wear_fill(Some(250.0)), "#800026", "overdue beyond 100% is the darkest");
        assert_eq!(wear_fill(None), NO_DATA);
        assert_eq!(wear_fill(Some(f64::NAN)), NO_DATA);
    }

    #[test]
    fn age_is_logarithmic_up_to_the_oldest_part() {
        assert_eq!(age_fill(Some(0.0), 1000.0), "#ffffd9");
        assert_eq!(age_fill(Some(1000.0), 1000.0), "#081d58");
        assert_eq!(age_fill(None, 1000.0), NO_DATA);
        // On a log scale a 30-day-old part is past a third of a 1000-day scale.
        assert!(age_position(30.0, 1000.0) > 0.45 && age_position(30.0, 1000.0) < 0.55);
        assert!(lightness(&age_fill(Some(30.0), 1000.0)) > lightness(&age_fill(Some(300.0), 1000.0)));
        assert_eq!(age_position(10.0, 2.0), age_position(10.0, MIN_AGE_SPAN_DAYS), "a young repo");
    }

    #[test]
    fn legends_name_the_scale_and_place_ticks_in_order() {
        let wear = legend(Scale::Wear, 400.0);
        assert!(wear.contains("data-legend=\"wear\">") && wear.contains(">100%+<"), "{wear}");
        let age = legend(Scale::Age, 400.0);
        assert!(age.contains("data-legend=\"age\" hidden"), "{age}");
        let ticks: Vec<f64> = age_ticks(400.0).iter().map(|t| t.0).collect();
        assert_eq!(age_ticks(400.0).last().map(|t| t.1.as_str()), Some("400d"));
        assert!(ticks.windows(2).all(|w| w[0] < w[1]), "{ticks:?}");
    }
}
