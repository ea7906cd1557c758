//! The heatmap as text: a title, the grid of cells group by group, the legend and the lines
//! that name the hottest, the oldest and (by wear or busy time) the highest part. Labelled cells
//! (`██ name value`) while the parts are few enough to read; compact cells (`██`, two columns a
//! part, behind the group's name) beyond that or with `--compact`. Every line fits the width.
use anstyle::Style;

use super::layout::{Cell, Group, Selection, per_row, select};
use super::measure::Measure;
use super::scale::{SHADES, Scale, color, shade_level};
use super::summary::{self, SCREEN_LINES};
use super::{HeatmapOptions, LABELLED_MAX, MIN_WIDTH};
use crate::due::{DueItem, DueList};
use crate::present::paint::{GREY, Palette, push_styled};
use crate::present::text::{fit, fit_middle, flow, one_line, width as width_of, wrap_words};
use crate::present::words::count;
use crate::time::{DAY, format_date};

/// The two characters of a part with no value.
const UNKNOWN: &str = "··";

/// Spaces between labelled cells.
const GAP: usize = 3;

/// Renders the heatmap.
pub(super) fn render(list: &DueList, opts: &HeatmapOptions) -> String {
    let width = opts.width.max(MIN_WIDTH);
    let sel = select(list, opts.by, opts.group, opts.filter.as_ref(), opts.top);
    let values: Vec<f64> = sel.groups.iter().flat_map(|g| g.cells.iter().filter_map(|c| c.value)).collect();
    let scale = Scale::for_measure(opts.by, &values);
    let paint = Painter { palette: opts.color, scale };
    let mut grid = String::new();
    if sel.shown() > 0 && opts.depth.is_none() {
        if opts.compact || sel.shown() > LABELLED_MAX {
            compact_grid(&mut grid, &sel.groups, width, &paint);
        } else {
            labelled_grid(&mut grid, &sel.groups, width, &paint, opts.by);
        }
    }
    let opened = opts.top.is_some() || opts.filter.is_some() || opts.compact;
    let depth = match opts.depth {
        Some(depth) => Some(depth),
        None if !opened && grid.lines().count() > SCREEN_LINES => Some(1),
        None => None,
    };
    let mut out = String::new();
    let grouped = match depth {
        Some(1) => "summed by crate".to_owned(),
        Some(depth) => format!("summed by module, {depth} deep"),
        None => format!("grouped by {}", opts.group.as_str()),
    };
    let title = format!(
        "heatmap of {} by {}, {grouped}, as of {}",
        parts_text(sel.shown()),
        opts.by.as_str(),
        format_date(list.now)
    );
    for line in wrap_words(&title, width, 2) {
        push_line(&mut out, &line, opts.color.style(Style::new().bold()));
    }
    out.push('\n');
    if sel.shown() == 0 {
        out.push_str("no parts to show\n");
        return out;
    }
    match depth {
        Some(depth) => {
            let rows = summary::rows(&sel, &paint.scale, list.now, depth);
            let what = if depth == 1 { "crate" } else { "module" };
            let hint = format!(
                "a line per {what} ({}); --depth {} goes a level down, --filter <module> opens one",
                count(rows.len() as u64),
                depth + 1
            );
            for line in wrap_words(&hint, width, 2) {
                out.push_str(&line);
                out.push('\n');
            }
            out.push('\n');
            summary::table(&mut out, &rows, width, opts.color);
        }
        None => out.push_str(&grid),
    }
    out.push('\n');
    if values.is_empty() {
        // A scale with nothing on it would print ranges like `0–0`: say why instead.
        let text =
            format!("{}: no part shown has one, so every cell is {UNKNOWN} (no data)", opts.by.title());
        for line in wrap_words(&text, width, 2) {
            out.push_str(&line);
            out.push('\n');
        }
    } else {
        legend(&mut out, opts.by, width, &paint);
    }
    out.push('\n');
    for line in findings(list, &sel, opts) {
        for wrapped in wrap_words(&line, width, 2) {
            out.push_str(&wrapped);
            out.push('\n');
        }
    }
    out
}

/// Draws cells with the palette and the scale.
struct Painter {
    palette: Palette,
    scale: Scale,
}

impl Painter {
    /// A cell's two characters and their style: the shade without colour, a coloured block
    /// with it, `··` for a part with no value.
    fn swatch(&self, value: Option<f64>) -> (String, Option<Style>) {
        match value {
            None => (UNKNOWN.to_owned(), self.palette.rgb_style(GREY)),
            Some(v) => {
                let t = self.scale.position(v);
                match self.palette {
                    Palette::Plain => (SHADES[shade_level(t)].to_string().repeat(2), None),
                    _ => ("██".to_owned(), self.palette.rgb_style(color(t))),
                }
            }
        }
    }
}

/// `name · N parts`, then the cells, `██ label value`, in aligned columns under it.
fn labelled_grid(out: &mut String, groups: &[Group<'_>], width: usize, paint: &Painter, by: Measure) {
    let avail = width - 2;
    // Without colour the shade is bracketed, so that the blank lowest shade still reads as a cell.
    let swatch_width = if paint.palette.is_color() { 2 } else { 4 };
    let texts: Vec<Vec<(String, String)>> = groups
        .iter()
        .map(|g| g.cells.iter().map(|c| (c.label.clone(), value_text(by, c))).collect())
        .collect();
    let widest = texts.iter().flatten().map(|(l, v)| swatch_width + 1 + width_of(l) + 1 + width_of(v)).max();
    let cell_width = widest.unwrap_or(swatch_width).min(avail);
    let columns = per_row(avail, cell_width, GAP);
    for (i, (group, texts)) in groups.iter().zip(&texts).enumerate() {
        if i > 0 {
            out.push('\n');
        }
        group_header(out, group, width, paint.palette);
        for (row_cells, row_texts) in group.cells.chunks(columns).zip(texts.chunks(columns)) {
            let mut line = String::from("  ");
            for (j, (cell, (label, value))) in row_cells.iter().zip(row_texts).enumerate() {
                if j > 0 {
                    line.push_str(&" ".repeat(GAP));
                }
                let (swatch, style) = paint.swatch(cell.value);
                if paint.palette.is_color() {
                    push_styled(&mut line, &swatch, style);
                } else {
                    line.push_str(&format!("[{swatch}]"));
                }
                let room = cell_width.saturating_sub(swatch_width + 2 + width_of(value));
                let text = format!(" {} {value}", fit(label, room.max(1)));
                let pad = cell_width.saturating_sub(swatch_width + width_of(&text));
                line.push_str(&text);
                if j + 1 < row_cells.len() {
                    line.push_str(&" ".repeat(pad));
                }
            }
            out.push_str(line.trim_end());
            out.push('\n');
        }
    }
}

/// A cell's value as text, `-` when unknown.
fn value_text(by: Measure, cell: &Cell<'_>) -> String {
    cell.value.map_or_else(|| "-".to_owned(), |v| by.format(v))
}

fn group_header(out: &mut String, group: &Group<'_>, width: usize, palette: Palette) {
    let suffix = format!(" · {}", parts_text(group.cells.len()));
    let name = fit_middle(&group.name, width.saturating_sub(width_of(&suffix)).max(1));
    push_styled(out, &name, palette.style(Style::new().bold()));
    out.push_str(&suffix);
    out.push('\n');
}

/// `name │████▓▓░░│`: the group's name in a column, two characters a part behind it, wrapped
/// under the name when the row is full.
fn compact_grid(out: &mut String, groups: &[Group<'_>], width: usize, paint: &Painter) {
    let longest = groups.iter().map(|g| width_of(&g.name)).max().unwrap_or(0);
    let name_width = longest.min(width / 3).max(1);
    let columns = ((width - name_width - 3) / 2).max(1);
    for group in groups {
        let name = fit_middle(&group.name, name_width);
        for (row, cells) in group.cells.chunks(columns).enumerate() {
            let mut line = String::new();
            if row == 0 {
                push_styled(&mut line, &name, paint.palette.style(Style::new().bold()));
                line.push_str(&" ".repeat(name_width.saturating_sub(width_of(&name))));
            } else {
                line.push_str(&" ".repeat(name_width));
            }
            line.push_str(" │");
            for cell in cells {
                let (swatch, style) = paint.swatch(cell.value);
                push_styled(&mut line, &swatch, style);
            }
            line.push('│');
            out.push_str(&line);
            out.push('\n');
        }
    }
}

/// The scale: a colour bar with its values under it, or the shade of each fifth with its range.
fn legend(out: &mut String, by: Measure, width: usize, paint: &Painter) {
    let scale = &paint.scale;
    let top = |text: String| if scale.overflow { format!("{text}+") } else { text };
    out.push_str(&format!("{}:\n", fit(by.title(), width - 1)));
    if paint.palette.is_color() {
        let bar = (width - 2).min(40);
        let mut line = String::from("  ");
        for j in 0..bar {
            push_styled(&mut line, "█", paint.palette.rgb_style(color(j as f64 / (bar - 1) as f64)));
        }
        let unknown_fits = 2 + bar + 2 + UNKNOWN.len() + " no data".len() <= width;
        if unknown_fits {
            line.push_str("  ");
            push_styled(&mut line, UNKNOWN, paint.palette.rgb_style(GREY));
            line.push_str(" no data");
        }
        out.push_str(&line);
        out.push('\n');
        let ticks: Vec<String> = (0..5)
            .map(|i| {
                let text = by.format(scale.value_at(i as f64 / 4.0));
                if i == 4 { top(text) } else { text }
            })
            .collect();
        out.push_str(&format!("  {}\n", tick_line(&ticks, bar)));
        if !unknown_fits {
            out.push_str("  ");
            push_styled(out, UNKNOWN, paint.palette.rgb_style(GREY));
            out.push_str(" no data\n");
        }
    } else {
        let n = SHADES.len();
        let mut items: Vec<String> = (0..n)
            .map(|k| {
                let lo = by.format(scale.value_at(k as f64 / n as f64));
                let hi = by.format(scale.value_at((k + 1) as f64 / n as f64));
                let hi = if k + 1 == n { top(hi) } else { hi };
                format!("[{}] {lo}–{hi}", SHADES[k].to_string().repeat(2))
            })
            .collect();
        items.push(format!("[{UNKNOWN}] no data"));
        for line in flow(&items, width, 2, 2) {
            out.push_str(&line);
            out.push('\n');
        }
    }
}

/// Labels under a bar `bar` characters wide, at its start, quarters and end; a label that would
/// touch the one before it is left out (the first and last never are).
fn tick_line(labels: &[String], bar: usize) -> String {
    let mut line: Vec<char> = vec![' '; bar];
    let last = labels.len() - 1;
    let starts: Vec<usize> = labels
        .iter()
        .enumerate()
        .map(|(i, label)| {
            let n = label.chars().count().min(bar);
            let at = i * (bar - 1) / last;
            match i {
                0 => 0,
                i if i == last => bar - n,
                _ => at.saturating_sub(n / 2).min(bar - n),
            }
        })
        .collect();
    let last_start = starts[last];
    let mut cursor = 0;
    for (i, (label, &start)) in labels.iter().zip(&starts).enumerate() {
        let n = label.chars().count().min(bar);
        let clashes = i > 0 && start < cursor + 1;
        let crowds_last = i != last && start + n + 1 > last_start;
        if i != 0 && i != last && (clashes || crowds_last) {
            continue;
        }
        for (k, c) in label.chars().take(n).enumerate() {
            line[start + k] = c;
        }
        cursor = start + n;
    }
    line.into_iter().collect::<String>().trim_end().to_owned()
}

/// The lines under the legend: the hottest and the oldest of the parts that passed the filter,
/// the highest by wear or busy time, and what is shown.
fn findings(list: &DueList, sel: &Selection<'_>, opts: &HeatmapOptions) -> Vec<String> {
    let mut lines = Vec::new();
    let at = |item: &DueItem| format!("({}:{})", one_line(&item.file), item.lines[0]);
    let hottest = sel
        .matched
        .iter()
        .filter_map(|i| i.calls_since_overhaul.map(|c| (c, *i)))
        .max_by(|a, b| a.0.cmp(&b.0).then_with(|| b.1.part.cmp(&a.1.part)));
    lines.push(match hottest {
        Some((calls, item)) => {
            format!("hottest: {}, {} calls since overhaul {}", one_line(&item.part), count(calls), at(item))
        }
        None => "hottest: no usage data".to_owned(),
    });
    let oldest = sel
        .matched
        .iter()
        .filter_map(|i| i.overhauled_at.map(|t| (t, *i)))
        .min_by(|a, b| a.0.cmp(&b.0).then_with(|| a.1.part.cmp(&b.1.part)));
    lines.push(match oldest {
        Some((t, item)) => format!(
            "oldest: {}, {}d since overhaul {}",
            one_line(&item.part),
            list.now.saturating_sub(t).max(0) / DAY,
            at(item)
        ),
        None => "oldest: no age from git".to_owned(),
    });
    if matches!(opts.by, Measure::Wear | Measure::Busy) {
        let highest = sel
            .matched
            .iter()
            .filter_map(|i| opts.by.value(i, list.now).map(|v| (v, *i)))
            .max_by(|a, b| a.0.total_cmp(&b.0).then_with(|| b.1.part.cmp(&a.1.part)));
        if let Some((v, item)) = highest {
            let word = if opts.by == Measure::Wear { "highest wear" } else { "busiest" };
            lines.push(format!("{word}: {}, {} {}", one_line(&item.part), opts.by.format(v), at(item)));
        }
    }
    let unknown = sel.groups.iter().flat_map(|g| &g.cells).filter(|c| c.value.is_none()).count();
    let mut shown = format!("{} of {} shown", sel.shown(), parts_text(list.parts.len()));
    let mut why = Vec::new();
    if let Some(filter) = &opts.filter {
        why.push(format!("--filter {} matches {}", one_line(filter.pattern()), sel.matched.len()));
    }
    if let Some(top) = opts.top {
        why.push(format!("--top {top}: the parts with the highest {}", opts.by.as_str()));
    }
    if !why.is_empty() {
        shown.push_str(&format!(" ({})", why.join("; ")));
    }
    if unknown > 0 {
        shown.push_str(&format!("; {unknown} with no {} drawn as {UNKNOWN}", opts.by.as_str()));
    }
    lines.push(shown);
    lines
}

fn parts_text(n: usize) -> String {
    if n == 1 { "1 part".to_owned() } else { format!("{n} parts") }
}

fn push_line(out: &mut String, text: &str, style: Option<Style>) {
    push_styled(out, text, style);
    out.push('\n');
}

#[cfg(test)]
mod tests {
    use super::tick_line;

    #[test]
    fn ticks_sit_at_the_ends_and_quarters_without_touching() {
        let labels: Vec<String> = ["0%", "25%", "50%", "75%", "100%+"].map(String::from).to_vec();
        let line = tick_line(&labels, 40);
        assert!(line.starts_with("0%"), "{line}");
        assert!(line.ends_with("100%+"), "{line}");
        assert_eq!(line.chars().count(), 40);
        assert!(line.contains(" 50% "), "{line}");
        let narrow = tick_line(&labels, 12);
        assert!(narrow.starts_with("0%") && narrow.ends_with("100%+"), "{narrow}");
        assert!(!narrow.contains("25%"), "crowded labels are left out: {narrow}");
    }
}
