//! Finding sites ahead (as each file is parsed) gives what finding them after the whole crate's
//! walk gives: the same parts and the same warnings, in the same order, when a wrapper is learnt
//! after files whose sites were found ahead (they are parsed again) and when it is not.
use std::path::Path;

use super::cache::ScanCache;
use super::cfg::BuildOptions;
use super::workspace::load_workspace;
use super::{CompiledOut, Functions, Scan, scan_on_this_thread};

fn write(root: &Path, file: &str, text: &str) {
    let path = root.join(file);
    std::fs::create_dir_all(path.parent().expect("a file has a folder")).unwrap();
    std::fs::write(path, text).unwrap();
}

/// A crate whose files are read in this order: `lib.rs`, `early.rs`, `macros.rs` (which
/// defines a wrapper that adds a `cfg`), `late.rs`; `cfg`s the build cannot decide in each.
fn workspace(root: &Path) {
    write(
        root,
        "Cargo.toml",
        "[package]\nname = \"ahead\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\n[lib]\npath = \"src/lib.rs\"\n",
    );
    write(
        root,
        "src/lib.rs",
        "pub mod early;\n#[macro_use]\nmod macros;\npub mod late;\n\n#[cfg(loom)]\npub fn in_root() {}\n\n\
         #[wear::tracked]\npub fn root_part() {}\n",
    );
    write(
        root,
        "src/early.rs",
        "gated! {\n    pub fn behind_wrapper() {}\n}\n\n#[cfg(tokio_unstable)]\npub fn unstable() {}\n\n\
         #[wear::tracked(limit_calls = 5)]\npub fn early_part() {}\n",
    );
    write(
        root,
        "src/macros.rs",
        "macro_rules! gated {\n    ($($item:item)*) => { $( #[cfg(feature = \"off\")] $item )* };\n}\n",
    );
    write(
        root,
        "src/late.rs",
        "gated! {\n    pub fn late_behind() {}\n}\n\n#[cfg(loom)]\npub fn again_loom() {}\n\n#[cfg(shuttle)]\n\
         pub fn in_shuttle() {}\n\npub fn late_part() -> u32 {\n    1\n}\n",
    );
}

fn scan(root: &Path, which: Functions, list: CompiledOut, ahead: bool) -> Scan {
    let workspace = load_workspace(Some(&root.join("Cargo.toml")), &BuildOptions::default()).unwrap();
    scan_on_this_thread(&workspace, (which, list), &mut ScanCache::open(None), ahead)
}

#[test]
fn sites_found_ahead_are_the_sites_found_after_the_walk() {
    let dir = tempfile::tempdir().unwrap();
    workspace(dir.path());
    for which in [Functions::Tracked, Functions::Every] {
        for list in [CompiledOut::Skip, CompiledOut::List] {
            let (ahead, after) = (scan(dir.path(), which, list, true), scan(dir.path(), which, list, false));
            assert_eq!(ahead.parts, after.parts, "{which:?} {list:?}");
            assert_eq!(ahead.warnings, after.warnings, "{which:?} {list:?}");
            let names: Vec<&str> = ahead.parts.iter().map(|p| p.path.as_str()).collect();
            if which == Functions::Every && list == CompiledOut::Skip {
                // The wrapper's cfg leaves the functions it wraps out, though `early.rs` was
                // read before the wrapper was learnt.
                assert!(!names.iter().any(|n| n.contains("behind")), "{names:?}");
                assert!(names.contains(&"ahead::late::late_part"), "{names:?}");
            }
            let undecided = ahead.warnings.iter().filter(|w| w.message.contains("cfg(")).count();
            assert!(undecided >= 3, "loom, tokio_unstable and shuttle are noted: {:?}", ahead.warnings);
        }
    }
}
