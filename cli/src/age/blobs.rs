//! Blob contents kept with the lines pending in them, so that the walk inflates each blob once.
//!
//! A changed file is diffed against its parent's blob, and that older blob is then the newer
//! side of the next diff, one step further back. libgit2 caches no blob contents, so reading
//! it again would inflate it again (most of a cold walk, `docs/src/benchmarks.md`). The diff
//! thread, which reads the blobs, fills the older content into a [`Later`] that the walk keeps
//! with the lines it passes on and hands back with the next diff; the bytes held at once stay
//! under a budget, past which a content is not kept and is read again when needed.
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, OnceLock};

use git2::{Oid, Repository};

use super::cat_file::CatFile;

/// How many bytes of blob contents the walk keeps at once, so that only some pending files'
/// contents are held, never history's. Past it, a blob is read again when next diffed, which
/// git's own cache of delta bases makes cheap: on the 40,000-commit benchmark (16 MB of
/// sources at HEAD), 16 MiB ran as fast as 64 MiB (`docs/src/benchmarks.md`).
pub(super) const BUDGET: usize = 16 << 20;

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

/// A blob's content that may come later: the diff thread fills it when it reads the blob (if
/// the budget allows), and the walk hands it back with a later diff of the same blob. The
/// thread runs diffs in the order asked, so the one that fills it runs before any that uses it.
#[derive(Clone, Default)]
pub(super) struct Later(Arc<OnceLock<Content>>);

impl Later {
    /// The content, if it was read and kept.
    pub(super) fn get(&self) -> Option<Content> {
        self.0.get().cloned()
    }
}

impl std::fmt::Debug for Later {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Later({:?})", self.0.get())
    }
}

/// The bytes of blob contents alive, against a limit; clones share the count.
#[derive(Clone)]
pub(super) struct Budget {
    held: Arc<AtomicUsize>,
    limit: usize,
}

impl Budget {
    pub(super) fn new(limit: usize) -> Budget {
        Budget { held: Arc::new(AtomicUsize::new(0)), limit }
    }

    /// Keeps `content` in `later` if the contents held are within the budget.
    pub(super) fn keep(&self, content: &Content, later: &Later) {
        if self.held.load(Ordering::Relaxed) <= self.limit {
            // Already set only if the same `Later` was filled before: it holds the same blob.
            let _ = later.0.set(content.clone());
        }
    }

    /// The bytes of all contents alive.
    #[cfg(test)]
    pub(super) fn held(&self) -> usize {
        self.held.load(Ordering::Relaxed)
    }
}

/// Reads blobs and accounts for the contents kept. It owns what it reads with, so that it can
/// move to the diff thread.
pub(super) struct Blobs {
    git_dir: PathBuf,
    /// libgit2's handle, opened at the first blob git cannot give.
    repo: Option<Repository>,
    git: Option<CatFile>,
    budget: Budget,
    reads: u64,
}

impl Blobs {
    /// Reads through `git` when given (and while it works), else through libgit2 on the
    /// repository at `git_dir`.
    pub(super) fn new(git_dir: &Path, git: Option<CatFile>, budget: Budget) -> Blobs {
        Blobs { git_dir: git_dir.to_path_buf(), repo: None, git, budget, reads: 0 }
    }

    /// The content of blob `id`: what `kept` holds if it has it, else read from the repository.
    pub(super) fn content(&mut self, id: Oid, kept: Option<&Later>) -> Result<Content, git2::Error> {
        if let Some(kept) = kept.and_then(Later::get) {
            return Ok(kept);
        }
        let bytes = match self.read_with_git(id) {
            Some(bytes) => bytes,
            None => self.libgit2()?.find_blob(id)?.content().to_vec(),
        };
        self.reads += 1;
        self.budget.held.fetch_add(bytes.len(), Ordering::Relaxed);
        Ok(Content(Arc::new(Held { bytes, held: Arc::clone(&self.budget.held) })))
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

    fn libgit2(&mut self) -> Result<&Repository, git2::Error> {
        if self.repo.is_none() {
            self.repo = Some(Repository::open(&self.git_dir)?);
        }
        // Set just above when it was not.
        self.repo.as_ref().ok_or_else(|| git2::Error::from_str("the repository did not open"))
    }

    /// `content` kept in `later`, if the contents held are within the budget.
    pub(super) fn keep(&self, content: &Content, later: &Later) {
        self.budget.keep(content, later);
    }

    /// How many blobs were read from the repository.
    #[cfg(test)]
    pub(super) fn reads(&self) -> u64 {
        self.reads
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
            let mut blobs = Blobs::new(repo.path(), git, Budget::new(BUDGET));
            let first = blobs.content(ids[0], None).unwrap();
            let kept = Later::default();
            blobs.keep(&first, &kept);
            assert!(kept.get().is_some());
            let again = blobs.content(ids[0], Some(&kept)).unwrap();
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
        let mut blobs = Blobs::new(repo.path(), CatFile::start(other.path()), Budget::new(BUDGET));
        assert_eq!(blobs.content(ids[0], None).unwrap().bytes(), b"fn a() {}\n");
        let absent = Oid::from_str("0123456789012345678901234567890123456789").unwrap();
        let e = blobs.content(absent, None).unwrap_err();
        assert_eq!(e.code(), git2::ErrorCode::NotFound);
    }

    #[test]
    fn contents_past_the_budget_are_not_kept_and_dropped_ones_are_released() {
        let (_dir, repo, ids) = repo_with(&[b"0123456789\n", b"abcdefghij\n"]);
        let budget = Budget::new(15);
        let mut blobs = Blobs::new(repo.path(), None, budget.clone());
        let (first, second) = (Later::default(), Later::default());
        let content = blobs.content(ids[0], None).unwrap();
        blobs.keep(&content, &first);
        drop(content);
        assert!(first.get().is_some());
        assert_eq!(budget.held(), 11);
        let content = blobs.content(ids[1], None).unwrap();
        assert_eq!(budget.held(), 22);
        blobs.keep(&content, &second);
        assert!(second.get().is_none(), "22 bytes held, over a budget of 15");
        drop(content);
        assert_eq!(budget.held(), 11, "the content not kept is released");
        drop(first);
        assert_eq!(budget.held(), 0);
    }
}
