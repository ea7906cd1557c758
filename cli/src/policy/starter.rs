//! `cargo wear init`: a commented starter `wear.toml` that states the built-in defaults and
//! shows a rule, so that the first policy is edited rather than written from memory.
use std::path::{Path, PathBuf};

use super::file::{POLICY_FILE, load_policy};
use crate::error::{Error, Result};
use crate::fs::{Existing, FolderLock, write_atomically};

/// The starter file's text. It parses to exactly the built-in defaults.
pub(crate) const STARTER: &str = include_str!("starter.toml");

/// Writes the starter `wear.toml` at `workspace_root` and returns its path. Refuses, leaving
/// everything untouched, when the workspace already has a policy (a `wear.toml`, or
/// `[workspace.metadata.wear]` in `Cargo.toml`, which would then be given twice) or the existing
/// policy cannot be read.
pub(crate) fn write_starter(workspace_root: &Path) -> Result<PathBuf> {
    let path = workspace_root.join(POLICY_FILE);
    let lock = FolderLock::acquire(&path)?;
    if path.exists() {
        return Err(Error::in_file(&path, format!("`{POLICY_FILE}` already exists; it was left as it is"))
            .help("edit it, or remove it first to start over"));
    }
    let existing = load_policy(workspace_root)?;
    if let Some(source) = existing.source {
        return Err(Error::in_file(
            source,
            "this workspace already has a policy in `[workspace.metadata.wear]`",
        )
        .help(format!("edit it there, or move it into `{POLICY_FILE}`; a workspace keeps one policy")));
    }
    write_atomically(&path, STARTER.as_bytes(), Existing::Refuse, &lock)?;
    Ok(path)
}
