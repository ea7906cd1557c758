//! The workspace's logbook folder: one new file per sign-off, never a replaced one, read after
//! the single file of earlier versions.
use super::{files_in, write};
use crate::policy::{LOGBOOK_DIR, SignOff, load_logbook, logbook_files, sign_off};
use crate::time::parse_instant;

const SERIAL: &str = "00000000000000aa";

fn entry(part: &str, date: &str, note: &str) -> SignOff {
    SignOff {
        part: part.to_owned(),
        serial: SERIAL.to_owned(),
        date: parse_instant(date).expect("a date"),
        calls: 10,
        busy_ns: None,
        by: "Ada".to_owned(),
        note: note.to_owned(),
    }
}

fn notes(root: &std::path::Path) -> Vec<String> {
    load_logbook(root).expect("reads").entries().iter().map(|e| e.note.clone()).collect()
}

#[test]
fn each_sign_off_is_a_new_file_named_by_day_part_and_hash() {
    let root = tempfile::tempdir().expect("temp dir");
    let first = sign_off(root.path(), &entry("shop::cart::Cart<T>::add item", "2026-03-01T10:00:00Z", "a"))
        .expect("signed");
    let name = first.file_name().and_then(|n| n.to_str()).expect("name").to_owned();
    assert!(name.starts_with("2026-03-01-shop.cart.Cart-T-.add-item-"), "{name}");
    assert!(
        name.ends_with(".toml") && name.len() == "2026-03-01-shop.cart.Cart-T-.add-item-".len() + 13,
        "{name}"
    );
    // The same part, the same day, another note: another file; the first keeps its bytes.
    let before = std::fs::read(&first).expect("first");
    let second = sign_off(root.path(), &entry("shop::cart::Cart<T>::add item", "2026-03-01T11:00:00Z", "b"))
        .expect("signed again");
    assert_ne!(first, second);
    assert_eq!(std::fs::read(&first).expect("first"), before, "the first file is untouched");
    assert_eq!(files_in(&root.path().join(LOGBOOK_DIR)).len(), 2, "two files, nothing else left behind");
    assert_eq!(notes(root.path()), ["a", "b"]);
}

#[test]
fn the_same_sign_off_twice_is_refused_and_changes_nothing() {
    let root = tempfile::tempdir().expect("temp dir");
    let signed = entry("a::f", "2026-03-01T10:00:00Z", "once");
    let path = sign_off(root.path(), &signed).expect("signed");
    let before = std::fs::read(&path).expect("read");
    let err = sign_off(root.path(), &signed).expect_err("twice");
    assert!(err.to_string().contains("this sign-off is already in the logbook"), "{err}");
    assert_eq!(std::fs::read(&path).expect("read"), before);
    assert_eq!(notes(root.path()), ["once"]);
}

#[test]
fn the_single_file_of_earlier_versions_is_read_first_and_other_files_are_not_sign_offs() {
    let root = tempfile::tempdir().expect("temp dir");
    write(
        root.path(),
        "wear-logbook.toml",
        &format!(
            "[[signoff]]\npart = \"a::f\"\nserial = \"{SERIAL}\"\ndate = 2026-05-01\ncalls = 1\nby = \"Old\"\nnote = \"old\"\n"
        ),
    );
    sign_off(root.path(), &entry("a::g", "2026-02-01", "february")).expect("signed");
    sign_off(root.path(), &entry("a::f", "2026-01-01", "january")).expect("signed");
    let dir = root.path().join(LOGBOOK_DIR);
    std::fs::write(dir.join("README.md"), "not a sign-off").expect("write");
    std::fs::write(dir.join(".half.toml"), "[[signoff]]\npart = ").expect("write");
    assert_eq!(notes(root.path()), ["january", "february", "old"], "oldest first, from both places");
    assert_eq!(logbook_files(root.path()).expect("files").len(), 3);
    // The old file's sign-off of `a::f` is the latest by date, wherever it sits.
    let book = load_logbook(root.path()).expect("reads");
    assert_eq!(book.latest("a::f", SERIAL).map(|e| e.note.as_str()), Some("old"));
}

#[test]
fn a_malformed_sign_off_file_is_named_and_a_file_in_place_of_the_folder_is_refused() {
    let root = tempfile::tempdir().expect("temp dir");
    sign_off(root.path(), &entry("a::f", "2026-02-01", "ok")).expect("signed");
    write(&root.path().join(LOGBOOK_DIR), "2026-02-02-a.f-00000000.toml", "[[signoff]]\npart = 3\n");
    let err = load_logbook(root.path()).expect_err("malformed");
    assert!(err.to_string().contains("2026-02-02-a.f-00000000.toml:2:"), "{err}");

    let other = tempfile::tempdir().expect("temp dir");
    write(other.path(), LOGBOOK_DIR, "a file");
    let err = load_logbook(other.path()).expect_err("a file");
    assert!(err.to_string().contains("is a file, but the logbook's sign-offs are a folder"), "{err}");
    let err = sign_off(other.path(), &entry("a::f", "2026-02-01", "ok")).expect_err("a file");
    assert!(err.to_string().contains("wear-logbook"), "{err}");
    assert_eq!(std::fs::read_to_string(other.path().join(LOGBOOK_DIR)).expect("read"), "a file");
}
