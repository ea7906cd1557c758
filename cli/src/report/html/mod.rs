//! The HTML report: one self-contained page that works offline, with a treemap of modules
//! and parts (area by calls or lines, colour by wear or age), the wear map, and the due list as
//! a sortable, filterable table; pointing at a part shows its history.
//!
//! The page is assembled here from the style sheet and script beside this file (inlined, so
//! nothing is fetched), the wear map drawn as SVG ([`wearmap`]) from [`crate::wear_map`], the
//! legends ([`colour`]) and the data: every part with its readable values, its fills and its
//! cells in both treemap layouts ([`treemap`]), the wear map's split and each placed part's
//! point and quadrant (as the model decided them, never recomputed in the page), embedded as JSON in a `<script type="application/json">` with `<`,
//! `>`, `&`, U+2028 and U+2029 escaped, which the script renders with `textContent` only. Every
//! string that comes from sources, usage or the logbook and is written into the HTML here goes
//! through [`escape_html`]. A Content-Security-Policy allows no network at all and runs only
//! the page's own script, by its hash: a string that slipped through would still not run.
use serde::Serialize;
use sha2::{Digest, Sha256};

use super::{RenderOptions, counts_text, due_date, location, nearest, window_text};
use crate::due::{DueItem, DueList};
use crate::present::names::{top_level_segments, trait_impl_self_type};
use crate::present::words::{age, busy, count, parts_text};
use crate::time::{DAY, format_date};
use crate::wear_map::{Quadrant, Split, WearMap};

mod colour;
mod treemap;
mod wearmap;

/// The page's style sheet.
const STYLE: &str = include_str!("report.css");
/// The page's script.
const SCRIPT: &str = include_str!("report.js");

/// Width and height of the treemap, in layout units (the SVG scales to the page).
const TREEMAP_SIZE: (f64, f64) = (960.0, 500.0);

/// Renders the due list as one HTML page. The same list gives the same bytes.
pub(crate) fn render(list: &DueList, opts: &RenderOptions) -> String {
    let oldest_days = list.parts.iter().filter_map(|p| age_days(list, p)).fold(0.0, f64::max);
    let wear_map = WearMap::of(list);
    let data = page_data(list, oldest_days, &wear_map);
    let map = wearmap::render(&wear_map);
    let split_note = format!(
        "<p class=\"note\" id=\"map-split\">{}; {}.</p>\n",
        escape_html(&wear_map.split.text()),
        escape_html(&wear_map.counts_text())
    );
    let unplaced_note = match wear_map.unplaced {
        0 => String::new(),
        n => {
            format!("<p class=\"note\">{} not shown: no usage data or no age from git.</p>\n", parts_text(n))
        }
    };
    let script_hash =
        base64::Engine::encode(&base64::engine::general_purpose::STANDARD, Sha256::digest(SCRIPT));
    let summary = summary(list);
    let title = format!("wear: due list of {}", parts_text(list.parts.len()));
    let (tw, th) = TREEMAP_SIZE;
    format!(
        "<!DOCTYPE html>
<html lang=\"en\">
<head>
<meta charset=\"utf-8\">
<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; script-src 'sha256-{script_hash}'; \
style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'\">
<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">
<meta name=\"generator\" content=\"cargo-wear {version}\">
<link rel=\"icon\" href=\"data:,\">
<title>{title}</title>
<style>
{STYLE}</style>
</head>
<body>
<header>
<h1>wear <span>due list</span></h1>
<p class=\"summary\">{summary}</p>
</header>
<main>
<section id=\"fleet\">
<div class=\"section-head\">
<h2>Treemap</h2>
<form class=\"controls\" id=\"switches\">
<fieldset><legend>Area</legend>\
<label><input type=\"radio\" name=\"area\" value=\"calls\" checked> calls</label>\
<label><input type=\"radio\" name=\"area\" value=\"lines\"> lines</label></fieldset>
<fieldset><legend>Colour</legend>\
<label><input type=\"radio\" name=\"colour\" value=\"wear\" checked> wear</label>\
<label><input type=\"radio\" name=\"colour\" value=\"age\"> age</label></fieldset>
</form>
</div>
<p class=\"hint\" data-hint=\"calls\">Area: calls since overhaul (a part with few or none keeps a sliver). \
Frames: modules.</p>
<p class=\"hint\" data-hint=\"lines\" hidden>Area: lines of code. Frames: modules.</p>
<svg id=\"treemap\" viewBox=\"0 0 {tw} {th}\" role=\"img\" aria-label=\"treemap of modules and parts\"></svg>
{wear_legend}{age_legend}</section>
<aside id=\"details\" aria-live=\"polite\">
<h2>History</h2>
<p id=\"placeholder\">Point at a part (a cell, a dot or a row) to see its history; click to keep it here.</p>
<dl id=\"history\" hidden></dl>
</aside>
<section id=\"map\">
<h2>Wear map</h2>
<p class=\"hint\">Each dot a part, coloured by status; the dashed lines are the median age and the median \
calls.</p>
{map}{split_note}{unplaced_note}</section>
<section id=\"list\">
<div class=\"section-head\">
<h2>Due list</h2>
<input id=\"filter\" type=\"search\" placeholder=\"filter: part, status or file\" aria-label=\"filter the due list\">
<span id=\"shown\"></span>
</div>
<table id=\"due\">
<thead><tr>\
<th data-key=\"part\">Part</th>\
<th data-key=\"status\">Status</th>\
<th data-key=\"calls\" class=\"num\">Calls since overhaul</th>\
<th data-key=\"wear\" class=\"num\">Nearest limit</th>\
<th data-key=\"age\" class=\"num\">Since overhaul</th>\
<th data-key=\"due\">Projected due</th>\
<th data-key=\"location\">Location</th>\
</tr></thead>
<tbody></tbody>
</table>
</section>
</main>
<footer>Made by cargo-wear {version}. Self-contained: this page fetches nothing.</footer>
<script type=\"application/json\" id=\"wear-data\">{data}</script>
<script>{SCRIPT}</script>
</body>
</html>
",
        version = escape_html(opts.tool_version),
        title = escape_html(&title),
        wear_legend = colour::legend(colour::Scale::Wear, oldest_days),
        age_legend = colour::legend(colour::Scale::Age, oldest_days),
    )
}

/// The header line: counts, usage window, the instant and commit, a shallow history.
fn summary(list: &DueList) -> String {
    let mut text = format!(
        "{}: {}. {}. As of {}",
        parts_text(list.parts.len()),
        counts_text(list),
        window_text(list),
        format_date(list.now)
    );
    if let Some(head) = &list.head {
        text.push_str(&format!(", commit {}", head.get(..12).unwrap_or(head)));
    }
    text.push('.');
    if list.shallow {
        text.push_str(" Shallow clone: ages at the cut are lower bounds.");
    }
    escape_html(&text)
}

/// Days from the part's overhaul to the report's instant, when the part is in git.
fn age_days(list: &DueList, item: &DueItem) -> Option<f64> {
    item.overhauled_at.map(|t| (list.now.saturating_sub(t)).max(0) as f64 / DAY as f64)
}

/// Everything the page's script needs.
#[derive(Serialize)]
struct PageData<'a> {
    parts: Vec<PartData<'a>>,
    layout: Layouts,
    map: MapData,
}

/// The wear map as [`crate::wear_map`] decided it: the split, the quadrants' names, and the
/// point and quadrant of every part on the map (`part` is its index in `parts`).
#[derive(Serialize)]
struct MapData {
    split: Split,
    quadrants: Vec<QuadrantData>,
    points: Vec<PointData>,
}

#[derive(Serialize)]
struct QuadrantData {
    key: Quadrant,
    name: &'static str,
    advice: &'static str,
}

#[derive(Serialize)]
struct PointData {
    part: usize,
    days: u64,
    calls: u64,
    quadrant: Quadrant,
}

fn map_data(map: &WearMap<'_>) -> MapData {
    MapData {
        split: map.split,
        quadrants: Quadrant::ALL
            .iter()
            .map(|&q| QuadrantData { key: q, name: q.name(), advice: q.advice() })
            .collect(),
        points: map
            .points
            .iter()
            .map(|p| PointData { part: p.index, days: p.days, calls: p.calls, quadrant: p.quadrant })
            .collect(),
    }
}

/// The treemap's two layouts.
#[derive(Serialize)]
struct Layouts {
    calls: treemap::Layout,
    lines: treemap::Layout,
}

/// One part: readable values for the table and the history, keys to sort on, fills.
#[derive(Serialize)]
struct PartData<'a> {
    part: &'a str,
    name: String,
    status: &'static str,
    serial: &'a str,
    location: String,
    calls: String,
    calls_new: String,
    failures: String,
    busy: String,
    nearest: String,
    age: String,
    overhauled: String,
    oldest: String,
    signed_off: String,
    due: String,
    commits: u32,
    authors: &'a [String],
    remarks: &'a [String],
    key: SortKeys,
    fill: Fills,
}

/// Numbers the table sorts on; `null` sorts last.
#[derive(Serialize)]
struct SortKeys {
    status: u8,
    calls: Option<u64>,
    wear: Option<f64>,
    age: Option<i64>,
    due: Option<i64>,
}

/// The cell's fill on each colour scale.
#[derive(Serialize)]
struct Fills {
    wear: String,
    age: String,
}

fn page_data(list: &DueList, oldest_days: f64, map: &WearMap<'_>) -> String {
    let parts: Vec<PartData<'_>> = list.parts.iter().map(|p| part_data(list, p, oldest_days)).collect();
    let groups: Vec<Vec<String>> = list.parts.iter().map(|p| module_segments(&p.part)).collect();
    let calls: Vec<u64> = list.parts.iter().map(|p| p.calls_since_overhaul.unwrap_or(0)).collect();
    // Area by calls, with a floor of a tenth of the mean so cold and unused parts keep a cell
    // that can be seen and pointed at.
    let mean = calls.iter().map(|&c| c as f64).sum::<f64>() / calls.len().max(1) as f64;
    let floor = (mean / 10.0).max(1.0);
    let by_calls: Vec<f64> = calls.iter().map(|&c| (c as f64).max(floor)).collect();
    let by_lines: Vec<f64> =
        list.parts.iter().map(|p| f64::from(p.lines[1].saturating_sub(p.lines[0]) + 1)).collect();
    let (w, h) = TREEMAP_SIZE;
    let data = PageData {
        parts,
        layout: Layouts {
            calls: treemap::layout(&groups, &by_calls, w, h),
            lines: treemap::layout(&groups, &by_lines, w, h),
        },
        map: map_data(map),
    };
    json_for_script(&data)
}

fn part_data<'a>(list: &DueList, item: &'a DueItem, oldest_days: f64) -> PartData<'a> {
    let when = |t: Option<i64>| match t {
        Some(t) => format!("{} ({} ago)", format_date(t), age(list.now, Some(t))),
        None => "-".to_owned(),
    };
    let no_usage = || "no usage data".to_owned();
    PartData {
        part: &item.part,
        name: top_level_segments(&item.part).last().map_or_else(|| item.part.clone(), |s| (*s).to_owned()),
        status: item.status.as_str(),
        serial: &item.serial,
        location: location(item),
        calls: item.calls_since_overhaul.map_or_else(no_usage, count),
        calls_new: item.calls_since_new.map_or_else(no_usage, count),
        failures: item.failures.map_or_else(|| "not counted".to_owned(), count),
        busy: if item.busy_ns.is_some() { busy(item.busy_ns) } else { "not timed".to_owned() },
        nearest: nearest(item),
        age: age(list.now, item.overhauled_at),
        overhauled: when(item.overhauled_at),
        oldest: when(item.oldest_line_at),
        signed_off: signed_off(item),
        due: due_date(item),
        commits: item.commits,
        authors: &item.authors,
        remarks: &item.remarks,
        key: SortKeys {
            status: item.status as u8,
            calls: item.calls_since_overhaul,
            wear: item.nearest.as_ref().map(|n| n.percent).filter(|p| p.is_finite()),
            age: item.overhauled_at.map(|t| list.now.saturating_sub(t).max(0)),
            due: item.projected_due,
        },
        fill: Fills {
            wear: colour::wear_fill(item.nearest.as_ref().map(|n| n.percent)),
            age: colour::age_fill(age_days(list, item), oldest_days),
        },
    }
}

/// The module frames a part sits in: its path without the last segment, or the self type's
/// path for a trait impl (`<shop::cart::Cart<T> as From<u8>>::from` → `shop`, `cart`,
/// `Cart<T>`).
fn module_segments(part: &str) -> Vec<String> {
    let segments = match trait_impl_self_type(part) {
        Some(self_type) => top_level_segments(self_type),
        None => {
            let mut all = top_level_segments(part);
            all.pop();
            all
        }
    };
    segments.into_iter().map(str::to_owned).collect()
}

/// `value` as JSON that is safe inside `<script type="application/json">`: `<`, `>` and `&`
/// (so no `</script>` or `<!--` can close or change the element) and the line separators
/// U+2028 and U+2029 are written as `\u` escapes, which JSON reads back as the same string.
fn json_for_script<T: Serialize>(value: &T) -> String {
    let json = serde_json::to_string(value).expect("page data has string keys only, so it always serializes");
    let mut out = String::with_capacity(json.len());
    for c in json.chars() {
        match c {
            '<' => out.push_str("\\u003c"),
            '>' => out.push_str("\\u003e"),
            '&' => out.push_str("\\u0026"),
            '\u{2028}' => out.push_str("\\u2028"),
            '\u{2029}' => out.push_str("\\u2029"),
            c => out.push(c),
        }
    }
    out
}

/// `text` safe in HTML text and in quoted attribute values.
fn escape_html(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests;

/// The latest sign-off in words: its date, who signed and the note (text the page shows with
/// `textContent`, never as markup).
fn signed_off(item: &DueItem) -> String {
    let Some(at) = item.signed_off_at else { return "never".to_owned() };
    let mut text = format_date(at);
    if let Some(by) = &item.signed_off_by {
        text.push_str(&format!(" by {by}"));
    }
    if let Some(note) = &item.signoff_note {
        text.push_str(&format!(": {note}"));
    }
    text
}
