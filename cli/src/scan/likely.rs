//! The source files a scan of every function will most likely read, known before the scan:
//! the `.rs` files under each crate root's folder. `heatmap --all` walks history for them
//! beside the scan ([`crate::pipeline`]), as the walk needs its files up front and the scan
//! takes a third of a cold run (`docs/src/benchmarks.md`). A file the guess lacks (a
//! `#[path]` outside those folders) is walked after the scan; one it has in excess (a file no
//! module declares) costs only its share of the walk.
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use super::Workspace;

/// How many files the guess lists at most: past that, the folders hold more than crates
/// (fixtures, vendored trees) and walking them all could cost more than it saves.
const MAX_FILES: usize = 50_000;

/// The `.rs` files under the folders of `workspace`'s crate roots, not descending into
/// hidden folders, the target directory or another package's folder; `None` if there are
/// more than [`MAX_FILES`].
pub(crate) fn likely_sources(workspace: &Workspace) -> Option<Vec<PathBuf>> {
    let roots = workspace.targets.iter().map(|t| t.root_file.as_path());
    sources_beside(roots, &workspace.target_dir, MAX_FILES)
}

/// The `.rs` files under the folders of `roots`, as [`likely_sources`] says, at most `limit`.
fn sources_beside<'a>(
    roots: impl Iterator<Item = &'a Path>,
    target_dir: &Path,
    limit: usize,
) -> Option<Vec<PathBuf>> {
    let dirs: BTreeSet<&Path> = roots.filter_map(Path::parent).collect();
    let mut walk = Walk { target_dir, limit, seen: BTreeSet::new(), files: BTreeSet::new() };
    for dir in dirs {
        walk.collect(dir, true)?;
    }
    Some(walk.files.into_iter().collect())
}

struct Walk<'a> {
    target_dir: &'a Path,
    limit: usize,
    seen: BTreeSet<PathBuf>,
    files: BTreeSet<PathBuf>,
}

impl Walk<'_> {
    fn collect(&mut self, dir: &Path, top: bool) -> Option<()> {
        let other_package = !top && dir.join("Cargo.toml").exists();
        if dir == self.target_dir || other_package || !self.seen.insert(dir.to_path_buf()) {
            return Some(());
        }
        // An unreadable folder is the scan's to report, if it needs it.
        let Ok(entries) = std::fs::read_dir(dir) else { return Some(()) };
        for entry in entries.flatten() {
            if entry.file_name().as_encoded_bytes().starts_with(b".") {
                continue;
            }
            let path = entry.path();
            // Not following links: a link out of the folder is the scan's to resolve.
            match entry.file_type() {
                Ok(kind) if kind.is_dir() => self.collect(&path, false)?,
                Ok(kind) if kind.is_file() && path.extension().is_some_and(|e| e == "rs") => {
                    self.files.insert(path);
                    if self.files.len() > self.limit {
                        return None;
                    }
                }
                _ => {}
            }
        }
        Some(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_the_sources_beside_crate_roots_and_nothing_past_the_limit() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        let files = [
            "src/lib.rs",
            "src/a.rs",
            "src/deep/b.rs",
            "src/notes.txt",
            "src/.hidden/c.rs",
            "src/nested/Cargo.toml",
            "src/nested/src/lib.rs",
            "examples/demo.rs",
            "tests/t.rs",
            "target/gen.rs",
        ];
        for file in files {
            let path = root.join(file);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(&path, "").unwrap();
        }
        let roots = [root.join("src/lib.rs"), root.join("examples/demo.rs"), root.join("src/lib.rs")];
        let found = sources_beside(roots.iter().map(PathBuf::as_path), &root.join("target"), 10).unwrap();
        let names: Vec<String> =
            found.iter().map(|f| f.strip_prefix(root).unwrap().to_string_lossy().into_owned()).collect();
        assert_eq!(names, ["examples/demo.rs", "src/a.rs", "src/deep/b.rs", "src/lib.rs"]);
        let whole = [root.to_path_buf().join("Cargo.toml")];
        let found = sources_beside(whole.iter().map(PathBuf::as_path), &root.join("target"), 10).unwrap();
        assert_eq!(found.len(), 5, "the tests too, not the target directory: {found:?}");
        assert!(sources_beside(roots.iter().map(PathBuf::as_path), &root.join("target"), 3).is_none());
    }
}
