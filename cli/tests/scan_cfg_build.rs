//! The scan against the build itself: a probe crate with tracked functions behind features,
//! targets, `debug_assertions`, `test` and cfgs its build script sets is built for real with
//! cargo (release, as the scan models it), run to write a snapshot of every part it
//! registered, and scanned with the same features. The runtime's parts and the scan's are
//! the same, path for path (contract 1). Before the first build, the build script's cfgs
//! cannot be decided: the scan keeps their code and says so once per predicate.
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

const MANIFEST: &str = r#"[package]
name = "wear-cfg-probe"
version = "0.1.0"
edition = "2021"
publish = false

[features]
default = ["fast"]
fast = []
slow = []

[dependencies]
wear = { path = "RUNTIME" }

# The scan models a release build; optimising the probe would only make the test slower.
[profile.release]
opt-level = 0

[workspace]
"#;

const BUILD_RS: &str = r#"fn main() {
    println!("cargo::rustc-check-cfg=cfg(probe_fast_path, probe_slow_path)");
    println!("cargo::rustc-cfg=probe_fast_path");
    println!("cargo::rerun-if-changed=build.rs");
}
"#;

const LIB: &str = r#"#[cfg(feature = "slow")]
pub mod slow;
#[cfg(target_arch = "aarch64")]
pub mod neon;
#[cfg(probe_fast_path)]
pub mod fast_path;
#[cfg(probe_slow_path)]
pub mod slow_path;
#[cfg_attr(unix, path = "sys_unix.rs")]
#[cfg_attr(not(unix), path = "sys_other.rs")]
pub mod sys;

#[wear::tracked]
pub fn always() {}

#[cfg(debug_assertions)]
#[wear::tracked]
pub fn debug_only() {}

#[cfg(test)]
#[wear::tracked]
fn test_helper() {}

#[test]
#[wear::tracked]
fn a_test_outside_mod_tests() {}

#[cfg(not(feature = "fast"))]
#[wear::tracked]
pub fn without_fast() {}

pub struct Engine;

#[cfg(feature = "fast")]
#[wear::tracked]
impl Engine {
    pub fn run(&self) {}
}

#[cfg(probe_fast_path)]
#[wear::tracked]
pub fn fast_path_too() {}
"#;

const MAIN: &str = r#"fn main() {
    wear_cfg_probe::always();
    let path = std::env::var_os("WEAR_SNAPSHOT").expect("WEAR_SNAPSHOT names the snapshot file");
    wear::snapshot().write_to(std::path::Path::new(&path)).expect("the snapshot is written");
}
"#;

fn write(root: &Path, rel: &str, text: &str) {
    let path = root.join(rel);
    std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
    std::fs::write(path, text).expect("write");
}

/// The wear repository this test runs in.
fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("the workspace above cli/").to_owned()
}

fn probe() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path();
    let runtime = repo().join("runtime");
    write(root, "Cargo.toml", &MANIFEST.replace("RUNTIME", &runtime.display().to_string()));
    // The versions this repository builds with, so nothing new is resolved or downloaded.
    std::fs::copy(repo().join("Cargo.lock"), root.join("Cargo.lock")).expect("copies Cargo.lock");
    write(root, "build.rs", BUILD_RS);
    write(root, "src/lib.rs", LIB);
    write(root, "src/main.rs", MAIN);
    for (file, name) in [
        ("slow", "in_slow"),
        ("neon", "neon_fn"),
        ("fast_path", "fast_fn"),
        ("slow_path", "slow_fn"),
        ("sys_unix", "unix_fn"),
        ("sys_other", "other_fn"),
    ] {
        write(root, &format!("src/{file}.rs"), &format!("#[wear::tracked]\npub fn {name}() {{}}\n"));
    }
    dir
}

/// (path, serial, file, lines) of a part.
type Seen = (String, String, String, [u64; 2]);

fn seen(part: &Value) -> Seen {
    let lines = part["lines"].as_array().expect("lines");
    (
        part["path"].as_str().expect("path").to_owned(),
        part["serial"].as_str().expect("serial").to_owned(),
        part["file"].as_str().expect("file").to_owned(),
        [lines[0].as_u64().expect("first"), lines[1].as_u64().expect("last")],
    )
}

/// The parts `cargo wear scan` lists for the probe, and its warnings.
fn scan(root: &Path, target_dir: &Path, flags: &[&str]) -> (BTreeSet<Seen>, Vec<String>) {
    let out = Command::new(env!("CARGO_BIN_EXE_cargo-wear"))
        .current_dir(root)
        .args(["wear", "scan", "--format", "json"])
        .args(flags)
        .env("CARGO_TARGET_DIR", target_dir)
        .env_remove("RUSTFLAGS")
        .env_remove("CARGO_ENCODED_RUSTFLAGS")
        .env_remove("CARGO_BUILD_RUSTFLAGS")
        .output()
        .expect("scan runs");
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(out.status.success(), "{stderr}");
    let parts: Value = serde_json::from_slice(&out.stdout).expect("json");
    let parts = parts.as_array().expect("an array").iter().map(seen).collect();
    (parts, stderr.lines().filter(|l| l.starts_with("warning:")).map(str::to_owned).collect())
}

/// Builds the probe with `flags` (release), runs it, and returns the parts it registered.
fn build_and_run(root: &Path, target_dir: &Path, flags: &[&str]) -> BTreeSet<Seen> {
    let out = Command::new(env!("CARGO"))
        .current_dir(root)
        .args(["build", "--release", "--quiet"])
        .args(flags)
        .env("CARGO_TARGET_DIR", target_dir)
        .env_remove("RUSTFLAGS")
        .env_remove("CARGO_ENCODED_RUSTFLAGS")
        .env_remove("CARGO_BUILD_RUSTFLAGS")
        .output()
        .expect("cargo runs");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let snapshot = root.join("snapshot.json");
    let binary = target_dir.join("release").join(format!("wear-cfg-probe{}", std::env::consts::EXE_SUFFIX));
    let out = Command::new(binary).env("WEAR_SNAPSHOT", &snapshot).output().expect("the probe runs");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let snapshot: Value = serde_json::from_str(&std::fs::read_to_string(&snapshot).expect("a snapshot"))
        .expect("wear-snapshot/1");
    snapshot["parts"].as_array().expect("parts").iter().map(seen).collect()
}

fn paths(parts: &BTreeSet<Seen>) -> BTreeSet<&str> {
    parts.iter().map(|p| p.0.as_str()).collect()
}

#[test]
fn the_scan_lists_exactly_the_parts_the_build_registers() {
    let probe = probe();
    let root = probe.path();

    // Not built yet: the build script's cfgs are undecided, their code kept, each said once.
    let unbuilt = tempfile::tempdir().expect("tempdir");
    let (parts, warnings) = scan(root, unbuilt.path(), &[]);
    let listed = paths(&parts);
    for kept in [
        "wear_cfg_probe::fast_path::fast_fn",
        "wear_cfg_probe::slow_path::slow_fn",
        "wear_cfg_probe::fast_path_too",
    ] {
        assert!(listed.contains(kept), "{kept} missing: {listed:?}");
    }
    assert_eq!(warnings.len(), 2, "{warnings:#?}");
    assert!(
        warnings[0].contains("`cfg(probe_fast_path)` (met in 2 places; said once) cannot be decided"),
        "{warnings:#?}"
    );
    assert!(
        warnings[0].contains("or build `wear-cfg-probe` once (its build script may set it"),
        "{warnings:#?}"
    );
    assert!(warnings[1].contains("`cfg(probe_slow_path)` cannot be decided"), "{warnings:#?}");

    // Built for real, in a target directory the runs of this test share (wear and its
    // dependencies build once).
    let target_dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("cfg-probe");
    for flags in [&[][..], &["--no-default-features", "--features", "slow"][..]] {
        let registered = build_and_run(root, &target_dir, flags);
        let (scanned, warnings) = scan(root, &target_dir, flags);
        assert!(
            warnings.is_empty(),
            "{flags:?}: the build script's output decides everything: {warnings:#?}"
        );
        assert_eq!(scanned, registered, "{flags:?}: the scan and the build disagree");
        let registered = paths(&registered);
        assert!(registered.contains("wear_cfg_probe::fast_path::fast_fn"), "set by build.rs: {registered:?}");
        assert!(
            !registered.contains("wear_cfg_probe::slow_path::slow_fn"),
            "declared, not set: {registered:?}"
        );
        assert!(!registered.contains("wear_cfg_probe::debug_only"), "a release build: {registered:?}");
        let slow = registered.contains("wear_cfg_probe::slow::in_slow");
        assert_eq!(slow, flags.contains(&"slow"), "{flags:?}: {registered:?}");
        assert_eq!(registered.contains("wear_cfg_probe::Engine::run"), !slow, "{registered:?}");
    }
}
