//! The model's split and quadrants, and the proof that both views show the same quadrants.
use super::*;
use crate::heatmap::layout::tests_support::item;

/// A due list as of day 1000 of parts `(name, days old, calls)`; `None` for no age or no usage.
fn list(parts: &[(&str, Option<Secs>, Option<u64>)]) -> DueList {
    let now = 1000 * DAY;
    let parts = parts
        .iter()
        .map(|&(name, age, calls)| DueItem {
            overhauled_at: age.map(|a| now - a),
            calls_since_overhaul: calls,
            ..item(name)
        })
        .collect();
    DueList { schema: "wear-report/2", now, head: None, shallow: false, usage_window: None, parts }
}

#[test]
fn medians_split_old_from_new_and_hot_from_unused() {
    let list = list(&[
        ("a::f", Some(10 * DAY), Some(0)),
        ("a::g", Some(20 * DAY), Some(5)),
        ("a::h", Some(300 * DAY), Some(50)),
        ("a::i", Some(400 * DAY), Some(500)),
        ("a::j", Some(5 * DAY), Some(5000)),
        ("a::k", None, Some(7)),
        ("a::l", Some(DAY), None),
    ]);
    let map = WearMap::of(&list);
    assert_eq!(map.split, Split { days: 20, calls: 500 });
    let quadrants: Vec<Quadrant> = map.points.iter().map(|p| p.quadrant).collect();
    assert_eq!(
        quadrants,
        [
            Quadrant::NewUnused,
            Quadrant::RemovalCandidates,
            Quadrant::RemovalCandidates,
            Quadrant::InspectFirst,
            Quadrant::Watch
        ]
    );
    assert_eq!(map.unplaced, 2, "no age or no usage: off the map");
    assert_eq!(map.counts_text(), "inspect first: 1 · watch: 1 · removal candidates: 2 · new and unused: 1");
    let lone = self::list(&[("a::f", Some(3 * DAY + 7), Some(0))]);
    assert_eq!(WearMap::of(&lone).split, Split { days: 3, calls: 1 }, "no used part: one call is hot");
}

/// The same parts through the HTML report and the terminal map: every part on the map gets the
/// same quadrant, the same split, and is drawn on its quadrant's side of the SVG's split lines.
/// The parts sit at the split (`b`), a second under it (`c`), just above it in days and one
/// call under it (`d`), at zero calls (`e`, `f`), hours old (`g`), without an age (`h`) and
/// without usage (`i`). Under the HTML's former rule (a geometric mean of fractional days) the
/// age split was 100.25 days and `b` was drawn as new; the terminal called it old.
#[test]
fn the_terminal_map_and_the_html_report_agree_on_every_quadrant() {
    use crate::due::Status;
    use crate::map::{MapOptions, render as terminal};
    use crate::present::paint::Palette;
    use crate::report::{Format, RenderOptions, render as report};

    let hours = |h: Secs| h * 3600;
    let list = list(&[
        ("shop::a", Some(400 * DAY), Some(9000)),
        ("shop::b", Some(100 * DAY), Some(150)),
        ("shop::c", Some(100 * DAY - 1), Some(150)),
        ("shop::d", Some(100 * DAY + hours(23)), Some(149)),
        ("shop::e", Some(5 * DAY), Some(0)),
        ("shop::f", Some(700 * DAY), Some(0)),
        ("shop::g", Some(hours(2)), Some(20)),
        ("shop::h", None, Some(50)),
        ("shop::i", Some(30 * DAY), None),
        ("shop::j", Some(100 * DAY + hours(12)), Some(150_000)),
    ]);

    // The HTML report: the quadrants and split embedded in the page's data.
    let opts = RenderOptions { color: false, fail_on: Status::Overdue, tool_version: "test" };
    let html = report(&list, Format::Html, &opts);
    let start = html.find("id=\"wear-data\">").expect("page data") + "id=\"wear-data\">".len();
    let data: serde_json::Value =
        serde_json::from_str(&html[start..start + html[start..].find("</script>").expect("end")])
            .expect("json");
    let key = |q: Quadrant| serde_json::to_value(q).expect("a key").as_str().expect("a string").to_owned();
    let mut html_quadrants: Vec<(usize, String)> = data["dots"]
        .as_array()
        .expect("dots")
        .iter()
        .map(|d| {
            let q = d[3].as_u64().expect("quadrant") as usize;
            assert_eq!(data["quadrants"][q], Quadrant::ALL[q].name(), "named as the terminal names it");
            (d[0].as_u64().expect("index") as usize, key(Quadrant::ALL[q]))
        })
        .collect();
    html_quadrants.sort();

    // The terminal map: the model it draws from, and the split and counts it prints.
    let map = WearMap::of(&list);
    let terminal_quadrants: Vec<(usize, String)> =
        map.points.iter().map(|p| (p.index, key(p.quadrant))).collect();
    assert_eq!(html_quadrants, terminal_quadrants, "the same parts in the same quadrants");
    let text = terminal(&list, &MapOptions { width: 100, color: Palette::Plain });
    assert!(text.contains("split at the medians: 100d since overhaul, 150 calls"), "{text}");
    let counts = |q: &str| html_quadrants.iter().filter(|p| p.1 == q).count();
    let line = format!(
        "inspect first: {} · watch: {} · removal candidates: {} · new and unused: {}",
        counts("inspect-first"),
        counts("watch"),
        counts("removal-candidates"),
        counts("new-unused")
    );
    assert!(text.contains(&line), "{line}\n{text}");
    assert!(html.contains(&format!("100d since overhaul, 150 calls (of the used parts); {line}.")));
    assert!(text.contains("not on the map: 2 parts"), "{text}");

    let by_name: Vec<(&str, &str)> =
        html_quadrants.iter().map(|(i, q)| (list.parts[*i].part.as_str(), q.as_str())).collect();
    assert_eq!(
        by_name,
        [
            ("shop::a", "inspect-first"),
            ("shop::b", "inspect-first"),
            ("shop::c", "watch"),
            ("shop::d", "removal-candidates"),
            ("shop::e", "new-unused"),
            ("shop::f", "removal-candidates"),
            ("shop::g", "new-unused"),
            ("shop::j", "inspect-first"),
        ]
    );

    // Each dot is placed on its quadrant's side of the SVG's split lines (a dot within the
    // rounding of the drawing, 0.1 units, is on the line and either side is right).
    let number = |from: usize, name: &str| -> f64 {
        let at = from + html[from..].find(&format!("{name}=\"")).expect("attribute") + name.len() + 2;
        html[at..at + html[at..].find('"').expect("quote")].parse().expect("a number")
    };
    let vertical = html.find("<line class=\"split\"").expect("age split");
    let horizontal = vertical + 1 + html[vertical + 1..].find("<line class=\"split\"").expect("calls split");
    let (split_x, split_y) = (number(vertical, "x1"), number(horizontal, "y1"));
    for (i, quadrant) in &html_quadrants {
        let dot = data["dots"].as_array().expect("dots").iter().find(|d| d[0] == *i).expect("a dot");
        let (cx, cy) = (dot[1].as_f64().expect("cx"), dot[2].as_f64().expect("cy"));
        let old = matches!(quadrant.as_str(), "inspect-first" | "removal-candidates");
        let hot = matches!(quadrant.as_str(), "inspect-first" | "watch");
        assert!((cx - split_x).abs() <= 0.1 || (cx > split_x) == old, "{i} {quadrant}: x {cx} vs {split_x}");
        assert!((cy - split_y).abs() <= 0.1 || (cy < split_y) == hot, "{i} {quadrant}: y {cy} vs {split_y}");
    }
}
