//! Checkouts and clones that CI runners and laptops make (issue 18), built for real with the
//! `git` command line: line endings converted on checkout (`core.autocrlf`, `eol=crlf`), a
//! clean/smudge filter, a blobless partial clone (with its remote, and with it gone), and a
//! workspace member that is a submodule. In each, the ages in the report are the ones
//! `git blame` gives, and the run changes no file of the work tree.
#![cfg(unix)]
mod support;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;
use support::edge::{Row, record};
use support::{Fixture, tree_bytes};

const NOW: &str = "2026-11-21";
const HOT: &str = "#[wear::tracked]\npub fn hot() -> u32 {\n    1\n}\n";
const COLD: &str = "\n#[wear::tracked]\npub fn cold() -> u32 {\n    2\n}\n";

/// Runs `git` in `dir` as a person would, with commits dated `date` (noon UTC) when given.
fn git_at(dir: &Path, date: Option<&str>, args: &[&str]) -> Output {
    let mut cmd = Command::new("git");
    cmd.current_dir(dir).args(["-c", "user.name=Ada", "-c", "user.email=ada@example.com"]).args(args);
    if let Some(date) = date {
        let when = format!("{date}T12:00:00Z");
        cmd.env("GIT_AUTHOR_DATE", &when).env("GIT_COMMITTER_DATE", &when);
    }
    let out = cmd.output().expect("git runs");
    assert!(out.status.success(), "git {args:?}: {}", String::from_utf8_lossy(&out.stderr));
    out
}

fn git(dir: &Path, args: &[&str]) -> String {
    String::from_utf8_lossy(&git_at(dir, None, args).stdout).into_owned()
}

/// The author time of every line of `file` (relative to `dir`), as `git blame` gives it.
fn blame(dir: &Path, file: &str) -> Vec<i64> {
    git(dir, &["blame", "--line-porcelain", "--", file])
        .lines()
        .filter_map(|l| l.strip_prefix("author-time ")?.parse().ok())
        .collect()
}

/// Every file of the work tree but `target/` and `.git/`, to prove a run changed nothing.
fn sources(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    tree_bytes(dir).into_iter().filter(|(p, _)| !p.starts_with(dir.join("target"))).collect()
}

/// The command the rows show, without `cargo wear`.
const REPORT: &str = "report --now 2026-11-21 --no-ledger --format json";

/// Runs the report in `dir` (with `CARGO_TARGET_DIR` under it), checking it changes no file.
fn report(dir: &Path) -> Output {
    let scan = wear(dir, &["scan"]).output().expect("runs"); // settles Cargo.lock
    assert!(scan.status.success(), "{}", String::from_utf8_lossy(&scan.stderr));
    let before = sources(dir);
    let out = wear(dir, &["report", "--now", NOW, "--no-ledger", "--format", "json"]).output().expect("runs");
    assert_eq!(sources(dir), before, "the run changed the work tree");
    out
}

fn wear(dir: &Path, args: &[&str]) -> assert_cmd::Command {
    let mut cmd = assert_cmd::Command::cargo_bin("cargo-wear").expect("binary");
    cmd.current_dir(dir).arg("wear").args(args).env("NO_COLOR", "1").env_remove("WEAR_SNAPSHOT");
    cmd.env("CARGO_TARGET_DIR", dir.join("target"));
    cmd
}

/// Checks that every part of the report is as old as `git blame` says its lines are (in the
/// repository `blamed_in`, whose root is `prefix` inside the report's), and returns the
/// overhaul date of each part by name.
fn assert_ages_as_blame(out: &Output, blamed_in: &Path, prefix: &str) -> Vec<(String, String)> {
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let report: Value = serde_json::from_slice(&out.stdout).expect("json");
    let parts = report["parts"].as_array().expect("parts");
    assert!(!parts.is_empty(), "the report has parts");
    let mut dates = Vec::new();
    for part in parts {
        let name = part["path"].as_str().expect("path").to_owned();
        let file = part["file"].as_str().expect("file");
        let file = file.strip_prefix(prefix).expect("file in the blamed repository");
        let lines = &part["lines"];
        let (first, last) =
            (lines[0].as_u64().expect("line") as usize, lines[1].as_u64().expect("line") as usize);
        let times = blame(blamed_in, file);
        let times = &times[first - 1..last];
        let newest = wear_cli::time::format_instant(*times.iter().max().expect("lines"));
        let oldest = wear_cli::time::format_instant(*times.iter().min().expect("lines"));
        assert_eq!(part["overhauled_at"].as_str(), Some(newest.as_str()), "{name}: {part}");
        assert_eq!(part["oldest_line_at"].as_str(), Some(oldest.as_str()), "{name}: {part}");
        assert!(!part["remarks"].to_string().contains("not committed"), "{name}: {part}");
        dates.push((name, newest[..10].to_owned()));
    }
    dates.sort();
    dates
}

/// A repository with `hot` written on 2026-01-10 and `cold` added on 2026-03-05.
fn two_commits(name: &str) -> Fixture {
    let fx = Fixture::new(name);
    fx.write("src/lib.rs", HOT);
    fx.commit("hot", "Ada", "2026-01-10");
    fx.write("src/lib.rs", &format!("{HOT}{COLD}"));
    fx.commit("cold", "Ada", "2026-03-05");
    fx
}

/// Checks `src/lib.rs` out again, as a fresh clone would under the current configuration.
fn check_out_again(fx: &Fixture) {
    std::fs::remove_file(fx.path("src/lib.rs")).expect("rm");
    git(fx.root(), &["checkout", "--", "src/lib.rs"]);
    assert_eq!(git(fx.root(), &["status", "--porcelain"]), "", "git sees no change");
}

#[test]
fn autocrlf_checkout_keeps_the_true_ages() {
    let fx = two_commits("crlf");
    git(fx.root(), &["config", "core.autocrlf", "true"]);
    check_out_again(&fx);
    assert!(fx.read("src/lib.rs").contains("\r\n"), "the work tree has CRLF line endings");
    let out = report(fx.root());
    let dates = assert_ages_as_blame(&out, fx.root(), "");
    assert_eq!(
        dates,
        [("crlf::cold".into(), "2026-03-05".into()), ("crlf::hot".into(), "2026-01-10".into())]
    );
    record(Row {
        id: "K1",
        situation: "a checkout with `core.autocrlf=true`: every file has CRLF line endings, `git status` is clean",
        command: REPORT,
        output: &out,
        proof: "ages equal `git blame`'s (2026-01-10, 2026-03-05), not 0 days; no line \"not committed\"; no file changed",
    });
}

#[test]
fn eol_crlf_attribute_keeps_the_true_ages() {
    let fx = Fixture::new("eol");
    fx.write(".gitattributes", "*.rs text eol=crlf\n");
    fx.write("src/lib.rs", HOT);
    fx.commit("hot", "Ada", "2026-01-10");
    fx.write("src/lib.rs", &format!("{HOT}{COLD}"));
    fx.commit("cold", "Ada", "2026-03-05");
    check_out_again(&fx);
    assert!(fx.read("src/lib.rs").contains("\r\n"), "the work tree has CRLF line endings");
    let out = report(fx.root());
    let dates = assert_ages_as_blame(&out, fx.root(), "");
    assert_eq!(dates, [("eol::cold".into(), "2026-03-05".into()), ("eol::hot".into(), "2026-01-10".into())]);
    record(Row {
        id: "K2",
        situation: "`.gitattributes` says `*.rs text eol=crlf`: CRLF in the work tree, LF in the blobs",
        command: REPORT,
        output: &out,
        proof: "ages equal `git blame`'s (2026-01-10, 2026-03-05), not 0 days; no file changed",
    });
}

#[test]
fn a_clean_smudge_filter_keeps_the_true_ages_and_real_edits_show() {
    let fx = Fixture::new("filtered");
    git(fx.root(), &["config", "filter.key.smudge", "sed -e s/KEY/k-9f3a/"]);
    git(fx.root(), &["config", "filter.key.clean", "sed -e s/k-9f3a/KEY/"]);
    fx.write(".gitattributes", "*.rs filter=key\n");
    let key = "\n#[wear::tracked]\npub fn key() -> &'static str {\n    \"KEY\"\n}\n";
    fx.write("src/lib.rs", &format!("{HOT}{key}"));
    git_at(fx.root(), Some("2026-01-10"), &["add", "-A"]);
    git_at(fx.root(), Some("2026-01-10"), &["commit", "-qm", "hot and key"]);
    check_out_again(&fx);
    assert!(fx.read("src/lib.rs").contains("k-9f3a"), "the smudge filter ran");
    let out = report(fx.root());
    let dates = assert_ages_as_blame(&out, fx.root(), "");
    assert_eq!(
        dates,
        [("filtered::hot".into(), "2026-01-10".into()), ("filtered::key".into(), "2026-01-10".into())]
    );
    record(Row {
        id: "K3",
        situation: "a clean/smudge filter (`*.rs filter=key`, `sed` commands): the work tree differs from every blob",
        command: REPORT,
        output: &out,
        proof: "ages equal `git blame`'s (2026-01-10), not 0 days: the filter ran through `git`; no file changed",
    });

    // A real edit of one function is still seen through the filter, and only there.
    fx.write("src/lib.rs", &fx.read("src/lib.rs").replace("    1\n", "    10\n"));
    let out = report(fx.root());
    let report: Value = serde_json::from_slice(&out.stdout).expect("json");
    let part = |name: &str| {
        let parts = report["parts"].as_array().expect("parts");
        parts.iter().find(|p| p["path"] == name).expect("part").clone()
    };
    assert!(part("filtered::hot")["remarks"].to_string().contains("1 lines not committed"), "{report}");
    assert!(!part("filtered::key")["remarks"].to_string().contains("not committed"), "{report}");
    assert_eq!(part("filtered::key")["overhauled_at"], "2026-01-10T12:00:00Z");
}

/// A repository to clone from, allowing filters: `hot` and `warm` written on 2026-01-10 in
/// `src/motor.rs`, renamed `src/engine.rs` with `warm` edited on 2026-03-05 (a rename that
/// git finds by content, so the old blob is needed), `cold` added on 2026-04-20.
fn origin() -> Fixture {
    let fx = Fixture::new("partial");
    git(fx.root(), &["config", "uploadpack.allowFilter", "true"]);
    let warm = "\n#[wear::tracked]\npub fn warm(x: u32) -> u32 {\n    let y = x + 1;\n    let z = y * 2;\n    z - 1\n}\n";
    fx.write("src/lib.rs", "mod motor;\n");
    fx.write("src/motor.rs", &format!("{HOT}{warm}"));
    fx.commit("hot", "Ada", "2026-01-10");
    std::fs::remove_file(fx.path("src/motor.rs")).expect("rm");
    fx.write("src/lib.rs", "mod engine;\n");
    let warm = warm.replace("y * 2", "y * 3");
    fx.write("src/engine.rs", &format!("{HOT}{warm}"));
    fx.commit("rename", "Ada", "2026-03-05");
    fx.write("src/engine.rs", &format!("{HOT}{warm}{COLD}"));
    fx.commit("cold", "Ada", "2026-04-20");
    fx
}

/// A blobless clone of `origin` in a new folder, with blobs of history missing.
fn blobless(origin: &Fixture) -> tempfile::TempDir {
    partial_clone(origin, "blob:none")
}

/// A clone of `origin` with `--filter=FILTER` in a new folder, with objects of history missing.
fn partial_clone(origin: &Fixture, filter: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    let url = format!("file://{}", origin.root().display());
    git(dir.path(), &["clone", "-q", &format!("--filter={filter}"), &url, "clone"]);
    let clone = dir.path().join("clone");
    assert!(missing_blobs(&clone) > 0, "the clone lacks blobs of history");
    dir
}

fn missing_blobs(dir: &Path) -> usize {
    git(dir, &["rev-list", "--objects", "--missing=print", "HEAD"])
        .lines()
        .filter(|l| l.starts_with('?'))
        .count()
}

#[test]
fn a_blobless_partial_clone_fetches_what_it_needs_and_gives_true_ages() {
    let origin = origin();
    let dir = blobless(&origin);
    let clone = dir.path().join("clone");
    let out = report(&clone);
    let dates = assert_ages_as_blame(&out, &clone, "");
    assert_eq!(
        dates,
        [
            ("partial::engine::cold".into(), "2026-04-20".into()),
            ("partial::engine::hot".into(), "2026-01-10".into()),
            ("partial::engine::warm".into(), "2026-03-05".into()),
        ]
    );
    assert_eq!(missing_blobs(&clone), 0, "the blobs of history were fetched, the old path's too");
    record(Row {
        id: "K4",
        situation: "a blobless partial clone (`git clone --filter=blob:none`): old blobs are on the remote only",
        command: REPORT,
        output: &out,
        proof: "the blobs the walk needs are fetched as git's lazy fetch does (across a rename too); ages equal `git blame`'s (2026-01-10, 2026-03-05, 2026-04-20)",
    });
}

#[test]
fn a_treeless_partial_clone_fetches_trees_then_blobs_and_gives_true_ages() {
    let origin = origin();
    let dir = partial_clone(&origin, "tree:0");
    let clone = dir.path().join("clone");
    let out = report(&clone);
    let dates = assert_ages_as_blame(&out, &clone, "");
    assert_eq!(
        dates,
        [
            ("partial::engine::cold".into(), "2026-04-20".into()),
            ("partial::engine::hot".into(), "2026-01-10".into()),
            ("partial::engine::warm".into(), "2026-03-05".into()),
        ]
    );
    record(Row {
        id: "K5",
        situation: "a treeless partial clone (`git clone --filter=tree:0`): old trees and blobs are on the remote only",
        command: REPORT,
        output: &out,
        proof: "trees are fetched first, then the blobs they name; ages equal `git blame`'s (2026-01-10, 2026-03-05, 2026-04-20)",
    });
}

#[test]
fn a_blobless_clone_whose_remote_is_gone_stops_with_a_clear_error() {
    let origin = origin();
    let dir = blobless(&origin);
    let clone = dir.path().join("clone");
    let origin_path = origin.root().display().to_string();
    drop(origin);
    let missing = missing_blobs(&clone);
    let out = report(&clone);
    assert_eq!(out.status.code(), Some(2), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(out.stdout.is_empty(), "no report with wrong ages");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("this partial clone lacks 1 object of the history"), "{stderr}");
    assert!(stderr.contains("the fetch from its remote `origin` failed"), "{stderr}");
    assert!(stderr.contains("help: make the remote `origin` reachable"), "{stderr}");
    assert_eq!(missing_blobs(&clone), missing, "nothing was fetched");
    // The row names the clone as the user would see it from its parent folder.
    let clone_path = clone.display().to_string();
    let stderr =
        String::from_utf8_lossy(&out.stderr).replace(&clone_path, "clone").replace(&origin_path, "origin");
    let shown = Output { stderr: stderr.into_bytes(), ..out.clone() };
    record(Row {
        id: "K6",
        situation: "a blobless partial clone whose remote is gone (deleted, offline runner)",
        command: REPORT,
        output: &shown,
        proof: "exit 2 with the remote named and no report: never a panic or an age of 0; no file changed",
    });
}

#[test]
fn a_submodule_member_takes_its_ages_from_its_own_repository() {
    // The member's own repository: `hot` on 2026-02-01, `cold` on 2026-04-15.
    let engine = tempfile::tempdir().expect("tempdir");
    let e = engine.path();
    git(e, &["init", "-q"]);
    std::fs::create_dir_all(e.join("src")).expect("mkdir");
    std::fs::write(
        e.join("Cargo.toml"),
        "[package]\nname = \"engine\"\nversion = \"0.1.0\"\nedition = \"2021\"\n",
    )
    .expect("write");
    std::fs::write(e.join("src/lib.rs"), HOT).expect("write");
    git_at(e, Some("2026-02-01"), &["add", "-A"]);
    git_at(e, Some("2026-02-01"), &["commit", "-qm", "hot"]);
    std::fs::write(e.join("src/lib.rs"), format!("{HOT}{COLD}")).expect("write");
    git_at(e, Some("2026-04-15"), &["commit", "-qam", "cold"]);

    // The workspace: the member added as a submodule on 2026-06-01.
    let fx = Fixture::new("app");
    fx.write("Cargo.toml", "[workspace]\nmembers = [\"app\", \"engine\"]\nresolver = \"2\"\n");
    fx.write("app/Cargo.toml", "[package]\nname = \"app\"\nversion = \"0.1.0\"\nedition = \"2021\"\n");
    fx.write("app/src/lib.rs", HOT);
    let url = e.display().to_string();
    git_at(fx.root(), None, &["-c", "protocol.file.allow=always", "submodule", "add", "-q", &url, "engine"]);
    git_at(fx.root(), Some("2026-06-01"), &["add", "-A"]);
    git_at(fx.root(), Some("2026-06-01"), &["commit", "-qm", "app and engine"]);
    assert_eq!(git(fx.root(), &["status", "--porcelain"]), "", "git sees no change");

    let out = report(fx.root());
    let report_json: Value = serde_json::from_slice(&out.stdout).expect("json");
    let in_engine = Value::Array(
        report_json["parts"]
            .as_array()
            .expect("parts")
            .iter()
            .filter(|p| p["path"] != "app::hot")
            .cloned()
            .collect(),
    );
    let engine_only = Output {
        stdout: serde_json::to_vec(&serde_json::json!({ "parts": in_engine })).expect("json"),
        ..out.clone()
    };
    let dates = assert_ages_as_blame(&engine_only, &fx.path("engine"), "engine/");
    assert_eq!(
        dates,
        [("engine::cold".into(), "2026-04-15".into()), ("engine::hot".into(), "2026-02-01".into())]
    );
    let app =
        report_json["parts"].as_array().expect("parts").iter().find(|p| p["path"] == "app::hot").cloned();
    assert_eq!(app.expect("app::hot")["overhauled_at"], "2026-06-01T12:00:00Z", "the workspace's own files");
    record(Row {
        id: "K7",
        situation: "a workspace member that is a git submodule (its own repository inside the workspace's)",
        command: REPORT,
        output: &out,
        proof: "the member's ages come from its own history and equal `git blame`'s there (2026-02-01, 2026-04-15), not 0 days",
    });
}
