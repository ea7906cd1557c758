//! `cargo wear annotate`: a codemod that puts `#[wear::tracked]` on every function with a body
//! in the chosen crates, modules or files, and with `--remove` takes those attributes away.
//!
//! A run is planned in full before anything is written: [`select`] chooses the files (the
//! scan's crates and module trees), each file is read once, parsed, walked ([`walk`]: which
//! functions get the attribute, which are left alone and why) and changed as text at byte
//! offsets ([`edit`]); the new text must parse and, walked again, leave nothing to do. Then
//! [`write`] writes every changed file or none, and [`summary`] says what happened.
//! `docs/src/annotate.md` (the guide's chapter) explains the choices.
mod edit;
mod packages;
mod select;
mod summary;
mod walk;
mod write;

use std::path::PathBuf;

pub(crate) use select::Crate;
pub(crate) use summary::{Run, render as summary};
pub use walk::{Edit, Found, Mode, Place, Verdict};
pub(crate) use write::Change;

use crate::error::Result;
use crate::scan::cfg::BuildOptions;
use crate::scan::{Warning, load_workspace, relative};

/// What to annotate, and how.
#[derive(Clone, Debug)]
pub struct Options {
    /// The workspace's (or a member's) `Cargo.toml`; else the one around `cwd`.
    pub manifest_path: Option<PathBuf>,
    /// Only these packages (`-p`); all when empty.
    pub packages: Vec<String>,
    /// Files, folders or module paths to narrow to; everything when empty.
    pub paths: Vec<String>,
    /// Adding or removing.
    pub mode: Mode,
    /// Where relative paths start.
    pub cwd: PathBuf,
}

/// Everything a run would do, decided before anything is written.
#[derive(Debug)]
pub struct Plan {
    /// Adding or removing.
    pub(crate) mode: Mode,
    /// Each chosen crate with what was found in its files (file relative to the root).
    pub crates: Vec<CrateFound>,
    /// Proc-macro packages left alone.
    pub(crate) proc_macros: Vec<String>,
    /// The files to write.
    pub changes: Vec<Change>,
    /// Files left alone, and why.
    pub(crate) warnings: Vec<Warning>,
    /// Packages whose `wear` dependency will not let the attribute resolve, and what to do.
    pub(crate) notes: Vec<String>,
}

/// One crate and what was found in it.
#[derive(Debug)]
pub struct CrateFound {
    pub(crate) krate: Crate,
    /// Each function (attribute, macro) with its file, relative to the workspace root.
    pub found: Vec<(String, Found)>,
}

impl Plan {
    /// The functions to annotate (or attributes to remove).
    pub(crate) fn changing(&self) -> usize {
        self.crates.iter().flat_map(|c| &c.found).filter(|(_, f)| f.edit.is_some()).count()
    }

    /// Writes every changed file, or none (see [`write`]).
    pub fn write(&self) -> Result<()> {
        write::write_all(&self.changes)
    }
}

/// The stack a plan is made on: syn parses and walks nested code recursively (see the scan's
/// own stack, `crate::scan`); only the pages touched are committed.
const PLAN_STACK: usize = 1 << 30;

/// Plans a run: reads and changes every chosen file in memory.
pub fn plan(options: &Options) -> Result<Plan> {
    // Every function as written, whatever the build compiles: feature-gated code is a part in
    // the builds that compile it.
    let workspace = load_workspace(options.manifest_path.as_deref(), &BuildOptions::default())?;
    let packages = packages::load(options.manifest_path.as_deref())?;
    // Spans hold their place in a per-thread source map: every file is parsed and walked on
    // the one thread that reads their offsets.
    std::thread::scope(|scope| {
        let make = || plan_on_this_thread(options, &workspace, &packages);
        let big = std::thread::Builder::new().name("annotate".to_owned()).stack_size(PLAN_STACK);
        match big.spawn_scoped(scope, make) {
            Ok(thread) => thread.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic)),
            Err(_) => plan_on_this_thread(options, &workspace, &packages),
        }
    })
}

fn plan_on_this_thread(
    options: &Options,
    workspace: &crate::scan::Workspace,
    packages: &[packages::Package],
) -> Result<Plan> {
    let selection = select::select(workspace, packages, &options.packages, &options.paths, &options.cwd)?;
    let mut crates: Vec<CrateFound> =
        selection.crates.into_iter().map(|krate| CrateFound { krate, found: Vec::new() }).collect();
    let mut changes = Vec::new();
    let mut warnings = selection.warnings;
    for file in &selection.files {
        let Some((found, change)) = plan_file(file, options.mode, &mut warnings) else { continue };
        let rel = relative(&workspace.root, &file.path);
        crates[file.crate_index].found.extend(found.into_iter().map(|f| (rel.clone(), f)));
        changes.extend(change);
    }
    for module in &selection.inline_module_args {
        let seen = crates.iter().flat_map(|c| &c.found).any(|(_, f)| {
            f.module == *module || f.module.strip_prefix(module.as_str()).is_some_and(|r| r.starts_with("::"))
        });
        if !seen {
            return Err(select::no_module(module));
        }
    }
    let mut notes = Vec::new();
    if options.mode == Mode::Add {
        for package in packages {
            let tracks = crates
                .iter()
                .filter(|c| c.krate.package == package.name)
                .flat_map(|c| &c.found)
                .any(|(_, f)| {
                    matches!(f.verdict, Verdict::Annotate | Verdict::Tracked | Verdict::TrackedByContainer)
                });
            if tracks && let Some(note) = package.wear_note() {
                notes.push(note);
            }
        }
        for krate in &crates {
            let forbidden: usize = krate
                .found
                .iter()
                .filter(|(_, f)| f.verdict == Verdict::ForbidsUnsafe)
                .map(|(_, f)| f.count)
                .sum();
            if forbidden > 0 {
                notes.push(format!(
                    "{forbidden} functions of crate `{}` are under `forbid(unsafe_code)`, which rejects the \
                     `allow(unsafe_code)` of what `#[wear::tracked]` generates: write `deny(unsafe_code)` \
                     instead (in the crate's attributes or its `[lints]`), then run `cargo wear annotate` again",
                    krate.krate.name
                ));
            }
        }
    }
    Ok(Plan { mode: options.mode, crates, proc_macros: selection.proc_macros, changes, warnings, notes })
}

/// Reads, walks and changes one file; `None` when it is left alone (with a warning).
fn plan_file(
    file: &select::SelectedFile,
    mode: Mode,
    warnings: &mut Vec<Warning>,
) -> Option<(Vec<Found>, Option<Change>)> {
    let warn = |line: Option<usize>, message: String| Warning { file: file.path.clone(), line, message };
    let original = match crate::bounded::read(&file.real, crate::bounded::SOURCE) {
        Ok(bytes) => bytes,
        Err(why) => {
            warnings.push(warn(None, format!("{}; left as it is", why.reason())));
            return None;
        }
    };
    let Ok(text) = std::str::from_utf8(&original) else {
        warnings.push(warn(None, "is not UTF-8 text; left as it is".to_owned()));
        return None;
    };
    // A file without these bytes has nothing to find (large data tables, typically): it is
    // not parsed a second time.
    let needle = if mode == Mode::Add { "fn" } else { "tracked" };
    if !text.contains(needle) {
        return Some((Vec::new(), None));
    }
    let found = match walked(text, file, mode) {
        Ok(found) => found,
        Err(e) => {
            let message = format!("does not parse ({e}); left as it is (`cargo check` shows where)");
            warnings.push(warn(Some(e.span().start().line), message));
            return None;
        }
    };
    let found: Vec<Found> = found.into_iter().filter(|f| file.filter.takes(&f.module)).collect();
    let edits: Vec<Edit> = found.iter().filter_map(|f| f.edit.clone()).collect();
    if edits.is_empty() {
        return Some((found, None));
    }
    match edit::apply(text, &edits).and_then(|new| checked(new, file, mode)) {
        Ok(new) => {
            let change =
                Change { shown: file.path.clone(), real: file.real.clone(), original: original.clone(), new };
            Some((found, Some(change)))
        }
        Err(why) => {
            warnings.push(warn(
                None,
                format!("left as it is: the attributes could not be placed ({why}); please report this as a bug in cargo wear"),
            ));
            None
        }
    }
}

/// Parses a file's text and walks it.
fn walked(text: &str, file: &select::SelectedFile, mode: Mode) -> syn::Result<Vec<Found>> {
    let syntax = syn::parse_file(text)?;
    // `parse_file` leaves out a byte order mark and a `#!` line: spans start after them.
    let bom = if text.starts_with('\u{feff}') { '\u{feff}'.len_utf8() } else { 0 };
    let base = bom + syntax.shebang.as_ref().map_or(0, String::len);
    Ok(walk::walk(&syntax, base, &file.module_path, mode, file.forbids_unsafe))
}

/// The new text, if it parses and leaves nothing more to do: a second run changes nothing.
fn checked(new: String, file: &select::SelectedFile, mode: Mode) -> Result<String, String> {
    let again = walked(&new, file, mode).map_err(|e| format!("the changed text does not parse: {e}"))?;
    match again.iter().filter(|f| file.filter.takes(&f.module)).find(|f| f.edit.is_some()) {
        Some(left) => Err(format!("`{}` at line {} still needs a change", left.name, left.line)),
        None => Ok(new),
    }
}
