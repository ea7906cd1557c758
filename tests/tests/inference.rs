//! Adding `wear` changes nothing in how a crate type-checks (DESIGN contract 8; issue 16):
//! `tests/inference` is everyday code whose types are inferred from the only impl that fits,
//! with `wear` and tracked functions added; it must compile and pass its own tests. The same
//! fixture with `serde_json` or `humantime` in its crate graph (both were dependencies of the
//! runtime) must fail with "type annotations needed", naming that crate: that proves the fixture
//! notices exactly the kind of dependency `runtime/DEPENDENCIES.md` keeps out. With a proc macro
//! that depends on serde_json it compiles: a proc macro's dependencies stay in the compiler,
//! which is why that file lets wear's proc macros depend on anything.
//!
//! The fixture lives outside the workspace (like `tests/off`) and is built with cargo into this
//! package's scratch target directory.
use std::path::Path;
use std::process::{Command, Output};

/// `cargo test` of the fixture with these features.
fn fixture(features: &str) -> Output {
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR")).join("inference").join("Cargo.toml");
    // Shared with `off.rs` and `cdylib.rs`: `wear` and its dependencies build once for all.
    let target = Path::new(env!("CARGO_TARGET_TMPDIR")).join("external");
    Command::new(env!("CARGO"))
        .args(["test", "--locked", "--color", "never", "--features", features, "--manifest-path"])
        .arg(&manifest)
        .env("CARGO_TARGET_DIR", &target)
        .output()
        .expect("cargo runs")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[test]
fn code_inferred_from_the_only_impl_compiles_and_behaves_with_wear() {
    let out = fixture("");
    let (stdout, stderr) = (text(&out.stdout), text(&out.stderr));
    assert!(out.status.success(), "{stderr}\n{stdout}");
    assert!(!stderr.contains("warning"), "the fixture builds without a warning: {stderr}");
    assert!(
        stdout.contains("test tests::everything_behaves_as_written_and_tracked_parts_are_counted ... ok"),
        "{stdout}"
    );
}

/// The errors a crate in the graph with its own std impls causes: the first line of each
/// `type annotations needed` and the crates rustc names as holding the impls.
fn assert_ambiguous(features: &str, crate_name: &str, impls: &str) {
    let out = fixture(features);
    let stderr = text(&out.stderr);
    assert!(!out.status.success(), "with {features}, the fixture compiled: {stderr}");
    assert!(stderr.contains("type annotations needed"), "with {features}: {stderr}");
    let named = format!(
        "multiple `impl`s satisfying `{impls}` found in the following crates: `core`, `{crate_name}`"
    );
    assert!(stderr.contains(&named), "with {features}, rustc does not say `{named}`:\n{stderr}");
    // Nothing else went wrong: every error is an inference error in the fixture's code.
    for line in stderr.lines().filter(|l| l.starts_with("error[")) {
        assert!(
            line.starts_with("error[E0282]") || line.starts_with("error[E0283]"),
            "with {features}: {line}"
        );
    }
}

#[test]
fn the_fixture_fails_with_serde_json_in_the_graph() {
    // `assert_eq!(&v[..], &[])`, `v == []`, `x == Default::default()` and the like.
    assert_ambiguous("serde_json", "serde_json", "u32: PartialEq<_>");
}

#[test]
fn the_fixture_fails_with_humantime_in_the_graph() {
    // `Duration::from(Default::default())`.
    assert_ambiguous("humantime", "humantime", "std::time::Duration: From<_>");
}

#[test]
fn a_proc_macro_that_depends_on_serde_json_changes_nothing() {
    let out = fixture("proc-macro-with-serde-json");
    let (stdout, stderr) = (text(&out.stdout), text(&out.stderr));
    assert!(out.status.success(), "{stderr}\n{stdout}");
    assert!(stdout.contains("test tests::the_proc_macro_ran_serde_json ... ok"), "{stdout}");
}
