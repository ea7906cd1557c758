//! Turning `--usage` and `ingest` arguments into snapshot files: a plain path must exist, a
//! pattern with `*`, `?` or `[` is expanded (the shell may not have done it, e.g. when quoted
//! in CI) and must match at least one file, so a typo never silently means "no usage". Each
//! file is a `wear-snapshot/2` (or `/1`) file or OTLP JSON lines, told apart by content ([`read_all`]).
use std::path::{Path, PathBuf};

use crate::error::{Error, Result};
use crate::usage::series::Reading;

/// Where snapshot files come from, for help texts.
const WHERE: &str = "snapshot files are written where WEAR_SNAPSHOT pointed when the program ran";

/// The snapshot files named by `patterns`, in the order given (each pattern's matches sorted),
/// each file once. A match that is a FIFO, socket or device is skipped with a warning: read, it
/// might never end, and left out without a word it would change a gate silently.
pub(crate) fn expand(patterns: &[String]) -> Result<Vec<PathBuf>> {
    let mut skipped = Vec::new();
    let files = expand_all(patterns, &mut skipped);
    for skip in &skipped {
        skip.warn();
    }
    files
}

/// [`expand`] without the warnings, for listing the files a report reads a second time.
pub(crate) fn matched(patterns: &[String]) -> Result<Vec<PathBuf>> {
    expand_all(patterns, &mut Vec::new())
}

/// A match of a pattern that is not a snapshot file and is left out: a FIFO, socket or device
/// (`None`), or one that cannot be read.
struct Skipped {
    path: PathBuf,
    pattern: String,
    unreadable: Option<std::io::Error>,
}

impl Skipped {
    fn warn(&self) {
        let path = crate::safe_text::path(&self.path);
        match &self.unreadable {
            None => {
                eprintln!(
                    "warning: {path}: matched by `{}` but not a regular file (a FIFO, socket or device), \
                     skipped: reading it might never end",
                    crate::safe_text::escape(&self.pattern)
                );
                eprintln!(
                    "  help: save what it gives to a file first (`cat PIPE > FILE`), or narrow the pattern"
                );
            }
            Some(e) => {
                eprintln!("warning: {path}: cannot read ({e}), skipped");
                eprintln!("  help: check that it is a readable file, or narrow the pattern");
            }
        }
    }
}

fn expand_all(patterns: &[String], skipped: &mut Vec<Skipped>) -> Result<Vec<PathBuf>> {
    let mut files: Vec<PathBuf> = Vec::new();
    for pattern in patterns {
        for file in expand_one(pattern, skipped)? {
            if !files.contains(&file) {
                files.push(file);
            }
        }
    }
    Ok(files)
}

/// Reads every usage file in `paths`: a `wear-snapshot/2` (or `/1`) file gives one reading, an OTLP
/// JSON file one per series in it. Stops at the first bad file.
pub(crate) fn read_all(paths: &[PathBuf]) -> Result<Vec<Reading>> {
    let mut readings = Vec::new();
    for path in paths {
        readings.extend(read_one(path)?);
    }
    Ok(readings)
}

fn read_one(path: &Path) -> Result<Vec<Reading>> {
    let bytes = crate::usage::snapshot::read_bytes(path)?;
    if crate::usage::otlp::is_otlp(&bytes) {
        crate::usage::otlp::parse(path, &bytes)
    } else {
        crate::usage::snapshot::parse(path, &bytes).map(|reading| vec![reading])
    }
}

fn expand_one(pattern: &str, skipped: &mut Vec<Skipped>) -> Result<Vec<PathBuf>> {
    // A file whose name has glob characters (`usage/[x].json`) is that file: the shell already
    // expanded what it was going to, and a pattern naming an existing file means the file.
    if !pattern.contains(['*', '?', '[']) || std::fs::symlink_metadata(pattern).is_ok() {
        let path = PathBuf::from(pattern);
        return match std::fs::metadata(&path) {
            Ok(meta) if meta.is_dir() => {
                let folder = pattern.trim_end_matches('/');
                Err(Error::in_file(&path, "is a folder, not a snapshot file")
                    .help(format!("give the snapshot files in it, e.g. '{folder}/*.json'")))
            }
            Ok(_) => Ok(vec![path]),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                Err(Error::in_file(&path, "no such file").help(format!("check the path; {WHERE}")))
            }
            Err(e) => Err(Error::in_file(&path, format!("cannot read: {e}"))),
        };
    }
    let paths = glob::glob(pattern).map_err(|e| {
        Error::new(format!("`{pattern}` is not a valid pattern: {} (at character {})", e.msg, e.pos + 1))
            .help("write `[[]` for a literal `[`; `*` and `?` match within one folder, `**` across folders")
    })?;
    let mut files = Vec::new();
    for entry in paths {
        let path = entry.map_err(|e| {
            Error::in_file(e.path(), format!("cannot read while expanding `{pattern}`: {}", e.error()))
        })?;
        // A pattern like `usage/*` may also match folders: only files are snapshots. Anything
        // else is said, as a FIFO given by name is refused (`crate::bounded`), but the other
        // matches are still read.
        match std::fs::metadata(&path) {
            Ok(meta) if meta.is_file() => files.push(path),
            Ok(meta) if meta.is_dir() => {}
            Ok(_) => skipped.push(Skipped { path, pattern: pattern.to_owned(), unreadable: None }),
            Err(e) => skipped.push(Skipped { path, pattern: pattern.to_owned(), unreadable: Some(e) }),
        }
    }
    if files.is_empty() {
        return Err(Error::new(format!("no snapshot file matches `{pattern}`"))
            .help(format!("check the pattern; {WHERE}")));
    }
    Ok(files)
}
