//! The answers of earlier runs: per HEAD commit, the origin of every line of every file that
//! was blamed, keyed by path and blob. A later walk that reaches a cached commit takes the
//! lines of its pending files from here instead of walking further, so a run after new
//! commits only walks those commits, and a run with nothing new walks none.
//!
//! One file per HEAD (`<commit>.bin`, see [`crate::packed`]), written atomically (a temporary file renamed
//! over), the most recent few kept. Anything unreadable, corrupt or from another format is
//! ignored and recomputed; the cache never makes a run fail.
use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::rc::Rc;

use git2::Oid;

use super::LineCommit;
use crate::packed::{Reader, Writer};

/// The format written, first in every file; files in any other are ignored. Version 1 was
/// JSON (`<commit>.json`), whose half a million numbers took longer to parse than the rest of
/// a run with nothing new.
const FORMAT: &str = "wear-age-cache/2";

/// The extension of cache files.
const EXTENSION: &str = "bin";

/// How many HEADs are kept (branches built in turn each keep theirs).
const KEEP: usize = 16;

/// The cached answer for one HEAD commit.
#[derive(Debug)]
pub(super) struct Cached {
    /// The commits lines are attributed to, with their ids parsed.
    pub(crate) commits: Vec<(Oid, LineCommit)>,
    /// Path → (blob, per line an index into `commits`).
    pub(crate) files: HashMap<String, (Oid, Vec<u32>)>,
}

/// A cache folder.
#[derive(Debug)]
pub(super) struct Store {
    dir: PathBuf,
    shallow: Vec<String>,
    heads: HashSet<Oid>,
    loaded: HashMap<Oid, Option<Rc<Cached>>>,
}

impl Store {
    /// Opens the cache in `dir` for a repository with this shallow boundary. The folder need
    /// not exist yet.
    pub(crate) fn open(dir: &Path, shallow: &HashSet<Oid>) -> Store {
        let mut shallow: Vec<String> = shallow.iter().map(Oid::to_string).collect();
        shallow.sort();
        let heads = std::fs::read_dir(dir)
            .into_iter()
            .flatten()
            .flatten()
            .filter_map(|entry| {
                let name = entry.file_name();
                let stem = name.to_str()?.strip_suffix(".bin")?;
                Oid::from_str(stem).ok().filter(|_| stem.len() >= 40)
            })
            .collect();
        Store { dir: dir.to_owned(), shallow, heads, loaded: HashMap::new() }
    }

    /// The cached answer for HEAD `commit`, if there is a valid one.
    pub(crate) fn lookup(&mut self, commit: Oid) -> Option<Rc<Cached>> {
        if !self.heads.contains(&commit) {
            return None;
        }
        if let Some(loaded) = self.loaded.get(&commit) {
            return loaded.clone();
        }
        let cached = self.load(commit).map(Rc::new);
        self.loaded.insert(commit, cached.clone());
        cached
    }

    fn path_for(&self, head: Oid) -> PathBuf {
        self.dir.join(format!("{head}.{EXTENSION}"))
    }

    fn load(&self, head: Oid) -> Option<Cached> {
        let bytes = std::fs::read(self.path_for(head)).ok()?;
        let mut r = Reader::new(&bytes, FORMAT)?;
        if Oid::from_bytes(r.bytes()?).ok()? != head {
            return None;
        }
        let shallow_len = r.len()?;
        let mut shallow = Vec::with_capacity(shallow_len);
        for _ in 0..shallow_len {
            shallow.push(r.string()?);
        }
        if shallow != self.shallow {
            return None;
        }
        let commits_len = r.len()?;
        let mut commits = Vec::with_capacity(commits_len);
        for _ in 0..commits_len {
            let id = Oid::from_bytes(r.bytes()?).ok()?;
            let author = r.string()?;
            let (time, boundary) = (r.i64()?, r.bool()?);
            commits.push((id, LineCommit { id: id.to_string(), author, time, boundary }));
        }
        let files_len = r.len()?;
        let mut files = HashMap::with_capacity(files_len);
        for _ in 0..files_len {
            let path = r.string()?;
            let blob = Oid::from_bytes(r.bytes()?).ok()?;
            let lines = r.u32s()?;
            if lines.iter().any(|&i| i as usize >= commits.len()) {
                return None;
            }
            files.insert(path, (blob, lines));
        }
        r.at_end().then_some(Cached { commits, files })
    }

    /// Whether the cache already has `head` with all of `files` (path, blob).
    pub(crate) fn covers(&mut self, head: Oid, files: &[(&str, Oid)]) -> bool {
        let Some(cached) = self.lookup(head) else { return false };
        files.iter().all(|(path, blob)| cached.files.get(*path).is_some_and(|(b, _)| b == blob))
    }

    /// Records the answer for `head`: per file (path, blob, per line an index into `commits`).
    /// Failures are ignored: the next run recomputes.
    pub(crate) fn save(&self, head: Oid, commits: &[LineCommit], files: Vec<(String, Oid, Vec<u32>)>) {
        let Some(bytes) = encode(head, &self.shallow, commits, &files) else { return };
        let _ = std::fs::create_dir_all(&self.dir)
            .and_then(|()| crate::fs::replace_file(&self.path_for(head), &bytes));
        self.prune();
    }

    /// Keeps the most recently written files.
    fn prune(&self) {
        let Ok(entries) = std::fs::read_dir(&self.dir) else { return };
        let mut files: Vec<(std::time::SystemTime, PathBuf)> = entries
            .flatten()
            .filter(|e| e.path().extension().is_some_and(|x| x == EXTENSION))
            .filter_map(|e| Some((e.metadata().ok()?.modified().ok()?, e.path())))
            .collect();
        if files.len() <= KEEP {
            return;
        }
        files.sort_by_key(|f| std::cmp::Reverse(f.0));
        for (_, path) in files.into_iter().skip(KEEP) {
            let _ = std::fs::remove_file(path);
        }
    }
}

/// The bytes of a cache file; `None` if a commit id does not parse (the walk made it, so it
/// does).
fn encode(
    head: Oid,
    shallow: &[String],
    commits: &[LineCommit],
    files: &[(String, Oid, Vec<u32>)],
) -> Option<Vec<u8>> {
    let mut w = Writer::new(FORMAT);
    w.bytes(head.as_bytes());
    w.len(shallow.len());
    for id in shallow {
        w.str(id);
    }
    w.len(commits.len());
    for c in commits {
        w.bytes(Oid::from_str(&c.id).ok()?.as_bytes());
        w.str(&c.author);
        w.i64(c.time);
        w.bool(c.boundary);
    }
    w.len(files.len());
    for (path, blob, lines) in files {
        w.str(path);
        w.bytes(blob.as_bytes());
        w.u32s(lines);
    }
    Some(w.finish())
}
