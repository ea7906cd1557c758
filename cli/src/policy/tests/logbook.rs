//! The logbook: appends keep every existing byte, read back, and bad files change nothing.
use std::path::Path;

use super::{files_in, write};
use crate::policy::{Logbook, SignOff, append_signoff};
use crate::time::parse_instant;

const SERIAL_A: &str = "00000000000000aa";
const SERIAL_B: &str = "00000000000000bb";

fn entry(part: &str, serial: &str, date: &str) -> SignOff {
    SignOff {
        part: part.to_owned(),
        serial: serial.to_owned(),
        date: parse_instant(date).expect("a date"),
        calls: 1200,
        busy_ns: Some(5_000_000_000),
        by: "Ada Lovelace".to_owned(),
        note: "checked the rounding".to_owned(),
    }
}

/// A hand-edited logbook: comments, odd spacing, a string date, no final newline.
const HAND_WRITTEN: &str = "# our logbook\n\n[[signoff]]\npart   = \"shop::cart::add\"   # the cart\nserial = \"00000000000000AA\"\ndate = \"2026-01-02T03:04:05Z\"\ncalls = 7\nby = 'Grace'\nnote = '''long\nnote'''";

#[test]
fn a_missing_logbook_is_empty() {
    let root = tempfile::tempdir().expect("temp dir");
    let book = Logbook::load(&root.path().join("wear-logbook.toml")).expect("missing is fine");
    assert!(book.entries().is_empty());
}

#[test]
fn append_creates_the_logbook_and_reads_back() {
    let root = tempfile::tempdir().expect("temp dir");
    let path = root.path().join("wear-logbook.toml");
    let first = entry("shop::cart::add", SERIAL_A, "2026-03-01T10:00:00Z");
    append_signoff(&path, &first).expect("append");
    let text = std::fs::read_to_string(&path).expect("written");
    assert!(text.starts_with("# wear logbook"), "{text}");
    assert!(text.contains("\n\n[[signoff]]\npart = \"shop::cart::add\"\nserial = \"00000000000000aa\"\ndate = 2026-03-01T10:00:00Z\ncalls = 1200\nbusy_ns = 5000000000\nby = \"Ada Lovelace\"\nnote = \"checked the rounding\"\n"), "{text}");
    let book = Logbook::load(&path).expect("reads back");
    assert_eq!(book.entries(), std::slice::from_ref(&first));
    assert_eq!(book.latest("shop::cart::add", SERIAL_A), Some(&first));
    assert_eq!(files_in(root.path()), ["wear-logbook.toml"], "no temporary file left behind");
}

#[test]
fn append_keeps_existing_bytes_and_adds_one_block() {
    let root = tempfile::tempdir().expect("temp dir");
    let path = root.path().join("wear-logbook.toml");
    write(root.path(), "wear-logbook.toml", HAND_WRITTEN);
    let mut new = entry("shop::cart::\"odd\"", SERIAL_B, "2026-03-01T10:00:00Z");
    new.busy_ns = None;
    new.by = "Zoë \\ Ng \u{202E}".to_owned();
    new.note = "line one\nline two\t\"quoted\" \u{7}".to_owned();
    append_signoff(&path, &new).expect("append");
    let text = std::fs::read_to_string(&path).expect("written");
    let added = text.strip_prefix(HAND_WRITTEN).expect("existing bytes kept exactly");
    assert!(added.starts_with("\n\n[[signoff]]\n"), "{added:?}");
    assert_eq!(added.matches("[[signoff]]").count(), 1, "one block: {added:?}");
    assert_eq!(added.lines().filter(|l| !l.is_empty()).count(), 7, "one line per key, no busy_ns: {added:?}");
    assert!(added.contains("by = \"Zoë \\\\ Ng \\u202E\"\n"), "a bidi override is escaped: {added:?}");
    let book = Logbook::load(&path).expect("reads back");
    assert_eq!(book.entries().len(), 2);
    assert_eq!(book.entries()[0].note, "long\nnote");
    assert_eq!(book.entries()[0].date, parse_instant("2026-01-02T03:04:05Z").expect("date"));
    assert_eq!(book.entries()[1], new);
    // A second append again only adds.
    let before = text;
    append_signoff(&path, &entry("a::b", SERIAL_A, "2026-04-01")).expect("append again");
    let after = std::fs::read_to_string(&path).expect("written");
    assert!(after.starts_with(&before) && after.len() > before.len());
    assert_eq!(Logbook::load(&path).expect("reads").entries().len(), 3);
}

#[test]
fn append_keeps_windows_line_endings() {
    let root = tempfile::tempdir().expect("temp dir");
    let path = root.path().join("wear-logbook.toml");
    let existing = "# ours\r\n";
    write(root.path(), "wear-logbook.toml", existing);
    append_signoff(&path, &entry("a::f", SERIAL_A, "2026-01-01")).expect("append");
    let text = std::fs::read_to_string(&path).expect("written");
    assert!(text.starts_with(existing));
    assert_eq!(text.matches('\n').count(), text.matches("\r\n").count(), "{text:?}");
}

#[cfg(unix)]
#[test]
fn append_keeps_the_file_permissions() {
    use std::os::unix::fs::PermissionsExt;
    let root = tempfile::tempdir().expect("temp dir");
    let path = root.path().join("wear-logbook.toml");
    append_signoff(&path, &entry("a::f", SERIAL_A, "2026-01-01")).expect("create");
    let mode = |p: &Path| std::fs::metadata(p).expect("metadata").permissions().mode() & 0o777;
    assert_eq!(mode(&path), 0o644, "a new logbook is an ordinary file");
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o640)).expect("chmod");
    append_signoff(&path, &entry("a::f", SERIAL_A, "2026-01-02")).expect("append");
    assert_eq!(mode(&path), 0o640);
}

#[test]
fn a_malformed_logbook_is_an_error_and_stays_untouched() {
    let cases: &[(&str, &str, usize, &str)] = &[
        ("syntax", "[[signoff]]\npart = \"a\"\nserial = \n", 3, ""),
        (
            "unknown key",
            "[[signoff]]\npart = \"a::f\"\nserial = \"00000000000000aa\"\ndate = 2026-01-01T00:00:00Z\ncalls = 1\nby = \"x\"\nwho = \"y\"\n",
            7,
            "unknown field `who`",
        ),
        (
            "missing serial",
            "# log\n\n[[signoff]]\npart = \"a::f\"\ndate = 2026-01-01T00:00:00Z\ncalls = 1\nby = \"x\"\n",
            3,
            "missing field `serial`",
        ),
        (
            "bad serial",
            "[[signoff]]\npart = \"a::f\"\nserial = \"xyz\"\ndate = 2026-01-01T00:00:00Z\ncalls = 1\nby = \"x\"\n",
            3,
            "not a serial",
        ),
        (
            "date without offset",
            "[[signoff]]\npart = \"a::f\"\nserial = \"00000000000000aa\"\n\ndate = 2026-01-01T00:00:00\ncalls = 1\nby = \"x\"\n",
            5,
            "not an RFC 3339 instant",
        ),
        (
            "negative calls",
            "[[signoff]]\npart = \"a::f\"\nserial = \"00000000000000aa\"\ndate = 2026-01-01\ncalls = -1\nby = \"x\"\n",
            5,
            "-1",
        ),
        (
            "empty part",
            "[[signoff]]\npart = \"\"\nserial = \"00000000000000aa\"\ndate = 2026-01-01\ncalls = 1\nby = \"x\"\n",
            2,
            "`part` is empty",
        ),
    ];
    let root = tempfile::tempdir().expect("temp dir");
    let path = root.path().join("wear-logbook.toml");
    for &(what, text, line, message) in cases {
        write(root.path(), "wear-logbook.toml", text);
        let err = Logbook::load(&path).expect_err(what);
        assert_eq!((err.file.as_deref(), err.line), (Some(path.as_path()), Some(line)), "{what}: {err}");
        assert!(err.message.contains(message), "{what}: {err}");
        assert!(err.help.is_some(), "{what}: {err}");
        let err = append_signoff(&path, &entry("a::f", SERIAL_A, "2026-02-01")).expect_err(what);
        assert_eq!(err.line, Some(line), "{what}: {err}");
        assert_eq!(std::fs::read_to_string(&path).expect("still there"), text, "{what}: file unchanged");
        assert_eq!(files_in(root.path()), ["wear-logbook.toml"], "{what}: no temporary file left");
    }
}

#[test]
fn an_invalid_sign_off_is_refused_and_nothing_is_written() {
    let root = tempfile::tempdir().expect("temp dir");
    let path = root.path().join("wear-logbook.toml");
    let mut bad_serial = entry("a::f", SERIAL_A, "2026-01-01");
    bad_serial.serial = "12".to_owned();
    let mut nobody = entry("a::f", SERIAL_A, "2026-01-01");
    nobody.by = " ".to_owned();
    let no_part = entry(" ", SERIAL_A, "2026-01-01");
    for (what, bad) in [("serial", bad_serial), ("by", nobody), ("part", no_part)] {
        let err = append_signoff(&path, &bad).expect_err(what);
        assert!(!err.message.is_empty(), "{what}");
        assert!(!path.exists(), "{what}: nothing written");
    }
    assert!(files_in(root.path()).is_empty());
}

#[test]
fn only_the_latest_sign_off_of_the_current_serial_applies() {
    let root = tempfile::tempdir().expect("temp dir");
    let path = root.path().join("wear-logbook.toml");
    let old_serial = entry("a::f", SERIAL_A, "2026-05-01");
    let newer = entry("a::f", SERIAL_B, "2026-03-01");
    let newest = entry("a::f", SERIAL_B, "2026-04-01");
    let other_part = entry("a::g", SERIAL_B, "2026-06-01");
    // File order is not date order: the latest date wins.
    for e in [&old_serial, &newest, &newer, &other_part] {
        append_signoff(&path, e).expect("append");
    }
    let book = Logbook::load(&path).expect("reads");
    assert_eq!(book.latest("a::f", SERIAL_B), Some(&newest));
    assert_eq!(book.latest("a::f", SERIAL_A), Some(&old_serial));
    assert_eq!(book.latest("a::f", "00000000000000cc"), None, "a sign-off of an older serial does not apply");
    assert_eq!(book.latest_any_serial("a::f"), Some(&old_serial));
    assert_eq!(book.latest("a::h", SERIAL_B), None);
    // Two sign-offs at the same instant: the later one in the file wins.
    let mut second = newest.clone();
    second.note = "second look".to_owned();
    append_signoff(&path, &second).expect("append");
    let book = Logbook::load(&path).expect("reads");
    assert_eq!(book.latest("a::f", SERIAL_B).map(|e| e.note.as_str()), Some("second look"));
}

#[test]
fn dates_may_be_written_as_dates_or_instants() {
    let root = tempfile::tempdir().expect("temp dir");
    let path = root.path().join("wear-logbook.toml");
    let one = |date: &str| {
        format!(
            "[[signoff]]\npart = \"a::f\"\nserial = \"{SERIAL_A}\"\ndate = {date}\ncalls = 1\nby = \"x\"\n"
        )
    };
    let midnight = parse_instant("2026-01-01T00:00:00Z").expect("instant");
    for (date, expected) in [
        ("2026-01-01", midnight),
        ("\"2026-01-01\"", midnight),
        ("2026-01-01T02:00:00+02:00", midnight),
        ("\"2026-01-01T00:00:00Z\"", midnight),
    ] {
        write(root.path(), "wear-logbook.toml", &one(date));
        let book = Logbook::load(&path).unwrap_or_else(|e| panic!("{date}: {e}"));
        assert_eq!(book.entries()[0].date, expected, "{date}");
    }
    for date in ["\"2026-01-01 00:00\"", "12:00:00", "true", "\"tomorrow\""] {
        write(root.path(), "wear-logbook.toml", &one(date));
        let err = Logbook::load(&path).expect_err(date);
        assert_eq!(err.line, Some(4), "{date}: {err}");
    }
}
