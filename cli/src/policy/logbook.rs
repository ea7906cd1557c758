//! A logbook file: inspection sign-offs, committed with the code so that they are reviewed like
//! code. A sign-off restarts a part's intervals while the part keeps the serial it was signed
//! off with. Where the files of a workspace's logbook live is [`super::logbook_folder`]'s.
//!
//! Each entry is one `[[signoff]]` block, appended as text after the others: existing bytes are
//! never rewritten, and a reviewer sees exactly one new block.
//!
//! ```toml
//! [[signoff]]
//! part = "shop::cart::Cart::add_item"
//! serial = "3f2a9c0d11e4b7a6"
//! date = 2026-11-21T12:00:00Z
//! calls = 120000          # calls since overhaul when signed off
//! busy_ns = 5400000000    # optional: busy time since overhaul when signed off
//! by = "Ada Lovelace"
//! note = "checked the rounding of discounts"
//! ```
use std::path::Path;

use serde::Deserialize;
use toml::Spanned;
use wear_identity::Serial;

use super::file::{line_of, read_optional};
use crate::error::{Error, Result};
use crate::fs::{Existing, FolderLock, write_atomically};
use crate::time::{Secs, format_instant, parse_instant};

/// The single logbook file of earlier versions, at the workspace root: still read, no longer
/// written.
pub const LOGBOOK_FILE: &str = "wear-logbook.toml";

/// The first lines of a new logbook.
const HEADER: &str = "\
# wear logbook: an inspection sign-off, written by `cargo wear inspect`. It restarts the
# part's limits until its serial changes. Commit it with the code.
";

/// One inspection sign-off.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SignOff {
    /// The part's path.
    pub part: String,
    /// The part's serial when it was signed off; a later serial makes the sign-off lapse.
    pub serial: String,
    /// When it was signed off.
    pub date: Secs,
    /// Calls since overhaul at the time, so that calls since sign-off can be told apart.
    pub(crate) calls: u64,
    /// Busy time since overhaul at the time, in nanoseconds, when the part is timed.
    pub(crate) busy_ns: Option<u64>,
    /// Who signed it off.
    pub by: String,
    /// What was looked at.
    pub note: String,
}

/// Every sign-off of a workspace, in file order.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Logbook {
    entries: Vec<SignOff>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawLogbook {
    #[serde(default)]
    signoff: Vec<Spanned<RawSignOff>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSignOff {
    part: Spanned<String>,
    serial: Spanned<String>,
    date: Spanned<toml::Value>,
    calls: u64,
    busy_ns: Option<u64>,
    by: String,
    #[serde(default)]
    note: String,
}

impl Logbook {
    /// Reads the logbook at `path`; a missing file is an empty logbook. A malformed one is an
    /// error naming the file and line.
    pub fn load(path: &Path) -> Result<Logbook> {
        match read_optional(path)? {
            Some(text) => Logbook::parse(path, &text),
            None => Ok(Logbook::default()),
        }
    }

    /// Parses a logbook's text; `path` names it in messages.
    pub fn parse(path: &Path, text: &str) -> Result<Logbook> {
        if let Some(line) = text.lines().position(|l| l.starts_with("<<<<<<<") || l.starts_with(">>>>>>>")) {
            return Err(Error::in_file(path, "holds git's conflict markers: a merge left it unresolved")
                .at_line(line + 1)
                .help("keep the `[[signoff]]` blocks of both sides whole and delete the marker lines"));
        }
        let raw: RawLogbook = toml::from_str(text).map_err(|e| {
            let help = if e.message().contains("unknown field") {
                "a logbook holds only `[[signoff]]` tables with `part`, `serial`, `date`, `calls`, `busy_ns`, `by` and `note`"
            } else if e.message().contains("missing field") {
                "every `[[signoff]]` needs `part`, `serial`, `date`, `calls` and `by`"
            } else {
                "fix this line (see https://toml.io); `cargo wear inspect` writes entries in the right form"
            };
            let mut error = Error::in_file(path, e.message().trim().to_owned()).help(help);
            if let Some(span) = e.span() {
                error = error.at_line(line_of(text, span.start));
            }
            error
        })?;
        let entries = raw
            .signoff
            .into_iter()
            .map(|entry| check(path, text, entry.into_inner()))
            .collect::<Result<_>>()?;
        Ok(Logbook { entries })
    }

    /// The sign-off that applies to `part` with its current `serial`: the latest by date
    /// (the later entry in the file on a tie). Sign-offs of older serials no longer apply.
    pub fn latest(&self, part: &str, serial: &str) -> Option<&SignOff> {
        latest(self.entries.iter().filter(|e| e.part == part && e.serial.eq_ignore_ascii_case(serial)))
    }

    /// The latest sign-off of `part` at `serial` dated at or before `now`: a sign-off from the
    /// future (a wrong clock, a typed year) must not silence a part.
    pub(crate) fn latest_until(&self, part: &str, serial: &str, now: Secs) -> Option<&SignOff> {
        latest(
            self.entries
                .iter()
                .filter(|e| e.part == part && e.serial.eq_ignore_ascii_case(serial) && e.date <= now),
        )
    }

    /// The latest sign-off of `part` with any serial, to tell the reader that a sign-off lapsed
    /// because the part changed since.
    pub(crate) fn latest_any_serial(&self, part: &str) -> Option<&SignOff> {
        latest(self.entries.iter().filter(|e| e.part == part))
    }

    /// Every sign-off, in file order.
    pub fn entries(&self) -> &[SignOff] {
        &self.entries
    }

    /// Adds the entries of `other` after these, as the next file of the logbook.
    pub(crate) fn extend(&mut self, other: Logbook) {
        self.entries.extend(other.entries);
    }

    /// Puts the entries oldest first; entries of one instant keep their order.
    pub(crate) fn sort_by_date(&mut self) {
        self.entries.sort_by_key(|e| e.date);
    }
}

fn latest<'a>(entries: impl Iterator<Item = &'a SignOff>) -> Option<&'a SignOff> {
    // `max_by_key` keeps the last of equal keys: the later entry in the file wins a tie.
    entries.max_by_key(|e| e.date)
}

/// Checks the values of one entry that the TOML types do not.
fn check(path: &Path, text: &str, raw: RawSignOff) -> Result<SignOff> {
    let at = |offset: usize| line_of(text, offset);
    if raw.part.get_ref().trim().is_empty() {
        return Err(Error::in_file(path, "`part` is empty")
            .at_line(at(raw.part.span().start))
            .help("write the part's path, like `part = \"shop::cart::Cart::add_item\"`"));
    }
    if let Err(e) = raw.serial.get_ref().parse::<Serial>() {
        return Err(Error::in_file(path, e.to_string())
            .at_line(at(raw.serial.span().start))
            .help("copy the serial from `cargo wear scan`, like `serial = \"3f2a9c0d11e4b7a6\"`"));
    }
    let date = match raw.date.get_ref() {
        toml::Value::Datetime(d) => parse_date(&d.to_string()),
        toml::Value::String(s) => parse_date(s),
        _ => None,
    }
    .ok_or_else(|| {
        Error::in_file(path, "`date` is not an RFC 3339 instant or a date")
            .at_line(at(raw.date.span().start))
            .help("write `date = 2026-11-21T12:00:00Z` (UTC) or `date = 2026-11-21`")
    })?;
    Ok(SignOff {
        part: raw.part.into_inner(),
        serial: raw.serial.into_inner(),
        date,
        calls: raw.calls,
        busy_ns: raw.busy_ns,
        by: raw.by,
        note: raw.note,
    })
}

/// An RFC 3339 instant, or a date alone meaning its midnight UTC. A date and time without an
/// offset is refused: it would mean a different instant in every time zone.
fn parse_date(text: &str) -> Option<Secs> {
    let text = text.trim();
    let is_date_alone = text.len() == 10 && !text.contains(['T', 't', ' ']);
    if let Ok(ts) = text.parse::<jiff::Timestamp>() {
        Some(ts.as_second())
    } else if is_date_alone {
        parse_instant(text).ok()
    } else {
        None
    }
}

/// Appends `entry` to the logbook at `path` (creating it with a short header if missing),
/// atomically. The existing text is kept byte for byte and the entry added as one new block.
/// A malformed logbook or an invalid entry is an error, and nothing is written.
pub fn append_signoff(path: &Path, entry: &SignOff) -> Result<()> {
    // Held from the read to the rename, so a concurrent sign-off is never lost.
    let lock = FolderLock::acquire(path)?;
    append_locked(path, entry, &lock)
}

/// [`append_signoff`] with the folder's `lock` already held by the caller.
pub(super) fn append_locked(path: &Path, entry: &SignOff, lock: &FolderLock) -> Result<()> {
    let existing = read_optional(path)?;
    let before = match &existing {
        Some(text) => Logbook::parse(path, text)?.entries.len(),
        None => 0,
    };
    if entry.part.trim().is_empty() {
        return Err(Error::new("cannot sign off a part without a path")
            .help("name the part, like `shop::cart::Cart::add_item`"));
    }
    if let Err(e) = entry.serial.parse::<Serial>() {
        return Err(Error::new(format!("cannot sign off `{}`: {e}", entry.part)));
    }
    if entry.by.trim().is_empty() {
        return Err(Error::new(format!("cannot sign off `{}` without saying who signs", entry.part))
            .help("pass `--by NAME`, or set git's `user.name`"));
    }
    let text = appended(existing.as_deref().unwrap_or(HEADER), entry);
    // The new text must read back as the old entries plus this one; anything else is a bug
    // here, and must not reach the file. A block cannot follow sign-offs written as an inline
    // array (`signoff = [...]`, valid TOML that reads): say so, not where the new text broke.
    let after = Logbook::parse(path, &text).map_err(|e| {
        Error::in_file(
            path,
            format!(
                "a new `[[signoff]]` block cannot be appended to this logbook ({}); nothing was written",
                e.message
            ),
        )
        .help("write its sign-offs as `[[signoff]]` blocks, one per entry, not as `signoff = [...]`")
    })?;
    if after.entries.len() != before + 1 || after.entries.last() != Some(entry) {
        return Err(Error::in_file(
            path,
            "the new sign-off did not read back as written; nothing was written",
        )
        .help("please report this as a bug in cargo wear"));
    }
    // Through a symbolic link (a logbook shared between checkouts): the link stays.
    let target = crate::fs::link_target(path).ok_or_else(|| {
        Error::in_file(path, "is a loop of symbolic links")
            .help("point the link at a file, or remove it; nothing was written")
    })?;
    write_atomically(&target, text.as_bytes(), Existing::Replace, lock)
}

/// `existing` followed by a blank line and the new block, in the file's own line endings.
fn appended(existing: &str, entry: &SignOff) -> String {
    let newline = if existing.contains("\r\n") { "\r\n" } else { "\n" };
    let mut text = existing.to_owned();
    if !text.is_empty() && !text.ends_with('\n') {
        text.push_str(newline);
    }
    if !text.is_empty() {
        text.push_str(newline);
    }
    text.push_str(&block(entry, newline));
    text
}

/// One `[[signoff]]` block, each line ended by `newline`.
pub(super) fn block(entry: &SignOff, newline: &str) -> String {
    let mut lines = vec![
        "[[signoff]]".to_owned(),
        format!("part = {}", quote(&entry.part)),
        format!("serial = {}", quote(&entry.serial)),
        format!("date = {}", format_instant(entry.date)),
        format!("calls = {}", entry.calls),
    ];
    if let Some(busy) = entry.busy_ns {
        lines.push(format!("busy_ns = {busy}"));
    }
    lines.push(format!("by = {}", quote(&entry.by)));
    lines.push(format!("note = {}", quote(&entry.note)));
    lines.iter().map(|line| format!("{line}{newline}")).collect()
}

/// A TOML basic string on one line: quotes, backslashes, control characters and bidi overrides
/// escaped, so that the logbook reads in review as it parses (no "Trojan Source" signer).
fn quote(value: &str) -> String {
    let mut out = String::with_capacity(value.len() + 2);
    out.push('"');
    for c in value.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if crate::safe_text::is_unsafe(c) => out.push_str(&format!("\\u{:04X}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}
