//! A workspace may hold other repositories: a member that is a git submodule, or a vendored
//! checkout with its own `.git`. git blames a file in the repository that holds it, and the
//! workspace's repository only records a submodule's commit id, so files are grouped by the
//! nearest repository above them, and each group is walked in its own history.
use std::collections::HashMap;
use std::path::{Path, PathBuf};

use super::repository::{self, Opened};
use crate::error::Result;

/// The repositories that hold the requested files; the workspace's own is first.
pub(super) struct Grouped {
    /// The repositories, the workspace's at index 0.
    pub(crate) repos: Vec<Opened>,
    /// Per requested file, in order, the index of its repository.
    pub(crate) of_file: Vec<usize>,
}

/// Groups `files` by repository: `main`, or one nested in its work tree.
pub(super) fn group(main: Opened, files: &[PathBuf]) -> Result<Grouped> {
    let mut by_root: HashMap<PathBuf, usize> = HashMap::new();
    let mut repos = vec![main];
    let mut of_file = Vec::with_capacity(files.len());
    // Files share folders: each is asked about `.git` once, not once per file below it.
    let mut holds_git: HashMap<PathBuf, bool> = HashMap::new();
    for file in files {
        let index = match nested_root(&repos[0].workdir, file, &mut holds_git) {
            None => 0,
            Some(root) => match by_root.get(&root) {
                Some(&index) => index,
                None => {
                    repos.push(repository::open(&root)?);
                    by_root.insert(root, repos.len() - 1);
                    repos.len() - 1
                }
            },
        };
        of_file.push(index);
    }
    Ok(Grouped { repos, of_file })
}

/// The root of the repository nested in `main` (a work-tree root, canonical) that holds
/// `file`: the nearest folder between them with a `.git` (a folder, or a submodule's file).
fn nested_root(main: &Path, file: &Path, holds_git: &mut HashMap<PathBuf, bool>) -> Option<PathBuf> {
    let file = file.canonicalize().ok()?;
    let mut dir = file.parent()?;
    while dir != main && dir.starts_with(main) {
        let has = match holds_git.get(dir) {
            Some(&has) => has,
            None => *holds_git.entry(dir.to_owned()).or_insert_with(|| dir.join(".git").exists()),
        };
        if has {
            return Some(dir.to_owned());
        }
        dir = dir.parent()?;
    }
    None
}
