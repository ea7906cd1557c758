//! The answers of earlier runs: per HEAD commit, the origin of every line of every file that
//! was blamed, keyed by path and blob. A later walk that reaches a cached commit takes the
//! lines of its pending files from here instead of walking further, so a run after new
//! commits only walks those commits, and a run with nothing new walks none.
//!
//! One JSON file per HEAD (`<commit>.json`), written atomically (a temporary file renamed
//! over), the most recent few kept. Anything unreadable, corrupt or from another format is
//! ignored and recomputed; the cache never makes a run fail.
use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::rc::Rc;

use git2::Oid;
use serde::{Deserialize, Serialize};

use super::LineCommit;

/// The format written; files in any other are ignored.
const FORMAT: &str = "wear-age-cache/1";

/// How many HEADs are kept (branches built in turn each keep theirs).
const KEEP: usize = 16;

#[derive(Serialize, Deserialize)]
struct CacheFile {
    format: String,
    head: String,
    /// The shallow boundary the answers were computed with: deepening a clone changes them.
    shallow: Vec<String>,
    commits: Vec<CachedCommit>,
    files: Vec<CachedFile>,
}

#[derive(Serialize, Deserialize)]
struct CachedCommit {
    id: String,
    author: String,
    time: i64,
    boundary: bool,
}

#[derive(Serialize, Deserialize)]
struct CachedFile {
    path: String,
    blob: String,
    /// Per line, an index into `commits`.
    lines: Vec<u32>,
}

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
                let stem = name.to_str()?.strip_suffix(".json")?;
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
        self.dir.join(format!("{head}.json"))
    }

    fn load(&self, head: Oid) -> Option<Cached> {
        let bytes = std::fs::read(self.path_for(head)).ok()?;
        let file: CacheFile = serde_json::from_slice(&bytes).ok()?;
        if file.format != FORMAT || file.head != head.to_string() || file.shallow != self.shallow {
            return None;
        }
        let mut commits = Vec::with_capacity(file.commits.len());
        for c in file.commits {
            let id = Oid::from_str(&c.id).ok()?;
            commits.push((id, LineCommit { id: c.id, author: c.author, time: c.time, boundary: c.boundary }));
        }
        let mut files = HashMap::with_capacity(file.files.len());
        for f in file.files {
            let blob = Oid::from_str(&f.blob).ok()?;
            if f.lines.iter().any(|&i| i as usize >= commits.len()) {
                return None;
            }
            files.insert(f.path, (blob, f.lines));
        }
        Some(Cached { commits, files })
    }

    /// Whether the cache already has `head` with all of `files` (path, blob).
    pub(crate) fn covers(&mut self, head: Oid, files: &[(&str, Oid)]) -> bool {
        let Some(cached) = self.lookup(head) else { return false };
        files.iter().all(|(path, blob)| cached.files.get(*path).is_some_and(|(b, _)| b == blob))
    }

    /// Records the answer for `head`: per file (path, blob, per line an index into `commits`).
    /// Failures are ignored: the next run recomputes.
    pub(crate) fn save(&self, head: Oid, commits: &[LineCommit], files: Vec<(String, Oid, Vec<u32>)>) {
        let file = CacheFile {
            format: FORMAT.to_owned(),
            head: head.to_string(),
            shallow: self.shallow.clone(),
            commits: commits
                .iter()
                .map(|c| CachedCommit {
                    id: c.id.clone(),
                    author: c.author.clone(),
                    time: c.time,
                    boundary: c.boundary,
                })
                .collect(),
            files: files
                .into_iter()
                .map(|(path, blob, lines)| CachedFile { path, blob: blob.to_string(), lines })
                .collect(),
        };
        let _ = self.write_atomically(head, &file);
        self.prune();
    }

    fn write_atomically(&self, head: Oid, file: &CacheFile) -> std::io::Result<()> {
        std::fs::create_dir_all(&self.dir)?;
        let bytes = serde_json::to_vec(file).map_err(std::io::Error::other)?;
        crate::fs::replace_file(&self.path_for(head), &bytes)
    }

    /// Keeps the most recently written files.
    fn prune(&self) {
        let Ok(entries) = std::fs::read_dir(&self.dir) else { return };
        let mut files: Vec<(std::time::SystemTime, PathBuf)> = entries
            .flatten()
            .filter(|e| e.path().extension().is_some_and(|x| x == "json"))
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
