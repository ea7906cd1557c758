//! Which lines a change touches, per file, on both sides: the diff of the base commit's tree
//! against the work tree (with the index, so staged and unstaged edits count), renames found
//! as `git diff -M` finds them.
use std::collections::HashMap;

use git2::{Delta, DiffFindOptions, DiffOptions, Oid, Patch, Repository};

use crate::error::{Error, Result};

/// The lines a change touches, by path relative to the work tree.
#[derive(Debug, Default)]
pub(crate) struct Touched {
    /// Per path at the head: the lines added or changed (1-based, inclusive), and the lines
    /// after which lines were only removed (as `(n, n - 1)`: an empty range after line n - 1).
    pub(crate) head: HashMap<String, Vec<(u32, u32)>>,
    /// Per path at the base: the lines removed or changed.
    pub(crate) base: HashMap<String, Vec<(u32, u32)>>,
    /// Head path → base path, for files git saw renamed or moved.
    pub(crate) renamed: HashMap<String, String>,
    /// How many files the change touches.
    pub(crate) files: usize,
}

impl Touched {
    /// Whether the change touches any of the lines `first..=last` of `path` at the head.
    pub(crate) fn at_head(&self, path: &str, (first, last): (u32, u32)) -> bool {
        self.head.get(path).is_some_and(|ranges| overlaps(ranges, first, last))
    }

    /// Whether the change touches any of the lines `first..=last` of `path` at the base.
    pub(crate) fn at_base(&self, path: &str, (first, last): (u32, u32)) -> bool {
        self.base.get(path).is_some_and(|ranges| overlaps(ranges, first, last))
    }
}

/// Whether a range `(a, b)` meets `first..=last`. A removal between lines `b` and `a = b + 1`
/// is the empty range `(b + 1, b)`, which the same test makes touch a part spanning both.
fn overlaps(ranges: &[(u32, u32)], first: u32, last: u32) -> bool {
    ranges.iter().any(|&(a, b)| a <= last && first <= b)
}

/// The lines the change from `base` to the work tree touches, in `.rs` files.
pub(crate) fn touched(repo: &Repository, base: Oid) -> Result<Touched> {
    let fail =
        |e: git2::Error| Error::new(format!("cannot diff the work tree against the base: {}", e.message()));
    let tree = repo.find_commit(base).and_then(|c| c.tree()).map_err(fail)?;
    let mut opts = DiffOptions::new();
    opts.context_lines(0).include_untracked(true).recurse_untracked_dirs(true).pathspec("*.rs");
    let mut diff = repo.diff_tree_to_workdir_with_index(Some(&tree), Some(&mut opts)).map_err(fail)?;
    diff.find_similar(Some(DiffFindOptions::new().renames(true).for_untracked(true))).map_err(fail)?;
    let mut out = Touched::default();
    for (i, delta) in diff.deltas().enumerate() {
        let path = |file: git2::DiffFile<'_>| file.path().map(|p| p.to_string_lossy().replace('\\', "/"));
        let (old, new) = (path(delta.old_file()), path(delta.new_file()));
        out.files += 1;
        if let (Delta::Renamed, Some(old), Some(new)) = (delta.status(), &old, &new) {
            out.renamed.insert(new.clone(), old.clone());
        }
        let Some(patch) = Patch::from_diff(&diff, i).map_err(fail)? else { continue };
        for h in 0..patch.num_hunks() {
            let (hunk, _) = patch.hunk(h).map_err(fail)?;
            if let Some(new) = &new {
                let (start, count) = (hunk.new_start(), hunk.new_lines());
                let range = if count == 0 { (start + 1, start) } else { (start, start + count - 1) };
                out.head.entry(new.clone()).or_default().push(range);
            }
            if let Some(old) = &old
                && hunk.old_lines() > 0
            {
                let (start, count) = (hunk.old_start(), hunk.old_lines());
                out.base.entry(old.clone()).or_default().push((start, start + count - 1));
            }
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::overlaps;

    #[test]
    fn a_removal_touches_the_part_around_it_only() {
        // Lines removed after line 4 (the range (5, 4)).
        assert!(overlaps(&[(5, 4)], 2, 8));
        assert!(!overlaps(&[(5, 4)], 5, 8), "the part starts after the removal");
        assert!(!overlaps(&[(5, 4)], 1, 4), "the part ends before it");
        assert!(overlaps(&[(3, 6)], 6, 9));
        assert!(!overlaps(&[(3, 6)], 7, 9));
    }
}
