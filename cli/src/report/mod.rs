//! The due list as text, in every format `--format` offers: one file per format, and here the
//! choice of format, the options every format shares and the wording they have in common
//! (readable counts, ages, busy time, the nearest limit, the one-line finding), so that a part
//! reads the same in a terminal, a pull-request comment, a code-scanning alert and a test report.
//!
//! Every format is a pure function of the [`DueList`] and the [`RenderOptions`]: no clock, no
//! environment, no hash-map order, so the same input gives the same bytes (contract 5).
use crate::due::{DueItem, DueList, LimitKind, Status};
use crate::time::{DAY, Secs, format_date};

mod github;
mod html;
mod json;
mod junit;
mod markdown;
mod sarif;
mod table;

/// The JSON Schema (draft-07) of the `wear-report/1` JSON output, for `--format json` readers.
pub const JSON_SCHEMA: &str = include_str!("report.schema.json");

/// Where users learn about the tool; SARIF's `tool.driver.informationUri`.
pub const INFORMATION_URI: &str = "https://example.invalid/wear";

/// An output format of `cargo wear report --format`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// Aligned columns for a terminal, most urgent first, with a summary line.
    Table,
    /// `wear-report/1` JSON, described by `cli/src/report/report.schema.json`.
    Json,
    /// A Markdown summary for a pull-request comment or `$GITHUB_STEP_SUMMARY`.
    Markdown,
    /// SARIF 2.1.0 for GitHub code scanning: overdue and due-soon parts as results.
    Sarif,
    /// GitHub Actions workflow commands: an annotation per overdue or due-soon part.
    Github,
    /// JUnit XML for GitLab and Jenkins: a test case per part.
    Junit,
    /// One self-contained HTML page: a treemap, the wear map and a sortable due list.
    Html,
}

/// What the caller decides for every format.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RenderOptions {
    /// Colour the table with ANSI styles (the caller decides from the terminal and `NO_COLOR`);
    /// when false no escape code is written in any format.
    pub color: bool,
    /// The status `check` fails on (`Overdue` or `DueSoon`): parts at or past it are JUnit
    /// failures and the JSON report records it.
    pub fail_on: Status,
    /// The version of `cargo-wear` written in JSON, SARIF and JUnit.
    pub tool_version: &'static str,
}

/// Renders the due list (already sorted by [`DueList::sort`]) in `format`; the text ends with a
/// newline.
pub fn render(list: &DueList, format: Format, opts: &RenderOptions) -> String {
    match format {
        Format::Table => table::render(list, opts),
        Format::Json => json::render(list, opts),
        Format::Markdown => markdown::render(list, opts),
        Format::Sarif => sarif::render(list, opts),
        Format::Github => github::render(list, opts),
        Format::Junit => junit::render(list, opts),
        Format::Html => html::render(list, opts),
    }
}

/// Whether a part with `status` is at or past `fail_on` (statuses are ordered most urgent
/// first).
fn fails(status: Status, fail_on: Status) -> bool {
    status <= fail_on
}

/// Whether a part is a finding for annotations and code scanning: overdue or due soon.
fn is_finding(status: Status) -> bool {
    matches!(status, Status::Overdue | Status::DueSoon)
}

/// `n` for people: exact below 10,000, then one decimal below 100 of a unit and whole units
/// above (`9999`, `12.3k`, `456k`, `1.2M`, `3G`), trailing `.0` dropped. Integer arithmetic,
/// so every platform prints the same.
pub(crate) fn count(n: u64) -> String {
    if n < 10_000 {
        return n.to_string();
    }
    let n = u128::from(n);
    for (unit, suffix) in [(1_000u128, "k"), (1_000_000, "M"), (1_000_000_000, "G"), (1_000_000_000_000, "T")]
    {
        let tenths = (n * 10 + unit / 2) / unit;
        if tenths < 1_000 {
            return match tenths % 10 {
                0 => format!("{}{suffix}", tenths / 10),
                d => format!("{}.{d}{suffix}", tenths / 10),
            };
        }
        let whole = (n + unit / 2) / unit;
        if whole < 1_000 {
            return format!("{whole}{suffix}");
        }
    }
    let unit = 1_000_000_000_000_000u128;
    format!("{}P", (n + unit / 2) / unit)
}

/// `calls` or `-` when no usage covers the part.
fn opt_count(n: Option<u64>) -> String {
    n.map_or_else(|| "-".to_owned(), count)
}

/// Whole days from `then` to `now` (`412d`); `0d` for instants after `now`, `-` when unknown.
fn age(now: Secs, then: Option<Secs>) -> String {
    match then {
        Some(t) => format!("{}d", (now.saturating_sub(t)).max(0) / DAY),
        None => "-".to_owned(),
    }
}

/// Busy time for people, to two units at most: `850ns`, `12us`, `340ms`, `4.2s`, `3m07s`,
/// `2h05m`, `3d04h`; `-` when the part is not timed.
pub(crate) fn busy(ns: Option<u64>) -> String {
    let Some(ns) = ns else { return "-".to_owned() };
    const US: u64 = 1_000;
    const MS: u64 = 1_000_000;
    const S: u64 = 1_000_000_000;
    match ns {
        n if n < US => format!("{n}ns"),
        n if n < MS => format!("{}us", n / US),
        n if n < S => format!("{}ms", n / MS),
        n if n < 60 * S => format!("{}.{}s", n / S, n % S / (S / 10)),
        n if n < 3_600 * S => format!("{}m{:02}s", n / (60 * S), n / S % 60),
        n if n < 86_400 * S => format!("{}h{:02}m", n / (3_600 * S), n / (60 * S) % 60),
        n => format!("{}d{:02}h", n / (86_400 * S), n / (3_600 * S) % 24),
    }
}

/// The word for a limit in running text.
pub(crate) fn limit_word(kind: LimitKind) -> &'static str {
    match kind {
        LimitKind::Calls => "calls",
        LimitKind::Busy => "busy time",
        LimitKind::Age => "age",
    }
}

/// A percentage as whole percent (`87%`), or `?%` when it could not be computed.
fn percent(p: f64) -> String {
    if p.is_finite() { format!("{:.0}%", p.max(0.0)) } else { "?%".to_owned() }
}

/// The nearest limit for a table cell: `87% calls (1G)`, `112% age (365d)`, or `-`.
fn nearest(item: &DueItem) -> String {
    match &item.nearest {
        Some(n) => {
            format!("{} {} ({})", percent(n.percent), limit_word(n.kind), limit_text(n.kind, &n.limit))
        }
        None => "-".to_owned(),
    }
}

/// A limit as written in the policy, with a calls limit made readable (`1000000000` → `1G`).
pub(crate) fn limit_text(kind: LimitKind, limit: &str) -> String {
    match (kind, limit.parse::<u64>()) {
        (LimitKind::Calls, Ok(n)) => count(n),
        _ => limit.to_owned(),
    }
}

/// The projected due date, or `-`.
fn due_date(item: &DueItem) -> String {
    item.projected_due.map_or_else(|| "-".to_owned(), format_date)
}

/// `file:line` of the part's first line.
fn location(item: &DueItem) -> String {
    format!("{}:{}", item.file, item.lines[0])
}

/// `1 overdue, 0 due-soon, 3 serviceable, 1 in-storage, 2 unknown`.
fn counts_text(list: &DueList) -> String {
    list.counts().iter().map(|(s, n)| format!("{n} {}", s.as_str())).collect::<Vec<_>>().join(", ")
}

/// `N part(s)`.
fn parts_text(n: usize) -> String {
    if n == 1 { "1 part".to_owned() } else { format!("{n} parts") }
}

/// What the usage data covers: `usage from 2026-01-01 to 2026-03-01`, or `no usage data`.
fn window_text(list: &DueList) -> String {
    match list.usage_window {
        Some([from, to]) => format!("usage from {} to {}", format_date(from), format_date(to)),
        None => "no usage data".to_owned(),
    }
}

/// `s` on one line with nothing a terminal, a log viewer or a CI runner would act on: line
/// breaks, escape codes, other control characters and bidi overrides become visible escapes
/// (`\n`, `\u{1b}`, `\u{202e}`), as [`crate::safe_text::escape`] writes them.
pub(crate) fn one_line(s: &str) -> String {
    crate::safe_text::escape(s).into_owned()
}

/// The note printed when the history is shallow.
const SHALLOW_NOTE: &str = "shallow clone: ages at the cut are lower bounds";

/// A remark for the sign-off that restarted the part's intervals, if any.
fn signed_off_remark(item: &DueItem) -> Option<String> {
    item.signed_off_at.map(|t| format!("signed off {}", format_date(t)))
}

/// Every remark of a part in order: its sign-off, then the due list's remarks.
fn remarks(item: &DueItem) -> Vec<String> {
    signed_off_remark(item).into_iter().chain(item.remarks.iter().cloned()).collect()
}

/// One line (no line breaks or control characters) saying why a part is a finding, for annotations, code scanning and test reports:
/// `shop::cart::Cart::add_item is overdue: 112% of its age limit (365d); 1.2M calls since
/// overhaul; last changed 2025-01-02, 412d ago.`
fn finding_text(item: &DueItem, now: Secs) -> String {
    let mut text = format!("{} is {}", item.part, status_phrase(item.status));
    if let Some(n) = &item.nearest {
        text.push_str(&format!(
            ": {} of its {} limit ({})",
            percent(n.percent),
            limit_word(n.kind),
            limit_text(n.kind, &n.limit)
        ));
    }
    if let Some(calls) = item.calls_since_overhaul {
        text.push_str(&format!("; {} calls since overhaul", count(calls)));
    }
    if let Some(t) = item.overhauled_at {
        text.push_str(&format!("; last changed {}, {} ago", format_date(t), age(now, Some(t))));
    }
    if let (Status::DueSoon, Some(t)) = (item.status, item.projected_due) {
        text.push_str(&format!("; projected due {}", format_date(t)));
    }
    text.push('.');
    for remark in remarks(item) {
        text.push_str(&format!(" Remark: {remark}."));
    }
    one_line(&text)
}

/// The status in running text: `overdue`, `due soon`, ...
fn status_phrase(status: Status) -> &'static str {
    match status {
        Status::Overdue => "overdue",
        Status::DueSoon => "due soon",
        Status::Serviceable => "serviceable",
        Status::InStorage => "in storage",
        Status::Unknown => "of unknown status",
    }
}

/// The module that holds a part, as well as its path shows it: the part path without the
/// function and without a leading type (a segment starting with an uppercase letter, as Rust
/// names types), the self type's for a trait impl (`<shop::cart::Cart<T> as From<u8>>::from` →
/// `shop::cart`). Best effort: a lowercase type name stays in the module path.
pub(crate) fn module_path(part: &str) -> String {
    let path = match trait_impl_self_type(part) {
        Some(self_ty) => self_ty,
        None => part.rsplit_once("::").map_or("", |(head, _)| head),
    };
    let segments = top_level_segments(path);
    let modules: Vec<&str> = segments
        .iter()
        .take_while(|s| !s.starts_with(|c: char| c.is_uppercase() || !(c.is_alphanumeric() || c == '_')))
        .copied()
        .collect();
    modules.join("::")
}

/// `shop::cart::Cart<T>` from `<shop::cart::Cart<T> as From<u8>>::from`.
fn trait_impl_self_type(part: &str) -> Option<&str> {
    let inner = part.strip_prefix('<')?;
    let mut depth = 0usize;
    for (i, c) in inner.char_indices() {
        match c {
            '<' | '(' | '[' => depth += 1,
            '>' | ')' | ']' => depth = depth.checked_sub(1)?,
            ' ' if depth == 0 && inner[i..].starts_with(" as ") => return Some(&inner[..i]),
            _ => {}
        }
    }
    None
}

/// The `::`-separated segments of a path that are not inside `<...>`, `(...)` or `[...]`.
fn top_level_segments(path: &str) -> Vec<&str> {
    let mut segments = Vec::new();
    let (mut depth, mut start) = (0usize, 0usize);
    let bytes = path.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'<' | b'(' | b'[' => depth += 1,
            b'>' | b')' | b']' => depth = depth.saturating_sub(1),
            b':' if depth == 0 && bytes.get(i + 1) == Some(&b':') => {
                segments.push(&path[start..i]);
                start = i + 2;
                i += 1;
            }
            _ => {}
        }
        i += 1;
    }
    segments.push(&path[start..]);
    segments.retain(|s| !s.is_empty());
    segments
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_are_exact_then_compact() {
        let cases = [
            (0, "0"),
            (9_999, "9999"),
            (10_000, "10k"),
            (12_345, "12.3k"),
            (99_949, "99.9k"),
            (99_950, "100k"),
            (456_789, "457k"),
            (999_499, "999k"),
            (999_500, "1M"),
            (1_234_567, "1.2M"),
            (1_000_000_000, "1G"),
            (u64::MAX, "18447P"),
        ];
        for (n, text) in cases {
            assert_eq!(count(n), text, "{n}");
        }
    }

    #[test]
    fn busy_time_has_two_units_at_most() {
        let s = 1_000_000_000u64;
        let cases = [
            (None, "-"),
            (Some(850), "850ns"),
            (Some(12_500), "12us"),
            (Some(340_000_000), "340ms"),
            (Some(4 * s + 250_000_000), "4.2s"),
            (Some(187 * s), "3m07s"),
            (Some(2 * 3600 * s + 5 * 60 * s), "2h05m"),
            (Some(3 * 86_400 * s + 4 * 3600 * s + 59), "3d04h"),
        ];
        for (ns, text) in cases {
            assert_eq!(busy(ns), text, "{ns:?}");
        }
    }

    #[test]
    fn ages_are_whole_days_and_never_negative() {
        assert_eq!(age(10 * DAY + 5, Some(5)), "10d");
        assert_eq!(age(10 * DAY, Some(10 * DAY - 1)), "0d");
        assert_eq!(age(0, Some(DAY)), "0d");
        assert_eq!(age(0, None), "-");
    }

    #[test]
    fn module_paths_skip_types_and_trait_impls() {
        let cases = [
            ("shop::cart::checkout", "shop::cart"),
            ("shop::cart::Cart::add_item", "shop::cart"),
            ("<shop::cart::Cart<T> as From<(u8, u16)>>::from", "shop::cart"),
            ("<shop::Map<K, V> as Index<&K>>::index", "shop"),
            ("shop::Pricing::total", "shop"),
            ("main", ""),
            ("<broken", ""),
        ];
        for (part, module) in cases {
            assert_eq!(module_path(part), module, "{part}");
        }
    }

    #[test]
    fn one_line_leaves_nothing_for_a_terminal_to_act_on() {
        assert_eq!(one_line("a\r\nb\tc\x1b[31md\u{7}\u{202e}"), "a\\r\\nb\\tc\\u{1b}[31md\\u{7}\\u{202e}");
        assert_eq!(one_line("<S as T<'a>>::f"), "<S as T<'a>>::f");
    }

    #[test]
    fn fail_on_includes_everything_more_urgent() {
        assert!(fails(Status::Overdue, Status::Overdue));
        assert!(!fails(Status::DueSoon, Status::Overdue));
        assert!(fails(Status::Overdue, Status::DueSoon));
        assert!(fails(Status::DueSoon, Status::DueSoon));
        assert!(!fails(Status::Serviceable, Status::DueSoon));
    }
}
