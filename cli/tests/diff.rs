//! `cargo wear diff` on a real git repository built here: a change that edits a hot part,
//! moves one to another module, renames one, deletes one, changes only the comments of another
//! and adds one, measured against the base's usage; its formats, its gate, and how it picks the base.
mod support;

use std::collections::BTreeMap;

use support::{Fixture, Reading, snapshot};

const NOW: &str = "2026-11-21";

const LIB: &str = "pub mod cart;\npub mod pricing;\n";

const CART: &str = "\
#[wear::tracked]
pub fn add(n: u32) -> u32 {
    n + 1
}

#[wear::tracked]
pub fn helper() -> u32 {
    7
}

#[wear::tracked]
pub fn legacy() -> u32 {
    3
}

#[wear::tracked]
pub fn quote() -> u32 {
    // the price
    40
}

#[wear::tracked]
pub fn untouched() -> u32 {
    5
}

#[wear::tracked]
pub fn total() -> u32 {
    11
}
";

const CART_AFTER: &str = "\
#[wear::tracked]
pub fn add(n: u32) -> u32 {
    n + 2
}

#[wear::tracked]
pub fn quote() -> u32 {
    // the price, in cents since 2026
    40
}

#[wear::tracked]
pub fn untouched() -> u32 {
    5
}

#[wear::tracked]
pub fn sum() -> u32 {
    11
}
";

const PRICING: &str = "\
#[wear::tracked]
pub fn tax() -> u32 {
    19
}
";

const PRICING_AFTER: &str = "\
#[wear::tracked]
pub fn tax() -> u32 {
    19
}

#[wear::tracked]
pub fn helper() -> u32 {
    7
}

#[wear::tracked]
pub fn fresh() -> u32 {
    1
}
";

/// The base committed, its usage in `usage/base.json`, and the change in the work tree.
fn changed() -> (Fixture, git2::Oid) {
    let fx = Fixture::new("shop");
    fx.write("src/lib.rs", LIB);
    fx.write("src/cart.rs", CART);
    fx.write("src/pricing.rs", PRICING);
    let base = fx.commit("the shop", "Ana", "2025-03-01");
    let serials = fx.serials();
    let calls = [
        ("shop::cart::add", 9_000),
        ("shop::cart::helper", 300),
        ("shop::cart::legacy", 50),
        ("shop::cart::quote", 150),
        ("shop::cart::untouched", 500),
        ("shop::cart::total", 700),
        ("shop::pricing::tax", 0),
    ];
    let readings: Vec<Reading<'_>> = calls
        .iter()
        .map(|&(path, calls)| Reading { path, serial: &serials[path], calls, busy_ns: None })
        .collect();
    fx.write(
        "usage/base.json",
        &snapshot("pod-1", "2026-11-01T00:00:00Z", "2026-11-20T00:00:00Z", &readings),
    );
    fx.write("src/cart.rs", CART_AFTER);
    fx.write("src/pricing.rs", PRICING_AFTER);
    (fx, base)
}

fn diff(fx: &Fixture, args: &[&str]) -> std::process::Output {
    let base = ["diff", "--now", NOW, "--usage", "usage/base.json"];
    fx.wear(&[&base[..], args].concat()).output().expect("runs")
}

fn json(fx: &Fixture, base: &str) -> serde_json::Value {
    let out = diff(fx, &["--base", base, "--format", "json"]);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).expect("json")
}

#[test]
fn each_touched_part_is_listed_with_what_the_change_did_and_its_calls_before() {
    let (fx, base) = changed();
    let doc = json(&fx, &base.to_string());
    assert_eq!(doc["schema"], "wear-diff/1");
    assert_eq!(doc["base"]["commit"], base.to_string());
    let parts: BTreeMap<String, &serde_json::Value> = doc["parts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| (p["path"].as_str().unwrap().to_owned(), p))
        .collect();
    let kind = |path: &str| parts.get(path).map(|p| p["change"].as_str().unwrap().to_owned());
    assert_eq!(kind("shop::cart::add").as_deref(), Some("changed"));
    assert_eq!(kind("shop::pricing::helper").as_deref(), Some("moved"));
    assert_eq!(parts["shop::pricing::helper"]["from"], "shop::cart::helper");
    assert_eq!(kind("shop::cart::legacy").as_deref(), Some("removed"));
    assert_eq!(kind("shop::cart::quote").as_deref(), Some("comments-only"));
    assert_eq!(kind("shop::pricing::fresh").as_deref(), Some("new"));
    assert_eq!(kind("shop::cart::sum").as_deref(), Some("renamed"));
    assert_eq!(parts["shop::cart::sum"]["from"], "shop::cart::total");
    assert_eq!(kind("shop::cart::total"), None, "a renamed part is not also removed");
    assert_eq!(kind("shop::cart::untouched"), None, "an untouched part is not listed");
    assert_eq!(kind("shop::pricing::tax"), None);
    assert_eq!(parts.len(), 6);
    // Usage before the change, by the base's serials.
    assert_eq!(parts["shop::cart::add"]["calls_before"], 9_000);
    assert_eq!(parts["shop::pricing::helper"]["calls_before"], 300);
    assert_eq!(parts["shop::cart::legacy"]["calls_before"], 50);
    assert_eq!(parts["shop::cart::quote"]["calls_before"], 150);
    assert_eq!(parts["shop::cart::sum"]["calls_before"], 700);
    assert!(parts["shop::pricing::fresh"]["calls_before"].is_null());
    assert_ne!(parts["shop::cart::add"]["serial_before"], parts["shop::cart::add"]["serial_after"]);
    assert_eq!(parts["shop::cart::quote"]["serial_before"], parts["shop::cart::quote"]["serial_after"]);
    // Highest traffic first; the share is of every call the base's parts took.
    let order: Vec<&str> =
        doc["parts"].as_array().unwrap().iter().map(|p| p["path"].as_str().unwrap()).collect();
    assert_eq!(order[0], "shop::cart::add");
    assert_eq!(doc["total_calls"], 10_700);
    assert_eq!(doc["share"], 0.9533, "(9000 + 700 + 300 + 150 + 50) / 10700");
}

#[test]
fn the_table_and_the_markdown_lead_with_the_share_of_calls() {
    let (fx, base) = changed();
    let base = base.to_string();
    let out = diff(&fx, &["--base", &base]);
    let table = String::from_utf8(out.stdout).unwrap();
    assert_eq!(out.status.code(), Some(0));
    let first = table.lines().next().unwrap();
    assert!(first.starts_with("this change touches 6 parts that took 95% of the calls"), "{table}");
    let add = table.lines().find(|l| l.contains("shop::cart::add")).expect("a row for add");
    assert!(add.starts_with("changed") && add.contains("9000") && add.contains("src/cart.rs:2"), "{add}");
    let helper = table.lines().find(|l| l.contains("shop::pricing::helper")).unwrap();
    assert!(helper.contains("(from shop::cart::helper)") && helper.contains("src/pricing.rs:7"), "{helper}");

    let out = diff(&fx, &["--base", &base, "--format", "markdown"]);
    let md = String::from_utf8(out.stdout).unwrap();
    assert!(
        md.contains("This change touches 6 parts that took 95% of the calls recorded for the base"),
        "{md}"
    );
    assert!(md.contains("| changed | `shop::cart::add` | 9000 |"), "{md}");
    assert!(md.contains("| moved | `shop::pricing::helper` (from `shop::cart::helper`) | 300 |"), "{md}");
}

#[test]
fn the_gate_fails_on_hot_changes_without_a_sign_off() {
    let (fx, base) = changed();
    let base = base.to_string();
    let out = diff(&fx, &["--base", &base, "--fail-on-calls", "1000"]);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("shop::cart::add (changed) was called 9000 times"), "{err}");
    let gate: Vec<&str> = err.lines().filter(|l| l.starts_with("cargo wear diff:")).collect();
    assert_eq!(gate.len(), 1, "a move and a comment keep their serial, 50 calls are below: {err}");
    assert_eq!(diff(&fx, &["--base", &base, "--fail-on-calls", "9001"]).status.code(), Some(0));
    assert_eq!(diff(&fx, &["--base", &base, "--fail-on-share", "90"]).status.code(), Some(1));
    assert_eq!(diff(&fx, &["--base", &base, "--fail-on-share", "96"]).status.code(), Some(0));
}

#[test]
fn the_default_base_is_the_merge_base_with_origin_head() {
    let (fx, base) = changed();
    fx.repo.reference("refs/remotes/origin/main", base, true, "test").unwrap();
    fx.repo.reference_symbolic("refs/remotes/origin/HEAD", "refs/remotes/origin/main", true, "test").unwrap();
    let out = diff(&fx, &["--format", "json"]);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(doc["base"]["commit"], base.to_string());
    assert_eq!(doc["base"]["named"], "merge base with origin/main");
}

#[test]
fn a_base_it_cannot_find_is_an_error_that_says_what_to_give() {
    let (fx, _) = changed();
    let before = support::outside_target(fx.root(), support::tree_bytes(fx.root()));
    let out = diff(&fx, &["--base", "no-such-branch"]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("--base no-such-branch: no such revision"), "{err}");
    assert!(err.contains("help:"), "{err}");
    let out = diff(&fx, &[]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("no base to measure the change from"), "{err}");
    assert!(err.contains("--base"), "{err}");
    assert_eq!(support::outside_target(fx.root(), support::tree_bytes(fx.root())), before, "nothing written");
}

#[test]
fn a_base_a_shallow_clone_lacks_says_how_to_fetch_it() {
    let (fx, base) = changed();
    // A second commit, so that a clone one commit deep lacks the base.
    fx.write("src/lib.rs", &format!("{LIB}// the shop's modules\n"));
    fx.commit("a comment", "Ana", "2025-04-01");
    let clone = tempfile::tempdir().unwrap();
    let url = format!("file://{}", fx.root().display());
    let status = std::process::Command::new("git")
        .args(["clone", "-q", "--depth=1", &url])
        .arg(clone.path().join("shop"))
        .status()
        .expect("git runs");
    assert!(status.success());
    let mut cmd = assert_cmd::Command::cargo_bin("cargo-wear").unwrap();
    let out = cmd
        .current_dir(clone.path().join("shop"))
        .env("CARGO_TARGET_DIR", clone.path().join("shop/target"))
        .args(["wear", "diff", "--now", NOW, "--base", &base.to_string()])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("no such revision"), "{err}");
    assert!(err.contains("shallow clone") && err.contains("git fetch"), "{err}");
}

#[test]
fn a_detached_head_measures_from_origin_head() {
    let (fx, base) = changed();
    fx.repo.reference("refs/remotes/origin/main", base, true, "test").unwrap();
    fx.repo.reference_symbolic("refs/remotes/origin/HEAD", "refs/remotes/origin/main", true, "test").unwrap();
    fx.repo.set_head_detached(base).unwrap();
    let out = diff(&fx, &["--format", "json"]);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(doc["base"]["commit"], base.to_string());
    assert_eq!(doc["parts"].as_array().unwrap().len(), 6, "the same change, seen from a detached HEAD");
}

#[test]
fn sarif_and_github_annotations_place_the_touched_parts_production_used() {
    let (fx, base) = changed();
    let base = base.to_string();
    let out = diff(&fx, &["--base", &base, "--format", "sarif"]);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let log: serde_json::Value = serde_json::from_slice(&out.stdout).expect("SARIF is JSON");
    let schema = support::sarif::official_sarif_schema();
    let validator = jsonschema::validator_for(&schema).expect("the SARIF schema compiles");
    let errors: Vec<String> =
        validator.iter_errors(&log).map(|e| format!("{e} at {}", e.instance_path())).collect();
    assert!(errors.is_empty(), "{errors:#?}");
    let results = log["runs"][0]["results"].as_array().unwrap();
    let by_name = |name: &str| {
        results
            .iter()
            .find(|r| r["locations"][0]["logicalLocations"][0]["fullyQualifiedName"] == name)
            .unwrap_or_else(|| panic!("{name}: {results:#?}"))
    };
    let add = by_name("shop::cart::add");
    assert_eq!(add["ruleId"], "changed-part-in-use");
    assert_eq!(add["level"], "warning");
    assert_eq!(add["locations"][0]["physicalLocation"]["artifactLocation"]["uri"], "src/cart.rs");
    assert_eq!(add["locations"][0]["physicalLocation"]["region"]["startLine"], 2);
    assert_eq!(by_name("shop::pricing::helper")["level"], "note");
    assert_eq!(by_name("shop::cart::legacy")["ruleId"], "changed-part-in-use", "a removal changes code");
    assert_eq!(results.len(), 5, "every touched part with calls before; the new one had none");

    let out = diff(&fx, &["--base", &base, "--format", "github"]);
    let text = String::from_utf8(out.stdout).unwrap();
    let first = text.lines().next().unwrap();
    assert_eq!(
        first,
        "::warning file=src/cart.rs,line=2,endLine=4,title=changed%3A shop%3A%3Acart%3A%3Aadd::9000 calls before this change"
    );
    assert!(text.lines().any(|l| l.starts_with("::notice file=src/pricing.rs,line=7,")), "{text}");
    assert!(text.trim_end().ends_with("that took 95%25 of the calls recorded for the base"), "{text}");
}
