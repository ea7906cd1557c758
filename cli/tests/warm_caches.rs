//! The caches change no output: `heatmap --all`, `report` and `scan` print byte for byte what
//! a run without caches prints, warm (nothing new), after a file is edited in the work tree,
//! after a new commit, after the crate's `macro_rules!` wrappers change, and with corrupt cache
//! files. The workspace has what the scan cache keeps apart from syntax: `cfg`s the build
//! cannot decide (warnings, said once, at their first place), a module behind a wrapper, nested
//! and inline modules, a `#[path]`, tracked functions with limits and a wrong attribute.
mod support;

use std::path::PathBuf;

use support::Fixture;

const NOW: &str = "2026-11-21";

const LIB: &str = "\
#[macro_use]
mod macros;
pub mod cart;
#[path = \"odd/place.rs\"]
pub mod pricing;
gated! { pub mod extra; }

#[cfg(loom)]
pub fn under_loom() {}

pub mod inline {
    pub mod deeper;
    #[wear::tracked(limit_calls = 10)]
    pub fn inside() {}
}
";

const MACROS: &str = "\
macro_rules! gated {
    ($($item:item)*) => { $( #[cfg(feature = \"extra\")] $item )* };
}
";

const MACROS_OPEN: &str = "\
macro_rules! gated {
    ($($item:item)*) => { $( #[cfg(not(feature = \"extra\"))] $item )* };
}
";

const CART: &str = "\
#[wear::tracked]
pub fn add() -> u32 {
    1
}

#[wear::tracked(limit_calls = \"ten\")]
pub fn wrong() {}

#[cfg(loom)]
pub fn again_loom() {}

pub fn helper() -> u32 {
    2
}
";

const PRICING: &str = "\
#[wear::tracked(interval = \"30d\")]
pub fn quote() -> u32 {
    1
}
";

const EXTRA: &str = "pub fn extra_fn() -> u32 {\n    9\n}\n";

const DEEPER: &str = "#[cfg(tokio_unstable)]\npub fn deep() {}\n\npub fn also_deep() {}\n";

fn workspace() -> Fixture {
    let fx = Fixture::new("warm");
    fx.write("src/lib.rs", LIB);
    fx.write("src/macros.rs", MACROS);
    fx.write("src/cart.rs", CART);
    fx.write("src/odd/place.rs", PRICING);
    fx.write("src/extra.rs", EXTRA);
    fx.write("src/inline/deeper.rs", DEEPER);
    fx.commit("first", "Ana", "2024-01-10");
    fx
}

/// What a run prints, stdout and stderr, for each command the caches serve.
fn outputs(fx: &Fixture, extra: &[&str]) -> Vec<(String, String)> {
    let commands: [&[&str]; 3] = [
        &["heatmap", "--all", "--now", NOW, "--color", "never", "--width", "100"],
        &["report", "--now", NOW, "--format", "json"],
        &["scan", "--format", "json"],
    ];
    commands
        .iter()
        .map(|args| {
            // `scan` has no `--no-cache`: it reads the scan cache always.
            let extra = if args[0] == "scan" { &[][..] } else { extra };
            let out = fx.wear(&[args, extra].concat()).output().expect("runs");
            assert!(
                out.status.code().is_some_and(|c| c < 2),
                "{args:?}: {}",
                String::from_utf8_lossy(&out.stderr)
            );
            (
                String::from_utf8_lossy(&out.stdout).into_owned(),
                String::from_utf8_lossy(&out.stderr).into_owned(),
            )
        })
        .collect()
}

fn caches(fx: &Fixture) -> [PathBuf; 2] {
    [fx.path("target/wear/age-cache"), fx.path("target/wear/scan-cache")]
}

/// What a run with the caches removed prints (it writes them again).
fn truth(fx: &Fixture) -> Vec<(String, String)> {
    for dir in caches(fx) {
        let _ = std::fs::remove_dir_all(dir);
    }
    outputs(fx, &[])
}

/// Runs with the caches as they are, then without them, and checks both print the same.
fn same_as_without_caches(fx: &Fixture, when: &str) -> Vec<(String, String)> {
    let cached = outputs(fx, &[]);
    let bypassed = outputs(fx, &["--no-cache"]);
    let cold = truth(fx);
    assert_eq!(cached, cold, "{when}: the cached run differs from one without caches");
    assert_eq!(bypassed, cold, "{when}: --no-cache differs from a run without caches");
    cold
}

#[test]
fn cached_runs_print_what_uncached_runs_print() {
    let fx = workspace();
    let cold = truth(&fx);
    assert!(caches(&fx).iter().all(|d| d.is_dir()), "the cold run wrote both caches");
    let heatmap = &cold[0].0;
    assert!(heatmap.contains("inside") && heatmap.contains("also_deep"), "{heatmap}");
    assert!(!heatmap.contains("extra_fn"), "the wrapper leaves `extra` out:\n{heatmap}");
    let warnings = &cold[0].1;
    assert!(warnings.contains("`cfg(loom)` (met in 2 places; said once)"), "{warnings}");
    assert!(
        warnings.contains("cfg(tokio_unstable)") && warnings.contains("`wrong` is left out"),
        "{warnings}"
    );
    let scan = std::fs::read(fx.path("target/wear/scan-cache/files.bin")).expect("scan cache");

    assert_eq!(outputs(&fx, &[]), cold, "warm, nothing new");
    assert_eq!(
        std::fs::read(fx.path("target/wear/scan-cache/files.bin")).expect("scan cache"),
        scan,
        "a warm run with nothing new derives nothing, so does not rewrite the scan cache"
    );

    // Edited in the work tree, not committed: the file's text, not its blob, keys the cache.
    fx.write("src/cart.rs", &CART.replace("    1\n", "    1 + 1\n").replace("#[cfg(loom)]\n", ""));
    let edited = same_as_without_caches(&fx, "after an edit");
    assert_ne!(edited, cold, "the edit shows");
    assert!(!edited[0].1.contains("met in 2 places"), "{}", edited[0].1);

    fx.commit("second", "Bo", "2026-06-01");
    same_as_without_caches(&fx, "after a new commit");

    // Other wrappers: every file read after them is walked again.
    fx.write("src/macros.rs", MACROS_OPEN);
    let opened = same_as_without_caches(&fx, "after the wrappers changed");
    assert!(opened[0].0.contains("extra_fn"), "{}", opened[0].0);
    fx.commit("third", "Bo", "2026-06-02");
    same_as_without_caches(&fx, "after the wrappers' commit");

    // A new file and a module moved to it.
    fx.write("src/lib.rs", &LIB.replace("pub mod cart;", "pub mod cart;\npub mod fresh;"));
    fx.write("src/fresh.rs", "#[wear::tracked]\npub fn new_part() {}\n");
    same_as_without_caches(&fx, "after a new module");
}

#[test]
fn corrupt_caches_are_recomputed() {
    let fx = workspace();
    let cold = truth(&fx);
    let scan = fx.path("target/wear/scan-cache/files.bin");
    let good = std::fs::read(&scan).expect("scan cache");
    let age: Vec<PathBuf> = std::fs::read_dir(fx.path("target/wear/age-cache"))
        .expect("age cache")
        .map(|e| e.expect("entry").path())
        .collect();
    assert_eq!(age.len(), 1, "{age:?}");
    let age_good = std::fs::read(&age[0]).expect("age cache");
    let cut = |bytes: &[u8]| bytes[..bytes.len() / 2].to_vec();
    for (scan_bytes, age_bytes) in [
        (cut(&good), cut(&age_good)),
        (b"\0\xff garbage".to_vec(), b"{}".to_vec()),
        (Vec::new(), Vec::new()),
        ([good.as_slice(), b"trailing"].concat(), [age_good.as_slice(), b"x"].concat()),
    ] {
        std::fs::write(&scan, &scan_bytes).expect("write");
        std::fs::write(&age[0], &age_bytes).expect("write");
        assert_eq!(outputs(&fx, &[]), cold, "corrupt caches are ignored");
        assert_eq!(std::fs::read(&scan).expect("rewritten"), good, "the scan cache is written anew");
        assert_eq!(std::fs::read(&age[0]).expect("rewritten"), age_good, "the age cache is written anew");
    }
    // A cache folder that cannot be written is no error either.
    for dir in caches(&fx) {
        std::fs::remove_dir_all(&dir).expect("remove");
        std::fs::write(&dir, "not a folder").expect("block");
    }
    assert_eq!(outputs(&fx, &[]), cold, "unwritable caches");
}
