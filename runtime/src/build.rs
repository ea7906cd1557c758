//! Helpers for a build script: record the git revision a program is built from.
//!
//! ```no_run
//! // In `fn main` of build.rs, with `wear` also under [build-dependencies]:
//! wear::build::git_revision();
//! ```
//! Then `wear::service!()` in the program carries the revision into every snapshot.
use std::path::Path;
use std::process::Command;

/// Sets `WEAR_GIT_REVISION` for the crate being built to `git rev-parse HEAD` (with `-dirty`
/// when the work tree has changes) and asks cargo to rerun when HEAD moves. Outside a git
/// checkout, or without git, it does nothing.
pub fn git_revision() {
    let dir = std::env::var_os("CARGO_MANIFEST_DIR").unwrap_or_else(|| ".".into());
    let dir = Path::new(&dir);
    let git = |args: &[&str]| {
        Command::new("git")
            .args(args)
            .current_dir(dir)
            .output()
            .ok()
            .filter(|out| out.status.success())
            .map(|out| String::from_utf8_lossy(&out.stdout).trim().to_owned())
    };
    let Some(revision) = git(&["rev-parse", "HEAD"]) else {
        return;
    };
    let dirty = git(&["status", "--porcelain", "--untracked-files=no"]).is_some_and(|s| !s.is_empty());
    if let Some(git_dir) = git(&["rev-parse", "--absolute-git-dir"]) {
        println!("cargo:rerun-if-changed={git_dir}/HEAD");
        println!("cargo:rerun-if-changed={git_dir}/refs");
    }
    let suffix = if dirty { "-dirty" } else { "" };
    println!("cargo:rustc-env=WEAR_GIT_REVISION={revision}{suffix}");
}
