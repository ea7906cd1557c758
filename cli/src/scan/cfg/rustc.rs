//! What the compiler says about the target: `rustc --print cfg`, run with the rustc cargo
//! would use (`RUSTC`, else `rustc`), the target (`--target`), the release profile's
//! `debug-assertions` and `panic`, and the build's RUSTFLAGS, in the order cargo passes them
//! (so `-C target-cpu=native` or `-C target-feature=+avx2` show as cargo's build sees them).
//! Also the RUSTFLAGS themselves, found where cargo looks for them in the environment, and the
//! `--cfg` and `--check-cfg` among them.
use std::ffi::OsString;
use std::process::Command;

use super::spec::{Setting, declared_names, setting};
use crate::error::{Error, Result};

/// The rustc cargo would run: `RUSTC`, else `rustc` from `PATH`.
pub(crate) fn rustc() -> OsString {
    std::env::var_os("RUSTC").filter(|r| !r.is_empty()).unwrap_or_else(|| "rustc".into())
}

/// Settings of the release profile that change the target's cfg.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct Profile {
    /// `debug-assertions` (off unless the profile turns it on).
    pub(crate) debug_assertions: bool,
    /// `panic = "abort"` or `"unwind"`, when the profile sets it.
    pub(crate) panic: Option<String>,
}

/// Every cfg `rustc --print cfg` gives for `target` (the host when `None`) in a build with
/// `profile` and `rustflags`.
pub(crate) fn target_cfg(
    target: Option<&str>,
    profile: &Profile,
    rustflags: &[String],
) -> Result<Vec<Setting>> {
    let rustc = rustc();
    let mut command = Command::new(&rustc);
    command.args(["--print", "cfg"]);
    if let Some(target) = target {
        command.args(["--target", target]);
    }
    // cargo passes the profile's flags first and RUSTFLAGS last, so RUSTFLAGS win.
    command
        .args(["-C", if profile.debug_assertions { "debug-assertions=on" } else { "debug-assertions=off" }]);
    if let Some(panic) = &profile.panic {
        command.args(["-C", &format!("panic={panic}")]);
    }
    command.args(rustflags);
    let shown = rustc.to_string_lossy().into_owned();
    let out = command.output().map_err(|e| {
        Error::new(format!("cannot run `{shown}` to learn what the target compiles: {e}"))
            .help("install Rust (https://rustup.rs), or point RUSTC at the compiler cargo uses")
    })?;
    let stderr = String::from_utf8_lossy(&out.stderr);
    if !out.status.success() {
        let first = stderr.lines().find(|l| l.starts_with("error")).unwrap_or("it failed without a message");
        if let Some(target) = target
            && stderr.contains("target specification")
        {
            return Err(Error::new(format!("rustc does not know the target `{target}`: {first}")).help(
                "give --target a triple from `rustc --print target-list` (or the path of a target's .json file)",
            ));
        }
        let flags = if rustflags.is_empty() { String::new() } else { format!(" {}", rustflags.join(" ")) };
        return Err(Error::new(format!("`{shown} --print cfg{flags}` failed: {first}"))
            .help("fix the flags in RUSTFLAGS (cargo's build would fail on them too)"));
    }
    let text = String::from_utf8_lossy(&out.stdout);
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(|line| setting(line).map_err(|e| Error::new(format!("`{shown} --print cfg` printed {e}"))))
        .collect()
}

/// The host's triple (`rustc -vV`), for dependencies written for one target triple.
pub(crate) fn host_triple() -> Option<String> {
    let out = Command::new(rustc()).arg("-vV").output().ok()?;
    let text = String::from_utf8_lossy(&out.stdout);
    text.lines().find_map(|l| l.strip_prefix("host: ")).map(|h| h.trim().to_owned())
}

/// The build's RUSTFLAGS as cargo reads them from the environment, first found wins:
/// `CARGO_ENCODED_RUSTFLAGS` (split at `\x1f`), `RUSTFLAGS`, then `CARGO_BUILD_RUSTFLAGS`
/// (split at whitespace), with the variable they came from. `target.*.rustflags` and
/// `build.rustflags` in `.cargo/config.toml` files are not read.
pub(crate) fn rustflags(env: impl Fn(&str) -> Option<String>) -> (Vec<String>, Option<&'static str>) {
    if let Some(encoded) = env("CARGO_ENCODED_RUSTFLAGS") {
        let flags =
            if encoded.is_empty() { Vec::new() } else { encoded.split('\x1f').map(str::to_owned).collect() };
        return (flags, Some("CARGO_ENCODED_RUSTFLAGS"));
    }
    for name in ["RUSTFLAGS", "CARGO_BUILD_RUSTFLAGS"] {
        if let Some(text) = env(name) {
            return (text.split_whitespace().map(str::to_owned).collect(), Some(name));
        }
    }
    (Vec::new(), None)
}

/// The cfgs `--cfg` sets and the names `--check-cfg` declares among compiler flags (`--cfg X`
/// or `--cfg=X`); `source` names where the flags came from in an error.
pub(crate) fn cfg_flags(flags: &[String], source: &str) -> Result<(Vec<Setting>, Vec<String>)> {
    let mut set = Vec::new();
    let mut declared = Vec::new();
    let mut flags = flags.iter();
    while let Some(flag) = flags.next() {
        let (kind, value) = match flag.as_str() {
            "--cfg" | "--check-cfg" => (flag.as_str(), flags.next().map(String::as_str)),
            _ => match flag.split_once('=') {
                Some((kind @ ("--cfg" | "--check-cfg"), value)) => (kind, Some(value)),
                _ => continue,
            },
        };
        let bad = |why: String| {
            Error::new(format!("{source} holds a `{kind}` rustc refuses: {why}"))
                .help(format!("fix {source}: cargo's build would fail on it too"))
        };
        let value = value.ok_or_else(|| bad("it has no value".to_owned()))?;
        match kind {
            "--cfg" => set.push(setting(value).map_err(bad)?),
            _ => declared.extend(declared_names(value).map_err(bad)?),
        }
    }
    Ok((set, declared))
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use super::*;

    fn flags_from(vars: &[(&str, &str)]) -> (Vec<String>, Option<&'static str>) {
        let vars: HashMap<String, String> =
            vars.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect();
        rustflags(|name| vars.get(name).cloned())
    }

    #[test]
    fn rustflags_come_from_the_first_variable_cargo_reads() {
        let encoded = ("CARGO_ENCODED_RUSTFLAGS", "--cfg\x1ffast path\x1f-Ctarget-cpu=native");
        let plain = ("RUSTFLAGS", "  --cfg   a -C  opt-level=3 ");
        let build = ("CARGO_BUILD_RUSTFLAGS", "--cfg b");
        assert_eq!(
            flags_from(&[encoded, plain, build]),
            (
                vec!["--cfg".into(), "fast path".into(), "-Ctarget-cpu=native".into()],
                Some("CARGO_ENCODED_RUSTFLAGS")
            ),
            "the encoded form wins and keeps spaces inside a flag"
        );
        assert_eq!(
            flags_from(&[plain, build]),
            (vec!["--cfg".into(), "a".into(), "-C".into(), "opt-level=3".into()], Some("RUSTFLAGS"))
        );
        assert_eq!(flags_from(&[build]), (vec!["--cfg".into(), "b".into()], Some("CARGO_BUILD_RUSTFLAGS")));
        assert_eq!(
            flags_from(&[("CARGO_ENCODED_RUSTFLAGS", ""), plain]),
            (vec![], Some("CARGO_ENCODED_RUSTFLAGS"))
        );
        assert_eq!(flags_from(&[]), (vec![], None));
    }

    #[test]
    fn cfg_and_check_cfg_among_flags() {
        let flags: Vec<String> = [
            "-C",
            "opt-level=3",
            "--cfg",
            "tokio_unstable",
            "--cfg=mode=\"fast\"",
            "--check-cfg",
            "cfg(loom, values(none()))",
            "--check-cfg=cfg(a,b)",
        ]
        .map(str::to_owned)
        .to_vec();
        let (set, declared) = cfg_flags(&flags, "RUSTFLAGS").expect("reads");
        assert_eq!(set, [("tokio_unstable".to_owned(), None), ("mode".to_owned(), Some("fast".to_owned()))]);
        assert_eq!(declared, ["loom", "a", "b"]);

        let error =
            cfg_flags(&["--cfg".to_owned(), "mode=fast".to_owned()], "RUSTFLAGS").expect_err("unquoted");
        assert!(
            error.to_string().contains("RUSTFLAGS holds a `--cfg` rustc refuses: `mode=fast` is not a cfg"),
            "{error}"
        );
        assert!(error.help.as_deref().is_some_and(|h| h.contains("fix RUSTFLAGS")), "{error}");
        let error = cfg_flags(&["--cfg".to_owned()], "CARGO_BUILD_RUSTFLAGS").expect_err("no value");
        assert!(
            error
                .to_string()
                .contains("CARGO_BUILD_RUSTFLAGS holds a `--cfg` rustc refuses: it has no value"),
            "{error}"
        );
    }

    #[test]
    fn the_hosts_cfg_is_a_release_build() {
        let host = target_cfg(None, &Profile::default(), &[]).expect("rustc runs");
        let has =
            |name: &str, value: Option<&str>| host.iter().any(|(n, v)| n == name && v.as_deref() == value);
        assert!(has("target_arch", Some(std::env::consts::ARCH)), "{host:?}");
        assert!(has("target_os", Some(std::env::consts::OS)), "{host:?}");
        assert!(has(std::env::consts::FAMILY, None), "{host:?}");
        assert!(!has("debug_assertions", None), "a release build: {host:?}");

        let debug = Profile { debug_assertions: true, panic: Some("abort".to_owned()) };
        let host =
            target_cfg(None, &debug, &["--cfg".to_owned(), "from_flags".to_owned()]).expect("rustc runs");
        let has =
            |name: &str, value: Option<&str>| host.iter().any(|(n, v)| n == name && v.as_deref() == value);
        assert!(
            has("debug_assertions", None) && has("panic", Some("abort")) && has("from_flags", None),
            "{host:?}"
        );
    }

    /// `rustc --print cfg --target` needs no installed standard library, so other targets can be
    /// asked about on any machine.
    #[test]
    fn another_targets_cfg() {
        let arm =
            target_cfg(Some("aarch64-unknown-linux-gnu"), &Profile::default(), &[]).expect("rustc knows it");
        assert!(arm.contains(&("target_arch".to_owned(), Some("aarch64".to_owned()))), "{arm:?}");
        assert!(arm.contains(&("target_feature".to_owned(), Some("neon".to_owned()))), "{arm:?}");
        let wasm =
            target_cfg(Some("wasm32-unknown-unknown"), &Profile::default(), &[]).expect("rustc knows it");
        assert!(wasm.contains(&("target_family".to_owned(), Some("wasm".to_owned()))), "{wasm:?}");
        assert!(!wasm.iter().any(|(n, _)| n == "unix"), "{wasm:?}");

        let error = target_cfg(Some("nope-nope-nope"), &Profile::default(), &[]).expect_err("unknown");
        assert!(error.to_string().contains("rustc does not know the target `nope-nope-nope`"), "{error}");
        assert!(error.help.as_deref().is_some_and(|h| h.contains("rustc --print target-list")), "{error}");

        let error =
            target_cfg(None, &Profile::default(), &["-Cno-such-option=1".to_owned()]).expect_err("bad flag");
        assert!(error.to_string().contains("--print cfg -Cno-such-option=1` failed: error"), "{error}");
    }
}
