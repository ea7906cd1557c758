//! Sign-offs made on two branches, merged by a real `git merge` (issue 18). `inspect` writes one
//! file per sign-off into `wear-logbook/`, so git's default merge takes both sides without a
//! conflict and both sign-offs count afterwards. The single `wear-logbook.toml` of earlier
//! versions, appended to on two branches, still conflicts: every command then names the
//! conflict markers (file, line, what to do) instead of a bare TOML error.
mod support;

use std::process::Command;

use support::edge::{Row, record};
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

fn sign(fx: &Fixture, part: &str, note: &str) {
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
            note,
            "--by",
            "Ada",
        ])
        .output()
        .expect("runs");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
}

/// `report --format json` in `fx`, which must succeed, and what it printed.
fn report(fx: &Fixture) -> (std::process::Output, serde_json::Value) {
    let out = fx
        .wear(&["report", "--now", NOW, "--usage", "usage.json", "--no-ledger", "--format", "json"])
        .output()
        .expect("runs");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let report = serde_json::from_slice(&out.stdout).expect("json");
    (out, report)
}

/// The note of the sign-off that applies to `part` in `report`.
fn signoff_note<'a>(report: &'a serde_json::Value, part: &str) -> Option<&'a str> {
    let parts = report["parts"].as_array().expect("parts");
    parts.iter().find(|p| p["path"] == part).expect(part)["signoff_note"].as_str()
}

/// A workspace with one sign-off committed on `main`, then `branch-a` and `branch-b` each
/// signing off `merging::left` (the same part, the same day) and `branch-b` also
/// `merging::right`; returns the output of merging `branch-b` into `branch-a`.
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
    sign(&fx, "merging::left", "first look");
    fx.commit("start", "Ada", "2026-01-10");
    assert!(git(&fx, &["branch", "-M", "main"]).status.success());
    for (branch, parts) in
        [("branch-a", &["merging::left"][..]), ("branch-b", &["merging::left", "merging::right"][..])]
    {
        assert!(git(&fx, &["checkout", "-q", "-b", branch, "main"]).status.success());
        for part in parts {
            sign(&fx, part, branch);
        }
        assert!(git(&fx, &["add", "-A"]).status.success());
        assert!(git(&fx, &["commit", "-q", "-m", branch]).status.success());
    }
    assert!(git(&fx, &["checkout", "-q", "branch-a"]).status.success());
    let merged = git(&fx, &["merge", "--no-edit", "branch-b"]);
    (fx, merged)
}

#[test]
fn sign_offs_on_two_branches_merge_without_a_conflict_and_all_count() {
    let (fx, merged) = two_branches();
    assert!(merged.status.success(), "git merges cleanly: {}", String::from_utf8_lossy(&merged.stdout));
    let status = git(&fx, &["status", "--porcelain"]);
    assert!(status.stdout.is_empty(), "nothing left to resolve: {}", String::from_utf8_lossy(&status.stdout));
    let files = std::fs::read_dir(fx.path("wear-logbook")).expect("the folder").count();
    assert_eq!(files, 4, "main's sign-off and the three of the branches, each its own file");

    let (out, report) = report(&fx);
    let note = |part: &str| signoff_note(&report, part).map(str::to_owned);
    // Both branches signed `left` at the same instant: the later file by name wins the tie,
    // the same on every clone, whichever way the merge went.
    assert!(matches!(note("merging::left").as_deref(), Some("branch-a" | "branch-b")));
    assert_eq!(note("merging::right").as_deref(), Some("branch-b"), "the other branch's sign-off counts");
    record(Row {
        id: "L1",
        situation: "sign-offs made on two branches (the same part on both), then `git merge`",
        command: "report --now 2026-11-21 --usage usage.json --no-ledger --format json",
        output: &out,
        proof: "`git merge` exits 0 with nothing to resolve; each sign-off is its own file in `wear-logbook/` and counts after the merge",
    });
}

/// A block as earlier versions appended it to `wear-logbook.toml`.
fn legacy_block(part: &str, note: &str) -> String {
    format!(
        "\n[[signoff]]\npart = \"{part}\"\nserial = \"00000000000000aa\"\ndate = 2026-11-20T00:00:00Z\ncalls = 1\nby = \"Ada\"\nnote = \"{note}\"\n"
    )
}

#[test]
fn the_conflict_markers_of_a_merge_of_the_old_single_file_are_named() {
    let fx = Fixture::new("merging");
    fx.write("src/lib.rs", LIB);
    fx.write("usage.json", &snapshot("i1", "2026-11-01T00:00:00Z", "2026-11-20T00:00:00Z", &[]));
    fx.write("wear-logbook.toml", &legacy_block("merging::left", "first"));
    fx.commit("start", "Ada", "2026-01-10");
    assert!(git(&fx, &["branch", "-M", "main"]).status.success());
    for (branch, part) in [("branch-a", "merging::left"), ("branch-b", "merging::right")] {
        assert!(git(&fx, &["checkout", "-q", "-b", branch, "main"]).status.success());
        let text = fx.read("wear-logbook.toml");
        fx.write("wear-logbook.toml", &format!("{text}{}", legacy_block(part, branch)));
        assert!(git(&fx, &["commit", "-q", "-am", part]).status.success());
    }
    assert!(git(&fx, &["checkout", "-q", "branch-a"]).status.success());
    let merged = git(&fx, &["merge", "--no-edit", "branch-b"]);
    assert!(!merged.status.success(), "git reports a conflict");
    let before = support::tree_bytes(fx.root());
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
    assert!(out.stdout.is_empty(), "no report from a logbook half merged");
    assert!(support::tree_bytes(fx.root()) == before, "nothing was written");
    record(Row {
        id: "L2",
        situation: "the single `wear-logbook.toml` of earlier versions appended to on two branches, merge left unresolved",
        command: "report --now 2026-11-21 --usage usage.json --no-ledger",
        output: &out,
        proof: "no report on stdout and no file changed; the line is the first marker's",
    });
}

#[test]
fn one_sign_off_cherry_picked_onto_two_branches_merges_as_one_file() {
    let fx = Fixture::new("merging");
    fx.write("src/lib.rs", LIB);
    fx.write("usage.json", &snapshot("i1", "2026-11-01T00:00:00Z", "2026-11-20T00:00:00Z", &[]));
    fx.commit("start", "Ada", "2026-01-10");
    assert!(git(&fx, &["branch", "-M", "main"]).status.success());
    assert!(git(&fx, &["checkout", "-q", "-b", "hotfix", "main"]).status.success());
    sign(&fx, "merging::left", "checked before the release");
    assert!(git(&fx, &["add", "-A"]).status.success());
    assert!(git(&fx, &["commit", "-q", "-m", "sign-off"]).status.success());
    assert!(git(&fx, &["checkout", "-q", "main"]).status.success());
    assert!(git(&fx, &["cherry-pick", "hotfix"]).status.success(), "the sign-off is picked onto main");
    let merged = git(&fx, &["merge", "--no-edit", "hotfix"]);
    assert!(merged.status.success(), "{}", String::from_utf8_lossy(&merged.stdout));
    let files = std::fs::read_dir(fx.path("wear-logbook")).expect("the folder").count();
    assert_eq!(files, 1, "one sign-off, one file");
    let (out, report) = report(&fx);
    assert_eq!(signoff_note(&report, "merging::left"), Some("checked before the release"));
    record(Row {
        id: "L7",
        situation: "one sign-off cherry-picked onto a second branch, then the branches merged",
        command: "report --now 2026-11-21 --usage usage.json --no-ledger --format json",
        output: &out,
        proof: "`git merge` exits 0; the folder holds one file, counted once",
    });
}
