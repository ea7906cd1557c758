//! What a package's build script told rustc the last time cargo ran it: the `output` file
//! cargo keeps in `<build-dir>/<profile>/build/<package>-<hash>/` (under `<triple>/` for
//! `--target`), its `cargo::rustc-cfg=` lines (set) and `cargo::rustc-check-cfg=` lines
//! (declared), old `cargo:` spelling included. The newest such file of the package is read:
//! the build script ran for the last build, whatever its profile.
use std::path::{Path, PathBuf};
use std::time::SystemTime;

use super::spec::{Setting, declared_names, setting};

/// The lines of one build script's output that matter to cfg.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct ScriptOutput {
    /// `rustc-cfg`: cfgs the build script set.
    pub(crate) set: Vec<Setting>,
    /// `rustc-check-cfg`: names it declared (set or not).
    pub(crate) declared: Vec<String>,
    /// Lines that could not be read: 1-based line and why.
    pub(crate) problems: Vec<(usize, String)>,
}

/// Reads the text of an `output` file.
pub(crate) fn parse_output(text: &str) -> ScriptOutput {
    let mut out = ScriptOutput::default();
    for (index, line) in text.lines().enumerate() {
        let Some(rest) = line.strip_prefix("cargo::").or_else(|| line.strip_prefix("cargo:")) else {
            continue;
        };
        let Some((key, value)) = rest.split_once('=') else { continue };
        let read = match key {
            "rustc-cfg" => setting(value).map(|s| out.set.push(s)),
            "rustc-check-cfg" => declared_names(value).map(|names| out.declared.extend(names)),
            _ => Ok(()),
        };
        if let Err(why) = read {
            out.problems.push((index + 1, format!("`{key}`: {why}")));
        }
    }
    out
}

/// The newest build-script `output` of `package` under `build_dir`: in each profile folder
/// (`debug`, `release`, custom profiles), or in those under `triple` when the build is for
/// another target. A folder counts when its name is the package's name and a hash.
pub(crate) fn find_output(build_dir: &Path, triple: Option<&str>, package: &str) -> Option<PathBuf> {
    let base = match triple {
        // A target given as a `.json` file builds under the file's stem.
        Some(triple) => build_dir.join(Path::new(triple).file_stem().unwrap_or(triple.as_ref())),
        None => build_dir.to_owned(),
    };
    let mut newest: Option<(SystemTime, PathBuf)> = None;
    for profile in std::fs::read_dir(&base).ok()?.flatten() {
        let Ok(runs) = std::fs::read_dir(profile.path().join("build")) else { continue };
        for run in runs.flatten() {
            let name = run.file_name();
            let Some(hash) =
                name.to_str().and_then(|n| n.strip_prefix(package)).and_then(|r| r.strip_prefix('-'))
            else {
                continue;
            };
            if hash.is_empty() || !hash.bytes().all(|b| b.is_ascii_hexdigit()) {
                continue;
            }
            let output = run.path().join("output");
            let Ok(modified) = output.metadata().and_then(|m| m.modified()) else { continue };
            if newest.as_ref().is_none_or(|(time, _)| modified > *time) {
                newest = Some((modified, output));
            }
        }
    }
    newest.map(|(_, path)| path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cfg_lines_in_both_spellings() {
        let text = "cargo:rerun-if-changed=build.rs\n\
                    cargo::rustc-check-cfg=cfg(has_neon)\n\
                    cargo:rustc-check-cfg=cfg(level, values(\"1\", \"2\"))\n\
                    cargo::rustc-cfg=has_neon\n\
                    cargo:rustc-cfg=level=\"2\"\n\
                    cargo::rustc-cfg=level = 3\n\
                    cargo::rustc-check-cfg=names(old)\n\
                    cargo::warning=rustc-cfg=not_this\n\
                    plain text a build script printed\n";
        let out = parse_output(text);
        assert_eq!(out.set, [("has_neon".to_owned(), None), ("level".to_owned(), Some("2".to_owned()))]);
        assert_eq!(out.declared, ["has_neon", "level"]);
        assert_eq!(out.problems.len(), 2, "{:?}", out.problems);
        assert_eq!(out.problems[0].0, 6);
        assert!(out.problems[0].1.contains("`rustc-cfg`: `level = 3` is not a cfg"), "{:?}", out.problems);
        assert_eq!(out.problems[1].0, 7);
        assert!(out.problems[1].1.contains("`names(old)` is not a check-cfg"), "{:?}", out.problems);
    }

    #[test]
    fn the_newest_output_of_the_package() {
        let dir = tempfile::tempdir().expect("tempdir");
        let write = |rel: &str, text: &str| {
            let path = dir.path().join(rel);
            std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
            std::fs::write(&path, text).expect("write");
            path
        };
        assert_eq!(find_output(dir.path(), None, "fixture"), None, "nothing built yet");
        let old = write("debug/build/fixture-0123456789abcdef/output", "cargo::rustc-cfg=old\n");
        // Other packages whose names start the same, the compiled build script's own folder,
        // and another target's folder do not count.
        write("debug/build/fixture-extra-0123456789abcdef/output", "cargo::rustc-cfg=other\n");
        write("debug/build/fixture-fedcba9876543210/build-script-build", "");
        assert_eq!(find_output(dir.path(), None, "fixture"), Some(old.clone()));
        let new = write("release/build/fixture-aaaaaaaaaaaaaaaa/output", "cargo::rustc-cfg=new\n");
        let later = SystemTime::now() + std::time::Duration::from_secs(60);
        std::fs::File::options().write(true).open(&new).expect("open").set_modified(later).expect("touch");
        assert_eq!(find_output(dir.path(), None, "fixture"), Some(new));
        assert_eq!(find_output(dir.path(), Some("aarch64-unknown-linux-gnu"), "fixture"), None);
        let arm = write("aarch64-unknown-linux-gnu/release/build/fixture-bbbbbbbbbbbbbbbb/output", "");
        assert_eq!(find_output(dir.path(), Some("aarch64-unknown-linux-gnu"), "fixture"), Some(arm.clone()));
        assert_eq!(
            find_output(dir.path(), Some("specs/aarch64-unknown-linux-gnu.json"), "fixture"),
            Some(arm)
        );
        assert_eq!(
            find_output(dir.path(), None, "fixture-extra"),
            Some(dir.path().join("debug/build/fixture-extra-0123456789abcdef/output"))
        );
    }
}
