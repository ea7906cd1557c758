//! Which commit a change is measured from, and its sources as files the scan can read.
//!
//! The base is what a pull request is merged into: the merge base of HEAD with the branch's
//! upstream, else with `origin/HEAD`, unless `--base` names it. Nothing is fetched: a shallow
//! CI checkout must already hold the base commit, and the error says how to fetch it.
use std::path::{Path, PathBuf};

use git2::{BranchType, Oid, Repository, TreeWalkMode, TreeWalkResult};

use crate::error::{Error, Result};

/// The commit a change is measured from, and how it was chosen (for the report's header).
#[derive(Clone, Debug)]
pub(crate) struct Base {
    pub(crate) commit: Oid,
    /// What the user gave, or how the default was found (`merge base with origin/main`).
    pub(crate) named: String,
}

/// The base `given` names (any revision git understands), or the default: the merge base
/// of HEAD with its upstream branch, else with `origin/HEAD`.
pub(crate) fn resolve(repo: &Repository, given: Option<&str>) -> Result<Base> {
    let head = repo.head().ok().and_then(|h| h.peel_to_commit().ok()).ok_or_else(|| {
        Error::new("the repository has no commit yet, so a change has nothing to be measured from")
            .help("commit first, or run `cargo wear report` for the work tree alone")
    })?;
    if let Some(name) = given {
        let object = repo.revparse_single(name).map_err(|e| unknown(repo, name, &e))?;
        let commit = object.peel_to_commit().map_err(|_| {
            Error::new(format!("--base {name} is not a commit")).help("give a branch, a tag or a commit id")
        })?;
        return Ok(Base { commit: commit.id(), named: name.to_owned() });
    }
    let upstream = repo
        .head()
        .ok()
        .filter(|h| h.is_branch())
        .and_then(|h| h.shorthand().ok().map(str::to_owned))
        .and_then(|branch| repo.find_branch(&branch, BranchType::Local).ok())
        .and_then(|branch| branch.upstream().ok())
        .and_then(|up| Some((up.name().ok()??.to_owned(), up.get().peel_to_commit().ok()?.id())));
    let origin_head = || {
        let reference = repo.find_reference("refs/remotes/origin/HEAD").ok()?;
        let resolved = reference.resolve().ok()?;
        let name = resolved.shorthand().unwrap_or("origin/HEAD").to_owned();
        Some((name, resolved.peel_to_commit().ok()?.id()))
    };
    let Some((name, tip)) = upstream.or_else(origin_head) else {
        return Err(Error::new(
            "no base to measure the change from: the branch has no upstream and there is no origin/HEAD",
        )
        .help("name it with --base (a branch, tag or commit id, e.g. --base origin/main)"));
    };
    let commit = repo.merge_base(head.id(), tip).map_err(|_| {
        let mut error = Error::new(format!("HEAD and {name} have no common commit in this clone"));
        error = if repo.is_shallow() {
            error.help(format!(
                "this is a shallow clone: fetch enough history for both, e.g. `git fetch --deepen=200 origin`, \
                 or give --base {name} to measure from its tip"
            ))
        } else {
            error.help(format!("give --base {name} to measure from its tip"))
        };
        error
    })?;
    Ok(Base { commit, named: format!("merge base with {name}") })
}

/// The error for a revision git does not find: in a shallow clone the base is often simply
/// not fetched, which the help says.
fn unknown(repo: &Repository, name: &str, e: &git2::Error) -> Error {
    let error = Error::new(format!("--base {name}: no such revision in this repository ({})", e.message()));
    if repo.is_shallow() {
        error.help(format!(
            "this is a shallow clone, which may lack it: fetch it first (`git fetch --depth=1 origin {name}`, \
             or `fetch-depth: 0` in actions/checkout)"
        ))
    } else {
        error.help("give a branch, a tag or a commit id that `git rev-parse` knows")
    }
}

/// Writes the base commit's manifests and Rust sources under `dir` (emptied first), with the
/// repository's layout, so the scan reads the base as it reads the work tree; returns `dir`.
/// Only `.rs` and `.toml` files are written: what `cargo metadata` and the scan read.
pub(crate) fn export(repo: &Repository, base: Oid, dir: &Path) -> Result<PathBuf> {
    let tree = repo.find_commit(base).and_then(|c| c.tree()).map_err(|e| {
        Error::new(format!("cannot read the base commit {base}: {}", e.message()))
            .help("the clone may lack its objects: fetch the base's history")
    })?;
    if dir.exists() {
        std::fs::remove_dir_all(dir).map_err(|e| Error::in_file(dir, format!("cannot empty it: {e}")))?;
    }
    let mut failed = None;
    tree.walk(TreeWalkMode::PreOrder, |parent, entry| {
        let Ok(name) = entry.name() else { return TreeWalkResult::Ok };
        let wanted = name.ends_with(".rs") || name.ends_with(".toml");
        if entry.kind() != Some(git2::ObjectType::Blob) || !wanted {
            return TreeWalkResult::Ok;
        }
        let path = dir.join(parent).join(name);
        let written = entry
            .to_object(repo)
            .map_err(|e| e.message().to_owned())
            .and_then(|o| o.into_blob().map_err(|_| "not a blob".to_owned()))
            .and_then(|blob| {
                let folder = path.parent().unwrap_or(dir);
                std::fs::create_dir_all(folder).map_err(|e| e.to_string())?;
                std::fs::write(&path, blob.content()).map_err(|e| e.to_string())
            });
        match written {
            Ok(()) => TreeWalkResult::Ok,
            Err(why) => {
                failed = Some(Error::in_file(&path, format!("cannot write the base's copy: {why}")));
                TreeWalkResult::Abort
            }
        }
    })
    .ok();
    match failed {
        Some(error) => Err(error),
        None => Ok(dir.to_owned()),
    }
}
