//! `cargo wear map`: the wear map, age since overhaul (across, log) against calls since
//! overhaul (up, log), as a terminal scatter split into four named quadrants at the medians
//! (old and hot: inspect first; new and hot: watch; old and unused: removal candidates; new and
//! unused). Parts with no calls sit on their own bottom row; parts are labelled where the
//! characters are free and listed under the map where they are not.
//!
//! [`render`] is a pure function of the due list and the options; `cargo wear map`
//! resolves them.
mod axes;
mod plot;
mod render;

use crate::due::DueList;
use crate::present::paint::Palette;

/// Rows of the plot above the unused row.
pub const PLOT_ROWS: usize = 12;

/// How the wear map is drawn.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct MapOptions {
    /// Columns to fit in (at least [`crate::heatmap::MIN_WIDTH`]).
    pub(crate) width: usize,
    /// Colours, or plain text.
    pub(crate) color: Palette,
}

/// The wear map of `list` as text ending in a newline: a pure function of its inputs.
pub(crate) fn render(list: &DueList, opts: &MapOptions) -> String {
    render::render(list, opts)
}
