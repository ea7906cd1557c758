//! The single walk over history against `git blame` itself, on a repository with a realistic
//! history (`benches/age-history.py`: edits, moves, renames, merges): at least 99% of lines
//! and 98.5% of functions must get the same last-touching commit.
//!
//! By default the repository is small, to keep CI quick; `WEAR_AGE_FULL=1` runs the full
//! benchmark size (5,000 commits over 500 files).
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use wear_cli::age::{AgeOptions, LineOrigin, line_origins};

/// Per line of a file, (commit id, author time) as `git blame --porcelain` gives them.
fn git_blame(repo: &Path, file: &str) -> Vec<(String, i64)> {
    let out = Command::new("git")
        .args(["blame", "--porcelain", "HEAD", "--", file])
        .current_dir(repo)
        .output()
        .expect("git runs");
    assert!(out.status.success(), "git blame {file}: {}", String::from_utf8_lossy(&out.stderr));
    let text = String::from_utf8_lossy(&out.stdout);
    let mut times: HashMap<String, i64> = HashMap::new();
    let mut current = String::new();
    let mut lines = Vec::new();
    for line in text.lines() {
        if let Some(content) = line.strip_prefix('\t') {
            let _ = content;
            lines.push((current.clone(), times.get(&current).copied().unwrap_or(0)));
        } else if let Some(time) = line.strip_prefix("author-time ") {
            times.insert(current.clone(), time.parse().expect("a time"));
        } else if line.len() > 41
            && line.as_bytes()[40] == b' '
            && line[..40].bytes().all(|b| b.is_ascii_hexdigit())
        {
            current = line[..40].to_owned();
        }
    }
    lines
}

fn generate(dir: &Path, commits: u32, files: u32) {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("../benches/age-history.py");
    let status = Command::new("python3")
        .arg(script)
        .arg(dir)
        .args(["--commits", &commits.to_string(), "--files", &files.to_string()])
        .status()
        .expect("python3 runs");
    assert!(status.success(), "the history script failed");
}

fn rust_files(repo: &Path) -> Vec<String> {
    let out = Command::new("git").args(["ls-files", "*.rs"]).current_dir(repo).output().expect("git runs");
    String::from_utf8_lossy(&out.stdout).lines().map(str::to_owned).collect()
}

#[test]
fn agrees_with_git_blame_on_a_realistic_history() {
    let full = std::env::var_os("WEAR_AGE_FULL").is_some_and(|v| v == "1");
    let (commits, files) = if full { (5000, 500) } else { (800, 80) };
    let tmp = tempfile::tempdir().unwrap();
    let repo = tmp.path().join("history");
    generate(&repo, commits, files);
    let repo = repo.canonicalize().unwrap();
    let names = rust_files(&repo);
    assert!(names.len() as u32 >= files * 8 / 10, "{} files", names.len());
    let absolute: Vec<PathBuf> = names.iter().map(|n| repo.join(n)).collect();
    let origins = line_origins(&repo, &absolute, &AgeOptions::default()).unwrap();

    let (mut lines, mut lines_same, mut fns, mut fns_same) = (0usize, 0usize, 0usize, 0usize);
    for (name, path) in names.iter().zip(&absolute) {
        let theirs = git_blame(&repo, name);
        let ours: Vec<(String, i64)> = origins.files[path]
            .iter()
            .map(|o| match o {
                LineOrigin::Commit(i) => {
                    let c = &origins.commits[*i as usize];
                    (c.id.clone(), c.time)
                }
                LineOrigin::Uncommitted => {
                    panic!("{name}: the work tree is clean, yet a line is uncommitted")
                }
            })
            .collect();
        assert_eq!(ours.len(), theirs.len(), "{name}: line count");
        lines += ours.len();
        lines_same += ours.iter().zip(&theirs).filter(|(a, b)| a.0 == b.0).count();
        let source = std::fs::read_to_string(path).unwrap();
        for site in wear_identity::site::sites_in_source(&source).expect("the generated sources parse") {
            let (first, last) = site.lines;
            let newest = |blame: &[(String, i64)]| {
                blame[first - 1..last].iter().max_by(|a, b| a.1.cmp(&b.1).then(a.0.cmp(&b.0))).cloned()
            };
            fns += 1;
            fns_same += usize::from(newest(&ours) == newest(&theirs));
        }
    }
    let line_share = lines_same as f64 / lines as f64 * 100.0;
    let fn_share = fns_same as f64 / fns as f64 * 100.0;
    println!(
        "agreement with git blame over {} files ({commits} commits): lines {lines_same}/{lines} = {line_share:.2}%, \
         functions {fns_same}/{fns} = {fn_share:.2}%",
        names.len()
    );
    assert!(line_share >= 99.0, "lines: {line_share:.2}%");
    assert!(fn_share >= 98.5, "functions: {fn_share:.2}%");
}
