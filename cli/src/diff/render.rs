//! `cargo wear diff` written out: a table for a terminal, `wear-diff/1` JSON for programs,
//! Markdown for a pull-request comment, SARIF for code scanning and GitHub annotations at the
//! changed lines; highest-traffic changes first.
use serde::Serialize;

use super::{Change, Diff};
use crate::present::words::{age, opt_count};
use crate::report::markdown::{code, text};
use crate::safe_text::escape;
use crate::time::format_instant;

/// The JSON document's schema name; a change of its shape changes the number.
pub(crate) const SCHEMA: &str = "wear-diff/1";

/// How `cargo wear diff` writes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub(crate) enum DiffFormat {
    /// Aligned columns for a terminal, with a summary line.
    Table,
    /// `wear-diff/1` JSON: every touched part with its usage before the change.
    Json,
    /// A Markdown summary for a pull-request comment.
    Markdown,
    /// SARIF 2.1.0 for code scanning: a result per touched part production called.
    Sarif,
    /// GitHub Actions workflow commands: an annotation per touched part production called.
    Github,
}

/// `diff` in `format`.
pub(crate) fn render(diff: &Diff, format: DiffFormat) -> String {
    match format {
        DiffFormat::Table => table(diff),
        DiffFormat::Json => json(diff),
        DiffFormat::Markdown => markdown(diff),
        DiffFormat::Sarif => super::sarif::render(diff, env!("CARGO_PKG_VERSION")),
        DiffFormat::Github => github(diff),
    }
}

/// The one-line summary every format starts with.
fn summary(diff: &Diff) -> String {
    let n = diff.changes.len();
    let parts = if n == 1 { "part" } else { "parts" };
    if diff.total_calls == 0 {
        return format!("this change touches {n} {parts}; no usage is recorded for the base");
    }
    format!(
        "this change touches {n} {parts} that took {}% of the calls recorded for the base",
        percent(diff.share())
    )
}

/// A share as a whole percentage, `<1` for a share above zero that rounds to none.
fn percent(share: f64) -> String {
    let whole = (share * 100.0).round();
    if whole == 0.0 && share > 0.0 { "<1".to_owned() } else { format!("{whole:.0}") }
}

fn from_text(change: &Change) -> String {
    change.from.as_deref().map_or_else(String::new, |from| format!(" (from {from})"))
}

fn status(change: &Change) -> &'static str {
    change.after.as_ref().map_or("-", |a| a.status.as_str())
}

fn oldest(diff: &Diff, change: &Change) -> String {
    age(diff.now, change.after.as_ref().or(change.before.as_ref()).and_then(|i| i.oldest_line_at))
}

fn table(diff: &Diff) -> String {
    let mut rows = vec![[
        "change".to_owned(),
        "part".to_owned(),
        "calls before".to_owned(),
        "failures".to_owned(),
        "oldest line".to_owned(),
        "status".to_owned(),
        "location".to_owned(),
    ]];
    for c in &diff.changes {
        let before = c.before.as_ref();
        rows.push([
            c.kind.as_str().to_owned(),
            format!("{}{}", escape(&c.path), escape(&from_text(c))),
            opt_count(before.and_then(|b| b.calls_since_new)),
            opt_count(before.and_then(|b| b.failures)),
            oldest(diff, c),
            status(c).to_owned(),
            format!("{}:{}", escape(&c.file), c.lines[0]),
        ]);
    }
    let widths: Vec<usize> =
        (0..7).map(|i| rows.iter().map(|r| r[i].chars().count()).max().unwrap_or(0)).collect();
    let mut out = format!(
        "{} against {} ({})\n",
        summary(diff),
        escape(&diff.base.named),
        short(&diff.base.commit.to_string())
    );
    if diff.changes.is_empty() {
        return out;
    }
    out.push('\n');
    for row in &rows {
        let cells: Vec<String> = row
            .iter()
            .zip(&widths)
            .enumerate()
            .map(
                |(i, (cell, w))| {
                    if (2..=3).contains(&i) { format!("{cell:>w$}") } else { format!("{cell:<w$}") }
                },
            )
            .collect();
        out.push_str(cells.join("  ").trim_end());
        out.push('\n');
    }
    out
}

fn short(id: &str) -> &str {
    id.get(..12).unwrap_or(id)
}

fn markdown(diff: &Diff) -> String {
    let mut out = format!(
        "### cargo wear diff\n\n{} (against {}, `{}`).\n",
        capital(&summary(diff)),
        text(&diff.base.named),
        short(&diff.base.commit.to_string())
    );
    if diff.changes.is_empty() {
        return out;
    }
    out.push_str("\n| change | part | calls before | failures | oldest line | status | location |\n");
    out.push_str("|---|---|--:|--:|--:|---|---|\n");
    for c in &diff.changes {
        let before = c.before.as_ref();
        let from = c.from.as_deref().map_or_else(String::new, |f| format!(" (from {})", code(f)));
        out.push_str(&format!(
            "| {} | {}{} | {} | {} | {} | {} | {} |\n",
            c.kind.as_str(),
            code(&c.path),
            from,
            opt_count(before.and_then(|b| b.calls_since_new)),
            opt_count(before.and_then(|b| b.failures)),
            oldest(diff, c),
            status(c),
            code(&format!("{}:{}", c.file, c.lines[0])),
        ));
    }
    out
}

/// A `::warning` per touched part whose code changed without a sign-off and that production
/// called, a `::notice` per other touched part it called, then a `::notice` with the summary.
fn github(diff: &Diff) -> String {
    use crate::report::github::{data, property};
    let mut out = String::new();
    for c in diff.changes.iter().filter(|c| c.calls() > 0) {
        let inspect = matches!(c.kind, super::Kind::Changed | super::Kind::Removed) && !c.signed_off();
        let command = if inspect { "warning" } else { "notice" };
        let (start, end) = (c.lines[0].max(1), c.lines[1].max(c.lines[0]).max(1));
        let title = format!("{}: {}", c.kind.as_str(), c.path);
        let text = format!("{} calls before this change{}", opt_count(Some(c.calls())), from_text(c));
        out.push_str(&format!(
            "::{command} file={},line={start},endLine={end},title={}::{}\n",
            property(&c.file),
            property(&title),
            data(&text)
        ));
    }
    out.push_str(&format!("::notice::{}\n", data(&format!("cargo wear diff: {}", summary(diff)))));
    out
}

fn capital(s: &str) -> String {
    let mut chars = s.chars();
    chars.next().map(|c| c.to_uppercase().chain(chars).collect()).unwrap_or_default()
}

#[derive(Serialize)]
struct Document<'a> {
    schema: &'static str,
    base: BaseOut,
    head: Option<&'a str>,
    now: String,
    files: usize,
    total_calls: u64,
    share: f64,
    parts: Vec<PartOut<'a>>,
}

#[derive(Serialize)]
struct BaseOut {
    commit: String,
    named: String,
}

#[derive(Serialize)]
struct PartOut<'a> {
    change: &'static str,
    path: &'a str,
    from: Option<&'a str>,
    file: &'a str,
    lines: [u32; 2],
    serial_before: Option<&'a str>,
    serial_after: Option<&'a str>,
    calls_before: Option<u64>,
    calls_since_overhaul_before: Option<u64>,
    failures_before: Option<u64>,
    busy_ns_before: Option<u64>,
    oldest_line_at: Option<String>,
    status: Option<&'static str>,
    signed_off: bool,
}

fn json(diff: &Diff) -> String {
    let parts = diff
        .changes
        .iter()
        .map(|c| {
            let (before, after) = (c.before.as_ref(), c.after.as_ref());
            PartOut {
                change: c.kind.as_str(),
                path: &c.path,
                from: c.from.as_deref(),
                file: &c.file,
                lines: c.lines,
                serial_before: before.map(|b| b.serial.as_str()),
                serial_after: after.map(|a| a.serial.as_str()),
                calls_before: before.and_then(|b| b.calls_since_new),
                calls_since_overhaul_before: before.and_then(|b| b.calls_since_overhaul),
                failures_before: before.and_then(|b| b.failures),
                busy_ns_before: before.and_then(|b| b.busy_ns),
                oldest_line_at: after.or(before).and_then(|i| i.oldest_line_at).map(format_instant),
                status: after.map(|a| a.status.as_str()),
                signed_off: c.signed_off(),
            }
        })
        .collect();
    let doc = Document {
        schema: SCHEMA,
        base: BaseOut { commit: diff.base.commit.to_string(), named: diff.base.named.clone() },
        head: diff.head.as_deref(),
        now: format_instant(diff.now),
        files: diff.files,
        total_calls: diff.total_calls,
        share: (diff.share() * 10_000.0).round() / 10_000.0,
        parts,
    };
    let mut out = serde_json::to_string_pretty(&doc).unwrap_or_default();
    out.push('\n');
    out
}
