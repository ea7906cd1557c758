//! The due list as CSV, a row per part, for spreadsheets and scripts that do not read JSON:
//! `report --format csv`, and `heatmap --format csv` for the parts a heatmap draws (with
//! `--all`, every function's age). RFC 4180 quoting by the `csv` crate; control characters
//! escaped as in every output; a cell that a spreadsheet would run as a formula (starting with
//! `=`, `+`, `-`, `@`, a tab or a carriage return, as an author's name could) gets a leading `'`,
//! OWASP's advice for CSV injection. Ages are whole days since the report's instant.
use super::RenderOptions;
use crate::due::{DueItem, DueList};
use crate::safe_text::escape;
use crate::time::{DAY, Secs, format_instant};

/// The columns, in order.
const HEADER: [&str; 17] = [
    "part",
    "file",
    "first_line",
    "last_line",
    "serial",
    "status",
    "age_since_overhaul_days",
    "age_since_new_days",
    "calls_since_overhaul",
    "calls_since_new",
    "busy_ns",
    "failures",
    "nearest_limit",
    "nearest_limit_percent",
    "projected_due",
    "commits",
    "authors",
];

/// The CSV document, header first.
pub(super) fn render(list: &DueList, _opts: &RenderOptions) -> String {
    // Line feeds end records, as in every output of wear (a raw carriage return is a control
    // character it never prints); spreadsheets and CSV readers take either.
    let mut out = csv::WriterBuilder::new().terminator(csv::Terminator::Any(b'\n')).from_writer(Vec::new());
    // Writing to memory fails only on a bad record length, which the fixed header rules out.
    let _ = out.write_record(HEADER);
    for item in &list.parts {
        let _ = out.write_record(row(item, list.now).iter().map(|cell| inert(cell)));
    }
    let bytes = out.into_inner().unwrap_or_default();
    String::from_utf8(bytes).unwrap_or_default()
}

fn row(item: &DueItem, now: Secs) -> [String; 17] {
    let days =
        |at: Option<Secs>| at.map(|t| (now.saturating_sub(t).max(0) / DAY).to_string()).unwrap_or_default();
    let number = |n: Option<u64>| n.map(|n| n.to_string()).unwrap_or_default();
    let nearest = item.nearest.as_ref();
    [
        item.part.clone(),
        item.file.clone(),
        item.lines[0].to_string(),
        item.lines[1].to_string(),
        item.serial.clone(),
        item.status.as_str().to_owned(),
        days(item.overhauled_at),
        days(item.oldest_line_at),
        number(item.calls_since_overhaul),
        number(item.calls_since_new),
        number(item.busy_ns),
        number(item.failures),
        nearest.map(|n| format!("{} {}", super::limit_word(n.kind), n.limit)).unwrap_or_default(),
        nearest.filter(|n| n.percent.is_finite()).map(|n| format!("{:.1}", n.percent)).unwrap_or_default(),
        item.projected_due.map(format_instant).unwrap_or_default(),
        item.commits.to_string(),
        item.authors.join("; "),
    ]
}

/// `cell` with control characters escaped and a leading `'` when a spreadsheet would read it
/// as a formula.
fn inert(cell: &str) -> String {
    let cell = escape(cell);
    match cell.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => format!("'{cell}"),
        _ => cell.into_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::due::Status;
    use crate::heatmap::layout::tests_support::item;

    #[test]
    fn a_row_per_part_quoted_and_inert() {
        let mut a = item("shop::cart::add");
        a.status = Status::Overdue;
        a.overhauled_at = Some(90 * DAY);
        a.calls_since_overhaul = Some(1200);
        a.authors = vec!["=HYPERLINK(\"x\")".into(), "Bo, Jr.".into()];
        let b = item("<shop::Price as From<u8>>::from");
        let list = DueList {
            schema: "wear-report/2",
            now: 100 * DAY,
            head: None,
            shallow: false,
            usage_window: None,
            parts: vec![a, b],
        };
        let text = render(&list, &RenderOptions::of_this_tool(false, Status::Overdue));
        let mut rows = csv::Reader::from_reader(text.as_bytes());
        assert_eq!(rows.headers().unwrap().iter().collect::<Vec<_>>(), HEADER);
        let records: Vec<csv::StringRecord> = rows.records().map(Result::unwrap).collect();
        assert_eq!(records.len(), 2);
        assert_eq!(&records[0][0], "shop::cart::add");
        assert_eq!((&records[0][5], &records[0][6], &records[0][8]), ("overdue", "10", "1200"));
        assert_eq!(&records[0][16], "'=HYPERLINK(\"x\"); Bo, Jr.", "a formula is made inert");
        assert_eq!(&records[1][0], "<shop::Price as From<u8>>::from");
        assert_eq!(&records[1][6], "", "no age: an empty cell, not 0");
        assert!(text.ends_with('\n') && !text.contains('\r'));
    }
}
