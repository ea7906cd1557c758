//! `cargo wear heatmap`: every part as a cell coloured by wear, age, calls or busy time on
//! viridis (shade characters without colour), grouped by module or file, hottest first, with a
//! legend of the scale's values and the hottest and oldest parts named under it. `--all`
//! makes every function of the workspace a part, for a map of age before anything is tracked.
//!
//! [`render`] is a pure function of the due list and the options (no clock, no environment,
//! no terminal), so the same input gives the same bytes; `cargo wear heatmap`
//! resolves the options from the command line and the terminal.
mod filter;
pub(crate) mod layout;
mod measure;
mod render;
pub(crate) mod scale;
mod summary;

pub(crate) use crate::present::paint::Palette;
pub(crate) use filter::PartFilter;
pub(crate) use layout::Grouping;
pub(crate) use measure::Measure;

use crate::due::DueList;

/// The narrowest picture drawn; narrower widths are refused.
pub(crate) const MIN_WIDTH: usize = 20;

/// The widest picture drawn: wider than the widest terminals (a 4K screen in a small font is
/// about 600 columns), and small enough that a picture's rows are never a memory worry.
pub(crate) const MAX_WIDTH: usize = 1000;

/// Above this many parts, cells are compact (two characters each, unlabelled).
pub(crate) const LABELLED_MAX: usize = 100;

/// How the heatmap is drawn.
#[derive(Clone, Debug)]
pub(crate) struct HeatmapOptions {
    /// What colours a cell.
    pub(crate) by: Measure,
    /// How cells are grouped.
    pub(crate) group: Grouping,
    /// Columns to fit in ([`MIN_WIDTH`] to [`MAX_WIDTH`]).
    pub(crate) width: usize,
    /// Colours, or plain text with shade characters.
    pub(crate) color: Palette,
    /// Only the N parts with the highest value.
    pub(crate) top: Option<usize>,
    /// Only the parts that match.
    pub(crate) filter: Option<PartFilter>,
    /// Compact cells whatever the number of parts.
    pub(crate) compact: bool,
    /// The summary, a line per module this many segments deep (1: per crate), whatever the
    /// number of parts; `None` draws it only when the cells would not fit a screen.
    pub(crate) depth: Option<usize>,
}

/// The heatmap of `list` as text ending in a newline: a pure function of its inputs.
pub(crate) fn render(list: &DueList, opts: &HeatmapOptions) -> String {
    render::render(list, opts)
}

/// The due list of the parts the heatmap draws (after `--filter` and `--top`), in the due
/// list's order, for `--format json|csv`.
pub(crate) fn drawn(list: &DueList, opts: &HeatmapOptions) -> DueList {
    let sel = layout::select(list, opts.by, opts.group, opts.filter.as_ref(), opts.top);
    // The cells borrow the list's items: which ones, by address.
    let shown: std::collections::HashSet<*const crate::due::DueItem> =
        sel.groups.iter().flat_map(|g| &g.cells).map(|c| std::ptr::from_ref(c.item)).collect();
    let parts = list.parts.iter().filter(|p| shown.contains(&std::ptr::from_ref(*p))).cloned().collect();
    DueList {
        schema: list.schema,
        now: list.now,
        head: list.head.clone(),
        shallow: list.shallow,
        usage_window: list.usage_window,
        parts,
    }
}
