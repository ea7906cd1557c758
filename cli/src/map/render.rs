//! The wear map as text: a title, the quadrants' names above and below the plot, the plot with
//! its calls axis on the left (`unused` for the bottom row) and its age axis underneath, then
//! where the split is, how many parts each quadrant holds, and the parts the plot could not
//! label. Every line fits the width. Which parts are on the map, the split and the quadrants
//! come from [`crate::wear_map`], as in the HTML report; this file only draws them.
use anstyle::Style;

use super::axes::{LogAxis, tick_text};
use super::plot::{Canvas, Mark};
use super::{MapOptions, PLOT_ROWS};
use crate::due::DueList;
use crate::heatmap::MIN_WIDTH;
use crate::present::names::{label, module_path};
use crate::present::paint::{GREY, Palette, push_styled};
use crate::present::text::{fit, one_line, wrap_words};
use crate::present::words::parts_text;
use crate::time::format_date;
use crate::wear_map::{Quadrant, WearMap};

/// The name of the bottom row.
const UNUSED: &str = "unused";

/// Unlabelled parts named under the map before the rest are counted.
const LIST_MAX: usize = 10;

/// Renders the wear map.
pub(super) fn render(list: &DueList, opts: &MapOptions) -> String {
    let width = opts.width.max(MIN_WIDTH);
    let palette = opts.color;
    let map = WearMap::of(list);
    let (points, split, missing) = (&map.points, map.split, map.unplaced);
    let mut out = String::new();
    let title = format!(
        "wear map of {}: age since overhaul (across, log) against calls since overhaul (up, log), as of {}",
        parts_text(points.len()),
        format_date(list.now)
    );
    for line in wrap_words(&title, width, 2) {
        push_styled(&mut out, &line, palette.style(Style::new().bold()));
        out.push('\n');
    }
    out.push('\n');
    if points.is_empty() {
        out.push_str("no part has both usage data and an age from git: nothing to plot\n");
        push_missing(&mut out, missing, width);
        return out;
    }

    let max_days = points.iter().map(|p| p.days).max().unwrap_or(0) as f64;
    let max_calls = points.iter().map(|p| p.calls).max().unwrap_or(1) as f64;
    let calls_axis_probe = LogAxis::calls(max_calls, PLOT_ROWS);
    let y_ticks: Vec<(usize, String)> =
        calls_axis_probe.ticks().into_iter().map(|(cell, v)| (cell, tick_text(v, false))).collect();
    let gutter = y_ticks.iter().map(|t| t.1.chars().count()).chain([UNUSED.len()]).max().unwrap_or(6);
    let columns = width - gutter - 1;
    let x = LogAxis::age(max_days, columns);
    let y = calls_axis_probe;
    let row_of = |calls: u64| PLOT_ROWS - 1 - y.cell(calls as f64);
    let spots: Vec<(usize, usize)> = points
        .iter()
        .map(|p| (x.cell(p.days as f64), if p.calls == 0 { PLOT_ROWS } else { row_of(p.calls) }))
        .collect();
    let labels: Vec<String> =
        points.iter().map(|p| label(&p.item.part, &module_path(&p.item.part))).collect();
    let split_at = (x.cell(split.days as f64), row_of(split.calls));
    let canvas = Canvas::draw(points, &spots, &labels, split_at, (columns, PLOT_ROWS));

    let plot_start = gutter + 1;
    names_line(&mut out, Quadrant::Watch, Quadrant::InspectFirst, plot_start, width, palette);
    for (r, row) in canvas.cells.iter().enumerate() {
        let tick = if r == PLOT_ROWS {
            Some(UNUSED.to_owned())
        } else {
            y_ticks.iter().find(|(cell, _)| PLOT_ROWS - 1 - cell == r).map(|t| t.1.clone())
        };
        let mut line = match &tick {
            Some(text) => format!("{text:>gutter$}┤"),
            None => format!("{:gutter$}│", ""),
        };
        push_row(&mut line, row, palette);
        out.push_str(line.trim_end());
        out.push('\n');
    }
    let x_ticks: Vec<(usize, String)> = x.ticks().into_iter().map(|(c, v)| (c, tick_text(v, true))).collect();
    let mut axis: Vec<char> = vec!['─'; columns];
    for (c, _) in &x_ticks {
        axis[*c] = '┬';
    }
    out.push_str(&format!("{:gutter$}└{}\n", "", axis.into_iter().collect::<String>()));
    out.push_str(&format!("{:gutter$} {}\n", "", tick_labels(&x_ticks, columns)));
    names_line(&mut out, Quadrant::NewUnused, Quadrant::RemovalCandidates, plot_start, width, palette);
    out.push('\n');

    let mut notes = vec![split.text(), map.counts_text()];
    if !canvas.unlabelled.is_empty() {
        let names: Vec<String> =
            canvas.unlabelled.iter().take(LIST_MAX).map(|&i| one_line(&points[i].item.part)).collect();
        let more = canvas.unlabelled.len().saturating_sub(LIST_MAX);
        let tail = if more > 0 { format!(" and {more} more") } else { String::new() };
        notes.push(format!("not labelled: {}{tail}", names.join(", ")));
    }
    for note in notes {
        for line in wrap_words(&note, width, 2) {
            out.push_str(&line);
            out.push('\n');
        }
    }
    push_missing(&mut out, missing, width);
    out
}

/// The colour of a quadrant's points and name: red, amber, blue, grey.
fn colour(quadrant: Quadrant) -> (u8, u8, u8) {
    match quadrant {
        Quadrant::InspectFirst => (230, 60, 50),
        Quadrant::Watch => (240, 170, 30),
        Quadrant::RemovalCandidates => (70, 130, 230),
        Quadrant::NewUnused => (128, 128, 128),
    }
}

/// Appends a plot row: points in their quadrant's colour, labels plain, rules grey.
fn push_row(line: &mut String, row: &[Mark], palette: Palette) {
    for mark in row {
        match mark {
            Mark::Empty => line.push(' '),
            Mark::Rule(c) => push_styled(line, &c.to_string(), palette.rgb_style(GREY)),
            Mark::Label(c, _) => line.push(*c),
            Mark::Covered => {}
            Mark::Point(parts, quadrant) => {
                let glyph = match parts.len() {
                    1 => '●',
                    n @ 2..=9 => char::from_digit(n as u32, 10).unwrap_or('+'),
                    _ => '+',
                };
                let style = palette.rgb_style(colour(*quadrant)).map(Style::bold);
                push_styled(line, &glyph.to_string(), style);
            }
        }
    }
}

/// Two quadrants' names on one line, the first at the plot's left edge and the second ending
/// at its right edge, or on two lines when they do not fit side by side.
fn names_line(
    out: &mut String,
    left: Quadrant,
    right: Quadrant,
    start: usize,
    width: usize,
    palette: Palette,
) {
    let room = width - start;
    let (l, r) = (fit(left.name(), room), fit(right.name(), room));
    let (ln, rn) = (l.chars().count(), r.chars().count());
    let styled = |q: Quadrant| palette.rgb_style(colour(q));
    out.push_str(&" ".repeat(start));
    push_styled(out, &l, styled(left));
    if ln + 2 + rn <= room {
        out.push_str(&" ".repeat(room - ln - rn));
    } else {
        out.push('\n');
        out.push_str(&" ".repeat(width - rn));
    }
    push_styled(out, &r, styled(right));
    out.push('\n');
}

/// Tick labels under the age axis, each starting at its tick (the last one ending at the axis's
/// end when it would run past), left out when it would touch the one before.
fn tick_labels(ticks: &[(usize, String)], columns: usize) -> String {
    let mut line: Vec<char> = vec![' '; columns];
    let mut cursor = 0;
    for (i, (c, text)) in ticks.iter().enumerate() {
        let n = text.chars().count();
        let start = (*c).min(columns.saturating_sub(n));
        if i > 0 && start < cursor + 1 {
            continue;
        }
        for (k, ch) in text.chars().enumerate() {
            line[start + k] = ch;
        }
        cursor = start + n;
    }
    line.into_iter().collect::<String>().trim_end().to_owned()
}

fn push_missing(out: &mut String, missing: usize, width: usize) {
    if missing > 0 {
        let text = format!("not on the map: {} without usage data or an age from git", parts_text(missing));
        for line in wrap_words(&text, width, 2) {
            out.push_str(&line);
            out.push('\n');
        }
    }
}
