//! Usage read from real `wear-snapshot/1` files (written by the runtime's own serializer) in
//! temporary folders: which readings count, how series add up, per-serial totals, globs, and a
//! clear error (file, line, what to do) for every kind of bad file.
use std::path::Path;

use wear::snapshot::{PartReading, ProcessInfo, Snapshot};
use wear_cli::time::parse_instant;
use wear_cli::usage::{SerialUsage, UsageSet};

const ADD_ITEM: &str = "shop::cart::Cart::add_item";
const CHECKOUT: &str = "shop::checkout";
const OLD: &str = "00000000000000aa";
const NEW: &str = "00000000000000bb";

fn part(path: &str, serial: &str, calls: u64) -> PartReading {
    PartReading {
        path: path.to_owned(),
        file: "src/cart.rs".to_owned(),
        lines: [12, 30],
        serial: serial.to_owned(),
        calls,
        failures: None,
        busy_ns: None,
        latency_ns: None,
        limits: None,
    }
}

fn snapshot(instance: &str, started_at: &str, taken_at: &str, parts: Vec<PartReading>) -> Snapshot {
    Snapshot {
        format: "wear-snapshot/1".to_owned(),
        process: ProcessInfo {
            service: "shop".to_owned(),
            version: "0.1.0".to_owned(),
            revision: None,
            instance: instance.to_owned(),
            pid: 4242,
            started_at: started_at.to_owned(),
            taken_at: taken_at.to_owned(),
            collect_us: 41,
        },
        parts,
    }
}

fn write(dir: &Path, name: &str, snapshot: &Snapshot) -> String {
    let path = dir.join(name);
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).unwrap();
    }
    snapshot.write_to(&path).unwrap();
    path.to_string_lossy().into_owned()
}

fn secs(instant: &str) -> i64 {
    parse_instant(instant).unwrap()
}

fn usage_of(patterns: &[String]) -> wear_cli::usage::Usage {
    let mut set = UsageSet::new();
    set.add_files(patterns).unwrap();
    set.usage()
}

fn calls(usage: &wear_cli::usage::Usage, path: &str, serial: &str) -> u64 {
    usage.parts[path][serial].calls
}

#[test]
fn only_the_latest_reading_of_a_series_counts() {
    let dir = tempfile::tempdir().unwrap();
    let start = "2026-11-21T09:00:00.000Z";
    let files = [
        write(
            dir.path(),
            "c.json",
            &snapshot("a1", start, "2026-11-21T09:05:00.000Z", vec![part(ADD_ITEM, OLD, 40)]),
        ),
        write(
            dir.path(),
            "a.json",
            &snapshot("a1", start, "2026-11-21T09:01:00.000Z", vec![part(ADD_ITEM, OLD, 10)]),
        ),
        write(
            dir.path(),
            "b.json",
            &snapshot("a1", start, "2026-11-21T09:03:00.000Z", vec![part(ADD_ITEM, OLD, 25)]),
        ),
    ];
    // Whatever the order of the files, the reading taken last is the one that counts.
    for order in [[0, 1, 2], [1, 2, 0], [2, 0, 1]] {
        let patterns: Vec<String> = order.iter().map(|&i| files[i].clone()).collect();
        let usage = usage_of(&patterns);
        assert_eq!(usage.series, 1);
        assert_eq!(
            usage.parts[ADD_ITEM][OLD],
            SerialUsage {
                calls: 40,
                failures: None,
                busy_ns: None,
                first: secs(start),
                last: secs("2026-11-21T09:05:00Z")
            }
        );
        assert_eq!(usage.window, Some((secs(start), secs("2026-11-21T09:05:00Z"))));
    }
}

#[test]
fn readings_a_fraction_of_a_second_apart_are_told_apart() {
    let dir = tempfile::tempdir().unwrap();
    let start = "2026-11-21T09:00:00.000Z";
    let later = write(
        dir.path(),
        "b.json",
        &snapshot("a1", start, "2026-11-21T09:05:00.900Z", vec![part(ADD_ITEM, OLD, 41)]),
    );
    let earlier = write(
        dir.path(),
        "a.json",
        &snapshot("a1", start, "2026-11-21T09:05:00.100Z", vec![part(ADD_ITEM, OLD, 40)]),
    );
    assert_eq!(calls(&usage_of(&[later.clone(), earlier.clone()]), ADD_ITEM, OLD), 41);
    assert_eq!(calls(&usage_of(&[earlier, later]), ADD_ITEM, OLD), 41);
}

#[test]
fn two_instances_add_up_and_span_both() {
    let dir = tempfile::tempdir().unwrap();
    let a = snapshot(
        "a1",
        "2026-11-21T09:00:00Z",
        "2026-11-21T10:00:00Z",
        vec![part(ADD_ITEM, OLD, 40), part(CHECKOUT, NEW, 0)],
    );
    let b = snapshot("b2", "2026-11-21T08:00:00Z", "2026-11-21T09:30:00Z", vec![part(ADD_ITEM, OLD, 7)]);
    let usage = usage_of(&[write(dir.path(), "a.json", &a), write(dir.path(), "b.json", &b)]);
    assert_eq!(usage.series, 2);
    let add_item = &usage.parts[ADD_ITEM][OLD];
    assert_eq!(
        (add_item.calls, add_item.first, add_item.last),
        (47, secs("2026-11-21T08:00:00Z"), secs("2026-11-21T10:00:00Z"))
    );
    // A part reported with no calls is covered by usage data (in storage), with its own span.
    let checkout = &usage.parts[CHECKOUT][NEW];
    assert_eq!(
        (checkout.calls, checkout.first, checkout.last),
        (0, secs("2026-11-21T09:00:00Z"), secs("2026-11-21T10:00:00Z"))
    );
    assert_eq!(usage.window, Some((secs("2026-11-21T08:00:00Z"), secs("2026-11-21T10:00:00Z"))));
    assert!(usage.part("shop::never_reported").is_none());
}

#[test]
fn a_restart_is_a_new_series() {
    let dir = tempfile::tempdir().unwrap();
    // Same instance id, a new start time: the counters began again from zero, so both add up.
    let before =
        snapshot("a1", "2026-11-21T09:00:00Z", "2026-11-21T09:59:00Z", vec![part(ADD_ITEM, OLD, 40)]);
    let after = snapshot("a1", "2026-11-21T10:00:00Z", "2026-11-21T10:05:00Z", vec![part(ADD_ITEM, OLD, 5)]);
    let usage =
        usage_of(&[write(dir.path(), "before.json", &before), write(dir.path(), "after.json", &after)]);
    assert_eq!(usage.series, 2);
    assert_eq!(calls(&usage, ADD_ITEM, OLD), 45);
}

#[test]
fn calls_are_kept_per_serial_with_the_span_of_each() {
    let dir = tempfile::tempdir().unwrap();
    let mut old_build = part(ADD_ITEM, OLD, 100);
    old_build.failures = Some(3);
    let mut new_build = part(ADD_ITEM, NEW, 30);
    new_build.busy_ns = Some(845_000);
    new_build.failures = Some(1);
    let files = [
        write(
            dir.path(),
            "old.json",
            &snapshot("a1", "2026-11-01T00:00:00Z", "2026-11-10T00:00:00Z", vec![old_build]),
        ),
        write(
            dir.path(),
            "new.json",
            &snapshot("b2", "2026-11-15T00:00:00Z", "2026-11-20T00:00:00Z", vec![new_build]),
        ),
        // A series that neither counts failures nor times the part.
        write(
            dir.path(),
            "plain.json",
            &snapshot("c3", "2026-11-16T00:00:00Z", "2026-11-18T00:00:00Z", vec![part(ADD_ITEM, NEW, 5)]),
        ),
    ];
    let usage = usage_of(&files);
    let serials = &usage.parts[ADD_ITEM];
    assert_eq!(serials.len(), 2);
    assert_eq!(
        serials[OLD],
        SerialUsage {
            calls: 100,
            failures: Some(3),
            busy_ns: None,
            first: secs("2026-11-01T00:00:00Z"),
            last: secs("2026-11-10T00:00:00Z")
        }
    );
    assert_eq!(
        serials[NEW],
        SerialUsage {
            calls: 35,
            failures: Some(1),
            busy_ns: Some(845_000),
            first: secs("2026-11-15T00:00:00Z"),
            last: secs("2026-11-20T00:00:00Z")
        }
    );
}

#[test]
fn globs_expand_and_must_match_something() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    write(
        d,
        "a.json",
        &snapshot("a1", "2026-11-21T09:00:00Z", "2026-11-21T10:00:00Z", vec![part(ADD_ITEM, OLD, 1)]),
    );
    write(
        d,
        "b.json",
        &snapshot("b2", "2026-11-21T09:00:00Z", "2026-11-21T10:00:00Z", vec![part(ADD_ITEM, OLD, 10)]),
    );
    write(
        d,
        "deep/c.json",
        &snapshot("c3", "2026-11-21T09:00:00Z", "2026-11-21T10:00:00Z", vec![part(ADD_ITEM, OLD, 100)]),
    );
    std::fs::write(d.join("notes.txt"), "not a snapshot").unwrap();
    let pattern = |p: &str| d.join(p).to_string_lossy().into_owned();

    assert_eq!(calls(&usage_of(&[pattern("*.json")]), ADD_ITEM, OLD), 11);
    assert_eq!(calls(&usage_of(&[pattern("**/*.json")]), ADD_ITEM, OLD), 111);
    assert_eq!(calls(&usage_of(&[pattern("[ab].json")]), ADD_ITEM, OLD), 11);
    assert_eq!(calls(&usage_of(&[pattern("?.json")]), ADD_ITEM, OLD), 11);
    // The same file named twice (a path and a glob) is read once.
    assert_eq!(calls(&usage_of(&[pattern("a.json"), pattern("*.json")]), ADD_ITEM, OLD), 11);

    let mut set = UsageSet::new();
    let err = set.add_files(&[pattern("*.json"), pattern("nothing-*.json")]).unwrap_err();
    assert!(
        err.message.contains("no snapshot file matches") && err.message.contains("nothing-*.json"),
        "{err}"
    );
    assert!(err.help.is_some());
    assert!(set.is_empty(), "a failed add changes nothing");

    let err = set.add_files(&[pattern("missing.json")]).unwrap_err();
    assert_eq!(err.file, Some(d.join("missing.json")));
    assert!(err.message.contains("no such file"), "{err}");

    let err = set.add_files(&[pattern("deep")]).unwrap_err();
    assert!(err.message.contains("folder"), "{err}");
    assert!(err.help.unwrap().contains("/*.json"));

    let err = set.add_files(&[pattern("[a.json")]).unwrap_err();
    assert!(err.message.contains("not a valid pattern"), "{err}");

    // A glob that picks up a file that is not a snapshot: the error names that file.
    let err = set.add_files(&[pattern("*")]).unwrap_err();
    assert_eq!(err.file, Some(d.join("notes.txt")));
    assert!(set.is_empty());
}

/// A good snapshot's JSON, one value per line, to be damaged by the tests below.
fn good_json() -> String {
    let mut timed = part(ADD_ITEM, OLD, 1200);
    timed.busy_ns = Some(845_000);
    snapshot(
        "9b1e",
        "2026-11-21T09:00:00.000Z",
        "2026-11-21T09:05:00.000Z",
        vec![timed, part(CHECKOUT, NEW, 5)],
    )
    .to_json()
}

/// The 1-based line of the first line of `text` containing `needle`.
fn line_of(text: &str, needle: &str) -> usize {
    1 + text
        .lines()
        .position(|line| line.contains(needle))
        .unwrap_or_else(|| panic!("{needle:?} not in {text}"))
}

/// Writes `text` as a snapshot file, reads it next to a good one, and returns the error.
fn read_bad(text: &str) -> wear_cli::Error {
    let dir = tempfile::tempdir().unwrap();
    let dir = dir.path();
    let good = dir.join("good.json");
    std::fs::write(&good, good_json()).unwrap();
    let bad = dir.join("bad.json");
    std::fs::write(&bad, text).unwrap();
    let mut set = UsageSet::new();
    let err = set
        .add_files(&[good.to_string_lossy().into_owned(), bad.to_string_lossy().into_owned()])
        .unwrap_err();
    assert!(set.is_empty(), "nothing of a batch with a bad file is added");
    assert_eq!(err.file.as_deref(), Some(bad.as_path()), "{err}");
    assert!(err.help.is_some(), "every error says what to do: {err}");
    err
}

#[test]
fn the_good_snapshot_is_read() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("good.json");
    std::fs::write(&path, good_json()).unwrap();
    let usage = usage_of(&[path.to_string_lossy().into_owned()]);
    assert_eq!(usage.parts[ADD_ITEM][OLD].busy_ns, Some(845_000));
    assert_eq!(calls(&usage, CHECKOUT, NEW), 5);
}

#[test]
fn truncated_json_names_the_line_where_it_ends() {
    let json = good_json();
    let cut = &json[..json.find("\"calls\": 5").unwrap()];
    let err = read_bad(cut);
    assert!(err.message.contains("ends in the middle"), "{err}");
    assert_eq!(err.line, Some(cut.lines().count()), "{err}");
    assert!(err.help.unwrap().contains("cut short"));
    // An empty file is the extreme case.
    let err = read_bad("");
    assert!(err.message.contains("ends in the middle"), "{err}");
}

#[test]
fn invalid_json_names_the_line() {
    let json = good_json().replacen("\"calls\": 5", "\"calls\": 5,,", 1);
    let err = read_bad(&json);
    assert!(err.message.starts_with("invalid JSON"), "{err}");
    assert_eq!(err.line, Some(line_of(&json, "\"calls\": 5,,")));
    let err = read_bad("\u{0}\u{1}binary garbage");
    assert!(err.message.starts_with("invalid JSON"), "{err}");
    assert_eq!(err.line, Some(1));
}

#[test]
fn a_wrong_format_tag_is_not_a_snapshot() {
    let newer = good_json().replace("wear-snapshot/1", "wear-snapshot/3");
    let err = read_bad(&newer);
    assert!(err.message.contains("newer"), "{err}");
    assert_eq!(err.line, Some(line_of(&newer, "\"format\"")));
    assert!(err.help.unwrap().contains("update cargo-wear"));

    let other = good_json().replace("wear-snapshot/1", "otlp-json");
    let err = read_bad(&other);
    assert!(err.message.contains("not a wear snapshot"), "{err}");
    assert_eq!(err.line, Some(line_of(&other, "\"format\"")));
    assert!(err.help.unwrap().contains(&format!("\"format\": \"{}\"", wear::snapshot::FORMAT)));

    // `{"resourceMetrics": ...}` is OTLP JSON now, read by `usage::otlp` (tests/otlp_files.rs).
    for text in ["{\"metrics\": []}", "[1, 2]", "42", "{\"format\": 1}"] {
        let err = read_bad(text);
        assert!(err.message.contains("not a wear snapshot"), "{text}: {err}");
    }
}

#[test]
fn missing_fields_are_named_with_their_line() {
    let json = good_json();
    let without_instance: String =
        json.lines().filter(|line| !line.contains("\"instance\"")).collect::<Vec<_>>().join("\n");
    let err = read_bad(&without_instance);
    assert!(err.message.contains("missing field `instance`"), "{err}");
    // serde_json points at the end of the object that lacks it: the process, before the parts.
    let line = err.line.unwrap();
    assert!(
        line > line_of(&without_instance, "\"process\"") && line < line_of(&without_instance, "\"parts\""),
        "{err}"
    );

    let without_calls = json.replacen("\"calls\": 5", "\"cals\": 5", 1);
    let err = read_bad(&without_calls);
    assert!(err.message.contains("missing field `calls`"), "{err}");
    assert!(err.line.unwrap() > line_of(&without_calls, CHECKOUT), "{err}");

    let err = read_bad("{\"format\": \"wear-snapshot/1\"}");
    assert!(err.message.contains("missing field `process`"), "{err}");
}

#[test]
fn bad_numbers_serials_and_instants_are_named_with_their_line() {
    let cases = [
        ("\"calls\": 5", "\"calls\": -5", "cannot be negative"),
        ("\"calls\": 5", "\"calls\": 18446744073709551616", "whole number"),
        ("\"calls\": 5", "\"calls\": 9223372036854775808", "too large"),
        ("\"calls\": 5", "\"calls\": 2.5", "whole number"),
        ("\"calls\": 5", "\"calls\": \"5\"", "expected"),
        ("\"busy_ns\": 845000", "\"busy_ns\": -1", "cannot be negative"),
        (&format!("\"serial\": \"{NEW}\""), "\"serial\": \"xyz\"", "16 hex digits"),
        ("\"taken_at\": \"2026-11-21T09:05:00.000Z\"", "\"taken_at\": \"yesterday\"", "RFC 3339"),
        ("\"instance\": \"9b1e\"", "\"instance\": \"\"", "empty"),
        (&format!("\"path\": \"{CHECKOUT}\""), "\"path\": \"\"", "empty"),
        (
            "\"taken_at\": \"2026-11-21T09:05:00.000Z\"",
            "\"taken_at\": \"2026-11-21T08:00:00.000Z\"",
            "before its process started",
        ),
    ];
    for (good, bad, says) in cases {
        let json = good_json();
        assert!(json.contains(good), "{good}");
        let json = json.replacen(good, bad, 1);
        let err = read_bad(&json);
        assert!(err.message.contains(says), "{bad}: {err}");
        assert_eq!(err.line, Some(line_of(&json, bad)), "{bad}: {err}");
    }
}

#[test]
fn unknown_fields_are_ignored_and_serials_are_lowercased() {
    let json = good_json()
        .replace("\"collect_us\": 41", "\"collect_us\": 41, \"region\": \"eu\"")
        .replace(OLD, &OLD.to_uppercase());
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("s.json");
    std::fs::write(&path, json).unwrap();
    assert_eq!(calls(&usage_of(&[path.to_string_lossy().into_owned()]), ADD_ITEM, OLD), 1200);
}

#[test]
fn a_file_whose_name_has_glob_characters_is_read_as_named() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let one = snapshot("i1", "2026-11-01T00:00:00Z", "2026-11-20T00:00:00Z", vec![part(ADD_ITEM, OLD, 3)]);
    let other = snapshot("i2", "2026-11-01T00:00:00Z", "2026-11-20T00:00:00Z", vec![part(ADD_ITEM, OLD, 40)]);
    // `[x].json` exists, and as a pattern it would match `x.json` instead.
    let named = write(d, "[x].json", &one);
    write(d, "x.json", &other);
    assert_eq!(calls(&usage_of(&[named]), ADD_ITEM, OLD), 3, "the file named, not what the pattern matches");
    let question = write(d, "what?.json", &one);
    assert_eq!(calls(&usage_of(&[question]), ADD_ITEM, OLD), 3);
    // A pattern that names no file is still a pattern.
    let pattern = d.join("[xy].json").to_string_lossy().into_owned();
    assert_eq!(calls(&usage_of(&[pattern]), ADD_ITEM, OLD), 40);
}
