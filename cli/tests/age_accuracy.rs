//! The single walk over history against `git blame` itself, on a repository with a realistic
//! history (`benches/age-history.py`: edits, moves, renames, merges): at least 99% of lines
//! and 98.5% of functions must get the same last-touching commit.
//!
//! By default the repository is small, to keep CI quick; `WEAR_AGE_FULL=1` runs the full
//! benchmark size (5,000 commits over 500 files).
mod history;

use std::path::PathBuf;

use history::{agreement, generate, git_blame, our_lines, rust_files};
use wear_cli::age::{AgeOptions, line_origins};

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

    let blamed: Vec<Vec<(String, i64)>> = names.iter().map(|name| git_blame(&repo, name)).collect();
    for ((name, path), theirs) in names.iter().zip(&absolute).zip(&blamed) {
        let ours = our_lines(&origins, path);
        assert!(
            ours.iter().all(|l| !l.0.is_empty()),
            "{name}: the work tree is clean, yet a line is uncommitted"
        );
        assert_eq!(ours.len(), theirs.len(), "{name}: line count");
    }
    let agreement = agreement(&origins, &absolute, &blamed);
    println!("agreement with git blame over {} files ({commits} commits): {agreement}", names.len());
    assert!(agreement.line_share() >= 99.0, "lines: {agreement}");
    assert!(agreement.fn_share() >= 98.5, "functions: {agreement}");
}
