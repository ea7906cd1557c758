//! Asking and remembering: the [`Decider`] answers the source walk's `cfg` questions with one
//! package's facts and notes, once per predicate, those it cannot decide or read. Predicates
//! inside code a `cfg` surely leaves out (a compiled-out file, or an item whose own `cfg` is a
//! definite no) change nothing and are not noted: `wear_identity::site` still asks about them.
use std::cell::{Cell, RefCell};
use std::path::{Path, PathBuf};

use proc_macro2::{LineColumn, TokenStream};
use syn::spanned::Spanned;
use wear_identity::cfg::{Cfg, Everything};

use super::{BuildCfg, BuildScript, Predicate, Truth, configured};
use crate::scan::Warning;

/// A [`Cfg`] that can be told which file the walk is in, so that what it cannot decide is
/// reported at a place in that file.
///
/// The scan cache (`scan::cache`) keeps what a file's walk noted, so that a later run that
/// reads the file from the cache notes the same without its syntax tree: hence the methods
/// that hand over notes and the per-file state, which do nothing by default.
pub trait FileCfg: Cfg {
    /// The walk moves to `file`, parsed as `syntax`; `compiled_out` when the whole file is not
    /// compiled (its predicates are then not reported: they change nothing).
    fn enter_file(&self, file: &Path, syntax: &syn::File, compiled_out: bool);

    /// The walk moves to `file`, whose [`FileCfg::muted`] spans an earlier run kept.
    fn enter_known(&self, _file: &Path, _compiled_out: bool, _muted: &[Muted]) {}

    /// The spans of the current file's items that a `cfg` surely leaves out.
    fn muted(&self) -> Vec<Muted> {
        Vec::new()
    }

    /// What was noted since the last call.
    fn take_notes(&self) -> Vec<Note> {
        Vec::new()
    }

    /// Notes again what an earlier run noted.
    fn replay(&self, _notes: &[Note]) {}

    /// While `hold` is set, what is noted is only kept for [`FileCfg::take_notes`], not logged:
    /// the scan finds a file's sites ahead, and logs their notes with [`FileCfg::replay`] only
    /// if it uses them.
    fn hold_notes(&self, _hold: bool) {}
}

/// An item's first and last (line, column).
pub(crate) type Muted = (LineColumn, LineColumn);

/// One undecided predicate met at one place, as [`UndecidedLog`] records it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Note {
    /// The predicate as shown (`cfg(loom)`).
    pub key: String,
    /// Where it was met.
    pub place: (PathBuf, usize, usize),
    /// Why it cannot be decided, and what to do.
    pub message: String,
}

impl FileCfg for Everything {
    fn enter_file(&self, _: &Path, _: &syn::File, _: bool) {}
}

/// Decides predicates with one package's facts, and notes in a [`UndecidedLog`] those it
/// cannot decide or read (which then hold: the code is kept).
#[derive(Debug)]
pub(crate) struct Decider<'a> {
    build: &'a BuildCfg,
    log: &'a UndecidedLog,
    file: RefCell<PathBuf>,
    /// The whole file is compiled out.
    quiet: Cell<bool>,
    /// Items of the file a `cfg` surely leaves out: first and last (line, column).
    muted: RefCell<Vec<Muted>>,
    /// What was noted since [`FileCfg::take_notes`] last took it.
    recent: RefCell<Vec<Note>>,
    /// Notes are not logged now (see [`FileCfg::hold_notes`]).
    holding: Cell<bool>,
}

impl<'a> Decider<'a> {
    /// Decides with `build`'s facts, noting in `log`.
    pub(crate) fn new(build: &'a BuildCfg, log: &'a UndecidedLog) -> Decider<'a> {
        Decider {
            build,
            log,
            file: RefCell::new(PathBuf::new()),
            quiet: Cell::new(false),
            muted: RefCell::new(Vec::new()),
            recent: RefCell::new(Vec::new()),
            holding: Cell::new(false),
        }
    }

    fn muted(&self, at: LineColumn) -> bool {
        let key = |c: LineColumn| (c.line, c.column);
        self.muted.borrow().iter().any(|(start, end)| key(*start) <= key(at) && key(at) <= key(*end))
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
        let at = tokens.clone().into_iter().next().map(|t| t.span().start()).filter(|at| at.line > 0);
        if self.quiet.get() || at.is_some_and(|at| self.muted(at)) {
            return true;
        }
        let place = (self.file.borrow().clone(), at.map_or(0, |at| at.line), at.map_or(0, |at| at.column));
        let message = why.message(self.build);
        if !self.holding.get() {
            self.log.note(key.clone(), place.clone(), || message.clone());
        }
        self.recent.borrow_mut().push(Note { key, place, message });
        true
    }
}

impl FileCfg for Decider<'_> {
    fn enter_file(&self, file: &Path, syntax: &syn::File, compiled_out: bool) {
        *self.file.borrow_mut() = file.to_owned();
        self.quiet.set(compiled_out);
        let mut muted = Vec::new();
        if !compiled_out {
            surely_out(&syntax.items, &Quiet(self.build), &mut muted);
        }
        *self.muted.borrow_mut() = muted;
    }

    fn enter_known(&self, file: &Path, compiled_out: bool, muted: &[Muted]) {
        *self.file.borrow_mut() = file.to_owned();
        self.quiet.set(compiled_out);
        *self.muted.borrow_mut() = muted.to_vec();
    }

    fn muted(&self) -> Vec<Muted> {
        self.muted.borrow().clone()
    }

    fn take_notes(&self) -> Vec<Note> {
        std::mem::take(&mut *self.recent.borrow_mut())
    }

    fn replay(&self, notes: &[Note]) {
        for note in notes {
            self.log.note(note.key.clone(), note.place.clone(), || note.message.clone());
        }
    }

    fn hold_notes(&self, hold: bool) {
        self.holding.set(hold);
    }
}

/// The build's answers without noting anything: what is unknown or unreadable holds.
struct Quiet<'a>(&'a BuildCfg);

impl Cfg for Quiet<'_> {
    fn holds(&self, tokens: &TokenStream) -> bool {
        Predicate::parse(tokens).map_or(true, |p| self.0.decide(&p) != Truth::No)
    }
}

/// The spans of the items among `items` (functions, impls, traits, inline modules, and
/// methods) that a `cfg` of their own surely leaves out, outermost only.
fn surely_out(items: &[syn::Item], quiet: &Quiet<'_>, out: &mut Vec<(LineColumn, LineColumn)>) {
    let holds = |attrs: &[syn::Attribute]| configured(attrs, quiet).1;
    let mut push = |span: proc_macro2::Span| out.push((span.start(), span.end()));
    let mut inline = Vec::new();
    for item in items {
        match item {
            syn::Item::Fn(f) if !holds(&f.attrs) => push(item.span()),
            syn::Item::Impl(i) if !holds(&i.attrs) => push(item.span()),
            syn::Item::Impl(i) => i
                .items
                .iter()
                .filter(|it| matches!(it, syn::ImplItem::Fn(f) if !holds(&f.attrs)))
                .for_each(|it| push(it.span())),
            syn::Item::Trait(t) if !holds(&t.attrs) => push(item.span()),
            syn::Item::Trait(t) => t
                .items
                .iter()
                .filter(|it| matches!(it, syn::TraitItem::Fn(f) if !holds(&f.attrs)))
                .for_each(|it| push(it.span())),
            syn::Item::Mod(m) if !holds(&m.attrs) => push(item.span()),
            syn::Item::Mod(syn::ItemMod { content: Some((_, content)), .. }) => inline.push(content),
            _ => {}
        }
    }
    for content in inline {
        surely_out(content, quiet, out);
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
pub(crate) struct UndecidedLog {
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
    pub(crate) fn into_warnings(self) -> Vec<Warning> {
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

#[cfg(test)]
mod tests {
    use super::*;

    fn build() -> BuildCfg {
        BuildCfg::new(
            "pkg",
            [("unix".to_owned(), None), ("feature".to_owned(), Some("fast".to_owned()))],
            [],
            BuildScript::NotRun(PathBuf::from("/t")),
        )
    }

    #[test]
    fn undecided_predicates_are_kept_and_said_once() {
        let build = build();
        let log = UndecidedLog::default();
        let decider = Decider::new(&build, &log);
        let source = "#[cfg(all(unix, tokio_unstable))]\n#[cfg(all(unix,tokio_unstable))]\nmod m;\n\
                      #[cfg(foo(bar))]\nmod n;\n#[cfg(windows)]\nmod o;\n";
        let file = syn::parse_file(source).expect("parses");
        decider.enter_file(Path::new("src/lib.rs"), &file, false);
        let holds: Vec<bool> = file
            .items
            .iter()
            .map(|item| match item {
                syn::Item::Mod(m) => configured(&m.attrs, &decider).1,
                _ => panic!("a module"),
            })
            .collect();
        assert_eq!(
            holds,
            [true, true, false],
            "undecided and malformed are kept, `windows` is a definite no"
        );
        decider.enter_file(Path::new("src/out.rs"), &file, true);
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
                "src/lib.rs:4: `cfg(foo (bar))` is not a cfg predicate (`foo(...)` is not a predicate"
            ),
            "{shown:#?}"
        );
    }

    #[test]
    fn nothing_is_said_about_code_left_out_anyway() {
        let source = "#[cfg(windows)]\nmod inline {\n    #[cfg(tokio_unstable)]\n    fn a() {}\n}\n\
                      #[cfg(windows)]\nimpl S {\n    #[cfg(loom)]\n    fn b() {}\n}\n\
                      impl S {\n    #[cfg(not(feature = \"fast\"))]\n    #[cfg(loom)]\n    fn c() {}\n\
                      #[cfg(miri_like)]\n    fn d() {}\n}\n";
        let file = syn::parse_file(source).expect("parses");
        let build = build();
        let log = UndecidedLog::default();
        let decider = Decider::new(&build, &log);
        decider.enter_file(Path::new("src/lib.rs"), &file, false);
        let sites = wear_identity::site::sites_in_file_with(&file, &decider);
        let out: Vec<(&str, bool)> = sites.iter().map(|s| (s.name.as_str(), s.compiled_out)).collect();
        assert_eq!(out, [("a", true), ("b", true), ("c", true), ("d", false)]);
        let warnings: Vec<String> = log.into_warnings().iter().map(ToString::to_string).collect();
        assert_eq!(warnings.len(), 1, "{warnings:#?}");
        assert!(
            warnings[0].starts_with("src/lib.rs:15: `cfg(miri_like)` cannot be decided"),
            "{warnings:#?}"
        );
    }
}
