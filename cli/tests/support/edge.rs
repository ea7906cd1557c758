//! The guide's table of real-world edge cases (`docs/src/edge-cases.md`): checkouts, clones,
//! file systems, clocks and names that CI runners and laptops have. Each row is owned by the
//! test that proves it: the test runs the real binary, then [`record`] renders what it saw
//! (exit code, first line, what to do) with the proof the test checked, and compares it with
//! the guide's row of the same id; `UPDATE_EXPECT=1` rewrites that row instead. So the table
//! is what users see, and a row cannot outlive its test: [`IDS`] lists every row, and
//! `cli/tests/edge_table.rs` checks that the guide holds exactly those.
#![allow(dead_code, reason = "each test file uses a different subset")]

use std::fs;
use std::path::PathBuf;
use std::process::Output;

/// The guide's chapter that holds the table.
pub const CHAPTER: &str = "docs/src/edge-cases.md";

/// Every row of the table, in the order the guide shows them: `O` output paths, `K` checkouts
/// and clones, `T` clocks and dates, `I` inputs that never end, `N` names, `L` logbooks.
#[rustfmt::skip] // one line of ids per group, under its comment: rustfmt would join them
pub const IDS: &[&str] = &[
    // output paths
    "O1", "O2", "O3", "O4", "O5", "O6", "O7", "O8", "O9", "O10", "O11", "O12", "O13", "O14", "O15",
    // checkouts and clones
    "K1", "K2", "K3", "K4", "K5", "K6", "K7",
    // clocks and dates
    "T1", "T2", "T3", "T4", "T5", "T6", "T7",
    // inputs that never end
    "I1", "U1", "U2", "U3",
    // names
    "N1", "N2", "N3", "N4", "N5",
    // logbooks
    "L1", "L2", "L3", "L4", "L5", "L6", "L7",
];

/// What one edge case showed.
pub struct Row<'a> {
    /// The row's id, one of [`IDS`].
    pub id: &'static str,
    /// The situation, in the user's words.
    pub situation: &'a str,
    /// The command as the user types it, without `cargo wear`.
    pub command: &'a str,
    /// What the run printed and how it exited.
    pub output: &'a Output,
    /// What the test proved besides the output: nothing replaced, truncated or misread.
    pub proof: &'a str,
}

/// Checks `row` against the guide's row of the same id, or rewrites it under `UPDATE_EXPECT=1`.
pub fn record(row: Row<'_>) {
    assert!(IDS.contains(&row.id), "{} is not in support::edge::IDS", row.id);
    let line = render(&row);
    let path = chapter();
    if std::env::var_os("UPDATE_EXPECT").is_some_and(|v| v == "1") {
        // Tests of one binary run on threads, binaries one after another: the lock keeps two
        // threads from writing the chapter at once.
        let lock = fs::File::options().read(true).write(true).open(&path).expect(CHAPTER);
        // `fs4`, not `File::lock`: that is Rust 1.89, after the crate's MSRV.
        fs4::FileExt::lock(&lock).expect("lock the chapter");
        let text = fs::read_to_string(&path).expect(CHAPTER);
        fs::write(&path, with_row(&text, row.id, &line)).expect(CHAPTER);
        return;
    }
    let text = fs::read_to_string(&path).expect(CHAPTER);
    let current = rows(&text).into_iter().find(|(id, _)| *id == row.id).map(|(_, l)| l);
    assert_eq!(
        current.as_deref(),
        Some(line.as_str()),
        "{CHAPTER}'s row {} differs from what users see (UPDATE_EXPECT=1 rewrites it)",
        row.id
    );
}

/// The chapter's path.
pub fn chapter() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..").join(CHAPTER)
}

/// The rows between the markers, by id.
pub fn rows(text: &str) -> Vec<(String, String)> {
    let Some((_, rest)) = text.split_once("<!-- edge-cases:begin -->\n") else { return Vec::new() };
    let body = rest.split_once("<!-- edge-cases:end -->").map_or(rest, |(body, _)| body);
    body.lines()
        .filter_map(|l| {
            let id = l.strip_prefix("| ")?.split(' ').next()?;
            IDS.contains(&id).then(|| (id.to_owned(), l.to_owned()))
        })
        .collect()
}

/// The table's head.
pub const HEAD: &str = "| id | situation | command | exit | what the user sees (first line) | what it says to do | what the test proves |\n\
                        |---|---|---|---|---|---|---|\n";

/// `text` with the row `id` replaced by `line`, or inserted in the order of [`IDS`].
fn with_row(text: &str, id: &str, line: &str) -> String {
    let begin = "<!-- edge-cases:begin -->\n";
    let (before, rest) = text.split_once(begin).unwrap_or_else(|| panic!("{CHAPTER} has no `{begin}`"));
    let (_, after) =
        rest.split_once("<!-- edge-cases:end -->").unwrap_or_else(|| panic!("{CHAPTER} has no end marker"));
    let mut table: Vec<(String, String)> = rows(text).into_iter().filter(|(i, _)| i != id).collect();
    table.push((id.to_owned(), line.to_owned()));
    table.sort_by_key(|(i, _)| IDS.iter().position(|x| x == i));
    let body: String = table.iter().map(|(_, l)| format!("{l}\n")).collect();
    format!("{before}{begin}{HEAD}{body}<!-- edge-cases:end -->{after}")
}

fn render(row: &Row<'_>) -> String {
    let stderr = String::from_utf8_lossy(&row.output.stderr);
    let mut lines = stderr.lines().map(str::trim).filter(|l| !l.is_empty());
    let first = lines.next().map_or("(no warning)".to_owned(), without_temp_dirs);
    let todo = lines
        .find_map(|l| l.strip_prefix("help: ").or_else(|| l.strip_prefix("= help: ")))
        .map_or(String::new(), without_temp_dirs);
    let exit = row.output.status.code().map_or("signal".to_owned(), |c| c.to_string());
    format!(
        "| {} | {} | `cargo wear {}` | {} | {} | {} | {} |",
        row.id,
        cell(row.situation),
        cell(row.command),
        exit,
        cell(&first),
        cell(&todo),
        cell(row.proof)
    )
}

/// `line` without the temporary folders the fixtures live in (`/tmp/.tmpAbC123/`), so that a
/// path reads as it would from the workspace root and the row is the same on every run.
fn without_temp_dirs(line: &str) -> String {
    let prefix = format!("{}/.tmp", std::env::temp_dir().display()).replace("//", "/");
    let mut out = String::new();
    let mut rest = line;
    while let Some(at) = rest.find(&prefix) {
        out.push_str(&rest[..at]);
        let after = &rest[at + prefix.len()..];
        rest = after.find('/').map_or("", |slash| &after[slash + 1..]);
    }
    out.push_str(rest);
    out
}

/// A table cell of the guide: `|` escaped, and `<` outside code spans written `&lt;`, so that
/// clap's `<FORMAT>` reads as text and not as an HTML tag (which Markdown would swallow).
pub fn cell(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut in_code = false;
    for c in text.chars() {
        match c {
            '`' => in_code = !in_code,
            '<' if !in_code => {
                out.push_str("&lt;");
                continue;
            }
            '|' => out.push('\\'),
            _ => {}
        }
        out.push(c);
    }
    out
}
