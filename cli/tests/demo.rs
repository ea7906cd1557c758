//! `cargo wear demo` for real: the binary builds and runs the example shop with cargo, then
//! reports on it, in this repository and in a clone without history (shallow, then with no
//! git at all), and refuses a workspace that has no shop.
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;

/// The root of the wear repository this test runs in.
fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("the workspace above cli/").to_owned()
}

/// The target directory of this build, which every demo run here shares (so that a clone
/// elsewhere does not build everything again).
fn target_dir() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR").map_or_else(|| repo_root().join("target"), PathBuf::from)
}

fn demo(manifest: &Path, extra: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_cargo-wear"))
        .env("CARGO_TARGET_DIR", target_dir())
        .args(["wear", "demo", "--color", "never", "--manifest-path"])
        .arg(manifest)
        .args(extra)
        .output()
        .expect("cargo wear demo runs")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// The shop's parts, as `cargo wear scan` finds them in `root`.
fn shop_parts(root: &Path) -> Vec<String> {
    let out = Command::new(env!("CARGO_BIN_EXE_cargo-wear"))
        .args(["scan", "--format", "json", "--manifest-path"])
        .arg(root.join("Cargo.toml"))
        .output()
        .expect("scan runs");
    assert!(out.status.success(), "{}", text(&out.stderr));
    let parts: Value = serde_json::from_slice(&out.stdout).expect("json");
    parts
        .as_array()
        .expect("an array")
        .iter()
        .filter(|p| p["package"] == "wear-example-shop")
        .map(|p| p["path"].as_str().expect("a path").to_owned())
        .collect()
}

/// The shop ran, and the due list holds exactly its parts.
fn assert_demo_output(root: &Path, out: &Output, orders: &str) -> String {
    let stdout = text(&out.stdout);
    assert!(out.status.success(), "demo failed:\n{stdout}\n{}", text(&out.stderr));
    assert!(stdout.contains(&format!("{orders} orders:")), "the shop's summary: {stdout}");
    let parts = shop_parts(root);
    assert!(parts.len() >= 30, "the shop has tens of parts: {}", parts.len());
    for part in &parts {
        assert!(stdout.contains(part.as_str()), "{part} missing from:\n{stdout}");
    }
    assert!(!stdout.contains("wear_probe::"), "only the shop's parts: {stdout}");
    assert!(stdout.contains(&format!("{} parts:", parts.len())), "{stdout}");
    let snapshot =
        std::fs::read_to_string(target_dir().join("wear-demo/shop.json")).expect("the demo's snapshot");
    assert!(
        snapshot.contains(wear::snapshot::FORMAT),
        "a snapshot: {}",
        &snapshot[..200.min(snapshot.len())]
    );
    assert!(stdout.contains("heatmap of"), "the heatmap: {stdout}");
    let page = target_dir().join("wear-demo/report.html");
    assert!(stdout.contains(&page.display().to_string()), "the page's path is printed: {stdout}");
    let html = std::fs::read_to_string(&page).expect("the HTML report");
    // The page's data holds each part's name (its path is its module's path and the name).
    assert!(html.contains(&format!("due list of {} parts", parts.len())), "every part in the page");
    for part in parts.iter().filter(|p| !p.contains('<')) {
        let name = part.rsplit("::").next().unwrap_or(part);
        assert!(html.contains(&format!("\"{name}\"")), "{part} missing from the HTML report");
    }
    stdout
}

/// One test, because every run writes the same snapshot under the shared target directory.
#[test]
fn the_demo_reports_on_the_shop_with_this_repositorys_history_or_without_it() {
    // In this repository, with its default workload: under the repository's `wear.toml` the hot
    // parser (50,000 calls; 20,000 orders parse about 50,500 lines) is overdue.
    let root = repo_root();
    let out = demo(&root.join("Cargo.toml"), &[]);
    let stdout = assert_demo_output(&root, &out, "20000");
    assert!(!stdout.contains("not in a git repository") && !stdout.contains("shallow"), "{stdout}");
    let in_storage = stdout.lines().filter(|l| l.contains(" in-storage ")).count();
    assert!(in_storage >= 3, "some parts are never called: {stdout}");
    assert!(stdout.lines().any(|l| l.contains("parse_line") && l.contains(" overdue ")), "{stdout}");

    let dir = tempfile::tempdir().expect("tempdir");
    let clone = dir.path().join("wear");
    let status = Command::new("git")
        .args(["clone", "--quiet", "--depth", "1"])
        .arg(format!("file://{}", repo_root().display()))
        .arg(&clone)
        .status()
        .expect("git clone runs");
    assert!(status.success(), "shallow clone of this repository");

    let out = demo(&clone.join("Cargo.toml"), &["--orders", "3000"]);
    let stdout = assert_demo_output(&clone, &out, "3000");
    assert!(stdout.contains("history is shallow"), "{stdout}");

    std::fs::remove_dir_all(clone.join(".git")).expect("remove .git");
    let out = demo(&clone.join("Cargo.toml"), &["--orders", "3000"]);
    let stdout = assert_demo_output(&clone, &out, "3000");
    assert!(stdout.contains("not in a git repository"), "{stdout}");
}

#[test]
fn a_workspace_without_the_shop_is_a_clear_error() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(
        dir.path().join("Cargo.toml"),
        "[package]\nname = \"mine\"\nversion = \"0.1.0\"\nedition = \"2021\"\n",
    )
    .expect("manifest");
    std::fs::create_dir(dir.path().join("src")).expect("src");
    std::fs::write(dir.path().join("src/lib.rs"), "#[wear::tracked]\npub fn f() {}\n").expect("lib");
    let out = demo(&dir.path().join("Cargo.toml"), &[]);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out.stderr));
    let stderr = text(&out.stderr);
    assert!(stderr.contains("wear-example-shop") && stderr.contains("cargo wear report"), "{stderr}");
    let entries: Vec<_> =
        std::fs::read_dir(dir.path()).expect("dir").flatten().map(|e| e.file_name()).collect();
    assert_eq!(entries.len(), 2, "nothing written: {entries:?}");

    let out = demo(&dir.path().join("Cargo.toml"), &["--orders", "0"]);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out.stderr));
}
