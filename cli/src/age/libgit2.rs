//! libgit2's and the allocator's process-wide settings, chosen for one long backward walk over
//! history.
//!
//! - Its object cache holds up to 256 MiB by default; the walk reads each tree once per commit
//!   and drops it, so at 40,000 commits the cache is most of the peak memory (heaptrack: about
//!   190 MiB of parsed trees, `docs/src/benchmarks.md`) and gives little back.
//! - It hashes every object it reads again to check it (4–8% of a cold walk); git does not on
//!   reads (`git fsck` does), and `git blame`, whose answers the walk matches, reads the same
//!   objects unchecked.

/// The object cache's limit, in bytes. The walk meets each tree once per commit, so a larger
/// cache mostly holds trees it will not read again: on the 40,000-commit benchmark, cold runs
/// took 8.69 s at 8 MiB and 8.93 s at 32 MiB, for 58 MiB less peak memory (with the blob
/// budget at 16 MiB; `docs/src/benchmarks.md`).
const CACHE_BYTES: isize = 8 << 20;

/// How much of the pack files libgit2 keeps mapped at once (8 GiB by default on 64-bit): the
/// pages of a mapped pack that the walk touched count in its resident memory.
const MAPPED_BYTES: usize = 32 << 20;

/// The size of one mapped window of a pack (1 GiB by default on 64-bit). A window is never
/// split, so with the default a whole pack of up to 1 GiB is one window, whatever the limit
/// above: on the 40,000-commit benchmark, 79 MB of its 120 MB pack were resident.
const WINDOW_BYTES: usize = 4 << 20;

/// Applies the settings. Call it once, before any thread uses libgit2: `main` does, first thing.
pub fn tune() {
    // SAFETY: libgit2's options are global and not synchronised; `main` calls this before it
    // starts a thread or opens a repository, so nothing else uses libgit2 at the same time.
    let _ = unsafe { git2::opts::set_cache_max_size(CACHE_BYTES) };
    // SAFETY: as above.
    let _ = unsafe { git2::opts::set_mwindow_mapped_limit(MAPPED_BYTES) };
    // SAFETY: as above.
    let _ = unsafe { git2::opts::set_mwindow_size(WINDOW_BYTES) };
    git2::opts::strict_hash_verification(false);
    few_malloc_arenas();
}

/// How many arenas glibc's allocator may make: one per thread that allocates much at once
/// (the scan, the walk, its diff thread, and `main`).
const ARENAS: i32 = 4;

/// glibc gives each thread that allocates its own arena, up to 8 per core, and keeps what is
/// freed there. One arena kept memory lowest while the scan ran before the walk, but with the
/// scan beside the walk (`heatmap --all`) the threads queued on its lock: the cold benchmark
/// took 14.41 s with one arena, 11.28 s with two, 8.96 s with four (250 MiB) and 9.06 s with
/// eight (251 MiB).
fn few_malloc_arenas() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: `mallopt` only changes a setting of glibc's allocator; called before any thread
    // starts (see `tune`), nothing allocates concurrently.
    unsafe {
        libc::mallopt(libc::M_ARENA_MAX, ARENAS);
    }
}

/// Returns the free pages of every malloc arena to the system (glibc keeps them otherwise);
/// nothing elsewhere.
pub(crate) fn give_back_freed() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: `malloc_trim` takes each arena's lock; it is safe to call from any thread.
    unsafe {
        libc::malloc_trim(0);
    }
}
