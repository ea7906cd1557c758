//! `cargo wear init`: the starter states the defaults, its example rules are valid, and it
//! never overwrites a policy.
use std::path::Path;

use wear_identity::args::Limits;

use super::{files_in, write};
use crate::policy::limits::EffectiveLimits;
use crate::policy::starter::STARTER;
use crate::policy::{load_policy, parse_policy_text, write_starter};

#[test]
fn the_starter_parses_to_the_defaults() {
    let root = tempfile::tempdir().expect("temp dir");
    let path = write_starter(root.path()).expect("empty workspace");
    assert_eq!(path, root.path().join("wear.toml"));
    assert_eq!(std::fs::read_to_string(&path).expect("written"), STARTER);
    let policy = load_policy(root.path()).expect("the starter is valid");
    assert_eq!(policy.source, Some(path));
    assert!(policy.rules.is_empty());
    for (part, file) in
        [("a::f", "src/lib.rs"), ("shop::checkout::pay", "src/legacy/x.rs"), ("<a::T as D>::fmt", "b.rs")]
    {
        assert_eq!(policy.limits_for(part, file, &Limits::default()), EffectiveLimits::default(), "{part}");
    }
    assert_eq!(files_in(root.path()), ["wear.toml"], "no temporary file left behind");
}

#[test]
fn the_starter_examples_are_valid_when_uncommented() {
    let start = STARTER.find("# [[rule]]").expect("the starter shows a rule");
    let uncommented: String = STARTER[start..]
        .lines()
        .map(|l| l.strip_prefix("# ").unwrap_or(l.trim_start_matches('#')))
        .map(|l| format!("{l}\n"))
        .collect();
    let policy = parse_policy_text(Path::new("wear.toml"), &uncommented).expect("the examples parse");
    assert_eq!(policy.rules.len(), 2);
    let checkout = policy.limits_for("shop::checkout::pay", "src/checkout.rs", &Limits::default());
    assert_eq!(checkout.calls, Some(1_000_000));
    let legacy = policy.limits_for("app::legacy::f", "src/legacy/f.rs", &Limits::default());
    assert_eq!(legacy.due_soon, 0.8);
}

#[test]
fn init_refuses_to_overwrite_a_policy() {
    let root = tempfile::tempdir().expect("temp dir");
    let mine = "[defaults]\ncalls = 12 # mine\n";
    write(root.path(), "wear.toml", mine);
    let err = write_starter(root.path()).expect_err("exists");
    assert_eq!(err.file, Some(root.path().join("wear.toml")));
    assert!(err.message.contains("already exists"), "{err}");
    assert!(err.help.is_some());
    assert_eq!(std::fs::read_to_string(root.path().join("wear.toml")).expect("still there"), mine);
    assert_eq!(files_in(root.path()), ["wear.toml"]);
}

#[test]
fn init_refuses_when_cargo_toml_holds_the_policy() {
    let root = tempfile::tempdir().expect("temp dir");
    write(root.path(), "Cargo.toml", "[workspace]\n[workspace.metadata.wear.defaults]\ncalls = 3\n");
    let err = write_starter(root.path()).expect_err("policy in the manifest");
    assert!(err.message.contains("[workspace.metadata.wear]"), "{err}");
    assert_eq!(files_in(root.path()), ["Cargo.toml"], "no wear.toml written");
}

#[test]
fn init_in_a_missing_folder_is_an_error() {
    let root = tempfile::tempdir().expect("temp dir");
    let err = write_starter(&root.path().join("nope")).expect_err("no folder");
    assert!(err.message.contains("cannot create a temporary file"), "{err}");
}

#[test]
fn the_starter_source_url_is_valid_when_uncommented() {
    let start = STARTER.find("# [report]").expect("the starter shows `[report]`");
    let end = start + STARTER[start..].find("\n\n").expect("a blank line after it");
    let uncommented: String =
        STARTER[start..end].lines().map(|l| format!("{}\n", l.strip_prefix("# ").unwrap_or(l))).collect();
    let policy = parse_policy_text(Path::new("wear.toml"), &uncommented).expect("the example parses");
    assert_eq!(policy.source_url.as_deref(), Some("https://github.com/owner/repo/blob/{rev}/{file}#L{line}"));
}
