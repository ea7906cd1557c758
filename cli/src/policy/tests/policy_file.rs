//! `wear.toml` and `[workspace.metadata.wear]`: defaults, rules, precedence, overrides and every
//! kind of mistake.
use std::path::Path;
use std::time::Duration;

use wear_identity::args::Limits;

use super::write;
use crate::policy::limits::{DEFAULT_AGE, DEFAULT_CALLS, EffectiveLimits};
use crate::policy::{Policy, load_policy, parse_policy_text};
use crate::time::DAY;

const HOUR_NS: u64 = 3_600_000_000_000;
const NO_MACRO: Limits = Limits { calls: None, busy: None, interval: None };

fn parse(text: &str) -> Policy {
    parse_policy_text(Path::new("wear.toml"), text).unwrap_or_else(|e| panic!("valid policy: {e}"))
}

fn limits(policy: &Policy, part: &str, file: &str) -> EffectiveLimits {
    policy.limits_for(part, file, &NO_MACRO)
}

#[test]
fn defaults_without_a_file() {
    let root = tempfile::tempdir().expect("temp dir");
    let expected =
        EffectiveLimits { calls: Some(1_000_000_000), busy_ns: None, age: Some(365 * DAY), due_soon: 0.9 };
    let policy = load_policy(root.path()).expect("no files at all");
    assert_eq!(policy.source, None);
    assert_eq!(limits(&policy, "shop::cart::Cart::add_item", "src/cart.rs"), expected);
    // A Cargo.toml without wear's table is no policy either.
    write(root.path(), "Cargo.toml", "[workspace]\nmembers = [\"a\"]\n[workspace.metadata.other]\nx = 1\n");
    let policy = load_policy(root.path()).expect("manifest without policy");
    assert_eq!(policy.source, None);
    assert_eq!(limits(&policy, "a::f", "a/src/lib.rs"), expected);
}

#[test]
fn defaults_section_overrides_builtins_and_none_switches_a_limit_off() {
    let policy = parse("[defaults]\ncalls = 5_000\nbusy = \"100h\"\nage = \"none\"\ndue_soon = \"80%\"\n");
    let got = limits(&policy, "a::f", "src/lib.rs");
    assert_eq!(
        got,
        EffectiveLimits { calls: Some(5_000), busy_ns: Some(100 * HOUR_NS), age: None, due_soon: 0.8 }
    );
    // Only what is written changes: the rest keeps the built-in defaults. `1e9` is a whole number.
    let policy = parse("[defaults]\ncalls = 1e9\n");
    assert_eq!(limits(&policy, "a::f", "src/lib.rs"), EffectiveLimits::default());
}

#[test]
fn rules_by_part_glob() {
    let policy = parse(
        "[[rule]]\nparts = \"shop::checkout::**\"\ncalls = 1000\n\n[[rule]]\nparts = \"shop::*::total\"\nage = \"30d\"\n",
    );
    assert_eq!(limits(&policy, "shop::checkout::pay", "x.rs").calls, Some(1000));
    assert_eq!(limits(&policy, "shop::checkout::card::Card::charge", "x.rs").calls, Some(1000));
    assert_eq!(limits(&policy, "shop::cart::add", "x.rs").calls, Some(DEFAULT_CALLS));
    assert_eq!(limits(&policy, "shopping::checkout::pay", "x.rs").calls, Some(DEFAULT_CALLS));
    // `*` stays within one segment.
    assert_eq!(limits(&policy, "shop::cart::total", "x.rs").age, Some(30 * DAY));
    assert_eq!(limits(&policy, "shop::cart::Cart::total", "x.rs").age, Some(DEFAULT_AGE));
    // A trait impl's method is covered by its type's module like any other method.
    assert_eq!(limits(&policy, "<shop::checkout::Till as Display>::fmt", "x.rs").calls, Some(1000));
    assert_eq!(limits(&policy, "<shop::cart::Cart as Display>::fmt", "x.rs").calls, Some(DEFAULT_CALLS));
}

#[test]
fn rules_by_file_glob() {
    let policy = parse("[[rule]]\nfiles = \"examples/shop/src/legacy/**\"\nage = \"30d\"\ndue_soon = 50\n");
    let legacy = limits(&policy, "shop::legacy::old", "examples/shop/src/legacy/old.rs");
    assert_eq!((legacy.age, legacy.due_soon), (Some(30 * DAY), 0.5));
    let deeper = limits(&policy, "shop::legacy::a::b", "examples\\shop\\src\\legacy\\a\\b.rs");
    assert_eq!(deeper.age, Some(30 * DAY), "Windows separators match too");
    assert_eq!(limits(&policy, "shop::main", "examples/shop/src/main.rs"), EffectiveLimits::default());
    // `*` does not cross folders.
    let policy = parse("[[rule]]\nfiles = \"src/*.rs\"\ncalls = 7\n");
    assert_eq!(limits(&policy, "a::f", "src/lib.rs").calls, Some(7));
    assert_eq!(limits(&policy, "a::b::f", "src/b/mod.rs").calls, Some(DEFAULT_CALLS));
}

#[test]
fn a_rule_with_parts_and_files_needs_both_to_match() {
    let policy = parse("[[rule]]\nparts = \"shop::**\"\nfiles = \"legacy/**\"\ncalls = 3\n");
    assert_eq!(limits(&policy, "shop::f", "legacy/a.rs").calls, Some(3));
    assert_eq!(limits(&policy, "shop::f", "src/a.rs").calls, Some(DEFAULT_CALLS));
    assert_eq!(limits(&policy, "other::f", "legacy/a.rs").calls, Some(DEFAULT_CALLS));
}

#[test]
fn the_last_matching_rule_wins_limit_by_limit() {
    let policy = parse(
        "[defaults]\ncalls = 100\nage = \"200d\"\n\
         [[rule]]\nparts = \"shop::**\"\ncalls = 10\nage = \"20d\"\n\
         [[rule]]\nfiles = \"src/checkout/**\"\ncalls = 5\nbusy = \"2h\"\n\
         [[rule]]\nparts = \"nothing::**\"\ncalls = 1\n",
    );
    let both = limits(&policy, "shop::checkout::pay", "src/checkout/pay.rs");
    // calls from the second rule (last to set it), age from the first (the second leaves it).
    assert_eq!(
        both,
        EffectiveLimits { calls: Some(5), busy_ns: Some(2 * HOUR_NS), age: Some(20 * DAY), due_soon: 0.9 }
    );
    let first_only = limits(&policy, "shop::cart::add", "src/cart.rs");
    assert_eq!((first_only.calls, first_only.busy_ns, first_only.age), (Some(10), None, Some(20 * DAY)));
    // Reversed order, reversed winner.
    let policy = parse(
        "[[rule]]\nfiles = \"src/checkout/**\"\ncalls = 5\n[[rule]]\nparts = \"shop::**\"\ncalls = 10\n",
    );
    assert_eq!(limits(&policy, "shop::checkout::pay", "src/checkout/pay.rs").calls, Some(10));
    // A later rule can switch a limit off again.
    let policy =
        parse("[[rule]]\nparts = \"**\"\nbusy = \"1h\"\n[[rule]]\nparts = \"a::**\"\nbusy = \"none\"\n");
    assert_eq!(limits(&policy, "a::f", "x.rs").busy_ns, None);
    assert_eq!(limits(&policy, "b::f", "x.rs").busy_ns, Some(HOUR_NS));
}

#[test]
fn macro_arguments_win_over_everything() {
    let policy = parse(
        "[defaults]\nage = \"none\"\n[[rule]]\nparts = \"**\"\ncalls = 10\nbusy = \"5h\"\nage = \"3d\"\n",
    );
    let from_macro = Limits {
        calls: Some(42),
        busy: Some(Duration::from_secs(3600)),
        interval: Some(Duration::from_secs(2 * 86_400)),
    };
    let got = policy.limits_for("a::f", "src/lib.rs", &from_macro);
    assert_eq!(
        got,
        EffectiveLimits { calls: Some(42), busy_ns: Some(HOUR_NS), age: Some(2 * DAY), due_soon: 0.9 }
    );
    // Limits the macro leaves open still come from the policy.
    let partial = Limits { calls: Some(42), ..NO_MACRO };
    let got = policy.limits_for("a::f", "src/lib.rs", &partial);
    assert_eq!((got.calls, got.busy_ns, got.age), (Some(42), Some(5 * HOUR_NS), Some(3 * DAY)));
}

#[test]
fn durations_are_read_as_the_macro_reads_them() {
    let policy = parse("[defaults]\nage = \"1y 6months\"\nbusy = \"90min\"\n");
    let got = limits(&policy, "a::f", "x.rs");
    let expected_age = wear_identity::args::parse_duration_text("1y 6months").expect("macro syntax");
    assert_eq!(got.age, Some(expected_age.as_secs() as i64));
    assert_eq!(got.busy_ns, Some(90 * 60 * 1_000_000_000));
}

#[test]
fn workspace_metadata_wear_in_cargo_toml() {
    let root = tempfile::tempdir().expect("temp dir");
    write(
        root.path(),
        "Cargo.toml",
        "[workspace]\nmembers = [\"shop\"]\n\n[workspace.metadata.wear.defaults]\ncalls = 50\n\n\
         [[workspace.metadata.wear.rule]]\nparts = \"shop::checkout::**\"\nage = \"7d\"\n",
    );
    let policy = load_policy(root.path()).expect("policy in the manifest");
    assert_eq!(policy.source, Some(root.path().join("Cargo.toml")));
    let got = limits(&policy, "shop::checkout::pay", "shop/src/checkout.rs");
    assert_eq!((got.calls, got.age), (Some(50), Some(7 * DAY)));
    assert_eq!(limits(&policy, "shop::cart::add", "shop/src/cart.rs").age, Some(DEFAULT_AGE));
}

#[test]
fn a_policy_in_both_places_is_an_error() {
    let root = tempfile::tempdir().expect("temp dir");
    write(root.path(), "wear.toml", "[defaults]\ncalls = 10\n");
    write(
        root.path(),
        "Cargo.toml",
        "[workspace]\nmembers = []\n\n[workspace.metadata.wear.defaults]\ncalls = 20\n",
    );
    let err = load_policy(root.path()).expect_err("two policies");
    assert_eq!(err.file, Some(root.path().join("Cargo.toml")));
    assert_eq!(err.line, Some(4), "{err}");
    assert!(err.message.contains("given twice"), "{err}");
    assert!(err.help.as_deref().is_some_and(|h| h.contains("keep one")), "{err}");
}

/// Each mistake, the line it is on, a word of the message and a word of the help.
const MISTAKES: &[(&str, &str, usize, &str, &str)] = &[
    ("unknown key", "[defaults]\ncalls = 1\ncals = 2\n", 3, "unknown field `cals`", "`calls`"),
    (
        "unknown table",
        "[defaults]\ncalls = 1\n\n[rules]\nparts = \"a\"\n",
        4,
        "unknown field `rules`",
        "[[rule]]",
    ),
    (
        "unknown key in a rule",
        "[[rule]]\nparts = \"a::**\"\nlimit = 3\n",
        3,
        "unknown field `limit`",
        "`due_soon`",
    ),
    (
        "wrong type for calls",
        "[defaults]\n\ncalls = true\n",
        3,
        "whole number of calls, not `true`",
        "calls = 1_000_000",
    ),
    ("negative calls", "[defaults]\ncalls = -4\n", 2, "at least 1", "whole number"),
    ("fractional calls", "[defaults]\ncalls = 2.5\n", 2, "not the number 2.5", "whole number"),
    ("wrong type for a pattern", "[[rule]]\nparts = 3\n", 2, "invalid type: integer `3`", "type"),
    (
        "wrong type for age",
        "[defaults]\nage = 30\n",
        2,
        "duration in a string, not the number 30",
        "\"365d\"",
    ),
    (
        "bad part glob",
        "[[rule]]\nparts = \"shop::[a\"\n",
        2,
        "invalid pattern \"shop::[a\"",
        "`**` any number",
    ),
    ("bad file glob", "[[rule]]\nfiles = \"src/{a,b\"\n", 2, "invalid pattern", "separated by `/`"),
    ("absolute file glob", "[[rule]]\nfiles = \"/src/**\"\n", 2, "relative to the workspace root", "files ="),
    (
        "** inside a segment",
        "[[rule]]\nparts = \"shop::check**\"\n",
        2,
        "`**` must be a whole segment",
        "parts =",
    ),
    ("empty segment", "[[rule]]\nparts = \"shop::::a\"\n", 2, "empty segment", "parts ="),
    ("empty pattern", "[[rule]]\nfiles = \"\"\n", 2, "empty", "files ="),
    ("bad duration", "[defaults]\nage = \"soon\"\n", 2, "invalid duration \"soon\" for `age`", "\"100h\""),
    (
        "bad unit",
        "[[rule]]\nparts = \"a\"\nbusy = \"3 fortnights\"\n",
        3,
        "unknown unit `fortnights`",
        "busy =",
    ),
    ("zero duration", "[defaults]\nbusy = \"0s\"\n", 2, "longer than zero", "busy ="),
    ("age under a second", "[defaults]\nage = \"500ms\"\n", 2, "at least one second", "age ="),
    ("threshold 0", "[defaults]\ndue_soon = 0\n", 2, "above 0 and at most 100, not 0", "due_soon = 90"),
    ("threshold over 100", "[defaults]\ndue_soon = 100.5\n", 2, "not 100.5", "due_soon = 90"),
    ("negative threshold", "[defaults]\ndue_soon = -5\n", 2, "not -5", "due_soon = 90"),
    ("threshold as words", "[defaults]\ndue_soon = \"most\"\n", 2, "the string \"most\"", "due_soon = 90"),
    ("TOML syntax", "[defaults]\ncalls = 1\nage = \"365d\n", 3, "", "TOML syntax"),
    ("rule without a pattern", "[defaults]\ncalls = 1\n\n[[rule]]\ncalls = 2\n", 4, "neither", "parts ="),
    ("pattern in defaults", "[defaults]\ncalls = 1\nparts = \"a::**\"\n", 3, "takes no `parts`", "[[rule]]"),
    (
        "source URL without a scheme",
        "[report]\nsource_url = \"github.com/o/r/blob/{rev}/{file}\"\n",
        2,
        "must start with `https://`",
        "source_url = \"https://github.com",
    ),
    ("source URL without {file}", "[report]\nsource_url = \"https://h/o/r\"\n", 2, "no `{file}`", "`{file}`"),
    (
        "source URL with a field unknown",
        "[report]\n\nsource_url = \"https://h/{path}\"\n",
        3,
        "`{path}` is not one of",
        "`{rev}`",
    ),
    (
        "source URL with a brace open",
        "[report]\nsource_url = \"https://h/{file\"\n",
        2,
        "not closed",
        "`{line}`",
    ),
    (
        "source URL with a space",
        "[report]\nsource_url = \"https://h/a b/{file}\"\n",
        2,
        "no spaces",
        "https://",
    ),
    (
        "unknown key in report",
        "[report]\nurl = \"https://h/{file}\"\n",
        2,
        "unknown field `url`",
        "`source_url`",
    ),
];

#[test]
fn a_source_url_is_kept_as_written() {
    let url = "https://github.com/owner/repo/blob/{rev}/{file}#L{line}";
    assert_eq!(parse(&format!("[report]\nsource_url = \"{url}\"\n")).source_url.as_deref(), Some(url));
    assert_eq!(parse("[defaults]\ncalls = 5\n").source_url, None);
}

#[test]
fn every_mistake_names_file_line_and_fix() {
    let root = tempfile::tempdir().expect("temp dir");
    for &(what, text, line, message, help) in MISTAKES {
        write(root.path(), "wear.toml", text);
        let err = load_policy(root.path()).expect_err(what);
        assert_eq!(err.file, Some(root.path().join("wear.toml")), "{what}: {err}");
        assert_eq!(err.line, Some(line), "{what}: {err}");
        assert!(err.message.contains(message), "{what}: message {:?} lacks {message:?}", err.message);
        let got_help = err.help.clone().unwrap_or_default();
        assert!(got_help.contains(help), "{what}: help {got_help:?} lacks {help:?}");
        let shown = err.to_string();
        assert!(
            shown.starts_with(&format!("{}:{line}: ", root.path().join("wear.toml").display())),
            "{shown}"
        );
        assert!(shown.contains("\n  help: "), "{shown}");
    }
}

#[test]
fn mistakes_in_cargo_toml_are_located_in_cargo_toml() {
    let root = tempfile::tempdir().expect("temp dir");
    let manifest =
        "[workspace]\nmembers = []\n\n[workspace.metadata.wear.defaults]\ncalls = 1\ndue_soon = 0\n";
    write(root.path(), "Cargo.toml", manifest);
    let err = load_policy(root.path()).expect_err("bad threshold");
    assert_eq!((err.file.clone(), err.line), (Some(root.path().join("Cargo.toml")), Some(6)), "{err}");
    write(root.path(), "Cargo.toml", "[workspace]\n[workspace.metadata.wear]\ndefault = 3\n");
    let err = load_policy(root.path()).expect_err("unknown key");
    assert_eq!(err.line, Some(3), "{err}");
    assert!(err.message.contains("unknown field `default`"), "{err}");
}

#[test]
fn an_unreadable_policy_is_an_error_naming_it() {
    let root = tempfile::tempdir().expect("temp dir");
    std::fs::write(root.path().join("wear.toml"), b"[defaults]\ncalls = 1\n# \xff\n").expect("write");
    let err = load_policy(root.path()).expect_err("not UTF-8");
    assert_eq!((err.line, err.message.as_str()), (Some(3), "the file is not valid UTF-8"));
    std::fs::remove_file(root.path().join("wear.toml")).expect("remove");
    std::fs::create_dir(root.path().join("wear.toml")).expect("a folder in the way");
    let err = load_policy(root.path()).expect_err("a folder");
    assert!(err.message.contains("is a folder"), "{err}");
}
