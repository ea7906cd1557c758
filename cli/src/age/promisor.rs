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

/// How many rounds of listing and fetching: a treeless clone (`--filter=tree:0`) lacks trees
/// too, so the first round brings them (a tree comes with its subtrees) and the next the
/// blobs they name.
const ROUNDS: usize = 3;

/// Fetches from `remote` the objects of history reachable from HEAD that the clone lacks: for
/// `paths` only, or all of them with `None`. Nothing missing asks nothing of the remote.
pub(super) fn fetch_missing(repo: &Opened, remote: &str, paths: Option<&[String]>) -> Result<()> {
    for _ in 0..ROUNDS {
        let missing = list_missing(repo, paths)?;
        if missing.is_empty() {
            break;
        }
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
        let count = missing.len();
        git_cli::run(&repo.workdir, &fetch, &missing.join(&b'\n'))
            .map_err(|why| failed(repo, remote, count, &why))?;
    }
    Ok(())
}

/// The ids of the objects the clone lacks, as `git rev-list --missing=print` lists them
/// (without fetching). Limiting to paths compares trees, which fails where trees are missing:
/// then everything missing is listed.
fn list_missing(repo: &Opened, paths: Option<&[String]>) -> Result<Vec<Vec<u8>>> {
    let all = ["rev-list", "--objects", "--missing=print", "HEAD"];
    let limited = paths.map(|paths| {
        let mut args = all.to_vec();
        args.push("--");
        args.extend(paths.iter().map(String::as_str));
        git_cli::run(&repo.workdir, &args, b"")
    });
    let listed = match limited {
        Some(Ok(listed)) => listed,
        _ => git_cli::run(&repo.workdir, &all, b"").map_err(|why| {
            Error::in_file(&repo.workdir, format!("cannot list what this partial clone lacks: {why}"))
                .help("check that `git rev-list --objects --missing=print HEAD` works here, or clone without `--filter`")
        })?,
    };
    Ok(listed.split(|&b| b == b'\n').filter_map(|l| l.strip_prefix(b"?")).map(<[u8]>::to_vec).collect())
}

fn failed(repo: &Opened, remote: &str, count: usize, why: &str) -> Error {
    let what = match count {
        1 => "1 object".to_owned(),
        n => format!("{n} objects"),
    };
    Error::in_file(
        &repo.workdir,
        format!(
            "this partial clone lacks {what} of the history that ages are read from, and the fetch \
             from its remote `{remote}` failed: {why}"
        ),
    )
    .help(format!(
        "make the remote `{remote}` reachable (git fetches these objects for `git blame` too), or clone without \
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
