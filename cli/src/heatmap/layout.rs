//! Where each part goes on the heatmap: which parts are shown (`--filter`, then `--top`), how
//! they are grouped (by module or by file), the order of groups and cells (highest value
//! first, so the hottest group is on top and each group starts with its hottest part), and how
//! cells and words wrap to the width.
use std::cmp::Ordering;
use std::collections::BTreeMap;

use super::filter::PartFilter;
use super::measure::Measure;
use crate::due::{DueItem, DueList};
use crate::present::names::{label, module_path};
use crate::present::text::one_line;

/// How parts are grouped.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub(crate) enum Grouping {
    /// By the module that holds the part.
    Module,
    /// By the source file that holds the part.
    File,
}

impl Grouping {
    /// `module` or `file`.
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Grouping::Module => "module",
            Grouping::File => "file",
        }
    }
}

/// One part on the map.
#[derive(Clone, Debug)]
pub(crate) struct Cell<'a> {
    /// The part.
    pub(crate) item: &'a DueItem,
    /// Its value for the measure, if known.
    pub(crate) value: Option<f64>,
    /// Its name within its group (the part path without the module).
    pub(crate) label: String,
}

/// The cells of one module or file.
#[derive(Clone, Debug)]
pub(crate) struct Group<'a> {
    /// The module path or file.
    pub(crate) name: String,
    /// Its cells, highest value first, unknown last.
    pub(crate) cells: Vec<Cell<'a>>,
}

impl Group<'_> {
    /// The highest value in the group.
    pub(crate) fn max(&self) -> Option<f64> {
        self.cells.first().and_then(|c| c.value)
    }
}

/// What the heatmap shows.
#[derive(Clone, Debug)]
pub(crate) struct Selection<'a> {
    /// The groups, highest first.
    pub(crate) groups: Vec<Group<'a>>,
    /// The parts that pass the filter (before `--top`).
    pub(crate) matched: Vec<&'a DueItem>,
}

impl Selection<'_> {
    /// How many cells are shown.
    pub(crate) fn shown(&self) -> usize {
        self.groups.iter().map(|g| g.cells.len()).sum()
    }
}

/// Descending by value, unknown last.
pub(crate) fn by_value_desc(a: Option<f64>, b: Option<f64>) -> Ordering {
    match (a, b) {
        (Some(a), Some(b)) => b.total_cmp(&a),
        (Some(_), None) => Ordering::Less,
        (None, Some(_)) => Ordering::Greater,
        (None, None) => Ordering::Equal,
    }
}

/// The parts of `list` that pass `filter`, the `top` of them by value if asked, grouped.
pub(crate) fn select<'a>(
    list: &'a DueList,
    by: Measure,
    grouping: Grouping,
    filter: Option<&PartFilter>,
    top: Option<usize>,
) -> Selection<'a> {
    let matched: Vec<&DueItem> = list.parts.iter().filter(|p| filter.is_none_or(|f| f.matches(p))).collect();
    let mut cells: Vec<Cell<'a>> = matched
        .iter()
        .map(|item| Cell { item, value: by.value(item, list.now), label: String::new() })
        .collect();
    cells.sort_by(|a, b| by_value_desc(a.value, b.value).then_with(|| a.item.part.cmp(&b.item.part)));
    if let Some(top) = top {
        cells.truncate(top);
    }
    let mut groups: BTreeMap<String, Vec<Cell<'a>>> = BTreeMap::new();
    for mut cell in cells {
        let module = module_path(&cell.item.part);
        cell.label = label(&cell.item.part, &module);
        let name = match grouping {
            Grouping::Module if module.is_empty() => "(crate root)".to_owned(),
            Grouping::Module => module,
            Grouping::File => cell.item.file.clone(),
        };
        groups.entry(one_line(&name)).or_default().push(cell);
    }
    let mut groups: Vec<Group<'a>> = groups.into_iter().map(|(name, cells)| Group { name, cells }).collect();
    groups.sort_by(|a, b| by_value_desc(a.max(), b.max()).then_with(|| a.name.cmp(&b.name)));
    Selection { groups, matched }
}

/// How many cells `cell_width` wide, `gap` apart, fit in `width` columns (at least one).
pub(crate) fn per_row(width: usize, cell_width: usize, gap: usize) -> usize {
    ((width + gap) / (cell_width + gap).max(1)).max(1)
}

/// Due-list items for unit tests of the pictures.
#[cfg(test)]
pub(crate) mod tests_support {
    use crate::due::{DueItem, LimitKind, LimitUse, Status};

    /// A serviceable part in `file` with wear `percent` and nothing else known.
    pub(crate) fn item_in(part: &str, file: &str, percent: Option<f64>) -> DueItem {
        DueItem {
            part: part.to_owned(),
            status: Status::Serviceable,
            serial: "0".repeat(16),
            file: file.to_owned(),
            lines: [1, 2],
            calls_since_overhaul: None,
            calls_since_new: None,
            busy_ns: None,
            failures: None,
            overhauled_at: None,
            oldest_line_at: None,
            signed_off_at: None,
            signed_off_by: None,
            signoff_note: None,
            commits: 0,
            authors: Vec::new(),
            nearest: percent.map(|p| LimitUse { kind: LimitKind::Calls, limit: "100".into(), percent: p }),
            projected_due: None,
            remarks: Vec::new(),
        }
    }

    /// A part with nothing known.
    pub(crate) fn item(part: &str) -> DueItem {
        item_in(part, "src/lib.rs", None)
    }
}

#[cfg(test)]
mod tests {
    use super::tests_support::item_in as item;
    use super::*;

    fn list(parts: Vec<DueItem>) -> DueList {
        DueList { schema: "wear-report/2", now: 0, head: None, shallow: false, usage_window: None, parts }
    }

    fn names(sel: &Selection<'_>) -> Vec<(String, Vec<String>)> {
        sel.groups
            .iter()
            .map(|g| (g.name.clone(), g.cells.iter().map(|c| c.label.clone()).collect()))
            .collect()
    }

    fn fleet() -> DueList {
        list(vec![
            item("shop::cart::Cart::add", "src/cart.rs", Some(20.0)),
            item("shop::cart::Cart::remove", "src/cart.rs", None),
            item("shop::cart::total", "src/cart.rs", Some(70.0)),
            item("shop::pricing::quote", "src/pricing.rs", Some(90.0)),
            item("<shop::pricing::Price as From<u8>>::from", "src/pricing.rs", Some(5.0)),
            item("shop::main", "src/main.rs", Some(40.0)),
        ])
    }

    #[test]
    fn groups_and_cells_are_highest_first_unknown_last() {
        let fleet = fleet();
        let sel = select(&fleet, Measure::Wear, Grouping::Module, None, None);
        assert_eq!(
            names(&sel),
            [
                (
                    "shop::pricing".to_owned(),
                    vec!["quote".to_owned(), "<Price as From<u8>>::from".to_owned()]
                ),
                ("shop::cart".to_owned(), vec!["total".into(), "Cart::add".into(), "Cart::remove".into()]),
                ("shop".to_owned(), vec!["main".into()]),
            ]
        );
        assert_eq!(sel.shown(), 6);
        let by_file = select(&fleet, Measure::Wear, Grouping::File, None, None);
        let files: Vec<&str> = by_file.groups.iter().map(|g| g.name.as_str()).collect();
        assert_eq!(files, ["src/pricing.rs", "src/cart.rs", "src/main.rs"]);
    }

    #[test]
    fn top_keeps_the_highest_parts_and_the_filter_comes_first() {
        let fleet = fleet();
        let sel = select(&fleet, Measure::Wear, Grouping::Module, None, Some(2));
        assert_eq!(
            names(&sel),
            [
                ("shop::pricing".to_owned(), vec!["quote".to_owned()]),
                ("shop::cart".into(), vec!["total".into()])
            ]
        );
        let filter = PartFilter::new("shop::cart").expect("a prefix");
        let sel = select(&fleet, Measure::Wear, Grouping::Module, Some(&filter), Some(1));
        assert_eq!(names(&sel), [("shop::cart".to_owned(), vec!["total".to_owned()])]);
        assert_eq!(sel.matched.len(), 3);
        let glob = PartFilter::new("src/p*.rs").expect("a glob");
        assert_eq!(select(&fleet, Measure::Wear, Grouping::Module, Some(&glob), None).shown(), 2);
        let not_a_prefix = PartFilter::new("shop::ca").expect("a prefix");
        assert_eq!(select(&fleet, Measure::Wear, Grouping::Module, Some(&not_a_prefix), None).shown(), 0);
        assert!(PartFilter::new("src/[").is_err());
        assert!(PartFilter::new("  ").is_err());
    }

    #[test]
    fn rows_fit_the_width() {
        assert_eq!(per_row(40, 2, 0), 20);
        assert_eq!(per_row(41, 12, 3), 2);
        assert_eq!(per_row(5, 12, 3), 1, "at least one cell per row");
    }
}
