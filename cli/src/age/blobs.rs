//! Blob contents kept with the lines pending in them, so that the walk inflates each blob once.
//!
//! A changed file is diffed against its parent's blob, and that older blob is then the newer
//! side of the next diff, one step further back. libgit2 caches no blob contents, so reading
//! it again would inflate it again (most of a cold walk, `docs/src/benchmarks.md`). The walk
//! keeps the bytes it read with the lines it passes on instead; the bytes held at once stay
//! under a budget, past which a content is dropped and read again when needed.
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use git2::{Oid, Repository};

use super::cat_file::CatFile;

/// How many bytes of blob contents the walk keeps at once: about what HEAD's files weigh in a
/// very large workspace, so that only the pending files' contents are held, never history's.
pub(super) const BUDGET: usize = 64 << 20;

/// The bytes of one blob; clones share them, on any thread (the diff thread reads them).
#[derive(Clone)]
pub(super) struct Content(Arc<Held>);

struct Held {
    bytes: Vec<u8>,
    held: Arc<AtomicUsize>,
}

impl Drop for Held {
    fn drop(&mut self) {
        // Relaxed: the count is a budget to check now and then, ordering nothing else.
        self.held.fetch_sub(self.bytes.len(), Ordering::Relaxed);
    }
}

impl Content {
    pub(super) fn bytes(&self) -> &[u8] {
        &self.0.bytes
    }
}

impl std::fmt::Debug for Content {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Content({} bytes)", self.0.bytes.len())
    }
}

/// Reads blobs and accounts for the contents kept.
pub(super) struct Blobs<'r> {
    repo: &'r Repository,
    git: Option<CatFile>,
    budget: usize,
    held: Arc<AtomicUsize>,
    reads: u64,
}

impl<'r> Blobs<'r> {
    /// Reads through `git` when given (and while it works), else through libgit2.
    pub(super) fn new(repo: &'r Repository, git: Option<CatFile>, budget: usize) -> Blobs<'r> {
        Blobs { repo, git, budget, held: Arc::new(AtomicUsize::new(0)), reads: 0 }
    }

    /// The content of blob `id`: `kept` if the caller has it, else read from the repository.
    pub(super) fn content(&mut self, id: Oid, kept: Option<Content>) -> Result<Content, git2::Error> {
        if let Some(kept) = kept {
            return Ok(kept);
        }
        let bytes = match self.read_with_git(id) {
            Some(bytes) => bytes,
            None => self.repo.find_blob(id)?.content().to_vec(),
        };
        self.reads += 1;
        self.held.fetch_add(bytes.len(), Ordering::Relaxed);
        Ok(Content(Arc::new(Held { bytes, held: Arc::clone(&self.held) })))
    }

    /// The blob through git; `None` if git is not running or lacks it (libgit2 then reads it,
    /// or says what is wrong). A failed process is not asked again.
    fn read_with_git(&mut self, id: Oid) -> Option<Vec<u8>> {
        match self.git.as_mut()?.read(id) {
            Ok(bytes) => bytes,
            Err(_) => {
                self.git = None;
                None
            }
        }
    }

    /// `content`, to keep with pending lines, if the contents held are within the budget.
    pub(super) fn keep(&self, content: Content) -> Option<Content> {
        (self.held.load(Ordering::Relaxed) <= self.budget).then_some(content)
    }

    /// How many blobs were read from the repository.
    #[cfg(test)]
    pub(super) fn reads(&self) -> u64 {
        self.reads
    }

    /// The bytes of all contents alive.
    #[cfg(test)]
    pub(super) fn held(&self) -> usize {
        self.held.load(Ordering::Relaxed)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn repo_with(blobs: &[&[u8]]) -> (tempfile::TempDir, Repository, Vec<Oid>) {
        let dir = tempfile::tempdir().unwrap();
        let repo = Repository::init(dir.path()).unwrap();
        let ids = blobs.iter().map(|b| repo.blob(b).unwrap()).collect();
        (dir, repo, ids)
    }

    #[test]
    fn a_kept_content_is_not_read_again() {
        let (_dir, repo, ids) = repo_with(&[b"fn a() {}\n", b"fn b() {}\n"]);
        for git in [None, CatFile::start(repo.path())] {
            let mut blobs = Blobs::new(&repo, git, BUDGET);
            let first = blobs.content(ids[0], None).unwrap();
            let kept = blobs.keep(first.clone());
            assert!(kept.is_some());
            let again = blobs.content(ids[0], kept).unwrap();
            assert_eq!(again.bytes(), b"fn a() {}\n");
            assert_eq!(blobs.reads(), 1);
            assert_eq!(blobs.content(ids[1], None).unwrap().bytes(), b"fn b() {}\n");
            assert_eq!(blobs.reads(), 2);
        }
    }

    #[test]
    fn a_blob_git_lacks_is_read_through_libgit2_and_errors_are_libgit2s() {
        let (_dir, repo, ids) = repo_with(&[b"fn a() {}\n"]);
        let elsewhere = tempfile::tempdir().unwrap();
        let other = Repository::init(elsewhere.path()).unwrap();
        let mut blobs = Blobs::new(&repo, CatFile::start(other.path()), BUDGET);
        assert_eq!(blobs.content(ids[0], None).unwrap().bytes(), b"fn a() {}\n");
        let absent = Oid::from_str("0123456789012345678901234567890123456789").unwrap();
        let e = blobs.content(absent, None).unwrap_err();
        assert_eq!(e.code(), git2::ErrorCode::NotFound);
    }

    #[test]
    fn contents_past_the_budget_are_not_kept_and_dropped_ones_are_released() {
        let (_dir, repo, ids) = repo_with(&[b"0123456789\n", b"abcdefghij\n"]);
        let mut blobs = Blobs::new(&repo, None, 15);
        let first = blobs.content(ids[0], None).unwrap();
        let first = blobs.keep(first);
        assert!(first.is_some());
        assert_eq!(blobs.held(), 11);
        let second = blobs.content(ids[1], None).unwrap();
        assert_eq!(blobs.held(), 22);
        assert!(blobs.keep(second).is_none(), "22 bytes held, over a budget of 15");
        assert_eq!(blobs.held(), 11, "the content not kept is released");
        drop(first);
        assert_eq!(blobs.held(), 0);
    }
}
