//! `cargo wear map`: the wear map, age since overhaul (across, log) against calls since
//! overhaul (up, log), as a terminal scatter split into four named quadrants at the medians
//! (old and hot: inspect first; new and hot: watch; old and unused: removal candidates; new and
//! unused). Parts with no calls sit on their own bottom row; parts are labelled where the
//! characters are free and listed under the map where they are not.
//!
//! [`render`] is a pure function of the due list and the options; [`run`] resolves them.
mod axes;
mod plot;
mod render;

use clap::Args;

use crate::cli::DueInputArgs;
use crate::due::DueList;
use crate::error::Result;
use crate::heatmap::{Palette, parse_width, resolve_palette, resolve_width};
use crate::run::{Outcome, due_list_from, emit};
use crate::scan::Functions;

/// Rows of the plot above the unused row.
pub const PLOT_ROWS: usize = 12;

/// `cargo wear map`.
#[derive(Debug, Args)]
pub struct MapArgs {
    #[command(flatten)]
    pub inputs: DueInputArgs,
    /// Columns to fit in (default: the terminal's width, else $COLUMNS, else 80).
    #[arg(long, value_name = "COLUMNS", value_parser = parse_width)]
    pub width: Option<usize>,
}

/// How the wear map is drawn.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct MapOptions {
    /// Columns to fit in (at least [`crate::heatmap::MIN_WIDTH`]).
    pub width: usize,
    /// Colours, or plain text.
    pub color: Palette,
}

/// The wear map of `list` as text ending in a newline: a pure function of its inputs.
pub fn render(list: &DueList, opts: &MapOptions) -> String {
    render::render(list, opts)
}

/// `cargo wear map`.
pub fn run(args: &MapArgs) -> Result<Outcome> {
    let inputs = &args.inputs;
    let list = due_list_from(
        &inputs.workspace,
        &inputs.usage,
        inputs.now.as_deref(),
        inputs.no_cache,
        Functions::Tracked,
    )?;
    let opts = MapOptions { width: resolve_width(args.width), color: resolve_palette(inputs.color) };
    emit(&render(&list, &opts), None)?;
    Ok(Outcome::Clean)
}
