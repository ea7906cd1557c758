//! The `.rs` files of a crate that its module tree never reached: a module declared where the
//! scan cannot see it (inside a macro it cannot read, `include!`d, generated), whose parts
//! would otherwise be missing in silence. The scan says how many and names the first few.
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use super::Warning;

/// How many file names one warning shows.
const SHOWN: usize = 5;

/// The `.rs` files under the folders of the crate roots `roots` that are not in `reached`
/// (every file the module walk read or found compiled out, and the folders of compiled-out
/// modules' submodules), sorted. `target_dir` (and any folder named `target`) is not looked
/// into.
pub(crate) fn unreached_files(
    roots: &[PathBuf],
    reached: &BTreeSet<PathBuf>,
    target_dir: &Path,
) -> Vec<PathBuf> {
    // Resolving every path (`realpath`) and testing each file against each folder left out
    // was most of a scan from the cache: a file found as the walk named it is reached, and the
    // others are resolved, against the folders among `reached` found once.
    let resolved = std::cell::OnceCell::new();
    let resolved = || {
        resolved.get_or_init(|| {
            let all: BTreeSet<PathBuf> = reached.iter().map(|p| canonical(p)).collect();
            let folders: Vec<PathBuf> = all.iter().filter(|p| p.is_dir()).cloned().collect();
            (all, folders)
        })
    };
    let target_dir = canonical(target_dir);
    let mut folders: BTreeSet<PathBuf> = roots.iter().filter_map(|r| r.parent().map(canonical)).collect();
    // A folder inside another is walked with it.
    let nested: Vec<PathBuf> =
        folders.iter().filter(|f| folders.iter().any(|o| o != *f && f.starts_with(o))).cloned().collect();
    for f in nested {
        folders.remove(&f);
    }
    let mut out = BTreeSet::new();
    for folder in folders {
        let mut pending = vec![folder];
        while let Some(dir) = pending.pop() {
            let Ok(entries) = std::fs::read_dir(&dir) else { continue };
            for entry in entries.flatten() {
                let path = entry.path();
                let Ok(kind) = entry.file_type() else { continue };
                if kind.is_dir() {
                    let name = entry.file_name();
                    if name != "target"
                        && !name.to_string_lossy().starts_with('.')
                        && canonical(&path) != target_dir
                    {
                        pending.push(path);
                    }
                } else if path.extension().is_some_and(|e| e == "rs") && !reached.contains(&path) {
                    let (all, folders) = resolved();
                    let file = canonical(&path);
                    let in_left_out = folders.iter().any(|folder| file.starts_with(folder));
                    if !all.contains(&file) && !in_left_out {
                        out.insert(path);
                    }
                }
            }
        }
    }
    out.into_iter().collect()
}

/// One warning for the unreached files of a package, or none.
pub(crate) fn warning(package_root: &Path, unreached: &[PathBuf]) -> Option<Warning> {
    let first = unreached.first()?;
    let names: Vec<String> = unreached
        .iter()
        .take(SHOWN)
        .map(|p| p.strip_prefix(package_root).unwrap_or(p).display().to_string())
        .collect();
    let more = unreached.len().saturating_sub(SHOWN);
    let more = if more > 0 { format!(" and {more} more") } else { String::new() };
    let count = unreached.len();
    let files = if count == 1 { "file is" } else { "files are" };
    Some(Warning {
        file: first.parent().map(Path::to_owned).unwrap_or_default(),
        line: None,
        message: format!(
            "{count} .rs {files} not reached from the crate roots ({}{more}): declared where the scan \
             cannot see (`include!`, a macro it cannot read, a generated module) or not used; their \
             functions are not listed",
            names.join(", ")
        ),
    })
}

fn canonical(path: &Path) -> PathBuf {
    std::fs::canonicalize(path).unwrap_or_else(|_| path.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn files_the_walk_did_not_reach_are_named() {
        let dir = tempfile::tempdir().expect("tempdir");
        let root = dir.path();
        for file in
            ["src/lib.rs", "src/a.rs", "src/hidden.rs", "src/deep/x.rs", "src/bin/tool.rs", "target/gen.rs"]
        {
            let path = root.join(file);
            std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
            std::fs::write(path, "").expect("write");
        }
        let reached: BTreeSet<PathBuf> =
            ["src/lib.rs", "src/a.rs", "src/bin/tool.rs"].iter().map(|f| root.join(f)).collect();
        let roots = [root.join("src/lib.rs"), root.join("src/bin/tool.rs")];
        let unreached = unreached_files(&roots, &reached, &root.join("target"));
        assert_eq!(unreached, [root.join("src/deep/x.rs"), root.join("src/hidden.rs")]);
        let warning = warning(root, &unreached).expect("a warning");
        assert!(warning.message.starts_with("2 .rs files are not reached"), "{}", warning.message);
        assert!(warning.message.contains("src/deep/x.rs, src/hidden.rs)"), "{}", warning.message);
        assert!(super::warning(root, &[]).is_none());
    }
}
