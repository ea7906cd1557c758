//! Writing every changed file of a run, or none of them (contract 6).
//!
//! Everything that can be checked is checked before the first file is replaced: no file or
//! folder is read-only (by its permission bits, which also stop a privileged user, who the
//! system itself would let through); every new text is staged in a temporary file beside its
//! file, flushed to disk ([`crate::policy::atomic`], as the logbook is written); and every file
//! still holds exactly the bytes it was read with, so an edit saved in the meantime is never
//! overwritten. Only then are the temporary files renamed over their files, one by one. Each
//! folder is locked while it is written, as every wear writer does, which also clears the
//! temporary files of a run that was killed.
//!
//! Files are written at their real path: a symbolic link is followed and stays a link.
use std::path::{Path, PathBuf};

use crate::error::{Error, Result};
use crate::fs::{Existing, FolderLock, Staged, stage};
use crate::safe_text;

/// One file's new text.
#[derive(Clone, Debug)]
pub struct Change {
    /// The path its crate reaches it by (shown in messages).
    pub(crate) shown: PathBuf,
    /// The file itself, symbolic links followed: what is written.
    pub(crate) real: PathBuf,
    /// What it held when it was read.
    pub(crate) original: Vec<u8>,
    /// What it will hold.
    pub(crate) new: String,
}

const NOTHING: &str = "nothing was written";

/// Writes every change, or none when anything stands in the way.
pub(crate) fn write_all(changes: &[Change]) -> Result<()> {
    for change in changes {
        writable(change)?;
    }
    let mut folders: Vec<&Path> = changes.iter().map(|c| folder_of(&c.real)).collect();
    folders.sort();
    folders.dedup();
    // In path order, so two runs over the same folders wait for each other rather than each
    // holding what the other needs.
    let mut locks: Vec<(&Path, FolderLock)> = Vec::with_capacity(folders.len());
    for folder in folders {
        let Some(change) = changes.iter().find(|c| folder_of(&c.real) == folder) else { continue };
        locks.push((folder, FolderLock::acquire(&change.real)?));
    }
    let lock_of = |change: &Change| locks.iter().find(|(f, _)| *f == folder_of(&change.real)).map(|(_, l)| l);
    let mut staged: Vec<Staged> = Vec::with_capacity(changes.len());
    for change in changes {
        let Some(lock) = lock_of(change) else { continue };
        staged.push(stage(&change.real, change.new.as_bytes(), lock)?);
    }
    for change in changes {
        unchanged(change)?;
    }
    let mut written: Vec<&Path> = Vec::new();
    for (change, staged) in changes.iter().zip(staged) {
        if let Err(e) = staged.commit(Existing::Replace) {
            return Err(partly_written(e, &written, changes.len()));
        }
        written.push(&change.shown);
    }
    Ok(())
}

fn folder_of(path: &Path) -> &Path {
    match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir,
        _ => Path::new("."),
    }
}

/// Refuses a file, or a folder, whose permission bits say it is not to be written.
fn writable(change: &Change) -> Result<()> {
    let meta = std::fs::metadata(&change.real).map_err(|e| {
        Error::in_file(&change.shown, format!("cannot be read any more ({e}); {NOTHING}"))
            .help("run `cargo wear annotate` again")
    })?;
    if meta.permissions().readonly() {
        return Err(Error::in_file(&change.shown, format!("is read-only; {NOTHING}")).help(
            "make it writable (`chmod u+w`), or leave it out by naming the files or modules to change",
        ));
    }
    let folder = folder_of(&change.real);
    if std::fs::metadata(folder).is_ok_and(|m| m.permissions().readonly()) {
        return Err(Error::in_file(
            &change.shown,
            format!("its folder {} is read-only, so it cannot be replaced; {NOTHING}", safe_text::path(folder)),
        )
        .help("make the folder writable (`chmod u+w`), or leave the file out by naming the files or modules to change"));
    }
    Ok(())
}

/// Refuses a file that no longer holds what it was read with.
fn unchanged(change: &Change) -> Result<()> {
    let now = crate::bounded::read(&change.real, crate::bounded::SOURCE).ok();
    if now.as_deref() == Some(change.original.as_slice()) {
        return Ok(());
    }
    let what = if now.is_some() { "changed on disk" } else { "was removed" };
    Err(Error::in_file(
        &change.shown,
        format!(
            "{what} while annotate was reading the sources (an editor or another tool wrote it); {NOTHING}"
        ),
    )
    .help("save your work, then run `cargo wear annotate` again"))
}

/// A rename that failed after others succeeded (a file replaced by a folder in the last
/// instant, a disk gone): say exactly what was written.
fn partly_written(error: Error, written: &[&Path], total: usize) -> Error {
    if written.is_empty() {
        return error;
    }
    let names: Vec<String> = written.iter().map(|p| safe_text::path(p)).collect();
    Error {
        message: format!(
            "{}; {} of {total} files were written before it: {}",
            error.message,
            written.len(),
            names.join(", ")
        ),
        help: Some(
            "the files written are complete; fix the cause, then run `cargo wear annotate` again".to_owned(),
        ),
        ..error
    }
}
