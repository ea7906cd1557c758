//! The files as they are in the work tree against HEAD: which of their lines are HEAD's lines
//! (to be blamed in history) and which are not committed (changed now). A file that HEAD does
//! not have is not committed at all. Files are compared as git stores them ([`convert`]): a
//! checkout's line endings or clean/smudge filter do not make a line "not committed".
use std::collections::HashMap;
use std::path::{Path, PathBuf};

use git2::{ObjectType, Oid};

use super::convert;
use super::hunks::{self, LineMap};
use super::repository::Opened;
use crate::error::{Error, Result};

/// A file at HEAD whose lines are to be blamed.
#[derive(Debug, Clone)]
pub(super) struct HeadFile {
    /// Its path in HEAD's tree.
    pub(crate) path: String,
    /// Its blob at HEAD.
    pub(crate) blob: Oid,
    /// Its number of lines at HEAD.
    pub(crate) lines: u32,
}

/// Where a line of the work tree's file comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum WorkLine {
    /// Line `line` (0-based) of `Work::at_head[file]`.
    Head { file: usize, line: u32 },
    /// Not in HEAD.
    Uncommitted,
}

/// The requested files against HEAD.
#[derive(Debug, Clone, Default)]
pub(super) struct Work {
    /// The distinct files that HEAD has, to blame.
    pub(crate) at_head: Vec<HeadFile>,
    /// Per requested file, in order, where each of its lines comes from.
    pub(crate) lines: Vec<Vec<WorkLine>>,
}

/// Reads `files` (whose paths in the tree are `relative`) and maps their lines to HEAD's.
pub(super) fn read(repo: &Opened, files: &[PathBuf], relative: &[String]) -> Result<Work> {
    let head_tree = match repo.head {
        Some(head) => {
            Some(repo.repo.find_commit(head).and_then(|c| c.tree()).map_err(|e| git_error(repo, e))?)
        }
        None => None,
    };
    let mut read = Vec::with_capacity(files.len());
    let mut differ = Vec::new();
    for ((file, path), loaded) in files.iter().zip(relative).zip(load_all(files)) {
        let (bytes, hash) = loaded.map_err(|why| match why {
            crate::bounded::Unreadable::Io(e) => {
                Error::in_file(file, format!("cannot read the file: {e}")).help("check that the file exists")
            }
            why => why.into_error(file, crate::bounded::SOURCE),
        })?;
        let entry = head_tree.as_ref().and_then(|tree| tree.get_path(Path::new(path)).ok());
        let blob = entry.filter(|e| e.kind() == Some(ObjectType::Blob)).map(|e| e.id());
        let same = blob.is_some_and(|id| hash == Some(id));
        if blob.is_some() && !same {
            differ.push(path.as_str());
        }
        read.push((bytes, blob, same));
    }
    // Raw bytes that differ may still be HEAD's once converted (line endings, filters).
    let changed = match &head_tree {
        Some(tree) if !differ.is_empty() => convert::changes(repo, tree, &differ)?,
        _ => HashMap::new(),
    };
    let mut work = Work::default();
    let mut by_path: HashMap<&str, usize> = HashMap::new();
    for ((bytes, blob, same), path) in read.into_iter().zip(relative) {
        let Some(blob) = blob else {
            work.lines.push(vec![WorkLine::Uncommitted; hunks::count_lines(&bytes) as usize]);
            continue;
        };
        let no_hunks = Vec::new();
        let hunks = changed.get(path).unwrap_or(&no_hunks);
        let head_lines = if !same {
            let content = repo.repo.find_blob(blob).map_err(|e| git_error(repo, e))?;
            hunks::count_lines(content.content())
        } else {
            hunks::count_lines(&bytes)
        };
        let index = *by_path.entry(path.as_str()).or_insert_with(|| {
            work.at_head.push(HeadFile { path: path.clone(), blob, lines: head_lines });
            work.at_head.len() - 1
        });
        let mut map = LineMap::new(hunks);
        let lines = (0..hunks::count_lines(&bytes))
            .map(|line| match map.old_line(line) {
                Some(line) if line < head_lines => WorkLine::Head { file: index, line },
                _ => WorkLine::Uncommitted,
            })
            .collect();
        work.lines.push(lines);
    }
    Ok(work)
}

/// A file's bytes and their blob id, or why it could not be read.
type Loaded = std::result::Result<(Vec<u8>, Option<Oid>), crate::bounded::Unreadable>;

/// Files fewer than this are read on one thread: a second would cost more than it saves.
const READ_ON_TWO_THREADS: usize = 64;

/// The bytes of each of `files` and their blob id as git would hash them (`None` if libgit2
/// cannot), in order. Hashing every file of a large workspace (SHA-1 with collision detection)
/// was a good share of a run with nothing new, so two threads share the files.
fn load_all(files: &[PathBuf]) -> Vec<Loaded> {
    let load = |files: &[PathBuf]| -> Vec<_> {
        files
            .iter()
            .map(|file| {
                let bytes = crate::bounded::read(file, crate::bounded::SOURCE)?;
                let hash = Oid::hash_object(ObjectType::Blob, &bytes).ok();
                Ok((bytes, hash))
            })
            .collect()
    };
    if files.len() < READ_ON_TWO_THREADS {
        return load(files);
    }
    let (first, second) = files.split_at(files.len() / 2);
    std::thread::scope(|scope| {
        let other = std::thread::Builder::new().name("read".to_owned()).spawn_scoped(scope, || load(second));
        let mut out = load(first);
        match other.map(|thread| thread.join()) {
            Ok(Ok(rest)) => out.extend(rest),
            Ok(Err(panic)) => std::panic::resume_unwind(panic),
            // No thread to be had: this one reads the rest.
            Err(_) => out.extend(load(second)),
        }
        out
    })
}

/// A failure reading the repository's objects.
pub(super) fn git_error(repo: &Opened, e: git2::Error) -> Error {
    Error::in_file(&repo.workdir, format!("cannot read the git repository: {}", e.message()))
        .help("check that `git fsck` passes in this repository")
}
