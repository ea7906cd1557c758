//! libgit2's process-wide settings, chosen for one long backward walk over history.
//!
//! - Its object cache holds up to 256 MiB by default; the walk reads each tree once per commit
//!   and drops it, so at 40,000 commits the cache is most of the peak memory (heaptrack: about
//!   190 MiB of parsed trees, `docs/src/benchmarks.md`) and gives little back.
//! - It hashes every object it reads again to check it (4–8% of a cold walk); git does not on
//!   reads (`git fsck` does), and `git blame`, whose answers the walk matches, reads the same
//!   objects unchecked.

/// The object cache's limit, in bytes.
const CACHE_BYTES: isize = 32 << 20;

/// How much of the pack files libgit2 keeps mapped at once (8 GiB by default on 64-bit): the
/// pages of a mapped pack that the walk touched count in its resident memory.
const MAPPED_BYTES: usize = 32 << 20;

/// Applies the settings. Call it once, before any thread uses libgit2: `main` does, first thing.
pub fn tune() {
    // SAFETY: libgit2's options are global and not synchronised; `main` calls this before it
    // starts a thread or opens a repository, so nothing else uses libgit2 at the same time.
    let _ = unsafe { git2::opts::set_cache_max_size(CACHE_BYTES) };
    // SAFETY: as above.
    let _ = unsafe { git2::opts::set_mwindow_mapped_limit(MAPPED_BYTES) };
    git2::opts::strict_hash_verification(false);
}
