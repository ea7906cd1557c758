//! The scan lists what the build compiles: the real binary on real cargo workspaces with
//! feature-gated modules, functions and impls, target-gated modules, `cfg_attr(path)`, test
//! code outside `mod tests` and cfgs nobody declares; `--features`, `--all-features`,
//! `--no-default-features`, `--target`, `--cfg`, RUSTFLAGS; and bad flags refused with exit 2
//! and nothing written.
mod support;

use std::collections::BTreeSet;
use std::process::Output;

use serde_json::Value;
use support::{Fixture, tree_bytes};

const ROOT: &str = "[workspace]\nmembers = [\"gated\", \"helper\"]\nresolver = \"2\"\n";

/// `gated` has an optional dependency on the member `helper` (its implicit feature `helper`),
/// and `wire` turns it on through `helper/json`.
const GATED_MANIFEST: &str = r#"[package]
name = "gated"
version = "0.1.0"
edition = "2021"

[features]
default = ["fast"]
fast = []
slow = []
wire = ["helper/json"]

[dependencies]
helper = { path = "../helper", optional = true, default-features = false }

[lints.rust.unexpected_cfgs]
level = "warn"
check-cfg = ['cfg(loom)']
"#;

const HELPER_MANIFEST: &str = r#"[package]
name = "helper"
version = "0.1.0"
edition = "2021"

[features]
default = ["std"]
std = []
json = []
"#;

const GATED_LIB: &str = r#"#[cfg(feature = "fast")]
mod fast;
#[cfg(feature = "slow")]
mod slow;
#[cfg(target_arch = "aarch64")]
mod neon;
#[cfg(target_arch = "wasm32")]
mod wasm;
#[cfg(target_arch = "x86_64")]
mod x86;
#[cfg_attr(unix, path = "sys/unix.rs")]
#[cfg_attr(not(unix), path = "sys/other.rs")]
mod sys;
#[cfg(loom)]
mod model;
#[cfg(windows)]
mod nowhere;
#[cfg(feature = "slow")]
mod inline {
    mod deeper;
    #[wear::tracked]
    pub fn inline_slow() {}
}

#[wear::tracked]
pub fn always() {}

#[cfg(feature = "slow")]
#[wear::tracked]
pub fn slow_fn() {}

#[cfg(not(feature = "fast"))]
#[wear::tracked]
pub fn without_fast() {}

#[cfg_attr(feature = "wire", wear::tracked)]
pub fn wired() {}

pub struct Engine;

#[cfg(feature = "helper")]
#[wear::tracked]
impl Engine {
    pub fn with_helper(&self) {}
}

#[cfg(debug_assertions)]
#[wear::tracked]
pub fn debug_only() {}

#[cfg(test)]
#[wear::tracked]
fn test_helper() {}

#[test]
#[wear::tracked]
fn a_test_outside_mod_tests() {}

#[cfg(tokio_unstable)]
#[wear::tracked]
pub fn unstable_a() {}

#[cfg(tokio_unstable)]
#[wear::tracked]
pub fn unstable_b() {}

#[cfg(all(tokio_unstable, feature = "slow"))]
#[wear::tracked]
pub fn unstable_and_slow() {}
"#;

fn gated_workspace() -> Fixture {
    let fx = Fixture::new("unused");
    fx.write("Cargo.toml", ROOT);
    fx.write("gated/Cargo.toml", GATED_MANIFEST);
    fx.write("helper/Cargo.toml", HELPER_MANIFEST);
    fx.write("helper/src/lib.rs", "#[cfg(feature = \"json\")]\n#[wear::tracked]\npub fn to_json() {}\n#[cfg(feature = \"std\")]\n#[wear::tracked]\npub fn with_std() {}\n");
    fx.write("gated/src/lib.rs", GATED_LIB);
    let tracked = |name: &str| format!("#[wear::tracked]\npub fn {name}() {{}}\n");
    fx.write("gated/src/fast.rs", &tracked("fast_fn"));
    fx.write("gated/src/slow.rs", &tracked("in_slow"));
    fx.write("gated/src/neon.rs", &tracked("neon_fn"));
    // Read only when the build is for wasm32 (or when listing what is compiled out).
    fx.write("gated/src/wasm.rs", "#[wear::tracked]\npub fn wasm_fn( {\n");
    fx.write("gated/src/x86.rs", &tracked("x86_fn"));
    fx.write("gated/src/sys/unix.rs", &tracked("unix_fn"));
    fx.write("gated/src/sys/other.rs", &tracked("other_fn"));
    fx.write("gated/src/model.rs", &tracked("model_fn"));
    fx.write("gated/src/inline/deeper.rs", &tracked("deep_fn"));
    fx
}

fn run(fx: &Fixture, args: &[&str]) -> Output {
    let mut all = vec!["scan", "--format", "json"];
    all.extend_from_slice(args);
    fx.wear(&all).env_remove("RUSTFLAGS").env_remove("CARGO_ENCODED_RUSTFLAGS").output().expect("scan runs")
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// (path without the crate name, compiled out) of every part the scan lists, and its stderr.
fn scan(fx: &Fixture, args: &[&str]) -> (Vec<(String, bool)>, String) {
    parse(run(fx, args))
}

fn parse(out: Output) -> (Vec<(String, bool)>, String) {
    assert!(out.status.success(), "{}", stderr(&out));
    let parts: Value = serde_json::from_slice(&out.stdout).expect("json");
    let parts = parts
        .as_array()
        .expect("an array")
        .iter()
        .map(|p| (p["path"].as_str().expect("path").to_owned(), p["compiled_out"].as_bool().expect("a flag")))
        .collect();
    (parts, stderr(&out))
}

/// The paths of parts the build compiles.
fn built(parts: &[(String, bool)]) -> BTreeSet<&str> {
    parts.iter().filter(|(_, out)| !out).map(|(p, _)| p.as_str()).collect()
}

fn set<'a>(paths: &[&'a str]) -> BTreeSet<&'a str> {
    paths.iter().copied().collect()
}

#[test]
fn the_default_build_on_this_host() {
    let fx = gated_workspace();
    let (parts, stderr) = scan(&fx, &[]);
    assert!(parts.iter().all(|(_, out)| !out), "nothing compiled out is listed: {parts:?}");
    let mut expected = set(&[
        "gated::always",
        "gated::fast::fast_fn",
        "gated::sys::unix_fn",
        "gated::unstable_a",
        "gated::unstable_b",
        "helper::with_std",
    ]);
    if cfg!(target_arch = "x86_64") {
        expected.insert("gated::x86::x86_fn");
    }
    assert_eq!(built(&parts), expected, "{stderr}");
    // One warning for the one undecided predicate, met twice; the definite no of
    // `all(tokio_unstable, feature = "slow")` is not one. `wasm.rs` does not parse, and
    // `nowhere.rs` does not exist: neither is looked at.
    let warnings: Vec<&str> = stderr.lines().filter(|l| l.starts_with("warning:")).collect();
    assert_eq!(warnings.len(), 1, "{stderr}");
    assert!(
        warnings[0].starts_with("warning: ")
            && warnings[0].contains(
                "gated/src/lib.rs:59: `cfg(tokio_unstable)` (met in 2 places; said once) cannot be decided"
            )
            && warnings[0].contains("pass `--cfg tokio_unstable` if your build sets it"),
        "{stderr}"
    );
}

#[test]
fn features_as_cargo_takes_them() {
    let fx = gated_workspace();
    let (parts, stderr) = scan(&fx, &["--features", "slow,wire"]);
    let got = built(&parts);
    for path in [
        "gated::slow::in_slow",
        "gated::slow_fn",
        "gated::inline::inline_slow",
        "gated::inline::deeper::deep_fn",
        "gated::wired",
        "gated::Engine::with_helper",
        "helper::to_json",
        "gated::fast::fast_fn",
    ] {
        assert!(got.contains(path), "{path} missing from {got:?}\n{stderr}");
    }
    assert!(!got.contains("gated::without_fast"), "{got:?}");
    // `unstable_and_slow` is now undecided as well: a second warning.
    assert_eq!(stderr.lines().filter(|l| l.starts_with("warning:")).count(), 2, "{stderr}");

    // `package/feature` and a space-separated list; the implicit feature of the optional
    // dependency by its name.
    let (parts, _) = scan(&fx, &["--features", "gated/slow helper"]);
    let got = built(&parts);
    assert!(got.contains("gated::slow_fn") && got.contains("gated::Engine::with_helper"), "{got:?}");
    assert!(!got.contains("helper::to_json"), "{got:?}");
}

#[test]
fn no_default_and_all_features() {
    let fx = gated_workspace();
    let (parts, stderr) = scan(&fx, &["--no-default-features"]);
    let got = built(&parts);
    assert!(
        got.contains("gated::without_fast") && !got.contains("gated::fast::fast_fn"),
        "{got:?}\n{stderr}"
    );
    assert!(!got.contains("helper::with_std"), "helper's defaults are off too: {got:?}");

    let (parts, _) = scan(&fx, &["--all-features"]);
    let got = built(&parts);
    for path in [
        "gated::fast::fast_fn",
        "gated::slow_fn",
        "gated::wired",
        "gated::Engine::with_helper",
        "helper::to_json",
        "helper::with_std",
    ] {
        assert!(got.contains(path), "{path} missing from {got:?}");
    }
    assert!(!got.contains("gated::without_fast"), "{got:?}");
}

#[test]
fn other_targets() {
    let fx = gated_workspace();
    let (parts, stderr) = scan(&fx, &["--target", "aarch64-unknown-linux-gnu"]);
    let got = built(&parts);
    assert!(got.contains("gated::neon::neon_fn") && got.contains("gated::sys::unix_fn"), "{got:?}\n{stderr}");
    assert!(!got.contains("gated::x86::x86_fn"), "{got:?}");

    // wasm32: the wasm module is read (and does not parse), `sys` comes from `other.rs`.
    let (parts, stderr) = scan(&fx, &["--target", "wasm32-unknown-unknown"]);
    let got = built(&parts);
    assert!(got.contains("gated::sys::other_fn") && !got.contains("gated::sys::unix_fn"), "{got:?}");
    assert!(stderr.contains("gated/src/wasm.rs:2: does not parse"), "{stderr}");

    // CARGO_BUILD_TARGET is cargo's own default for --target.
    let out = fx
        .wear(&["scan", "--format", "json"])
        .env("CARGO_BUILD_TARGET", "aarch64-unknown-linux-gnu")
        .env_remove("RUSTFLAGS")
        .output()
        .expect("runs");
    assert!(built(&parse(out).0).contains("gated::neon::neon_fn"));
}

#[test]
fn cfg_flags_and_rustflags() {
    let fx = gated_workspace();
    let (parts, stderr) =
        scan(&fx, &["--cfg", "tokio_unstable", "--cfg", "debug_assertions", "--cfg", "test"]);
    let got = built(&parts);
    assert!(got.contains("gated::debug_only") && got.contains("gated::test_helper"), "{got:?}");
    assert!(!got.contains("gated::a_test_outside_mod_tests"), "a test is never a part: {got:?}");
    assert!(!stderr.contains("warning:"), "tokio_unstable is decided now: {stderr}");

    let with_env = |name: &str, value: &str| {
        let out = fx
            .wear(&["scan", "--format", "json"])
            .env_remove("RUSTFLAGS")
            .env(name, value)
            .output()
            .expect("runs");
        parse(out)
    };
    for (name, value) in [
        ("RUSTFLAGS", "-C opt-level=1 --cfg tokio_unstable"),
        ("CARGO_ENCODED_RUSTFLAGS", "-Copt-level=1\x1f--cfg\x1ftokio_unstable"),
        ("CARGO_BUILD_RUSTFLAGS", "--cfg=tokio_unstable"),
    ] {
        let (parts, stderr) = with_env(name, value);
        assert!(built(&parts).contains("gated::unstable_a"), "{name}");
        assert!(!stderr.contains("warning:"), "{name}: {stderr}");
    }
    // Declared by check-cfg in RUSTFLAGS and not set: false, and nothing to say.
    let (parts, stderr) = with_env("RUSTFLAGS", "--check-cfg cfg(tokio_unstable)");
    assert!(!built(&parts).contains("gated::unstable_a"), "{parts:?}");
    assert!(!stderr.contains("warning:"), "{stderr}");
}

#[test]
fn compiled_out_parts_are_listed_on_request() {
    let fx = gated_workspace();
    let (parts, stderr) = scan(&fx, &["--compiled-out"]);
    let out: BTreeSet<&str> = parts.iter().filter(|(_, out)| *out).map(|(p, _)| p.as_str()).collect();
    for path in [
        "gated::slow::in_slow",
        "gated::slow_fn",
        "gated::inline::deeper::deep_fn",
        "gated::neon::neon_fn",
        "gated::model::model_fn",
        "gated::debug_only",
        "gated::test_helper",
        "gated::without_fast",
        "gated::Engine::with_helper",
    ] {
        assert!(out.contains(path), "{path} not listed as compiled out: {parts:?}");
    }
    assert!(!parts.iter().any(|(p, _)| p.ends_with("a_test_outside_mod_tests")), "tests are never parts");
    assert!(!out.contains("gated::always"));
    // Following compiled-out modules reads their files: the broken one and the missing one
    // are now said.
    assert!(stderr.contains("gated/src/wasm.rs:2: does not parse"), "{stderr}");
    assert!(stderr.contains("module `nowhere` has no file"), "{stderr}");
    // `sys` is declared once, with `unix.rs` as its path here: `other.rs` is no module of this
    // build, compiled out or not.
    assert!(parts.contains(&("gated::sys::unix_fn".to_owned(), false)), "{parts:?}");
    assert!(!parts.iter().any(|(p, _)| p == "gated::sys::other_fn"), "{parts:?}");

    let table = fx.wear(&["scan", "--compiled-out"]).env_remove("RUSTFLAGS").output().expect("runs");
    let table = String::from_utf8_lossy(&table.stdout).into_owned();
    let header = table.lines().next().expect("a header");
    assert!(header.contains("build") && header.contains("location"), "{table}");
    let slow = table.lines().find(|l| l.starts_with("gated::slow_fn ")).expect("listed");
    assert!(slow.contains("compiled out  gated/src/lib.rs:"), "{table}");
    let always = table.lines().find(|l| l.starts_with("gated::always ")).expect("listed");
    assert!(always.contains("compiled      gated/src/lib.rs:"), "{table}");
}

#[test]
fn reports_never_include_compiled_out_parts() {
    let fx = gated_workspace();
    fx.commit("first", "Ada", "2026-01-01");
    let out = fx
        .wear(&["report", "--format", "json", "--no-ledger", "--now", "2026-11-21"])
        .env_remove("RUSTFLAGS")
        .output()
        .expect("runs");
    assert!(out.status.success(), "{}", stderr(&out));
    let report: Value = serde_json::from_slice(&out.stdout).expect("json");
    let parts: BTreeSet<&str> = report["parts"]
        .as_array()
        .expect("parts")
        .iter()
        .map(|p| p["path"].as_str().expect("part"))
        .collect();
    assert!(parts.contains("gated::always") && !parts.contains("gated::slow_fn"), "{parts:?}");
    let out = fx
        .wear(&["report", "--format", "json", "--no-ledger", "--now", "2026-11-21", "--features", "slow"])
        .env_remove("RUSTFLAGS")
        .output()
        .expect("runs");
    let report: Value = serde_json::from_slice(&out.stdout).expect("json");
    assert!(report["parts"].as_array().expect("parts").iter().any(|p| p["path"] == "gated::slow_fn"));
}

/// Exit 2, the first line of the error, and no file written or changed.
fn refused(fx: &Fixture, args: &[&str]) -> String {
    let before = tree_bytes(fx.root());
    let mut all = vec!["report", "--no-ledger", "--output", "report.txt"];
    all.extend_from_slice(args);
    let out = fx.wear(&all).env_remove("RUSTFLAGS").output().expect("runs");
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert_eq!(tree_bytes(fx.root()), before, "nothing written");
    stderr(&out)
}

#[test]
fn bad_build_flags_are_refused_and_nothing_is_written() {
    let fx = gated_workspace();
    fx.commit("first", "Ada", "2026-01-01");

    let error = refused(&fx, &["--features", "slow,sloe,nope"]);
    assert!(
        error.starts_with("error: none of the selected packages contains these features: sloe, nope (selected packages: gated, helper)"),
        "{error}"
    );
    assert!(error.contains("help: there is a similarly named feature: slow"), "{error}");
    let error = refused(&fx, &["--features", "helper/xml"]);
    assert!(
        error.starts_with("error: none of the selected packages contains this feature: helper/xml"),
        "{error}"
    );

    let error = refused(&fx, &["--target", "nope-nope-nope"]);
    assert!(error.starts_with("error: rustc does not know the target `nope-nope-nope`"), "{error}");
    assert!(error.contains("help: give --target a triple from `rustc --print target-list`"), "{error}");

    let error = refused(&fx, &["--cfg", "mode=fast"]);
    assert!(error.starts_with("error: --cfg \"mode=fast\": `mode=fast` is not a cfg"), "{error}");
    assert!(error.contains("help: write --cfg NAME, or --cfg 'NAME=\"VALUE\"'"), "{error}");

    let before = tree_bytes(fx.root());
    let out = fx.wear(&["scan"]).env("RUSTFLAGS", "--cfg mode=fast").output().expect("runs");
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).starts_with("error: RUSTFLAGS holds a `--cfg` rustc refuses: `mode=fast` is not a cfg"),
        "{}",
        stderr(&out)
    );
    assert_eq!(tree_bytes(fx.root()), before);
}

#[test]
fn a_single_package_is_named_as_cargo_names_it() {
    let fx = Fixture::new("single");
    fx.write("Cargo.toml", "[package]\nname = \"single\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\n[features]\nfast = []\n\n[workspace]\n");
    fx.write("src/lib.rs", "#[wear::tracked]\npub fn f() {}\n");
    let out = fx.wear(&["scan", "--features", "fats"]).env_remove("RUSTFLAGS").output().expect("runs");
    assert_eq!(out.status.code(), Some(2));
    let error = stderr(&out);
    assert!(error.starts_with("error: the package 'single' does not contain this feature: fats"), "{error}");
    assert!(error.contains("help: there is a similarly named feature: fast"), "{error}");
}

#[test]
fn a_manifest_cargo_refuses_names_the_file_and_what_to_do() {
    let fx = Fixture::new("broken");
    fx.write("Cargo.toml", "[package]\nname = \"broken\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\n[features]\nfast = 3\n\n[workspace]\n");
    fx.write("src/lib.rs", "");
    let before = tree_bytes(fx.root());
    let out = fx.wear(&["scan", "--features", "fast"]).output().expect("runs");
    assert_eq!(out.status.code(), Some(2));
    let error = stderr(&out);
    // As cargo names it: relative to where the command runs.
    assert!(
        error.starts_with("error: Cargo.toml:7: cargo cannot read the manifest: invalid type"),
        "{error}"
    );
    assert!(error.contains("help: fix the manifest at that line"), "{error}");
    assert_eq!(tree_bytes(fx.root()), before);
}

#[test]
fn check_cfg_in_the_manifest_and_the_workspace_lints() {
    // `loom` is declared in gated's manifest: known and unset, so `model` is out and not warned.
    let fx = gated_workspace();
    let (parts, stderr) = scan(&fx, &[]);
    assert!(!built(&parts).contains("gated::model::model_fn"));
    assert!(!stderr.contains("loom"), "{stderr}");

    // The same through `[workspace.lints]`, and a check-cfg entry rustc would refuse.
    fx.write(
        "Cargo.toml",
        &format!("{ROOT}\n[workspace.lints.rust.unexpected_cfgs]\nlevel = \"warn\"\ncheck-cfg = ['cfg(tokio_unstable)', 'cfg(loom']\n"),
    );
    let manifest = GATED_MANIFEST.split("[lints").next().expect("the head").to_owned();
    fx.write("gated/Cargo.toml", &format!("{manifest}[lints]\nworkspace = true\n"));
    let (parts, stderr) = scan(&fx, &[]);
    let got = built(&parts);
    assert!(!got.contains("gated::unstable_a"), "declared, not set: {got:?}");
    assert!(got.contains("gated::model::model_fn"), "`loom` is no longer declared: {got:?}");
    assert!(stderr.contains("Cargo.toml:7: `cfg(loom` is not a check-cfg"), "{stderr}");
    assert!(stderr.contains("`cfg(loom)` cannot be decided"), "{stderr}");
}

#[test]
fn every_command_that_scans_takes_the_build_flags() {
    let fx = Fixture::new("help");
    for command in ["scan", "report", "check", "heatmap", "map", "inspect", "ingest", "demo"] {
        let out = fx.wear(&[command, "--help"]).output().expect("runs");
        let help = String::from_utf8_lossy(&out.stdout).into_owned();
        assert!(out.status.success(), "{command}: {help}");
        let (_, build) = help.split_once("Build (what the scan counts as compiled):").expect("the heading");
        let build = build.split_whitespace().collect::<Vec<_>>().join(" ");
        for flag in ["--features", "--all-features", "--no-default-features", "--target", "--cfg"] {
            assert!(build.contains(flag), "{command}: {flag} missing from\n{help}");
        }
        assert!(build.contains("The scan models a release build"), "{command}:\n{help}");
        assert!(!build.contains("--color"), "only the build's flags under the heading: {command}\n{help}");
    }
}

/// A package with a build script that cargo ran: its output's `rustc-cfg` lines are set, its
/// `rustc-check-cfg` names known; a line that cannot be read is a warning at its line.
#[test]
fn a_build_scripts_output_is_read_and_a_bad_line_is_a_warning() {
    let fx = Fixture::new("scripted");
    fx.write("build.rs", "fn main() {}\n");
    fx.write(
        "src/lib.rs",
        "#[cfg(has_x)]\n#[wear::tracked]\npub fn x() {}\n#[cfg(has_y)]\n#[wear::tracked]\npub fn y() {}\n",
    );
    // Before any build: both undecided, both kept, and the warning says to build once.
    let (parts, stderr) = scan(&fx, &[]);
    assert_eq!(built(&parts), set(&["scripted::x", "scripted::y"]), "{stderr}");
    assert!(stderr.contains("or build `scripted` once (its build script may set it"), "{stderr}");

    let output = "target/release/build/scripted-0123456789abcdef/output";
    fx.write(
        output,
        "cargo::rustc-check-cfg=cfg(has_x, has_y)\ncargo::rustc-cfg=has_x\ncargo::rustc-cfg=level = 3\n",
    );
    let (parts, stderr) = scan(&fx, &[]);
    assert_eq!(built(&parts), set(&["scripted::x"]), "{stderr}");
    let warnings: Vec<&str> = stderr.lines().filter(|l| l.starts_with("warning:")).collect();
    assert_eq!(warnings.len(), 1, "{stderr}");
    assert!(warnings[0].contains(&format!("{output}:3: `rustc-cfg`: `level = 3` is not a cfg")), "{stderr}");
    assert!(
        warnings[0].contains("this line of the build script's output is ignored (rebuild to refresh it)")
    );
}

#[test]
fn a_rustc_that_cannot_run_is_a_clear_error() {
    let fx = gated_workspace();
    let before = tree_bytes(fx.root());
    let out = fx.wear(&["scan"]).env("RUSTC", fx.path("no-such-rustc")).output().expect("runs");
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    let error = stderr(&out);
    assert!(
        error.starts_with("error: cannot run `")
            && error.contains("no-such-rustc` to learn what the target compiles"),
        "{error}"
    );
    assert!(
        error.contains("help: install Rust (https://rustup.rs), or point RUSTC at the compiler cargo uses"),
        "{error}"
    );
    assert_eq!(tree_bytes(fx.root()), before);
}
