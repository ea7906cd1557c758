//! The due list as text, in every format `--format` offers: one file per format, and here the
//! choice of format, the options every format shares and the wording they have in common (the
//! nearest limit, the one-line finding, the summary counts; numbers and ages in words are in
//! [`crate::present`]), so that a part reads the same in a terminal, a pull-request comment, a
//! code-scanning alert and a test report.
//!
//! Every format is a pure function of the [`DueList`] and the [`RenderOptions`]: no clock, no
//! environment, no hash-map order, so the same input gives the same bytes (contract 5).
use crate::due::{DueItem, DueList, LimitKind, Status};
use crate::present::text::one_line;
use crate::present::words::{age, count, percent};
use crate::time::{Secs, format_date};

mod csv;
pub(crate) mod github;
mod html;
pub(crate) use html::{Hue, PageOptions, render_page};
mod json;
pub(crate) use json::PartId;
mod junit;
pub(crate) mod markdown;
mod sarif;
mod table;

/// The JSON Schema (draft-07) of the `wear-report/2` JSON output, for `--format json` readers.
pub const JSON_SCHEMA: &str = include_str!("report.schema.json");

/// Where users learn about the tool; SARIF's `tool.driver.informationUri`.
pub(crate) const INFORMATION_URI: &str = "https://example.invalid/wear";

/// An output format of `cargo wear report --format`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// Aligned columns for a terminal, most urgent first, with a summary line.
    Table,
    /// `wear-report/2` JSON, described by `cli/src/report/report.schema.json`.
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
    /// A row per part for spreadsheets: part, file, lines, status, ages in days, calls, the
    /// nearest limit, authors.
    Csv,
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

impl RenderOptions {
    /// What this `cargo-wear` writes: its own version, colour as asked, failing on `fail_on`.
    pub(crate) fn of_this_tool(color: bool, fail_on: Status) -> RenderOptions {
        RenderOptions { color, fail_on, tool_version: env!("CARGO_PKG_VERSION") }
    }
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
        Format::Csv => csv::render(list, opts),
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

/// The word for a limit in running text.
pub(crate) fn limit_word(kind: LimitKind) -> &'static str {
    match kind {
        LimitKind::Calls => "calls",
        LimitKind::Busy => "busy time",
        LimitKind::Age => "age",
    }
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

/// What the usage data covers: `usage from 2026-01-01 to 2026-03-01`, or `no usage data`.
fn window_text(list: &DueList) -> String {
    match list.usage_window {
        Some([from, to]) => format!("usage from {} to {}", format_date(from), format_date(to)),
        None => "no usage data".to_owned(),
    }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fail_on_includes_everything_more_urgent() {
        assert!(fails(Status::Overdue, Status::Overdue));
        assert!(!fails(Status::DueSoon, Status::Overdue));
        assert!(fails(Status::Overdue, Status::DueSoon));
        assert!(fails(Status::DueSoon, Status::DueSoon));
        assert!(!fails(Status::Serviceable, Status::DueSoon));
    }
}
