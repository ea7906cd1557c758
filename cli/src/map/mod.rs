//! `cargo wear map`: the wear map, age since overhaul (across, log) against calls since
//! overhaul (up, log), as a terminal scatter split into four named quadrants at the medians
//! (old and hot: inspect first; new and hot: watch; old and unused: removal candidates; new and
//! unused). Parts with no calls sit on their own bottom row; parts are labelled where the
//! characters are free and listed under the map where they are not.
//!
//! [`render`] is a pure function of the due list and the options; `cargo wear map`
//! resolves them.
mod ages;
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

/// The wear map of `list` as text ending in a newline: a pure function of its inputs. With no
/// usage data for any part, the map of age alone.
pub(crate) fn render(list: &DueList, opts: &MapOptions) -> String {
    if list.parts.iter().all(|p| p.calls_since_overhaul.is_none()) {
        return ages::render(list, opts.width, opts.color);
    }
    render::render(list, opts)
}
