//! A workspace's logbook as it is committed: `wear-logbook/`, one file per sign-off, plus the
//! single `wear-logbook.toml` that earlier versions appended to (still read, no longer
//! written).
//!
//! One file per sign-off is what lets sign-offs made on two branches merge without a conflict
//! under git's default merge and any forge's merge button: two appends at the end of one file
//! touch the same place, two new files never do. A file's name starts with the day, so the
//! folder lists oldest first; it ends with a hash of the entry's text, so two branches that
//! sign off the same part on the same day still add two names, while the same sign-off
//! cherry-picked onto both adds one file with one content, which git merges as one.
use std::path::{Path, PathBuf};

use super::SignOff;
use super::logbook::{LOGBOOK_FILE, Logbook, append_locked, block};
use crate::error::{Error, Result};
use crate::fs::FolderLock;
use crate::time::format_instant;

/// The folder of sign-off files, at the workspace root.
pub const LOGBOOK_DIR: &str = "wear-logbook";

/// The longest part of a file name taken from the part's path, so that names stay well under
/// the 255 bytes file systems allow.
const SLUG_MAX: usize = 80;

/// Every file of the workspace's logbook, in the order their entries count: the single file
/// first, then the folder's `*.toml` files by name. Other files in the folder (a README) are
/// not sign-offs and are left out.
pub fn logbook_files(root: &Path) -> Result<Vec<PathBuf>> {
    let mut files = vec![root.join(LOGBOOK_FILE)];
    let dir = root.join(LOGBOOK_DIR);
    let entries = match std::fs::read_dir(&dir) {
        Ok(entries) => entries,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(files),
        Err(_) if dir.is_file() => {
            return Err(Error::in_file(&dir, "is a file, but the logbook's sign-offs are a folder of files")
                .help(format!(
                    "rename it; `cargo wear inspect` writes one file per sign-off into `{LOGBOOK_DIR}/`"
                )));
        }
        Err(e) => {
            return Err(Error::in_file(&dir, format!("cannot list the logbook's folder: {e}"))
                .help("check the folder's permissions"));
        }
    };
    let mut names: Vec<PathBuf> = entries
        .flatten()
        .map(|entry| entry.path())
        .filter(|path| {
            let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
            name.ends_with(".toml") && !name.starts_with('.')
        })
        .collect();
    names.sort();
    files.extend(names);
    Ok(files)
}

/// The workspace's logbook: the entries of all its files, oldest first (ties in
/// [`logbook_files`]' order). A missing file or folder is an empty logbook; a malformed file is
/// an error naming it.
pub fn load_logbook(root: &Path) -> Result<Logbook> {
    let mut book = Logbook::default();
    for file in logbook_files(root)? {
        book.extend(Logbook::load(&file)?);
    }
    book.sort_by_date();
    Ok(book)
}

/// Writes `entry` as a new file in the workspace's logbook folder (created if missing, followed
/// if it is a symbolic link) and returns its path. A file of that name is never replaced.
pub fn sign_off(root: &Path, entry: &SignOff) -> Result<PathBuf> {
    let dir = root.join(LOGBOOK_DIR);
    std::fs::create_dir_all(&dir).map_err(|e| {
        Error::in_file(&dir, format!("cannot create the logbook's folder: {e}"))
            .help("check that the workspace root is writable; nothing was written")
    })?;
    let path = dir.join(file_name(entry));
    // Held from the look for a file of this name to the rename, so that two `inspect` at once
    // never write one file; a killed writer's temporary file goes whatever its name.
    let lock = FolderLock::acquire(&path)?;
    lock.remove_orphans_in(&dir, |name| name.ends_with(".toml"));
    if path.exists() {
        let same = Logbook::load(&path).is_ok_and(|book| book.entries() == std::slice::from_ref(entry));
        return Err(if same {
            Error::in_file(&path, "this sign-off is already in the logbook").help("nothing was written")
        } else {
            Error::in_file(&path, "a different sign-off already has this file name; it was left as it is")
                .help("sign off again a second later; nothing was written")
        });
    }
    append_locked(&path, entry, &lock)?;
    Ok(path)
}

/// `2026-11-21-shop.cart.Cart.add_item-3f2a9c0d.toml`: the day, the part's path in characters
/// every file system and shell takes, and a hash of the whole entry.
pub(crate) fn file_name(entry: &SignOff) -> String {
    let day = format_instant(entry.date);
    let day = day.get(..10).unwrap_or(&day);
    let mut slug = String::new();
    for c in entry.part.replace("::", ".").chars() {
        let c = if c.is_ascii_alphanumeric() || c == '_' || c == '.' { c } else { '-' };
        if !(c == '-' && slug.ends_with('-')) && slug.len() < SLUG_MAX {
            slug.push(c);
        }
    }
    let slug = slug.trim_matches(['-', '.']);
    format!("{day}-{slug}-{:08x}.toml", fnv1a(block(entry, "\n").as_bytes()) as u32)
}

/// FNV-1a, 64 bits: stable across versions and platforms, which a file name must be; no
/// adversary chooses these texts, so a keyed hash buys nothing.
fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |hash, &b| (hash ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3))
}
