//! The summary: one line per crate (or per module `--depth` levels down) with its part count,
//! oldest and median age, hottest part, share of calls and how its parts spread over the scale.
//! It replaces the cells when they would not fit a screen, as CodeScene's and git-truck's maps
//! open on the top level: a workspace of 15,000 parts gave 1,185 lines of cells. Naming a
//! module (`--filter`) or asking for `--top` opens the cells again.
use std::collections::BTreeMap;

use anstyle::Style;

use super::layout::{Selection, by_value_desc};
use super::scale::{SHADES, Scale, color, shade_level};
use crate::present::names::{label, module_path};
use crate::present::paint::{GREY, Palette, push_styled};
use crate::present::text::{fit, fit_middle, width as width_of};
use crate::present::words::count;
use crate::time::DAY;

/// The most lines of cells drawn before the summary replaces them: about a screen.
pub(crate) const SCREEN_LINES: usize = 50;

/// How many characters the distribution bar takes.
const BAR: usize = 10;

/// One line of the summary.
#[derive(Debug)]
pub(super) struct Row {
    /// The crate or module.
    pub(super) name: String,
    pub(super) parts: usize,
    /// Days since overhaul of the oldest part and of the median one, when any has an age.
    pub(super) oldest: Option<u64>,
    pub(super) median: Option<u64>,
    /// The part with the most calls since overhaul, and the calls.
    pub(super) hottest: Option<(String, u64)>,
    /// Calls since overhaul, summed.
    pub(super) calls: u64,
    /// The highest value of the measure, which orders the rows.
    max: Option<f64>,
    /// Parts per shade of the scale, then the parts with no value.
    pub(super) bins: [usize; SHADES.len() + 1],
}

/// The rows of `sel`, grouped by the first `depth` segments of each part's module path,
/// highest value first.
pub(super) fn rows(sel: &Selection<'_>, scale: &Scale, now: i64, depth: usize) -> Vec<Row> {
    let mut rows: BTreeMap<String, Row> = BTreeMap::new();
    let mut ages: BTreeMap<String, Vec<u64>> = BTreeMap::new();
    for cell in sel.groups.iter().flat_map(|g| &g.cells) {
        let item = cell.item;
        let module = module_path(&item.part);
        let name = if module.is_empty() {
            "(crate root)".to_owned()
        } else {
            module.split("::").take(depth.max(1)).collect::<Vec<_>>().join("::")
        };
        let row = rows.entry(name.clone()).or_insert_with(|| Row {
            name: name.clone(),
            parts: 0,
            oldest: None,
            median: None,
            hottest: None,
            calls: 0,
            max: None,
            bins: [0; SHADES.len() + 1],
        });
        row.parts += 1;
        match cell.value {
            Some(v) => row.bins[shade_level(scale.position(v))] += 1,
            None => row.bins[SHADES.len()] += 1,
        }
        if by_value_desc(cell.value, row.max).is_lt() {
            row.max = cell.value;
        }
        if let Some(t) = item.overhauled_at {
            ages.entry(name.clone()).or_default().push((now.saturating_sub(t).max(0) / DAY) as u64);
        }
        if let Some(calls) = item.calls_since_overhaul {
            row.calls += calls;
            let hotter =
                row.hottest.as_ref().is_none_or(|(part, c)| calls > *c || (calls == *c && item.part < *part));
            if hotter {
                row.hottest = Some((item.part.clone(), calls));
            }
        }
    }
    for (name, mut days) in ages {
        days.sort_unstable();
        if let Some(row) = rows.get_mut(&name) {
            row.oldest = days.last().copied();
            row.median = days.get((days.len() - 1) / 2).copied();
        }
    }
    let mut rows: Vec<Row> = rows.into_values().collect();
    rows.sort_by(|a, b| by_value_desc(a.max, b.max).then_with(|| a.name.cmp(&b.name)));
    rows
}

/// The summary's table: a header and a line per row, fitting `width`.
pub(super) fn table(out: &mut String, rows: &[Row], width: usize, palette: Palette) {
    let total_calls: u64 = rows.iter().map(|r| r.calls).sum();
    let days = |d: Option<u64>| d.map_or_else(|| "-".to_owned(), |d| format!("{d}d"));
    let cells: Vec<[String; 5]> = rows
        .iter()
        .map(|r| {
            let hottest = r.hottest.as_ref().map_or_else(
                || "-".to_owned(),
                |(part, calls)| format!("{} {}", label(part, &module_path(part)), count(*calls)),
            );
            let share = if total_calls == 0 {
                "-".to_owned()
            } else {
                format!("{:.0}%", 100.0 * r.calls as f64 / total_calls as f64)
            };
            [count(r.parts as u64), days(r.oldest), days(r.median), share, hottest]
        })
        .collect();
    // Without usage, the calls and hottest columns would be dashes: left out.
    let used = rows.iter().any(|r| r.hottest.is_some());
    let heads = ["parts", "oldest", "median", "calls", "hottest"];
    let widths: Vec<usize> = (0..5)
        .map(|i| cells.iter().map(|c| width_of(&c[i])).chain([width_of(heads[i])]).max().unwrap_or(0))
        .collect();
    // Name, then the four numbers, then the bar, then the hottest part with what is left.
    let shown = if used { 4 } else { 3 };
    let numbers: usize = widths[..shown].iter().map(|w| w + 2).sum();
    let longest = rows.iter().map(|r| width_of(&r.name)).max().unwrap_or(0).max(6);
    let name_width = longest.min(width.saturating_sub(numbers + BAR + 2 + 8).max(12));
    let hottest_width = if used { width.saturating_sub(name_width + numbers + 2 + BAR + 2) } else { 0 };
    let mut header = format!("{:<name_width$}", "module");
    for (i, head) in heads[..shown].iter().enumerate() {
        header.push_str(&format!("  {head:>w$}", w = widths[i]));
    }
    header.push_str(&format!("  {:<BAR$}", "spread"));
    if hottest_width >= 8 {
        header.push_str(&format!("  {}", fit(heads[4], hottest_width)));
    }
    push_styled(out, header.trim_end(), palette.style(Style::new().bold()));
    out.push('\n');
    for (row, cells) in rows.iter().zip(&cells) {
        let name = fit_middle(&row.name, name_width);
        let mut line = String::new();
        push_styled(&mut line, &name, palette.style(Style::new().bold()));
        line.push_str(&" ".repeat(name_width.saturating_sub(width_of(&name))));
        for (i, text) in cells[..shown].iter().enumerate() {
            line.push_str(&format!("  {text:>w$}", w = widths[i]));
        }
        line.push_str("  ");
        bar(&mut line, &row.bins, palette);
        if hottest_width >= 8 {
            line.push_str("  ");
            line.push_str(&fit(&cells[4], hottest_width));
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
}

/// `BAR` characters split among the shades by their share of the row's parts (one for each
/// shade present, the rest by largest remainders, so they add up), lowest first; parts with no
/// value last, in grey.
fn bar(line: &mut String, bins: &[usize], palette: Palette) {
    let total: usize = bins.iter().sum();
    if total == 0 {
        line.push_str(&" ".repeat(BAR));
        return;
    }
    // Every shade present gets a character, so one old part among many still shows; the rest
    // go by share.
    let present = bins.iter().filter(|&&n| n > 0).count();
    let spare = BAR - present;
    let exact: Vec<f64> = bins.iter().map(|&n| n as f64 * spare as f64 / total as f64).collect();
    let mut chars: Vec<usize> =
        exact.iter().zip(bins).map(|(x, &n)| x.floor() as usize + usize::from(n > 0)).collect();
    let mut order: Vec<usize> = (0..bins.len()).collect();
    order.sort_by(|&a, &b| {
        (exact[b] - exact[b].floor()).total_cmp(&(exact[a] - exact[a].floor())).then(a.cmp(&b))
    });
    let mut left = BAR - chars.iter().sum::<usize>();
    for i in order {
        if left == 0 {
            break;
        }
        if bins[i] > 0 {
            chars[i] += 1;
            left -= 1;
        }
    }
    for (k, &n) in chars.iter().enumerate() {
        if n == 0 {
            continue;
        }
        let unknown = k == SHADES.len();
        let t = (k as f64 + 0.5) / SHADES.len() as f64;
        match (palette.is_color(), unknown) {
            (true, false) => push_styled(line, &"█".repeat(n), palette.rgb_style(color(t))),
            (true, true) => push_styled(line, &"·".repeat(n), palette.rgb_style(GREY)),
            (false, false) => line.push_str(&SHADES[k].to_string().repeat(n)),
            (false, true) => line.push_str(&"·".repeat(n)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::layout::tests_support::item;
    use super::super::layout::{Grouping, select};
    use super::super::measure::Measure;
    use super::*;
    use crate::due::DueList;

    #[test]
    fn rows_sum_each_crate_or_module_oldest_first() {
        let now = 1000 * DAY;
        let part = |path: &str, age_days: Option<i64>, calls: Option<u64>| {
            let mut p = item(path);
            p.overhauled_at = age_days.map(|d| now - d * DAY);
            p.calls_since_overhaul = calls;
            p
        };
        let parts = vec![
            part("shop::cart::add", Some(10), Some(500)),
            part("shop::cart::remove", Some(300), Some(20)),
            part("shop::pricing::quote", Some(900), None),
            part("gear::run", Some(40), Some(500)),
            part("gear::stop", None, None),
        ];
        let list =
            DueList { schema: "wear-report/2", now, head: None, shallow: false, usage_window: None, parts };
        let sel = select(&list, Measure::Age, Grouping::Module, None, None);
        let scale = Scale::for_measure(Measure::Age, &[10.0, 300.0, 900.0, 40.0]);
        let crates = rows(&sel, &scale, now, 1);
        let names: Vec<&str> = crates.iter().map(|r| r.name.as_str()).collect();
        assert_eq!(names, ["shop", "gear"], "the oldest part first");
        let shop = &crates[0];
        assert_eq!((shop.parts, shop.oldest, shop.median, shop.calls), (3, Some(900), Some(300), 520));
        assert_eq!(shop.hottest, Some(("shop::cart::add".to_owned(), 500)));
        assert_eq!(shop.bins.iter().sum::<usize>(), 3);
        let gear = &crates[1];
        assert_eq!((gear.parts, gear.oldest, gear.median), (2, Some(40), Some(40)));
        assert_eq!(gear.bins[SHADES.len()], 1, "the part with no age");
        let modules = rows(&sel, &scale, now, 2);
        let names: Vec<&str> = modules.iter().map(|r| r.name.as_str()).collect();
        assert_eq!(names, ["shop::pricing", "shop::cart", "gear"]);
    }

    #[test]
    fn the_bar_always_takes_its_width_and_shows_every_shade_present() {
        for bins in [[1, 0, 0, 0, 0, 0], [1, 1, 1, 0, 0, 7], [333, 333, 334, 0, 0, 0], [0, 0, 0, 0, 1, 99]] {
            let mut line = String::new();
            bar(&mut line, &bins, Palette::Plain);
            assert_eq!(width_of(&line), BAR, "{bins:?}: {line}");
            assert!(!line.contains(' '), "no blank for a real value: {line}");
            for (k, &n) in bins[..SHADES.len()].iter().enumerate() {
                assert_eq!(line.contains(SHADES[k]), n > 0, "shade {k} of {bins:?}: {line}");
            }
        }
        let mut line = String::new();
        bar(&mut line, &[9, 0, 0, 0, 1, 0], Palette::Plain);
        assert!(line.contains(SHADES[4]), "one part in ten still shows: {line}");
    }
}
