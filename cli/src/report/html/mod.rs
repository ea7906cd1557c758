//! The HTML report: one self-contained page that works offline and stays fast at tens of
//! thousands of parts. A treemap of modules and parts (area by calls or lines, colour by wear
//! or age) that opens on a summary and drills down by module with breadcrumbs; the wear map;
//! the due list as a sortable, filterable, virtualised table whose search also lights up the
//! treemap; a part's history on pointing; each location a link to the source.
//!
//! The page is assembled here from the style sheet and script beside this file (inlined, so
//! nothing is fetched), the wear map's frame drawn as SVG ([`wearmap`]) from
//! [`crate::wear_map`], the legends ([`colour`]) and the data ([`data`]): column by column,
//! files, modules, limits and people interned, instants as numbers, fills as palette steps, so
//! a part costs a hundred-odd bytes and no element until it is shown. The data is embedded as
//! JSON in a `<script type="application/json">` with `<`, `>`, `&`, U+2028 and U+2029
//! escaped, which the script renders with `textContent` only. Every string written into the
//! HTML here goes through [`escape_html`]. A Content-Security-Policy allows no network at all
//! and runs only the page's own script, by its hash: a string that slipped through would still
//! not run.
use std::path::PathBuf;

use serde::Serialize;
use sha2::{Digest, Sha256};

use super::{RenderOptions, counts_text, window_text};
use crate::due::DueList;
use crate::present::words::parts_text;
use crate::time::format_date;
use crate::wear_map::WearMap;

mod colour;
mod data;
mod wearmap;

pub(crate) use colour::Hue;

/// The page's style sheet.
const STYLE: &str = include_str!("report.css");
/// The page's script.
const SCRIPT: &str = include_str!("report.js");

/// What the page opens on and where its links go, beyond what every format shares.
#[derive(Clone, Debug, Default)]
pub(crate) struct PageOptions {
    /// The colour scale the page opens on; by default wear, or age when no part has usage.
    pub(crate) hue: Option<Hue>,
    /// The workspace root: each location links to its file there (`file://`)...
    pub(crate) source_root: Option<PathBuf>,
    /// ...unless `[report] source_url` says where (`{rev}`, `{file}`, `{line}`).
    pub(crate) source_url: Option<String>,
}

/// Area of the treemap's cells.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
enum Area {
    Calls,
    Lines,
}

/// Renders the due list as one HTML page. The same list gives the same bytes.
pub(crate) fn render(list: &DueList, opts: &RenderOptions) -> String {
    render_page(list, opts, &PageOptions::default())
}

/// Renders the due list as one HTML page, opening as `page` says.
pub(crate) fn render_page(list: &DueList, opts: &RenderOptions, page: &PageOptions) -> String {
    let any_usage = list.parts.iter().any(|p| p.calls_since_overhaul.is_some());
    let hue = page.hue.unwrap_or(if any_usage { Hue::Wear } else { Hue::Age });
    // Without usage every part would have the same sliver: lines say more.
    let area = if any_usage { Area::Calls } else { Area::Lines };
    let wear_map = WearMap::of(list);
    let (map_svg, dots) = wearmap::render(&wear_map);
    let scales = data::scales(list);
    let json = data::page_data(list, &scales, dots, hue, area, page);
    let map = if wear_map.points.is_empty() {
        "<p class=\"note\" id=\"no-map\">No part has both usage data and an age from git, so there is \
         nothing to place on the wear map: it plots calls against age. Give usage (<code>--usage</code> \
         or <code>--prometheus</code>) for the tracked parts.</p>\n"
            .to_owned()
    } else {
        format!(
            "{map_svg}<p class=\"note\" id=\"map-split\">{}; {}.</p>\n",
            escape_html(&wear_map.split.text()),
            escape_html(&wear_map.counts_text())
        )
    };
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
    let checked = |on: bool| if on { " checked" } else { "" };
    let shown = |on: bool| if on { "" } else { " hidden" };
    let (tw, th) = data::TREEMAP_SIZE;
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
<label><input type=\"radio\" name=\"area\" value=\"calls\"{area_calls}> calls</label>\
<label><input type=\"radio\" name=\"area\" value=\"lines\"{area_lines}> lines</label></fieldset>
<fieldset><legend>Colour</legend>\
<label><input type=\"radio\" name=\"colour\" value=\"wear\"{hue_wear}> wear</label>\
<label><input type=\"radio\" name=\"colour\" value=\"age\"{hue_age}> age</label></fieldset>
</form>
</div>
<nav id=\"crumbs\" aria-label=\"treemap level\"></nav>
<p class=\"hint\" data-hint=\"calls\"{hint_calls}>Area: calls since overhaul (a part with few or none keeps a sliver). \
Frames: modules; a module too small to show its parts is one block in its worst part's colour: click it, or a \
frame's name, to open it.</p>
<p class=\"hint\" data-hint=\"lines\"{hint_lines}>Area: lines of code. Frames: modules; a module too small to \
show its parts is one block in its worst part's colour: click it, or a frame's name, to open it.</p>
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
{map}{unplaced_note}</section>
<section id=\"list\">
<div class=\"section-head\">
<h2>Due list</h2>
<input id=\"filter\" type=\"search\" placeholder=\"search: part, status or file\" aria-label=\"search the due list and the treemap\">
<span id=\"shown\"></span>
</div>
<div id=\"due-scroll\">
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
</div>
</section>
</main>
<footer>Made by cargo-wear {version}. Self-contained: this page fetches nothing.</footer>
<script type=\"application/json\" id=\"wear-data\">{json}</script>
<script>{SCRIPT}</script>
</body>
</html>
",
        version = escape_html(opts.tool_version),
        title = escape_html(&title),
        area_calls = checked(area == Area::Calls),
        area_lines = checked(area == Area::Lines),
        hue_wear = checked(hue == Hue::Wear),
        hue_age = checked(hue == Hue::Age),
        hint_calls = shown(area == Area::Calls),
        hint_lines = shown(area == Area::Lines),
        wear_legend = scales.legend(Hue::Wear, hue),
        age_legend = scales.legend(Hue::Age, hue),
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
