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
mod facts;
mod features;
mod predicate;
mod rustc;
mod spec;

use std::cell::{Cell, RefCell};
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use proc_macro2::TokenStream;
use wear_identity::cfg::{Cfg, Everything};

use super::Warning;
pub use facts::{Facts, facts};
pub use predicate::{Predicate, Truth};
pub use spec::Setting;

/// The build the scan models, as the command line describes it (cargo's own flags).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct BuildOptions {
    /// `--features`: `a,b`, `a b`, `pkg/feat`; each argument as given.
    pub features: Vec<String>,
    /// `--all-features`.
    pub all_features: bool,
    /// `--no-default-features`.
    pub no_default_features: bool,
    /// `--target`: the triple (or target `.json` file) the build is for; the host when `None`.
    pub target: Option<String>,
    /// `--cfg`: `NAME` or `NAME="VALUE"`, set on top of everything else.
    pub cfg: Vec<String>,
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
pub enum BuildScript {
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
pub struct BuildCfg {
    /// The package.
    pub package: String,
    set: BTreeSet<Setting>,
    /// Names that are known beyond the well-known ones: declared, or set by something.
    known: BTreeSet<String>,
    /// Its build script, if any.
    pub build_script: BuildScript,
}

impl BuildCfg {
    /// The facts of `package`: `set` cfgs, `declared` names, and its build script's state.
    pub fn new(
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
    pub fn truth(&self, name: &str, value: Option<&str>) -> Truth {
        if self.set.contains(&(name.to_owned(), value.map(str::to_owned))) {
            Truth::Yes
        } else if WELL_KNOWN.contains(&name) || self.known.contains(name) {
            Truth::No
        } else {
            Truth::Unknown
        }
    }

    /// What the facts say of a predicate.
    pub fn decide(&self, predicate: &Predicate) -> Truth {
        predicate.eval(&|name, value| self.truth(name, value))
    }

    /// The features turned on, sorted.
    pub fn features(&self) -> impl Iterator<Item = &str> {
        self.set.iter().filter(|(name, _)| name == "feature").filter_map(|(_, value)| value.as_deref())
    }
}

/// A [`Cfg`] that can be told which file the walk is in, so that what it cannot decide is
/// reported at a place in that file.
pub trait FileCfg: Cfg {
    /// The walk moves to `file`; `compiled_out` when the whole file is not compiled (its
    /// predicates are then not reported: they change nothing).
    fn enter_file(&self, file: &Path, compiled_out: bool);
}

impl FileCfg for Everything {
    fn enter_file(&self, _: &Path, _: bool) {}
}

/// Decides predicates with one package's facts, and notes in a [`UndecidedLog`] those it
/// cannot decide or read (which then hold: the code is kept).
#[derive(Debug)]
pub struct Decider<'a> {
    build: &'a BuildCfg,
    log: &'a UndecidedLog,
    file: RefCell<PathBuf>,
    quiet: Cell<bool>,
}

impl<'a> Decider<'a> {
    /// Decides with `build`'s facts, noting in `log`.
    pub fn new(build: &'a BuildCfg, log: &'a UndecidedLog) -> Decider<'a> {
        Decider { build, log, file: RefCell::new(PathBuf::new()), quiet: Cell::new(false) }
    }
}

impl Cfg for Decider<'_> {
    fn holds(&self, tokens: &TokenStream) -> bool {
        let (key, why) = match Predicate::parse(tokens) {
            Ok(predicate) => match self.build.decide(&predicate) {
                Truth::Yes => return true,
                Truth::No => return false,
                Truth::Unknown => (format!("cfg({predicate})"), Undecided::Unknown(predicate)),
            },
            Err(why) => (format!("cfg({tokens})"), Undecided::Malformed(why)),
        };
        if !self.quiet.get() {
            let line = tokens.clone().into_iter().next().map(|t| t.span().start()).filter(|at| at.line > 0);
            let place =
                (self.file.borrow().clone(), line.map_or(0, |at| at.line), line.map_or(0, |at| at.column));
            self.log.note(key, place, || why.message(self.build));
        }
        true
    }
}

impl FileCfg for Decider<'_> {
    fn enter_file(&self, file: &Path, compiled_out: bool) {
        *self.file.borrow_mut() = file.to_owned();
        self.quiet.set(compiled_out);
    }
}

enum Undecided {
    Unknown(Predicate),
    Malformed(String),
}

impl Undecided {
    /// What to say about it, apart from the predicate and where: why, and what to do.
    fn message(&self, build: &BuildCfg) -> String {
        match self {
            Undecided::Malformed(why) => format!(
                "is not a cfg predicate ({why}); the code under it is counted as built; fix it (rustc refuses it \
                 too)"
            ),
            Undecided::Unknown(predicate) => {
                let open: Vec<(&str, Option<&str>)> = predicate
                    .options()
                    .into_iter()
                    .filter(|(name, value)| build.truth(name, *value) == Truth::Unknown)
                    .collect();
                let mut names: Vec<String> = open.iter().map(|(name, _)| format!("`{name}`")).collect();
                names.dedup();
                let flags: Vec<String> = open
                    .iter()
                    .map(|(name, value)| match value {
                        None => format!("`--cfg {name}`"),
                        Some(value) => format!("`--cfg '{name}={value:?}'`"),
                    })
                    .collect();
                let built = match &build.build_script {
                    BuildScript::NotRun(dir) => format!(
                        ", or build `{}` once (its build script may set it; no output of it is under {})",
                        build.package,
                        dir.display()
                    ),
                    _ => String::new(),
                };
                format!(
                    "cannot be decided: nothing sets or declares {} (rustc's target cfg, features, check-cfg, a \
                     build script, RUSTFLAGS, --cfg); the code under it is counted as built; pass {} if your \
                     build sets it{built}",
                    names.join(", "),
                    flags.join(" and ")
                )
            }
        }
    }
}

/// (file, line, column) of a predicate in the sources; 0 when not known.
type Place = (PathBuf, usize, usize);

/// Every predicate a scan could not decide or read, once each, with the places it was met.
#[derive(Debug, Default)]
pub struct UndecidedLog {
    entries: RefCell<Vec<Entry>>,
}

#[derive(Debug)]
struct Entry {
    key: String,
    message: String,
    places: Vec<Place>,
}

impl UndecidedLog {
    fn note(&self, key: String, place: Place, message: impl FnOnce() -> String) {
        let mut entries = self.entries.borrow_mut();
        match entries.iter_mut().find(|e| e.key == key) {
            Some(entry) if !entry.places.contains(&place) => entry.places.push(place),
            Some(_) => {}
            None => entries.push(Entry { key, message: message(), places: vec![place] }),
        }
    }

    /// One warning per predicate, at the first place it was met, in the order met.
    pub fn into_warnings(self) -> Vec<Warning> {
        self.entries
            .into_inner()
            .into_iter()
            .map(|entry| {
                let (file, line, _) = entry.places[0].clone();
                let more = match entry.places.len() {
                    1 => String::new(),
                    n => format!(" (met in {n} places; said once)"),
                };
                Warning {
                    file,
                    line: (line > 0).then_some(line),
                    message: format!("`{}`{more} {}", entry.key, entry.message),
                }
            })
            .collect()
    }
}

/// Attributes as the build sees them: each `cfg_attr` whose predicate holds replaced by the
/// attributes it adds (nested ones too), the others dropped; and whether every `cfg` among them
/// holds. The same reading as `wear_identity::site`'s, for the module walk (`#[path]` under
/// `cfg_attr`, `mod x;` under `cfg`).
pub fn configured(attrs: &[syn::Attribute], cfg: &dyn Cfg) -> (Vec<syn::Attribute>, bool) {
    let mut out = Vec::with_capacity(attrs.len());
    let mut holds = true;
    let mut pending: Vec<syn::Attribute> = attrs.iter().rev().cloned().collect();
    while let Some(attr) = pending.pop() {
        if attr.path().is_ident("cfg_attr")
            && let Ok(list) = attr
                .parse_args_with(syn::punctuated::Punctuated::<syn::Meta, syn::Token![,]>::parse_terminated)
        {
            let mut metas = list.into_iter();
            let Some(predicate) = metas.next() else { continue };
            if cfg.holds(&quote::ToTokens::to_token_stream(&predicate)) {
                let added: Vec<syn::Attribute> =
                    metas.map(|meta| syn::Attribute { meta, ..attr.clone() }).collect();
                pending.extend(added.into_iter().rev());
            }
            continue;
        }
        if attr.path().is_ident("cfg")
            && let syn::Meta::List(list) = &attr.meta
            && !cfg.holds(&list.tokens)
        {
            holds = false;
        }
        out.push(attr);
    }
    (out, holds)
}

#[cfg(test)]
mod tests {
    use super::*;

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
    fn undecided_predicates_are_kept_and_said_once() {
        let build = build();
        let log = UndecidedLog::default();
        let decider = Decider::new(&build, &log);
        decider.enter_file(Path::new("src/lib.rs"), false);
        let source = "#[cfg(all(unix, tokio_unstable))]\n#[cfg(all(unix,tokio_unstable))]\n#[cfg(windows)]";
        let file = syn::parse_file(&format!("{source}\nmod m;\n#[cfg(foo(bar))]\nmod n;\n")).expect("parses");
        let syn::Item::Mod(first) = &file.items[0] else { panic!("a module") };
        let (_, holds) = configured(&first.attrs, &decider);
        assert!(!holds, "`windows` is a definite no");
        let syn::Item::Mod(second) = &file.items[1] else { panic!("a module") };
        let (_, holds) = configured(&second.attrs, &decider);
        assert!(holds, "a malformed predicate keeps the code");
        decider.enter_file(Path::new("src/out.rs"), true);
        assert!(decider.holds(&"never_said".parse().expect("tokens")), "kept, and not said");

        let warnings = log.into_warnings();
        let shown: Vec<String> = warnings.iter().map(ToString::to_string).collect();
        assert_eq!(shown.len(), 2, "{shown:#?}");
        assert!(
            shown[0].starts_with("src/lib.rs:1: `cfg(all(unix, tokio_unstable))` (met in 2 places; said once) cannot be decided: nothing sets or declares `tokio_unstable`"),
            "{shown:#?}"
        );
        assert!(shown[0].contains("pass `--cfg tokio_unstable` if your build sets it"), "{shown:#?}");
        assert!(
            shown[0]
                .contains("or build `pkg` once (its build script may set it; no output of it is under /t)"),
            "{shown:#?}"
        );
        assert!(
            shown[1].starts_with(
                "src/lib.rs:5: `cfg(foo (bar))` is not a cfg predicate (`foo(...)` is not a predicate"
            ),
            "{shown:#?}"
        );
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
