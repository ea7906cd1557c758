//! What the build being measured compiles: the scan asks, for each `#[cfg(...)]` and
//! `#[cfg_attr(...)]` it meets, whether the predicate holds, and lists only what is compiled
//! (contract 1: "the scan lists only what the build compiles").
//!
//! The facts about one package's build ([`BuildCfg`], gathered in [`facts`]) are the target's
//! cfg from `rustc --print cfg`, modelling a **release** build (no `debug_assertions`), the
//! package's features, `--cfg` flags and RUSTFLAGS, and what its build script set. A name
//! nothing sets is false when it is known (rustc's well-known names, `feature`, `docsrs`, names
//! declared by check-cfg) and unknown otherwise. Predicates are decided in three values
//! ([`predicate`]); only a definite no leaves code out: unknown code is kept, and the scan warns
//! once per undecided predicate, with where it was first met and what to pass.
mod build_script;
mod decider;
mod facts;
mod features;
mod predicate;
mod rustc;
mod spec;

use std::collections::BTreeSet;
use std::path::PathBuf;

pub(crate) use decider::{Decider, FileCfg, Muted, Note, UndecidedLog};
pub(crate) use facts::facts;
pub(crate) use predicate::{Predicate, Truth};
pub(crate) use spec::Setting;

/// The build the scan models, as the command line describes it (cargo's own flags).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct BuildOptions {
    /// `--features`: `a,b`, `a b`, `pkg/feat`; each argument as given.
    pub(crate) features: Vec<String>,
    /// `--all-features`.
    pub(crate) all_features: bool,
    /// `--no-default-features`.
    pub(crate) no_default_features: bool,
    /// `--target`: the triple (or target `.json` file) the build is for; the host when `None`.
    pub(crate) target: Option<String>,
    /// `--cfg`: `NAME` or `NAME="VALUE"`, set on top of everything else.
    pub(crate) cfg: Vec<String>,
}

/// Names rustc and cargo know (`rustc --print check-cfg`, and the `feature`, `test` and
/// `docsrs` cargo declares): one that nothing sets is false, not unknown.
const WELL_KNOWN: &[&str] = &[
    "clippy",
    "contract_checks",
    "debug_assertions",
    "doc",
    "docsrs",
    "doctest",
    "emscripten_wasm_eh",
    "feature",
    "fmt_debug",
    "miri",
    "overflow_checks",
    "panic",
    "proc_macro",
    "relocation_model",
    "rustfmt",
    "sanitize",
    "sanitizer_cfi_generalize_pointers",
    "sanitizer_cfi_normalize_integers",
    "target_abi",
    "target_arch",
    "target_endian",
    "target_env",
    "target_family",
    "target_feature",
    "target_has_atomic",
    "target_has_atomic_equal_alignment",
    "target_has_atomic_load_store",
    "target_has_reliable_f128",
    "target_has_reliable_f128_math",
    "target_has_reliable_f16",
    "target_has_reliable_f16_math",
    "target_os",
    "target_pointer_width",
    "target_thread_local",
    "target_vendor",
    "test",
    "ub_checks",
    "unix",
    "windows",
];

/// Whether a package's build script ran, as far as its output on disk says.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) enum BuildScript {
    /// The package has none.
    #[default]
    None,
    /// Its output was read from this file.
    Read(PathBuf),
    /// It has one, and no output of it was found under this build directory.
    NotRun(PathBuf),
}

/// The facts about one package's build: which cfgs are set and which names are known.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct BuildCfg {
    /// The package.
    pub(crate) package: String,
    set: BTreeSet<Setting>,
    /// Names that are known beyond the well-known ones: declared, or set by something.
    known: BTreeSet<String>,
    /// Its build script, if any.
    pub(crate) build_script: BuildScript,
}

impl BuildCfg {
    /// The facts of `package`: `set` cfgs, `declared` names, and its build script's state.
    pub(crate) fn new(
        package: impl Into<String>,
        set: impl IntoIterator<Item = Setting>,
        declared: impl IntoIterator<Item = String>,
        build_script: BuildScript,
    ) -> BuildCfg {
        let set: BTreeSet<Setting> = set.into_iter().collect();
        let mut known: BTreeSet<String> = declared.into_iter().collect();
        known.extend(set.iter().map(|(name, _)| name.clone()));
        BuildCfg { package: package.into(), set, known, build_script }
    }

    /// What the facts say of `name` or `name = "value"`.
    pub(crate) fn truth(&self, name: &str, value: Option<&str>) -> Truth {
        if self.set.contains(&(name.to_owned(), value.map(str::to_owned))) {
            Truth::Yes
        } else if WELL_KNOWN.contains(&name) || self.known.contains(name) {
            Truth::No
        } else {
            Truth::Unknown
        }
    }

    /// What the facts say of a predicate.
    pub(crate) fn decide(&self, predicate: &Predicate) -> Truth {
        predicate.eval(&|name, value| self.truth(name, value))
    }

    /// The features turned on, sorted.
    #[cfg(test)]
    fn features(&self) -> impl Iterator<Item = &str> {
        self.set.iter().filter(|(name, _)| name == "feature").filter_map(|(_, value)| value.as_deref())
    }
}

/// Attributes as the build sees them (`cfg_attr` applied), and whether every `cfg` holds: the
/// reading `wear_identity::site` makes, for the module walk (`#[path]` under `cfg_attr`,
/// `mod x;` under `cfg`).
pub(crate) use wear_identity::items::configure as configured;

#[cfg(test)]
mod tests {
    use super::*;
    use wear_identity::cfg::Cfg;

    fn build() -> BuildCfg {
        BuildCfg::new(
            "pkg",
            [
                ("unix".to_owned(), None),
                ("target_os".to_owned(), Some("linux".to_owned())),
                ("feature".to_owned(), Some("fast".to_owned())),
                ("has_neon".to_owned(), None),
            ],
            ["declared_only".to_owned()],
            BuildScript::NotRun(PathBuf::from("/t")),
        )
    }

    fn decide(text: &str) -> Truth {
        build().decide(&Predicate::parse(&text.parse().expect("tokens")).expect("a predicate"))
    }

    #[test]
    fn set_known_and_unknown_names() {
        assert_eq!(decide("unix"), Truth::Yes);
        assert_eq!(decide("windows"), Truth::No, "well known, not set");
        assert_eq!(decide("target_os = \"linux\""), Truth::Yes);
        assert_eq!(decide("target_os = \"macos\""), Truth::No);
        assert_eq!(decide("feature = \"fast\""), Truth::Yes);
        assert_eq!(decide("feature = \"slow\""), Truth::No, "a feature not turned on");
        assert_eq!(decide("test"), Truth::No, "test-only code is not in production");
        assert_eq!(decide("debug_assertions"), Truth::No, "a release build");
        assert_eq!(decide("docsrs"), Truth::No);
        assert_eq!(decide("declared_only"), Truth::No, "declared by check-cfg, not set");
        assert_eq!(decide("has_neon"), Truth::Yes);
        assert_eq!(decide("has_neon = \"x\""), Truth::No, "a name something set is known");
        assert_eq!(decide("tokio_unstable"), Truth::Unknown);
        assert_eq!(decide("all(windows, tokio_unstable)"), Truth::No);
        assert_eq!(build().features().collect::<Vec<_>>(), ["fast"]);
    }

    fn attrs(source: &str) -> Vec<syn::Attribute> {
        let item: syn::ItemMod = syn::parse_str(&format!("{source} mod m;")).expect("parses");
        item.attrs
    }

    #[test]
    fn cfg_attr_expands_when_it_holds() {
        let (attrs, holds) = configured(
            &attrs(
                "#[cfg_attr(unix, path = \"unix.rs\")] #[cfg_attr(windows, path = \"windows.rs\")] #[cfg_attr(all(), cfg_attr(unix, cfg(windows)))]",
            ),
            &Decider::new(&build(), &UndecidedLog::default()),
        );
        let shown: Vec<String> =
            attrs.iter().map(|a| quote::ToTokens::to_token_stream(a).to_string()).collect();
        assert_eq!(shown, ["# [path = \"unix.rs\"]", "# [cfg (windows)]"]);
        assert!(!holds, "the nested `cfg(windows)` does not hold");
        let value = |source: &str| {
            let log = UndecidedLog::default();
            let holds = Decider::new(&build(), &log).holds(&source.parse().expect("tokens"));
            (holds, log.into_warnings().len())
        };
        assert_eq!(value("tokio_unstable"), (true, 1));
        assert_eq!(value("feature = \"fast\""), (true, 0));
        assert_eq!(value("not(feature = \"fast\")"), (false, 0));
    }
}
