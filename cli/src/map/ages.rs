//! The map when no part has usage data (`map --all` before anything is instrumented): age
//! alone. The quadrants need calls, so instead of an empty plot the parts are a histogram over
//! the same logarithmic age axis as the wear map (a column's height is how many parts are that
//! old), with the oldest parts named under it; the title says why there are no quadrants.
use anstyle::Style;

use super::PLOT_ROWS;
use super::axes::{LogAxis, tick_text};
use crate::due::{DueItem, DueList};
use crate::heatmap::MIN_WIDTH;
use crate::present::paint::Palette;
use crate::present::paint::push_styled;
use crate::present::text::{fit, one_line, wrap_words};
use crate::present::words::parts_text;
use crate::time::{DAY, format_date};

/// Oldest parts named under the histogram.
const OLDEST: usize = 5;

/// Eighths of a character, for the tops of the columns.
const BLOCKS: [char; 8] = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];

/// The age histogram of `list`'s parts that have an age.
pub(super) fn render(list: &DueList, width: usize, palette: Palette) -> String {
    let width = width.max(MIN_WIDTH);
    let aged: Vec<(&DueItem, u64)> = list
        .parts
        .iter()
        .filter_map(|p| p.overhauled_at.map(|t| (p, (list.now.saturating_sub(t).max(0) / DAY) as u64)))
        .collect();
    let mut out = String::new();
    let title = format!(
        "age map of {}: parts by age since overhaul (across, log), as of {}; no part has usage data, \
         so there are no quadrants by calls (give usage, or track parts, for the wear map)",
        parts_text(aged.len()),
        format_date(list.now)
    );
    for line in wrap_words(&title, width, 2) {
        push_styled(&mut out, &line, palette.style(Style::new().bold()));
        out.push('\n');
    }
    out.push('\n');
    if aged.is_empty() {
        out.push_str("no part has an age from git: nothing to plot\n");
        return out;
    }
    let max_days = aged.iter().map(|a| a.1).max().unwrap_or(0) as f64;
    let counts_width = count_width(aged.len());
    let columns = width - counts_width - 1;
    let axis = LogAxis::age(max_days, columns);
    let mut per_column = vec![0usize; columns];
    for &(_, days) in &aged {
        per_column[axis.cell(days as f64).min(columns - 1)] += 1;
    }
    let top = per_column.iter().copied().max().unwrap_or(1).max(1);
    // Each row is PLOT_ROWS-th of the tallest column, in eighths.
    let eighths: Vec<usize> = per_column.iter().map(|&n| (n * PLOT_ROWS * 8).div_ceil(top)).collect();
    for row in (0..PLOT_ROWS).rev() {
        let label = if row == PLOT_ROWS - 1 { top.to_string() } else { String::new() };
        let mut line = format!("{label:>counts_width$}│");
        for &e in &eighths {
            let filled = e.saturating_sub(row * 8).min(8);
            line.push(if filled == 0 { ' ' } else { BLOCKS[filled - 1] });
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    let mut axis_line = format!("{:>counts_width$}└", "0");
    axis_line.push_str(&"─".repeat(columns));
    out.push_str(&axis_line);
    out.push('\n');
    let mut ticks = vec![' '; columns];
    for (cell, days) in axis.ticks() {
        let text = tick_text(days, true);
        let start = cell.min(columns.saturating_sub(text.chars().count()));
        if ticks[start..].iter().take(text.chars().count() + 1).all(|c| *c == ' ') {
            for (i, c) in text.chars().enumerate() {
                ticks[start + i] = c;
            }
        }
    }
    out.push_str(&format!("{:counts_width$} {}\n", "", ticks.into_iter().collect::<String>().trim_end()));
    out.push('\n');
    let mut oldest = aged.clone();
    oldest.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.part.cmp(&b.0.part)));
    out.push_str("oldest:\n");
    for (item, days) in oldest.iter().take(OLDEST) {
        let line = format!("  {days}d {} ({}:{})", one_line(&item.part), one_line(&item.file), item.lines[0]);
        out.push_str(&fit(&line, width));
        out.push('\n');
    }
    let without = list.parts.len() - aged.len();
    if without > 0 {
        out.push_str(&format!("{} with no age from git, not drawn\n", parts_text(without)));
    }
    out
}

/// Columns for the count on the vertical axis.
fn count_width(parts: usize) -> usize {
    parts.to_string().len().max(1)
}
