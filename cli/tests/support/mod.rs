//! Fixtures for the CLI's end-to-end tests: a cargo workspace in a temporary folder, a git
//! history built with git2 at chosen dates by chosen authors (so commit ids and ages are
//! stable), snapshot files as the runtime writes them, and the real `cargo-wear` binary.
#![allow(dead_code, reason = "each test file uses a different subset")]

pub mod big;
pub mod edge;
pub mod sarif;

use std::fs;
use std::path::{Path, PathBuf};

use assert_cmd::Command;
use git2::{Repository, Signature, Time};

/// A workspace under test, with its git repository.
pub struct Fixture {
    pub dir: tempfile::TempDir,
    pub repo: Repository,
}

impl Fixture {
    /// An empty repository holding a one-package workspace named `name` (no sources yet).
    pub fn new(name: &str) -> Fixture {
        let dir = tempfile::tempdir().expect("tempdir");
        let repo = Repository::init(dir.path()).expect("git init");
        let fixture = Fixture { dir, repo };
        fixture.write(
            "Cargo.toml",
            &format!(
                "[package]\nname = \"{name}\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\n[workspace]\n"
            ),
        );
        fixture.write(".gitignore", "/target\n");
        fixture
    }

    pub fn root(&self) -> &Path {
        self.dir.path()
    }

    pub fn path(&self, rel: &str) -> PathBuf {
        self.root().join(rel)
    }

    pub fn write(&self, rel: &str, text: &str) {
        let path = self.path(rel);
        fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
        fs::write(path, text).expect("write");
    }

    pub fn read(&self, rel: &str) -> String {
        fs::read_to_string(self.path(rel)).expect("read")
    }

    /// The text of every file in the logbook's folder (`wear-logbook/`, one per sign-off),
    /// oldest day first; empty when there is none.
    pub fn logbook_text(&self) -> String {
        let Ok(entries) = fs::read_dir(self.path("wear-logbook")) else { return String::new() };
        let mut files: Vec<PathBuf> = entries.map(|e| e.expect("entry").path()).collect();
        files.sort();
        files.iter().map(|f| fs::read_to_string(f).expect("read a sign-off")).collect()
    }

    /// Commits the whole work tree (additions, edits, deletions) as `author` at `date`
    /// (`YYYY-MM-DD`, noon UTC).
    pub fn commit(&self, message: &str, author: &str, date: &str) -> git2::Oid {
        let mut index = self.repo.index().expect("index");
        index.add_all(["*"], git2::IndexAddOption::DEFAULT, None).expect("add");
        index.update_all(["*"], None).expect("update");
        index.write().expect("write index");
        let tree = self.repo.find_tree(index.write_tree().expect("tree")).expect("tree");
        let secs = wear_cli::time::parse_instant(date).expect("date") + 12 * 3600;
        let sig =
            Signature::new(author, &format!("{}@example.com", author.to_lowercase()), &Time::new(secs, 0))
                .expect("signature");
        let parents: Vec<_> =
            self.repo.head().ok().and_then(|h| h.peel_to_commit().ok()).into_iter().collect();
        let parents: Vec<_> = parents.iter().collect();
        self.repo.commit(Some("HEAD"), &sig, &sig, message, &tree, &parents).expect("commit")
    }

    /// Part path → serial of every part, from `cargo wear scan --format json`.
    pub fn serials(&self) -> std::collections::BTreeMap<String, String> {
        let out = self.wear(&["scan", "--format", "json"]).output().expect("scan runs");
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        let parts: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
        let text = |v: &serde_json::Value| v.as_str().unwrap_or_default().to_owned();
        parts.as_array().expect("array").iter().map(|p| (text(&p["path"]), text(&p["serial"]))).collect()
    }

    /// The real binary, run in the workspace, as cargo runs it (`cargo-wear wear ...`).
    pub fn wear(&self, args: &[&str]) -> Command {
        let mut cmd = Command::cargo_bin("cargo-wear").expect("binary");
        cmd.current_dir(self.root()).arg("wear").args(args).env("NO_COLOR", "1").env_remove("WEAR_SNAPSHOT");
        cmd.env("CARGO_TARGET_DIR", self.path("target"));
        cmd
    }
}

/// One part's reading in a snapshot.
pub struct Reading<'a> {
    pub path: &'a str,
    pub serial: &'a str,
    pub calls: u64,
    pub busy_ns: Option<u64>,
}

/// A `wear-snapshot/1` document as the runtime writes it.
pub fn snapshot(instance: &str, started: &str, taken: &str, readings: &[Reading<'_>]) -> String {
    let parts: Vec<_> = readings
        .iter()
        .map(|r| {
            let mut part = serde_json::json!({
                "path": r.path, "file": "src/lib.rs", "lines": [1, 1], "serial": r.serial, "calls": r.calls,
            });
            if let Some(busy) = r.busy_ns {
                part["busy_ns"] = busy.into();
            }
            part
        })
        .collect();
    let doc = serde_json::json!({
        "format": "wear-snapshot/1",
        "process": {
            "service": "fleet", "version": "0.1.0", "instance": instance, "pid": 42,
            "started_at": started, "taken_at": taken, "collect_us": 10,
        },
        "parts": parts,
    });
    serde_json::to_string_pretty(&doc).expect("json")
}

/// The files of `tree_bytes(root)` outside `root/target`, where cargo and wear keep what they
/// build and cache: what a command must leave as it was.
pub fn outside_target(root: &Path, files: Vec<(PathBuf, Vec<u8>)>) -> Vec<(PathBuf, Vec<u8>)> {
    let target = root.join("target");
    files.into_iter().filter(|(path, _)| !path.starts_with(&target)).collect()
}

/// Compares `actual` with the expected file, or rewrites it when `UPDATE_EXPECT=1`.
pub fn expect_file(rel: &str, actual: &str) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/expected").join(rel);
    if std::env::var_os("UPDATE_EXPECT").is_some_and(|v| v == "1") {
        fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
        fs::write(&path, actual).expect("write expected");
        return;
    }
    let expected = fs::read_to_string(&path)
        .unwrap_or_else(|_| panic!("{} is missing: run with UPDATE_EXPECT=1 to create it", path.display()));
    assert!(
        expected == actual,
        "{} differs (UPDATE_EXPECT=1 rewrites it):\n{}",
        path.display(),
        diff(&expected, actual)
    );
}

fn diff(expected: &str, actual: &str) -> String {
    let mut out = String::new();
    for (i, (e, a)) in expected.lines().zip(actual.lines()).enumerate() {
        if e != a {
            out.push_str(&format!("line {}:\n- {e}\n+ {a}\n", i + 1));
        }
    }
    let (ne, na) = (expected.lines().count(), actual.lines().count());
    if ne != na {
        out.push_str(&format!("{ne} lines expected, {na} found\n"));
    }
    out
}

/// Every file under `dir` with its bytes, to prove a failed command wrote nothing.
pub fn tree_bytes(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_owned()];
    while let Some(d) = stack.pop() {
        let Ok(entries) = fs::read_dir(&d) else { continue };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                if path.file_name().is_some_and(|n| n == ".git" || n == "age-cache" || n == "scan-cache") {
                    continue;
                }
                stack.push(path);
            } else {
                out.push((path.clone(), file_bytes(&path)));
            }
        }
    }
    out.sort();
    out
}

/// The bytes of a file for [`tree_bytes`], without waiting or filling memory: a FIFO or a
/// device is named by its kind, and a file over 64 MiB (a sparse one made to be too large) by
/// its size and time of change.
fn file_bytes(path: &Path) -> Vec<u8> {
    match fs::metadata(path) {
        Ok(meta) if !meta.is_file() => format!("<not a regular file: {:?}>", meta.file_type()).into_bytes(),
        Ok(meta) if meta.len() > 64 << 20 => {
            format!("<{} bytes, changed {:?}>", meta.len(), meta.modified().ok()).into_bytes()
        }
        _ => fs::read(path).unwrap_or_default(),
    }
}
