//! Every file `cargo wear` writes is written all at once or not at all: a temporary file in
//! the same folder, flushed to disk, then renamed over the target, so a crash or a full disk
//! never leaves a half-written report, policy, logbook or cache file (contract 6).
//!
//! Reports and caches, which only `cargo wear` writes and nobody edits, go through
//! [`write_file`]. The policy, the logbook and annotated sources, which people edit too, are
//! written under a folder lock:
//!
//! Writers hold an exclusive advisory lock on the folder ([`FolderLock`], `flock` through
//! `fs4`) from before they read the file until the rename: two `cargo wear inspect` at once
//! then append one after the other instead of one losing the other's sign-off, and a writer
//! holding the lock knows that no other writer is between creating and renaming its temporary
//! file. So it removes the temporary files left by a writer that was killed (`SIGKILL`, power
//! loss) before writing its own: any `.NAME.XXXXXX.tmp` it finds can only be an orphan. The lock
//! is taken on the folder itself rather than on a lock file, so nothing new appears in the
//! user's tree; where the folder cannot be locked (not Unix, or a file system without `flock`)
//! files are still written atomically but orphans are left alone.
//!
//! Writing is two steps, [`stage`] then [`Staged::commit`], so that a writer of several files
//! (`cargo wear annotate`) can prepare every one of them, and give up with nothing written if
//! any cannot be prepared, before renaming the first.
use std::fs::File;
use std::io::Write;
use std::path::Path;
use std::time::{Duration, Instant};

use crate::error::{Error, Result};

/// Whether the target may already exist.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Existing {
    /// Replace it, keeping its permissions.
    Replace,
    /// Fail if it exists, even if it appears while we write.
    Refuse,
}

/// How long a writer waits for another one to finish with the folder.
const LOCK_WAIT: Duration = Duration::from_secs(30);

/// The exclusive lock on the folder of a file wear writes, released when dropped (or when the
/// process dies, however it dies).
#[derive(Debug)]
pub(crate) struct FolderLock {
    /// The open folder holding the lock; `None` where the folder cannot be locked.
    folder: Option<File>,
}

impl FolderLock {
    /// Locks the folder `path` is in, waiting up to [`LOCK_WAIT`] for another writer.
    pub(crate) fn acquire(path: &Path) -> Result<FolderLock> {
        let Some(folder) = open_folder(folder_of(path)) else { return Ok(FolderLock { folder: None }) };
        let deadline = Instant::now() + LOCK_WAIT;
        loop {
            match fs4::FileExt::try_lock(&folder) {
                Ok(()) => return Ok(FolderLock { folder: Some(folder) }),
                // A file system without `flock`: write without the lock, as before it existed.
                Err(fs4::TryLockError::Error(_)) => return Ok(FolderLock { folder: None }),
                Err(fs4::TryLockError::WouldBlock) if Instant::now() < deadline => {
                    std::thread::sleep(Duration::from_millis(10))
                }
                Err(fs4::TryLockError::WouldBlock) => {
                    return Err(Error::in_file(
                        path,
                        format!("another process kept its folder locked for {} s", LOCK_WAIT.as_secs()),
                    )
                    .help("another `cargo wear` is writing next to it: let it finish, then try again; nothing was changed"));
                }
            }
        }
    }

    /// Removes the temporary files a killed writer of `path` left (`.NAME.XXXXXX.tmp`, as
    /// [`write_atomically`] names them), if the lock is held; says how many went.
    fn remove_orphans(&self, path: &Path) -> usize {
        let Some(name) = path.file_name().and_then(|n| n.to_str()) else { return 0 };
        self.remove_orphans_in(folder_of(path), |target| target == name)
    }

    /// Removes the temporary files killed writers left in `folder` (the locked one) for every
    /// target whose name `targets` accepts: a folder of many files written one by one (the
    /// logbook's sign-offs) leaves orphans under names that are never written again.
    pub(crate) fn remove_orphans_in(&self, folder: &Path, targets: impl Fn(&str) -> bool) -> usize {
        if self.folder.is_none() {
            return 0;
        }
        let Ok(entries) = std::fs::read_dir(folder) else { return 0 };
        entries
            .flatten()
            .filter(|entry| {
                let file = entry.file_name();
                let target = file.to_str().and_then(|f| {
                    let (target, random) = f.strip_prefix('.')?.strip_suffix(".tmp")?.rsplit_once('.')?;
                    let random =
                        random.len() == RANDOM_CHARS && random.bytes().all(|b| b.is_ascii_alphanumeric());
                    random.then_some(target)
                });
                target.is_some_and(&targets) && entry.file_type().is_ok_and(|t| t.is_file())
            })
            .filter(|entry| std::fs::remove_file(entry.path()).is_ok())
            .count()
    }
}

/// The random characters in a temporary file's name (`tempfile`'s default).
const RANDOM_CHARS: usize = 6;

fn folder_of(path: &Path) -> &Path {
    match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir,
        _ => Path::new("."),
    }
}

#[cfg(unix)]
fn open_folder(folder: &Path) -> Option<File> {
    File::open(folder).ok()
}

#[cfg(not(unix))]
fn open_folder(_folder: &Path) -> Option<File> {
    None
}

/// Writes an output (`--output`, `--html`, the demo's page) at `path`, as a user expects of a
/// path: a regular file is replaced atomically, through any symbolic link (the link stays and
/// its target gets the text); a device or a pipe (`/dev/null`, `/dev/stdout`, a FIFO) is
/// written into, never replaced; a folder is refused. The error names the file and says what
/// to do.
pub(crate) fn write_output(path: &Path, bytes: &[u8]) -> Result<()> {
    if let Some(stream) = Stream::named(path) {
        return stream.write(bytes).map_err(|e| {
            Error::in_file(path, format!("cannot write: {e}"))
                .help("check that the program reading wear's output is still running")
        });
    }
    match std::fs::metadata(path) {
        Ok(meta) if meta.is_dir() => Err(Error::in_file(path, "cannot write: it is a folder")
            .help("give the path of a file to write, e.g. wear-report.html")),
        Ok(meta) if !meta.is_file() => write_into(path, bytes).map_err(|e| {
            let help = if e.kind() == std::io::ErrorKind::StorageFull {
                "the device is full: free some space, or give the path of a file elsewhere"
            } else {
                "start the program that reads it first, or give the path of a file"
            };
            Error::in_file(path, format!("cannot write: {e}")).help(help)
        }),
        _ => match link_target(path) {
            Some(target) => write_file(&target, bytes),
            None => Err(Error::in_file(path, "cannot write: it is a loop of symbolic links")
                .help("point the link at a file, or remove it; nothing was written")),
        },
    }
}

/// The process's own standard output or error, named as a path. Written through the stream
/// wear already has, not opened again: reopening `/proc/self/fd/1` checks the permissions of
/// what it points at, so a user running wear with a pipe another user made (`sudo -u`, a CI
/// step that drops privileges) was refused its own output, and reopening a redirected file
/// would write from its start.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Stream {
    Out,
    Err,
}

impl Stream {
    fn named(path: &Path) -> Option<Stream> {
        match path.to_str()? {
            "/dev/stdout" | "/dev/fd/1" | "/proc/self/fd/1" => Some(Stream::Out),
            "/dev/stderr" | "/dev/fd/2" | "/proc/self/fd/2" => Some(Stream::Err),
            _ => None,
        }
    }

    fn write(self, bytes: &[u8]) -> std::io::Result<()> {
        match self {
            Stream::Out => {
                let mut out = std::io::stdout().lock();
                out.write_all(bytes)?;
                out.flush()
            }
            Stream::Err => std::io::stderr().lock().write_all(bytes),
        }
    }
}

/// Where writing `path` lands: the file its chain of symbolic links ends at (which need not
/// exist yet), else `path` itself; `None` for a loop of links, which has no end to write.
pub(crate) fn link_target(path: &Path) -> Option<std::path::PathBuf> {
    let mut target = path.to_owned();
    // A bound, as the kernel has (`ELOOP` after 40 links).
    for _ in 0..40 {
        match std::fs::read_link(&target) {
            Ok(next) => target = folder_of(&target).join(next),
            Err(_) => return Some(target),
        }
    }
    None
}

/// Writes `bytes` into an existing device or pipe. Opened non-blocking, so a pipe that no one
/// reads is an error (`ENXIO`) rather than a command that never ends; then written blocking,
/// so a slow reader gets all of it.
fn write_into(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.custom_flags(libc::O_NONBLOCK);
    }
    let mut file = options.open(path).map_err(|e| {
        #[cfg(unix)]
        if e.raw_os_error() == Some(libc::ENXIO) {
            return std::io::Error::new(
                e.kind(),
                "it is a pipe that no program is reading, and wear does not wait for one",
            );
        }
        e
    })?;
    #[cfg(unix)]
    {
        use std::os::fd::AsRawFd;
        let fd = file.as_raw_fd();
        // SAFETY: `fd` is open for as long as `file` lives; F_GETFL and F_SETFL read and set
        // its status flags and touch no memory.
        let flags = unsafe { libc::fcntl(fd, libc::F_GETFL) };
        // SAFETY: as above.
        if flags < 0 || unsafe { libc::fcntl(fd, libc::F_SETFL, flags & !libc::O_NONBLOCK) } < 0 {
            return Err(std::io::Error::last_os_error());
        }
    }
    file.write_all(bytes)?;
    file.flush()
}

/// Writes `bytes` to the regular file `path` atomically, without a lock (what
/// [`write_output`] does for a file). The error names the file and says what to check.
fn write_file(path: &Path, bytes: &[u8]) -> Result<()> {
    replace_file(path, bytes).map_err(|e| {
        // tempfile names its own temporary file in the message (` at path "dir/.tmpXXXX"`): a
        // name the user never gave, and never the same twice.
        let why = e.to_string();
        let why = why.split(" at path \"").next().unwrap_or(&why).to_owned();
        let folder = folder_of(path);
        match std::fs::metadata(folder) {
            Err(_) => Error::in_file(
                path,
                format!("cannot write: the folder `{}` does not exist", folder.display()),
            )
            .help("create the folder first, or give another path; nothing was written"),
            Ok(meta) if !meta.is_dir() => {
                Error::in_file(path, format!("cannot write: `{}` is a file, not a folder", folder.display()))
                    .help("give the path of a file in a folder; nothing was written")
            }
            Ok(_) => Error::in_file(path, format!("cannot write: {why}"))
                .help("check that the folder is writable and has free space; nothing was written"),
        }
    })
}

/// A temporary file beside `path` holding `bytes`, flushed, then renamed over it: readers see
/// the old file or the new one. It gets the permissions the file had, or those of an ordinary
/// file (a temporary file is private, 0600, and a report is made to be read by others).
pub(crate) fn replace_file(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let mut temp = tempfile::NamedTempFile::new_in(folder_of(path))?;
    temp.write_all(bytes)?;
    temp.as_file().sync_all()?;
    let permissions = match std::fs::metadata(path) {
        Ok(meta) => meta.permissions(),
        Err(_) => default_permissions(temp.as_file()).map_err(|e| std::io::Error::other(e.message))?,
    };
    temp.as_file().set_permissions(permissions)?;
    temp.persist(path).map_err(|e| e.error)?;
    Ok(())
}

/// Writes `bytes` to `path` atomically, under `lock` (taken on `path` by the caller, before it
/// read what it changes), first removing the temporary files of writers that were killed. With
/// [`Existing::Refuse`], an existing file is left untouched and the error says so.
pub(crate) fn write_atomically(
    path: &Path,
    bytes: &[u8],
    existing: Existing,
    lock: &FolderLock,
) -> Result<()> {
    stage(path, bytes, lock)?.commit(existing)
}

/// A temporary file beside its target holding the new text, flushed to disk, with the target's
/// permissions: all that is left is the rename. Dropped without [`Staged::commit`], it is
/// removed and the target stays as it was.
#[derive(Debug)]
pub(crate) struct Staged {
    path: std::path::PathBuf,
    temp: tempfile::NamedTempFile,
}

fn failed(path: &Path, what: &str, e: std::io::Error) -> Error {
    Error::in_file(path, format!("cannot {what}: {e}"))
        .help("check that the folder exists, is writable and has free space; nothing was changed")
}

/// Prepares writing `bytes` to `path` under `lock` (taken on `path` by the caller), first
/// removing the temporary files of writers that were killed.
pub(crate) fn stage(path: &Path, bytes: &[u8], lock: &FolderLock) -> Result<Staged> {
    lock.remove_orphans(path);
    let failed = |what: &str, e: std::io::Error| failed(path, what, e);
    let dir = folder_of(path);
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let mut temp = tempfile::Builder::new()
        .prefix(&format!(".{name}."))
        .rand_bytes(RANDOM_CHARS)
        .suffix(".tmp")
        .tempfile_in(dir)
        .map_err(|e| failed("create a temporary file next to it", e))?;
    temp.write_all(bytes).map_err(|e| failed("write a temporary file next to it", e))?;
    temp.as_file().sync_all().map_err(|e| failed("flush a temporary file next to it", e))?;
    // The temporary file is private (0600); give the result the permissions the file had, or
    // those of an ordinary file, since it is meant to be committed and read by others.
    let permissions = match std::fs::metadata(path) {
        Ok(meta) => meta.permissions(),
        Err(_) => default_permissions(temp.as_file())?,
    };
    temp.as_file()
        .set_permissions(permissions)
        .map_err(|e| failed("set the permissions of a temporary file", e))?;
    Ok(Staged { path: path.to_owned(), temp })
}

impl Staged {
    /// Renames the temporary file over the target. With [`Existing::Refuse`], an existing file
    /// is left untouched and the error says so.
    pub(crate) fn commit(self, existing: Existing) -> Result<()> {
        let Staged { path, temp } = self;
        let failed = |what: &str, e: std::io::Error| failed(&path, what, e);
        match existing {
            Existing::Replace => {
                temp.persist(&path).map(drop).map_err(|e| failed("replace the file", e.error))?
            }
            Existing::Refuse => temp.persist_noclobber(&path).map(drop).map_err(|e| {
                if e.error.kind() == std::io::ErrorKind::AlreadyExists {
                    Error::in_file(&path, "the file already exists; it was left as it is")
                        .help("edit it, or remove it first to start over")
                } else {
                    failed("create the file", e.error)
                }
            })?,
        }
        // Make the rename itself durable; failing here changes nothing already written.
        if let Ok(dir) = File::open(folder_of(&path)) {
            let _ = dir.sync_all();
        }
        Ok(())
    }
}

#[cfg(unix)]
fn default_permissions(file: &File) -> Result<std::fs::Permissions> {
    use std::os::unix::fs::PermissionsExt;
    let _ = file;
    Ok(std::fs::Permissions::from_mode(0o644))
}

#[cfg(not(unix))]
fn default_permissions(file: &File) -> Result<std::fs::Permissions> {
    file.metadata()
        .map(|m| m.permissions())
        .map_err(|e| Error::new(format!("cannot read the permissions of a temporary file: {e}")))
}
