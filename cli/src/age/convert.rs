//! Work-tree files against HEAD through git's own conversion, as `git diff` and `git status`
//! compare them: a checkout with `core.autocrlf`, an `eol=crlf` or `text` attribute, or a
//! clean/smudge filter has files whose bytes differ from their blobs without being changed.
//!
//! libgit2's diff of a tree to the work tree applies the built-in conversions (line endings,
//! `ident`) to the work-tree side, so it is used for every file whose raw bytes differ. It
//! does not run filter drivers (`filter.<name>.clean` or `.process` commands, such as git
//! LFS): files whose `filter` attribute names a configured driver are diffed by `git
//! diff-index` instead, which runs the driver as `git status` does.
use std::collections::HashMap;
use std::path::Path;

use git2::{AttrCheckFlags, Patch, Tree};

use super::git_cli;
use super::hunks::{self, Hunk};
use super::repository::Opened;
use crate::error::{Error, Result};

/// The hunks that turn HEAD's blob into each of `paths` as git would store it now; a path
/// missing from the answer is, once converted, the same as at HEAD.
pub(super) fn changes(repo: &Opened, tree: &Tree<'_>, paths: &[&str]) -> Result<HashMap<String, Vec<Hunk>>> {
    let mut out = HashMap::new();
    let config = repo.repo.config().ok();
    let (driven, builtin): (Vec<&str>, Vec<&str>) =
        paths.iter().partition(|p| config.as_ref().is_some_and(|c| driver(repo, c, p).is_some()));
    if !builtin.is_empty() {
        let mut opts = hunks::blame_diff_options();
        opts.disable_pathspec_match(true);
        for path in &builtin {
            opts.pathspec(*path);
        }
        let git = |e: git2::Error| super::worktree::git_error(repo, e);
        let diff = repo.repo.diff_tree_to_workdir(Some(tree), Some(&mut opts)).map_err(git)?;
        for index in 0..diff.deltas().len() {
            let Some(patch) = Patch::from_diff(&diff, index).map_err(git)? else { continue };
            let Some(path) = patch.delta().new_file().path().and_then(Path::to_str).map(str::to_owned) else {
                continue;
            };
            let mut found = Vec::with_capacity(patch.num_hunks());
            for h in 0..patch.num_hunks() {
                let (h, _) = patch.hunk(h).map_err(git)?;
                found.push(Hunk::from_git(h.old_start(), h.old_lines(), h.new_start(), h.new_lines()));
            }
            out.insert(path, found);
        }
    }
    for path in driven {
        let found = by_git(repo, path)?;
        if !found.is_empty() {
            out.insert(path.to_owned(), found);
        }
    }
    Ok(out)
}

/// The filter driver `path`'s `filter` attribute names, when the configuration gives it a
/// `clean` or `process` command (a driver without one changes nothing, for git as for us).
fn driver(repo: &Opened, config: &git2::Config, path: &str) -> Option<String> {
    let name = repo.repo.get_attr(Path::new(path), "filter", AttrCheckFlags::FILE_THEN_INDEX).ok()??;
    if matches!(git2::AttrValue::from_string(Some(name)), git2::AttrValue::String(_)) {
        let has = |key: &str| config.get_string(&format!("filter.{name}.{key}")).is_ok();
        if has("clean") || has("process") {
            return Some(name.to_owned());
        }
    }
    None
}

/// The hunks from `git diff-index` (HEAD against the work tree, through the filter driver),
/// with the options `git blame` diffs with.
fn by_git(repo: &Opened, path: &str) -> Result<Vec<Hunk>> {
    let args = [
        "diff-index",
        "-p",
        "-U0",
        "--no-color",
        "--no-ext-diff",
        "--no-textconv",
        "--no-renames",
        "--indent-heuristic",
        "--diff-algorithm=myers",
        "HEAD",
        "--",
        path,
    ];
    let out = git_cli::run(&repo.workdir, &args, b"").map_err(|why| {
        Error::in_file(
            repo.workdir.join(path),
            format!("the file goes through a git filter driver, which only git can run, and {why}"),
        )
        .help("check that `git diff HEAD -- FILE` works here (git must be on PATH, and the filter's command too)")
    })?;
    Ok(String::from_utf8_lossy(&out).lines().filter_map(hunk_header).collect())
}

/// A hunk from a unified diff's `@@ -a,b +c,d @@` line (a missing length is 1).
fn hunk_header(line: &str) -> Option<Hunk> {
    let rest = line.strip_prefix("@@ -")?;
    let (ranges, _) = rest.split_once(" @@")?;
    let (old, new) = ranges.split_once(" +")?;
    let range = |r: &str| -> Option<(u32, u32)> {
        match r.split_once(',') {
            Some((start, len)) => Some((start.parse().ok()?, len.parse().ok()?)),
            None => Some((r.parse().ok()?, 1)),
        }
    };
    let ((old_start, old_len), (new_start, new_len)) = (range(old)?, range(new)?);
    Some(Hunk::from_git(old_start, old_len, new_start, new_len))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_hunk_headers_with_and_without_lengths() {
        let h = hunk_header("@@ -3 +3,2 @@ fn x() {").unwrap();
        assert_eq!((h.old_start, h.old_len, h.new_start, h.new_len), (2, 1, 2, 2));
        let h = hunk_header("@@ -5,0 +6 @@").unwrap();
        assert_eq!((h.old_start, h.old_len, h.new_start, h.new_len), (5, 0, 5, 1));
        assert!(hunk_header("+@@ -1 +1 @@").is_none());
    }
}
