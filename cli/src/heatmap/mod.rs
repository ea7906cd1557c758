//! `cargo wear heatmap`: every part as a cell coloured by wear, age, calls or busy time on
//! viridis (shade characters without colour), grouped by module or file, hottest first, with a
//! legend of the scale's values and the hottest and oldest parts named under it. `--all`
//! makes every function of the workspace a part, for a map of age before anything is tracked.
//!
//! [`render`] is a pure function of the due list and the options (no clock, no environment,
//! no terminal), so the same input gives the same bytes; [`run`] resolves the options from
//! the command line and the terminal.
mod args;
mod filter;
pub mod layout;
mod measure;
mod render;
pub mod scale;

pub use crate::present::paint::Palette;
pub use args::{HeatmapArgs, parse_width};
pub use filter::PartFilter;
pub use layout::Grouping;
pub use measure::Measure;

use crate::due::DueList;
use crate::due::Status;
use crate::error::{Error, Result};
use crate::report::{self, Format, RenderOptions};
use crate::run::{Outcome, due_list_from, emit, write_atomically};
use crate::scan::Functions;

/// The narrowest picture drawn; narrower widths are refused.
pub const MIN_WIDTH: usize = 20;

/// Above this many parts, cells are compact (two characters each, unlabelled).
pub const LABELLED_MAX: usize = 100;

/// How the heatmap is drawn.
#[derive(Clone, Debug)]
pub struct HeatmapOptions {
    /// What colours a cell.
    pub by: Measure,
    /// How cells are grouped.
    pub group: Grouping,
    /// Columns to fit in (at least [`MIN_WIDTH`]).
    pub width: usize,
    /// Colours, or plain text with shade characters.
    pub color: Palette,
    /// Only the N parts with the highest value.
    pub top: Option<usize>,
    /// Only the parts that match.
    pub filter: Option<PartFilter>,
    /// Compact cells whatever the number of parts.
    pub compact: bool,
}

/// The heatmap of `list` as text ending in a newline: a pure function of its inputs.
pub fn render(list: &DueList, opts: &HeatmapOptions) -> String {
    render::render(list, opts)
}

/// The width to draw at: `--width`, else standard output's terminal's (only standard output:
/// a picture piped to a file must not take the width of the terminal it was typed in), else
/// `$COLUMNS`, else 80.
pub fn resolve_width(given: Option<usize>) -> usize {
    given
        .or_else(|| terminal_size::terminal_size_of(std::io::stdout()).map(|(w, _)| usize::from(w.0)))
        .or_else(|| std::env::var("COLUMNS").ok().and_then(|c| c.trim().parse().ok()))
        .unwrap_or(80)
        .max(MIN_WIDTH)
}

/// The palette `--color` and the terminal ask for.
pub fn resolve_palette(choice: crate::cli::ColorChoice) -> Palette {
    Palette::detect(crate::context::color(choice), std::env::var("COLORTERM").ok().as_deref())
}

/// `cargo wear heatmap`.
pub fn run(args: &HeatmapArgs) -> Result<Outcome> {
    let filter = args.filter.as_deref().map(PartFilter::new).transpose()?;
    let inputs = &args.inputs;
    let which = if args.all { Functions::Every } else { Functions::Tracked };
    let list =
        due_list_from(&inputs.workspace, &inputs.usage, inputs.now.as_deref(), inputs.no_cache, which)?;
    if let Some(filter) = &filter
        && !list.parts.is_empty()
        && !list.parts.iter().any(|p| filter.matches(p))
    {
        let example = &list.parts[0];
        return Err(Error::new(format!("no part matches --filter `{}`", filter.pattern())).help(format!(
            "parts are named like `{}` and files like `{}`; a glob needs `*`",
            example.part, example.file
        )));
    }
    let opts = HeatmapOptions {
        by: args.by.unwrap_or(if args.all { Measure::Age } else { Measure::Wear }),
        group: args.group,
        width: resolve_width(args.width),
        color: resolve_palette(inputs.color),
        top: args.top,
        filter,
        compact: args.compact,
    };
    if let Some(path) = &args.html {
        let page =
            RenderOptions { color: false, fail_on: Status::Overdue, tool_version: env!("CARGO_PKG_VERSION") };
        write_atomically(path, report::render(&list, Format::Html, &page).as_bytes())?;
    }
    emit(&render(&list, &opts), None)?;
    if let Some(path) = &args.html {
        eprintln!("the HTML report is in {}", crate::safe_text::path(path));
    }
    Ok(Outcome::Clean)
}
