//! A realistic git history and `git blame`'s answer over it: the repository that
//! `benches/age-history.py` builds, and how many lines and functions get the same
//! last-touching commit from the single walk as from `git blame --porcelain`. Shared by the
//! accuracy test (`cli/tests/age_accuracy.rs`) and the benchmark (`benches/benches/age.rs`),
//! so that both compare in the same way.
#![allow(dead_code, reason = "the test and the benchmark use different subsets")]

use std::collections::HashMap;
use std::fmt;
use std::path::{Path, PathBuf};
use std::process::Command;

use wear_cli::age::{LineOrigin, LineOrigins};

/// Builds (or reuses) the repository at `dir` with the history script.
pub fn generate(dir: &Path, commits: u32, files: u32) {
    // Both users are packages at the workspace root, so this reaches `benches/` from either.
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("../benches/age-history.py");
    let status = Command::new("python3")
        .arg(script)
        .arg(dir)
        .args(["--commits", &commits.to_string(), "--files", &files.to_string()])
        .status()
        .expect("python3 runs");
    assert!(status.success(), "benches/age-history.py failed");
}

/// The `.rs` files at HEAD, relative to the repository.
pub fn rust_files(repo: &Path) -> Vec<String> {
    let out = Command::new("git").args(["ls-files", "*.rs"]).current_dir(repo).output().expect("git runs");
    String::from_utf8_lossy(&out.stdout).lines().map(str::to_owned).collect()
}

/// Per line of a file at HEAD, (commit id, author time) as `git blame --porcelain` gives them.
pub fn git_blame(repo: &Path, file: &str) -> Vec<(String, i64)> {
    let out = Command::new("git")
        .args(["blame", "--porcelain", "HEAD", "--", file])
        .current_dir(repo)
        .output()
        .expect("git runs");
    assert!(out.status.success(), "git blame {file}: {}", String::from_utf8_lossy(&out.stderr));
    parse_porcelain(&String::from_utf8_lossy(&out.stdout))
}

/// Per line, (commit id, author time) from the text of `git blame --porcelain`.
pub fn parse_porcelain(text: &str) -> Vec<(String, i64)> {
    let mut times: HashMap<String, i64> = HashMap::new();
    let mut current = String::new();
    let mut lines = Vec::new();
    for line in text.lines() {
        if line.starts_with('\t') {
            lines.push((current.clone(), times.get(&current).copied().unwrap_or(0)));
        } else if let Some(time) = line.strip_prefix("author-time ") {
            times.insert(current.clone(), time.parse().expect("an author time"));
        } else if line.len() > 41
            && line.as_bytes()[40] == b' '
            && line[..40].bytes().all(|b| b.is_ascii_hexdigit())
        {
            current = line[..40].to_owned();
        }
    }
    lines
}

/// Per line of `file`, (commit id, author time) from the walk; an uncommitted line is
/// `("", 0)`.
pub fn our_lines(origins: &LineOrigins, file: &Path) -> Vec<(String, i64)> {
    origins.files[file]
        .iter()
        .map(|o| match o {
            LineOrigin::Commit(i) => {
                let c = &origins.commits[*i as usize];
                (c.id.clone(), c.time)
            }
            LineOrigin::Uncommitted => (String::new(), 0),
        })
        .collect()
}

/// Lines and functions compared, and how many got the same last-touching commit.
#[derive(Clone, Copy, Debug, Default)]
pub struct Agreement {
    pub lines: usize,
    pub lines_same: usize,
    pub fns: usize,
    pub fns_same: usize,
}

impl Agreement {
    /// Percent of lines with the same commit.
    pub fn line_share(&self) -> f64 {
        self.lines_same as f64 / self.lines.max(1) as f64 * 100.0
    }

    /// Percent of functions whose newest line has the same commit.
    pub fn fn_share(&self) -> f64 {
        self.fns_same as f64 / self.fns.max(1) as f64 * 100.0
    }
}

impl fmt::Display for Agreement {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "lines {:.2}% ({}/{}), functions {:.2}% ({}/{})",
            self.line_share(),
            self.lines_same,
            self.lines,
            self.fn_share(),
            self.fns_same,
            self.fns
        )
    }
}

/// Compares the walk with `git blame`'s answer (`blamed`, in the order of `files`).
pub fn agreement(origins: &LineOrigins, files: &[PathBuf], blamed: &[Vec<(String, i64)>]) -> Agreement {
    let mut out = Agreement::default();
    for (path, theirs) in files.iter().zip(blamed) {
        let ours = our_lines(origins, path);
        out.lines += theirs.len();
        out.lines_same += ours.iter().zip(theirs).filter(|(a, b)| a.0 == b.0).count();
        let source = std::fs::read_to_string(path).expect("a generated source");
        for site in wear_identity::site::sites_in_source(&source).expect("the generated sources parse") {
            let (first, last) = site.lines;
            let newest = |blame: &[(String, i64)]| {
                blame
                    .get(first - 1..last)
                    .and_then(|r| r.iter().max_by(|a, b| a.1.cmp(&b.1).then(a.0.cmp(&b.0))).cloned())
            };
            out.fns += 1;
            out.fns_same += usize::from(newest(&ours) == newest(theirs));
        }
    }
    out
}
