//! Writing a file all at once or not at all: a temporary file in the same folder, flushed to
//! disk, then renamed over the target, so a crash or a full disk never leaves a half-written
//! policy or logbook (contract 6).
use std::io::Write;
use std::path::Path;

use crate::error::{Error, Result};

/// Whether the target may already exist.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Existing {
    /// Replace it, keeping its permissions.
    Replace,
    /// Fail if it exists, even if it appears while we write.
    Refuse,
}

/// Writes `bytes` to `path` atomically. With [`Existing::Refuse`], an existing file is left
/// untouched and the error says so.
pub(super) fn write_atomically(path: &Path, bytes: &[u8], existing: Existing) -> Result<()> {
    let failed = |what: &str, e: std::io::Error| {
        Error::in_file(path, format!("cannot {what}: {e}"))
            .help("check that the folder exists, is writable and has free space; nothing was changed")
    };
    let dir = match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir,
        _ => Path::new("."),
    };
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let mut temp = tempfile::Builder::new()
        .prefix(&format!(".{name}."))
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
    match existing {
        Existing::Replace => temp.persist(path).map(drop).map_err(|e| failed("replace the file", e.error))?,
        Existing::Refuse => temp.persist_noclobber(path).map(drop).map_err(|e| {
            if e.error.kind() == std::io::ErrorKind::AlreadyExists {
                Error::in_file(path, "the file already exists; it was left as it is")
                    .help("edit it, or remove it first to start over")
            } else {
                failed("create the file", e.error)
            }
        })?,
    }
    // Make the rename itself durable; failing here changes nothing already written.
    if let Ok(dir) = std::fs::File::open(dir) {
        let _ = dir.sync_all();
    }
    Ok(())
}

#[cfg(unix)]
fn default_permissions(file: &std::fs::File) -> Result<std::fs::Permissions> {
    use std::os::unix::fs::PermissionsExt;
    let _ = file;
    Ok(std::fs::Permissions::from_mode(0o644))
}

#[cfg(not(unix))]
fn default_permissions(file: &std::fs::File) -> Result<std::fs::Permissions> {
    file.metadata()
        .map(|m| m.permissions())
        .map_err(|e| Error::new(format!("cannot read the permissions of a temporary file: {e}")))
}
