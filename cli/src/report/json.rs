//! The `wear-report/2` JSON report: the due list for programs, with its shape fixed by
//! `report.schema.json` beside this file. Every key is always present (`null` when there is no
//! value), keys keep the order of the structs below, instants are RFC 3339 strings in UTC and
//! statuses and limits are kebab-case words, so two reports of the same input are equal bytes.
use serde::Serialize;

use super::RenderOptions;
use crate::due::{DueItem, DueList, LimitUse, SCHEMA, Status};
use crate::time::{Secs, format_instant};

/// The document.
#[derive(Serialize)]
struct Report<'a> {
    schema: &'static str,
    tool: Tool,
    now: String,
    head: Option<&'a str>,
    shallow: bool,
    usage_window: Option<Window>,
    fail_on: Status,
    counts: Counts,
    parts: Vec<Part<'a>>,
}

/// The program that wrote the report.
#[derive(Serialize)]
struct Tool {
    name: &'static str,
    version: &'static str,
}

/// The span of time the usage data covers.
#[derive(Serialize)]
struct Window {
    from: String,
    to: String,
}

/// Parts per status.
#[derive(Serialize)]
#[serde(rename_all = "kebab-case")]
struct Counts {
    total: usize,
    overdue: usize,
    due_soon: usize,
    serviceable: usize,
    in_storage: usize,
    unknown: usize,
}

/// Who a part is, in every JSON output of wear (`scan`, `report`, and the runtime's snapshot):
/// its path, serial, file and first and last line (1-based).
#[derive(Serialize)]
pub(crate) struct PartId<'a> {
    pub(crate) path: &'a str,
    pub(crate) serial: &'a str,
    pub(crate) file: &'a str,
    pub(crate) lines: [u32; 2],
}

/// One part of the due list.
#[derive(Serialize)]
struct Part<'a> {
    #[serde(flatten)]
    id: PartId<'a>,
    status: Status,
    calls_since_overhaul: Option<u64>,
    calls_since_new: Option<u64>,
    busy_ns: Option<u64>,
    failures: Option<u64>,
    overhauled_at: Option<String>,
    oldest_line_at: Option<String>,
    signed_off_at: Option<String>,
    signed_off_by: Option<&'a str>,
    signoff_note: Option<&'a str>,
    commits: u32,
    authors: &'a [String],
    nearest: Option<&'a LimitUse>,
    projected_due: Option<String>,
    remarks: &'a [String],
}

/// Renders the report, pretty-printed, with a trailing newline.
pub(super) fn render(list: &DueList, opts: &RenderOptions) -> String {
    let [overdue, due_soon, serviceable, in_storage, unknown] = list.counts().map(|(_, n)| n);
    let report = Report {
        schema: SCHEMA,
        tool: Tool { name: "cargo-wear", version: opts.tool_version },
        now: format_instant(list.now),
        head: list.head.as_deref(),
        shallow: list.shallow,
        usage_window: list
            .usage_window
            .map(|[from, to]| Window { from: format_instant(from), to: format_instant(to) }),
        fail_on: opts.fail_on,
        counts: Counts { total: list.parts.len(), overdue, due_soon, serviceable, in_storage, unknown },
        parts: list.parts.iter().map(part).collect(),
    };
    let mut text = crate::safe_text::json(
        serde_json::to_string_pretty(&report)
            .expect("the report has string keys only, so it always serializes"),
    );
    text.push('\n');
    text
}

/// One part, with its instants written out.
fn part(item: &DueItem) -> Part<'_> {
    let instant = |t: Option<Secs>| t.map(format_instant);
    Part {
        id: PartId { path: &item.part, serial: &item.serial, file: &item.file, lines: item.lines },
        status: item.status,
        calls_since_overhaul: item.calls_since_overhaul,
        calls_since_new: item.calls_since_new,
        busy_ns: item.busy_ns,
        failures: item.failures,
        overhauled_at: instant(item.overhauled_at),
        oldest_line_at: instant(item.oldest_line_at),
        signed_off_at: instant(item.signed_off_at),
        signed_off_by: item.signed_off_by.as_deref(),
        signoff_note: item.signoff_note.as_deref(),
        commits: item.commits,
        authors: &item.authors,
        nearest: item.nearest.as_ref(),
        projected_due: instant(item.projected_due),
        remarks: &item.remarks,
    }
}
