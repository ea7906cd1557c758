//! The due list for a terminal: aligned columns under a header, most urgent first, remarks as
//! indented lines under their part, and a summary of counts per status, the usage window and
//! the clock the report was made at. Colour (status words, dim remarks) only when asked, so a
//! pipe or `NO_COLOR` gets plain text without a single escape code.
use anstyle::{AnsiColor, Style};

use super::{RenderOptions, SHALLOW_NOTE, counts_text, due_date, location, nearest, remarks, window_text};
use crate::due::{DueItem, DueList, Status};
use crate::present::paint::push_styled;
use crate::present::text::{one_line, width};
use crate::present::words::{age, busy, opt_count, parts_text};
use crate::time::format_instant;

/// The columns, and whether each is right-aligned (numbers are).
const COLUMNS: [(&str, bool); 8] = [
    ("PART", false),
    ("STATUS", false),
    ("CALLS", true),
    ("AGE", true),
    ("BUSY", true),
    ("NEAREST LIMIT", false),
    ("DUE", false),
    ("LOCATION", false),
];

/// The status column's index, the only cell that is coloured.
const STATUS_COLUMN: usize = 1;

/// Renders the table.
pub(super) fn render(list: &DueList, opts: &RenderOptions) -> String {
    let mut out = String::new();
    if list.parts.is_empty() {
        out.push_str("no tracked parts found\n");
    } else {
        let rows: Vec<[String; 8]> = list.parts.iter().map(|item| cells(item, list.now)).collect();
        let mut widths = COLUMNS.map(|(title, _)| width(title));
        for row in &rows {
            for (width, cell) in widths.iter_mut().zip(row) {
                *width = (*width).max(crate::present::text::width(cell));
            }
        }
        let header = COLUMNS.map(|(title, _)| title.to_owned());
        let bold = Style::new().bold();
        push_line(&mut out, &header, &widths, |_| if opts.color { Some(bold) } else { None });
        for (item, row) in list.parts.iter().zip(&rows) {
            let style = status_style(item.status);
            push_line(&mut out, row, &widths, |column| {
                (opts.color && column == STATUS_COLUMN).then_some(style)
            });
            for remark in remarks(item) {
                let text = format!("  - {}", one_line(&remark));
                push_styled(&mut out, &text, opts.color.then(dim));
                out.push('\n');
            }
        }
        out.push('\n');
    }
    out.push_str(&format!("{}: {}\n", parts_text(list.parts.len()), counts_text(list)));
    out.push_str(&format!("as of {}, {}\n", format_instant(list.now), window_text(list)));
    if list.shallow {
        out.push_str(SHALLOW_NOTE);
        out.push('\n');
    }
    if !list.parts.is_empty() {
        out.push_str("calls and age: since overhaul/since new (oldest line)\n");
    }
    out
}

/// One row's cells, in [`COLUMNS`] order.
fn cells(item: &DueItem, now: i64) -> [String; 8] {
    [
        one_line(&item.part),
        item.status.as_str().to_owned(),
        format!("{}/{}", opt_count(item.calls_since_overhaul), opt_count(item.calls_since_new)),
        format!("{}/{}", age(now, item.overhauled_at), age(now, item.oldest_line_at)),
        busy(item.busy_ns),
        one_line(&nearest(item)),
        due_date(item),
        one_line(&location(item)),
    ]
}

/// Appends one aligned line: cells padded to their column's width in terminal columns (a CJK
/// name takes two a character) and separated by two spaces, the last cell unpadded so no line ends in spaces. `style_of` picks a cell's style.
fn push_line(
    out: &mut String,
    cells: &[String; 8],
    widths: &[usize; 8],
    style_of: impl Fn(usize) -> Option<Style>,
) {
    let mut line = String::new();
    for (column, (cell, width)) in cells.iter().zip(widths).enumerate() {
        let last = column + 1 == cells.len();
        let pad = width.saturating_sub(crate::present::text::width(cell));
        if column > 0 {
            line.push_str("  ");
        }
        if COLUMNS[column].1 {
            line.push_str(&" ".repeat(pad));
        }
        push_styled(&mut line, cell, style_of(column));
        if !COLUMNS[column].1 && !last {
            line.push_str(&" ".repeat(pad));
        }
    }
    out.push_str(line.trim_end());
    out.push('\n');
}

/// The colour of a status: overdue red bold, due-soon yellow, serviceable green, the rest dim.
fn status_style(status: Status) -> Style {
    match status {
        Status::Overdue => Style::new().fg_color(Some(AnsiColor::Red.into())).bold(),
        Status::DueSoon => Style::new().fg_color(Some(AnsiColor::Yellow.into())),
        Status::Serviceable => Style::new().fg_color(Some(AnsiColor::Green.into())),
        Status::InStorage | Status::Unknown => dim(),
    }
}

/// The style of remarks and of parts nobody needs to look at.
fn dim() -> Style {
    Style::new().dimmed()
}
