//! Sign-offs made on two branches, merged by a real `git merge` (issue 18): both append a
//! block at the end of `wear-logbook.toml`, git leaves conflict markers, and every command
//! names them (file, line, what to do) instead of a bare TOML error.
mod support;

use std::process::Command;

use support::{Fixture, Reading, snapshot};

const NOW: &str = "2026-11-21";
const LIB: &str = "#[wear::tracked]\npub fn left() -> u32 {\n    1\n}\n\n#[wear::tracked]\npub fn right() -> u32 {\n    2\n}\n";

fn git(fx: &Fixture, args: &[&str]) -> std::process::Output {
    Command::new("git")
        .current_dir(fx.root())
        .args(args)
        .env("GIT_AUTHOR_NAME", "Ada")
        .env("GIT_AUTHOR_EMAIL", "ada@example.com")
        .env("GIT_COMMITTER_NAME", "Ada")
        .env("GIT_COMMITTER_EMAIL", "ada@example.com")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("HOME", fx.root())
        .output()
        .expect("git runs")
}

fn sign(fx: &Fixture, part: &str) {
    let out = fx
        .wear(&[
            "inspect",
            part,
            "--now",
            NOW,
            "--usage",
            "usage.json",
            "--no-ledger",
            "--note",
            "ok",
            "--by",
            "Ada",
        ])
        .output()
        .expect("runs");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
}

/// A workspace with one sign-off committed on `main`, then `branch-a` signing `left` and
/// `branch-b` signing `right`; returns the output of merging `branch-b` into `branch-a`.
fn two_branches() -> (Fixture, std::process::Output) {
    let fx = Fixture::new("merging");
    fx.write("src/lib.rs", LIB);
    fx.write(
        "usage.json",
        &snapshot(
            "i1",
            "2026-11-01T00:00:00Z",
            "2026-11-20T00:00:00Z",
            &[Reading { path: "merging::left", serial: "00000000000000aa", calls: 1, busy_ns: None }],
        ),
    );
    sign(&fx, "merging::left");
    fx.commit("start", "Ada", "2026-01-10");
    assert!(git(&fx, &["branch", "-M", "main"]).status.success());
    for (branch, part) in [("branch-a", "merging::left"), ("branch-b", "merging::right")] {
        assert!(git(&fx, &["checkout", "-q", "-b", branch, "main"]).status.success());
        sign(&fx, part);
        assert!(git(&fx, &["commit", "-q", "-am", part]).status.success());
    }
    assert!(git(&fx, &["checkout", "-q", "branch-a"]).status.success());
    let merged = git(&fx, &["merge", "--no-edit", "branch-b"]);
    (fx, merged)
}

#[test]
fn the_conflict_markers_of_a_merge_are_named() {
    let (fx, merged) = two_branches();
    assert!(!merged.status.success(), "git reports a conflict");
    let out =
        fx.wear(&["report", "--now", NOW, "--usage", "usage.json", "--no-ledger"]).output().expect("runs");
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    let line =
        fx.read("wear-logbook.toml").lines().position(|l| l.starts_with("<<<<<<<")).expect("marker") + 1;
    assert!(
        stderr.contains(&format!(
            "wear-logbook.toml:{line}: holds git's conflict markers: a merge left it unresolved"
        )),
        "{stderr}"
    );
    assert!(stderr.contains("delete the marker lines"), "says what to do: {stderr}");
}
