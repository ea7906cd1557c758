//! Partial clones (`git clone --filter=blob:none`, as CI checkouts make them to save time):
//! the history's commits and trees are local, most old blobs are not. git fetches a missing
//! blob from the promisor remote when it needs one; libgit2 cannot, and stops with "object not
//! found". So before the walk, the blobs it may need are fetched the way git's own lazy fetch
//! does (one `git fetch --stdin` of their ids, not one request per blob): first those of the
//! requested paths, and, if the walk still misses one (a file renamed from a path outside
//! them), every blob the history lacks.
use git2::Repository;

use super::git_cli;
use super::repository::Opened;
use crate::error::{Error, Result};

/// The promisor remote of a partial clone, `None` for a complete one.
pub(super) fn remote(repo: &Repository) -> Option<String> {
    let config = repo.config().ok()?;
    if let Ok(name) = config.get_string("extensions.partialclone") {
        return Some(name);
    }
    let entries = config.entries(Some(r"remote\..*\.promisor")).ok()?;
    let mut found = None;
    entries
        .for_each(|entry| {
            let name = entry.name().ok().and_then(|n| n.strip_prefix("remote.")?.strip_suffix(".promisor"));
            if found.is_none() && entry.value().is_ok_and(|v| v == "true") {
                found = name.map(str::to_owned);
            }
        })
        .ok()?;
    found
}

/// Fetches from `remote` the blobs of history reachable from HEAD that the clone lacks: of
/// `paths` only, or all of them with `None`. Nothing missing asks nothing of the remote.
pub(super) fn fetch_missing(repo: &Opened, remote: &str, paths: Option<&[String]>) -> Result<()> {
    let mut args = vec!["rev-list", "--objects", "--missing=print", "HEAD"];
    if let Some(paths) = paths {
        args.push("--");
        args.extend(paths.iter().map(String::as_str));
    }
    let listed = git_cli::run(&repo.workdir, &args, b"").map_err(|why| failed(repo, remote, 0, &why))?;
    let missing: Vec<&[u8]> = listed.split(|&b| b == b'\n').filter_map(|l| l.strip_prefix(b"?")).collect();
    if missing.is_empty() {
        return Ok(());
    }
    let ids = missing.join(&b'\n');
    let fetch = [
        "-c",
        "fetch.negotiationAlgorithm=noop",
        "fetch",
        remote,
        "--no-tags",
        "--no-write-fetch-head",
        "--recurse-submodules=no",
        "--filter=blob:none",
        "--stdin",
    ];
    git_cli::run(&repo.workdir, &fetch, &ids).map_err(|why| failed(repo, remote, missing.len(), &why))?;
    Ok(())
}

fn failed(repo: &Opened, remote: &str, count: usize, why: &str) -> Error {
    let what = match count {
        0 => "the blobs".to_owned(),
        1 => "1 blob".to_owned(),
        n => format!("{n} blobs"),
    };
    Error::in_file(
        &repo.workdir,
        format!(
            "this partial clone lacks {what} of the history that ages are read from, and the fetch \
             from its remote `{remote}` failed: {why}"
        ),
    )
    .help(format!(
        "make the remote `{remote}` reachable (git fetches these blobs for `git blame` too), or clone without \
         `--filter` (with `actions/checkout`: no `filter`, `fetch-depth: 0`)"
    ))
}

/// The error when the walk still misses an object after fetching.
pub(super) fn still_missing(repo: &Opened, remote: &str, e: &git2::Error) -> Error {
    Error::in_file(
        &repo.workdir,
        format!("this partial clone still lacks an object after fetching from `{remote}`: {}", e.message()),
    )
    .help("clone again without `--filter` and run again (`git fsck` names what is missing)")
}
