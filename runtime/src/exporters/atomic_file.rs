//! Replacing a file atomically: the new content goes into a temporary file beside it, is
//! flushed to disk, then renamed over it, so a reader or a crash sees the old file or the new
//! one, never half of one.
//!
//! The temporary file is `.wear-snapshot.<16 hex digits>.tmp` in the target's folder (a rename
//! does not cross file systems), created with `create_new` so that it is never someone else's
//! file, readable and writable by the owner only (as `tempfile`'s files, which wear used
//! before), and removed whenever a step fails. Errors are the operating system's, without the
//! temporary name: it differs on every attempt, and the recorder reports an error that repeats
//! only once.
use std::collections::hash_map::RandomState;
use std::fs::{File, OpenOptions};
use std::hash::{BuildHasher, Hasher};
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

/// The start of every temporary file's name.
pub(crate) const TEMPORARY_PREFIX: &str = ".wear-snapshot";

/// Names tried before giving up when each is taken: another process would have to guess 64
/// random bits again and again.
const ATTEMPTS: usize = 16;

/// Writes `bytes` to `path`, replacing what is there, atomically.
pub(crate) fn replace(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let dir = match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir,
        _ => Path::new("."),
    };
    let (file, path_of_temporary) = create_temporary(dir)?;
    let mut temporary = Temporary { path: path_of_temporary, renamed: false };
    fill(file, bytes)?;
    std::fs::rename(&temporary.path, path)?;
    temporary.renamed = true;
    Ok(())
}

fn fill(mut file: File, bytes: &[u8]) -> io::Result<()> {
    file.write_all(bytes)?;
    file.sync_all()
}

/// A new, empty file with a name nobody else has, in `dir`.
fn create_temporary(dir: &Path) -> io::Result<(File, PathBuf)> {
    let mut options = OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut last = None;
    for _ in 0..ATTEMPTS {
        let path = dir.join(format!("{TEMPORARY_PREFIX}.{:016x}.tmp", random()));
        match options.open(&path) {
            Ok(file) => return Ok((file, path)),
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => last = Some(e),
            Err(e) => return Err(e),
        }
    }
    Err(last.unwrap_or_else(|| io::Error::from(io::ErrorKind::AlreadyExists)))
}

/// 64 bits that differ between calls, threads and processes (forked children included):
/// `RandomState` is seeded from the operating system's randomness once per thread and bumped
/// for each new state; the process id, a process-wide sequence number and the clock are mixed in.
fn random() -> u64 {
    static SEQUENCE: AtomicU64 = AtomicU64::new(0);
    let mut hasher = RandomState::new().build_hasher();
    hasher.write_u32(std::process::id());
    // Relaxed: only distinctness matters, not order.
    hasher.write_u64(SEQUENCE.fetch_add(1, Ordering::Relaxed));
    let since = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap_or_default();
    hasher.write_u128(since.as_nanos());
    hasher.finish()
}

/// A temporary file, removed when dropped unless it was renamed to its final name (on every
/// early return of [`replace`]).
struct Temporary {
    path: PathBuf,
    renamed: bool,
}

impl Drop for Temporary {
    fn drop(&mut self) {
        if !self.renamed {
            let _ = std::fs::remove_file(&self.path);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A fresh folder under the system's temporary folder, removed at the end.
    struct Folder(PathBuf);

    impl Folder {
        fn new(name: &str) -> Folder {
            let path = std::env::temp_dir().join(format!("wear-atomic-file-{name}-{:016x}", random()));
            std::fs::create_dir(&path).expect("creates a test folder");
            Folder(path)
        }

        fn names(&self) -> Vec<String> {
            let mut names: Vec<String> = std::fs::read_dir(&self.0)
                .expect("reads the test folder")
                .map(|e| e.expect("an entry").file_name().to_string_lossy().into_owned())
                .collect();
            names.sort();
            names
        }
    }

    impl Drop for Folder {
        fn drop(&mut self) {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }

    #[test]
    fn replaces_the_file_and_leaves_nothing_else() {
        let folder = Folder::new("replace");
        let path = folder.0.join("usage.json");
        replace(&path, b"first").expect("writes");
        assert_eq!(std::fs::read(&path).expect("reads"), b"first");
        replace(&path, b"second, longer").expect("writes again");
        assert_eq!(std::fs::read(&path).expect("reads"), b"second, longer");
        assert_eq!(folder.names(), ["usage.json"]);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).expect("metadata").permissions().mode();
            assert_eq!(mode & 0o777, 0o600, "readable by the owner only, as before");
        }
    }

    #[test]
    fn a_failed_rename_removes_the_temporary_file() {
        let folder = Folder::new("rename");
        // A rename cannot replace a folder that is not empty.
        let target = folder.0.join("taken");
        std::fs::create_dir_all(target.join("inside")).expect("creates a folder");
        let error = replace(&target, b"data").expect_err("a folder cannot be replaced by a file");
        assert!(!error.to_string().contains(TEMPORARY_PREFIX), "{error}");
        assert_eq!(folder.names(), ["taken"], "no temporary file left");
    }

    #[test]
    fn a_missing_folder_is_the_operating_systems_error() {
        let folder = Folder::new("missing");
        let error = replace(&folder.0.join("nowhere/usage.json"), b"data").expect_err("no such folder");
        assert_eq!(error.kind(), io::ErrorKind::NotFound);
        assert!(folder.names().is_empty());
    }

    #[test]
    fn names_do_not_repeat() {
        let mut seen: Vec<u64> = (0..10_000).map(|_| random()).collect();
        seen.sort_unstable();
        seen.dedup();
        assert_eq!(seen.len(), 10_000);
    }
}
