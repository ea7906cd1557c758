//! Finding the git repository that holds the workspace (upward from its root, like git
//! itself), its HEAD and shallow boundary, and naming files the way its trees do: relative
//! to the work tree, with `/` between components.
use std::collections::HashSet;
use std::path::{Component, Path, PathBuf};

use git2::{ErrorCode, Oid, Repository};

use crate::error::{Error, Result};

/// An opened repository with what every stage needs from it.
pub(super) struct Opened {
    /// The repository.
    pub(crate) repo: Repository,
    /// The work tree root, canonical.
    pub(crate) workdir: PathBuf,
    /// The HEAD commit; `None` on an unborn branch.
    pub(crate) head: Option<Oid>,
    /// The commits at a shallow clone's boundary (empty when not shallow).
    pub(crate) shallow: HashSet<Oid>,
}

/// Opens the repository that holds `workspace_root`, searching upward from it.
pub(super) fn open(workspace_root: &Path) -> Result<Opened> {
    if !workspace_root.is_dir() {
        return Err(Error::in_file(workspace_root, "the workspace folder does not exist")
            .help("pass the root of a cargo workspace"));
    }
    let repo = match Repository::discover(workspace_root) {
        Ok(repo) => repo,
        Err(e) if e.code() == ErrorCode::NotFound => {
            return Err(Error::in_file(
                workspace_root,
                "not inside a git repository, so the parts have no age",
            )
            .help("run `cargo wear` inside a git repository, or create one with `git init` and commit"));
        }
        Err(e) if e.code() == ErrorCode::Owner => {
            return Err(Error::in_file(
                workspace_root,
                format!("git refuses the repository: {}", e.message()),
            )
            .help("mark it safe with `git config --global --add safe.directory PATH`"));
        }
        Err(e) => {
            return Err(Error::in_file(
                workspace_root,
                format!("cannot open the git repository: {}", e.message()),
            )
            .help("check that `git status` works in this folder"));
        }
    };
    let Some(workdir) = repo.workdir() else {
        return Err(Error::in_file(workspace_root, "the git repository is bare: it has no work tree")
            .help("run `cargo wear` in a checkout of the repository"));
    };
    let workdir = workdir.canonicalize().unwrap_or_else(|_| workdir.to_owned());
    let head = match repo.head() {
        Ok(head) => match head.peel_to_commit() {
            Ok(commit) => Some(commit.id()),
            Err(e) => {
                return Err(Error::in_file(&workdir, format!("HEAD is not a commit: {}", e.message()))
                    .help("check out a branch or commit"));
            }
        },
        Err(e) if matches!(e.code(), ErrorCode::UnbornBranch | ErrorCode::NotFound) => None,
        Err(e) => {
            return Err(Error::in_file(&workdir, format!("cannot read HEAD: {}", e.message()))
                .help("check that `git log -1` works in this repository"));
        }
    };
    let shallow = shallow_boundary(&repo);
    Ok(Opened { repo, workdir, head, shallow })
}

/// The commits listed in `.git/shallow`: their parents are not in the clone.
fn shallow_boundary(repo: &Repository) -> HashSet<Oid> {
    let Ok(text) = std::fs::read_to_string(repo.path().join("shallow")) else {
        return HashSet::new();
    };
    text.lines().filter_map(|line| Oid::from_str(line.trim()).ok()).collect()
}

/// The path of `file` relative to the work tree, as trees name it (`src/lib.rs`).
pub(super) fn relative_path(repo: &Opened, file: &Path) -> Result<String> {
    let canonical = file.canonicalize().map_err(|e| {
        Error::in_file(file, format!("cannot read the file: {e}")).help("check that the file exists")
    })?;
    let relative = canonical.strip_prefix(&repo.workdir).map_err(|_| {
        Error::in_file(file, format!("the file is outside the git repository at {}", repo.workdir.display()))
            .help("age can only be found for files inside the repository's work tree")
    })?;
    let mut out = String::new();
    for component in relative.components() {
        let Component::Normal(name) = component else { continue };
        let Some(name) = name.to_str() else {
            return Err(Error::in_file(file, "the file's path is not valid UTF-8")
                .help("rename the file or folder to a UTF-8 name"));
        };
        if !out.is_empty() {
            out.push('/');
        }
        out.push_str(name);
    }
    Ok(out)
}
