//! Finds every tracked part of a cargo workspace in its sources, named, located and
//! fingerprinted exactly as the macro does (contract 1): the workspace's members come from
//! `cargo metadata`, each target's module tree is followed from its root file, and each file's
//! functions come from `wear_identity::site`, the code the macro itself uses. Only what the
//! build being measured compiles is a part ([`cfg`]): code under a `cfg` that does not hold
//! and tests are left out. What each file gives is kept by its content ([`cache`]), so that a
//! run over unchanged files builds no syntax tree.
mod cache;
pub(crate) mod cfg;
mod likely;
mod modules;
mod nfc;
mod unreached;
mod workspace;

#[cfg(test)]
mod ahead_tests;

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use serde::Serialize;
use wear_identity::args::Limits;
use wear_identity::items::Macros;
use wear_identity::serial::Serial;
use wear_identity::site::{FnSite, sites_in_crate_file};

use crate::error::Result;
use crate::safe_text::escape;
use cache::{Fingerprint, Key, ScanCache, SiteRecord, SitesRecord};
use cfg::{BuildOptions, Decider, FileCfg, UndecidedLog};
pub(crate) use likely::likely_sources;
use modules::{CrateWalk, FoundModule, Source};
pub use modules::{ModuleFile, module_files, module_files_with};
pub(crate) use workspace::{Target, Workspace, load_workspace};

/// One tracked function found in the sources.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Part {
    /// The part path, as `module_path!()` and the owner make it.
    pub path: String,
    /// The source file, absolute.
    pub(crate) file: PathBuf,
    /// The source file relative to the workspace root, with `/` (what `file!()` gives).
    pub rel_file: String,
    /// First and last line.
    pub lines: (u32, u32),
    /// The fingerprint of the function's tokens.
    pub serial: Serial,
    /// The serial earlier builds of wear gave the same code (`wear-serial/1`): usage and sign-offs recorded
    /// under it count for this part (see `assemble`).
    pub(crate) legacy_serial: Serial,
    /// Limits set in its attribute (or its impl's, trait's or module's).
    pub limits: Limits,
    /// The package it belongs to.
    pub package: String,
    /// The build does not compile it (listed only with [`CompiledOut::List`]).
    pub(crate) compiled_out: bool,
}

/// A problem that does not stop the scan: the file is skipped or the function left out. Shown
/// on one line, with outside text (the file name, the quoted code) escaped by [`escape`].
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Warning {
    /// The file at fault.
    pub file: PathBuf,
    /// The 1-based line, when known.
    pub line: Option<usize>,
    /// What is wrong and what was done about it.
    pub message: String,
}

impl std::fmt::Display for Warning {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.line {
            Some(line) => {
                write!(f, "{}:{line}: {}", escape(&self.file.display().to_string()), escape(&self.message))
            }
            None => write!(f, "{}: {}", escape(&self.file.display().to_string()), escape(&self.message)),
        }
    }
}

/// Every part of a workspace, and what could not be read.
#[derive(Clone, Debug)]
pub struct Scan {
    /// The workspace root (where `wear.toml` lives).
    pub root: PathBuf,
    /// The target directory cargo uses (caches and the ledger go under `wear/`).
    pub(crate) target_dir: PathBuf,
    /// Every part, sorted by path, then file and line.
    pub parts: Vec<Part>,
    /// Files that do not parse, modules whose file is missing, wrong attribute arguments,
    /// `cfg` predicates that cannot be decided.
    pub warnings: Vec<Warning>,
    /// The files the scan read: manifests and every module file reached.
    pub(crate) read: BTreeSet<PathBuf>,
}

/// Which functions a scan makes parts of.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Functions {
    /// Tracked functions only: the parts the runtime counts.
    Tracked,
    /// Every function with a body (fn items, impl and trait methods, `const fn` too), tracked
    /// or not, for a map of age alone (`heatmap --all`); untracked ones get no limits of their
    /// own. What the build does not compile is still left out.
    Every,
}

/// What a scan does with functions the build does not compile.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum CompiledOut {
    /// Leave them out, and read no file that is compiled out: the parts of the program.
    #[default]
    Skip,
    /// List them too, marked [`Part::compiled_out`] (`scan --compiled-out`).
    List,
}

/// Scans the workspace of `manifest_path` (or the one around the current directory), as a
/// release build for the host with default features compiles it.
pub fn scan_workspace(manifest_path: Option<&Path>) -> Result<Scan> {
    scan_workspace_for(manifest_path, &BuildOptions::default(), Functions::Tracked)
}

/// Scans the workspace of `manifest_path` for the functions `which` asks for, as `build`
/// compiles it.
pub(crate) fn scan_workspace_for(
    manifest_path: Option<&Path>,
    build: &BuildOptions,
    which: Functions,
) -> Result<Scan> {
    let workspace = load_workspace(manifest_path, build)?;
    Ok(scan_targets_for(&workspace, which, CompiledOut::Skip, false))
}

/// The stack the scan runs on. `syn` parses, walks and drops nested code recursively: a file
/// with a thousand nested brackets, or thousands of `!` or `&` in a row, overflowed the 8 MiB
/// of the main thread and aborted `cargo wear scan` (found replaying the fuzz corpus). Only
/// the pages a scan touches are committed.
const SCAN_STACK: usize = 1 << 30;

/// Scans the targets of an already loaded workspace for the functions `which` asks for, with
/// or without what the build does not compile; with `cache`, through the scan cache in
/// `<target-dir>/wear/scan-cache` ([`cache`]).
pub(crate) fn scan_targets_for(
    workspace: &Workspace,
    which: Functions,
    compiled_out: CompiledOut,
    cache: bool,
) -> Scan {
    let dir = cache.then(|| workspace.target_dir.join("wear").join("scan-cache"));
    let scan = |mut cache: ScanCache| {
        let scan = scan_on_this_thread(workspace, (which, compiled_out), &mut cache, true);
        (scan, cache)
    };
    let (scan, cache) = std::thread::scope(|scope| {
        let big = std::thread::Builder::new().name("scan".to_owned()).stack_size(SCAN_STACK);
        match big.spawn_scoped(scope, || scan(ScanCache::open(dir.as_deref()))) {
            Ok(thread) => thread.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic)),
            // No room for such a stack (a tight `ulimit -v`): scan here, as before.
            Err(_) => scan(ScanCache::open(dir.as_deref())),
        }
    });
    cache.save();
    scan
}

/// The scan, on the calling thread; `ahead` finds each file's sites as it is parsed (see
/// [`CrateWalk::ahead`]), as the CLI always does; tests compare it with the walk that keeps
/// syntax trees.
fn scan_on_this_thread(
    workspace: &Workspace,
    (which, compiled_out): (Functions, CompiledOut),
    cache: &mut ScanCache,
    ahead: bool,
) -> Scan {
    let mut parts = Vec::new();
    let mut warnings = workspace.warnings.clone();
    let undecided = UndecidedLog::default();
    // Per package: its crate roots, and every file its module trees reached.
    let mut reach: BTreeMap<&str, (Vec<PathBuf>, BTreeSet<PathBuf>)> = BTreeMap::new();
    for target in &workspace.targets {
        let cfg = Decider::new(&target.build, &undecided);
        let build = Fingerprint::of(&format!("{:?}", target.build));
        let (mut macros, mut left_out) = (Macros::default(), Vec::new());
        let list = compiled_out == CompiledOut::List;
        let mut walk = CrateWalk {
            cfg: &cfg,
            list,
            ahead,
            macros: &mut macros,
            not_read: &mut left_out,
            warnings: &mut warnings,
        };
        let modules = walk.run(&target.root_file, &target.crate_name, Some((&mut *cache, &build)));
        let (roots, reached) = reach.entry(&target.package).or_default();
        roots.push(target.root_file.clone());
        reached.extend(left_out);
        let wrappers = Fingerprint::of(&macros.fingerprint());
        for module in modules {
            reached.insert(module.file.clone());
            let scope = (which, compiled_out);
            let known = match &module.source {
                Source::Cached { key, .. } => cache.sites(key, &wrappers).cloned(),
                // Found ahead with the wrappers the crate turned out to have: they stand.
                Source::Found { sites, key, .. } if sites.wrappers == wrappers => {
                    if let Some(key) = key {
                        cache.put_sites(key, sites.clone());
                    }
                    Some(sites.clone())
                }
                Source::Parsed { .. } | Source::Text { .. } | Source::Found { .. } => None,
            };
            if let Some(known) = known {
                cfg.enter_known(&module.file, module.compiled_out, &known.muted);
                cfg.replay(&known.notes);
                parts_of_module(workspace, target, &module, &known.sites, scope, &mut parts, &mut warnings);
                continue;
            }
            let found = sites_of(&module, (&cfg, &macros, &wrappers), cache);
            parts_of_module(workspace, target, &module, &found, scope, &mut parts, &mut warnings);
        }
    }
    let mut read: BTreeSet<PathBuf> = workspace.manifests.iter().cloned().collect();
    for (roots, reached) in reach.values() {
        let missed = unreached::unreached_files(roots, reached, &workspace.target_dir);
        warnings.extend(unreached::warning(&workspace.root, &missed));
        read.extend(roots.iter().chain(reached).cloned());
    }
    warnings.extend(undecided.into_warnings());
    crate::order::sort_large_by(&mut parts, |a, b| {
        (&a.path, &a.file, a.lines).cmp(&(&b.path, &b.file, b.lines))
    });
    // A file reached by two targets of one package under the same crate name (a library and
    // a binary of the same name both declaring it) is one set of parts.
    parts.dedup_by(|a, b| a.path == b.path && a.file == b.file && a.lines == b.lines);
    Scan { root: workspace.root.clone(), target_dir: workspace.target_dir.clone(), parts, warnings, read }
}

/// The functions of one module file that the scan cache does not have under the crate's
/// wrappers, from its syntax tree (kept in the cache).
fn sites_of(
    module: &FoundModule,
    (cfg, macros, wrappers): (&Decider<'_>, &Macros, &Fingerprint),
    cache: &mut ScanCache,
) -> Vec<SiteRecord> {
    let parsed;
    let (syntax, key): (&syn::File, Option<&Key>) = match &module.source {
        Source::Cached { key, text } => {
            // The walk was cached, and the crate's wrappers have changed since: the text is the
            // one the key was made of, so it parses as it did then.
            match syn::parse_file(text) {
                Ok(syntax) => parsed = syntax,
                Err(_) => return Vec::new(),
            }
            (&parsed, Some(key))
        }
        Source::Text { text, key } | Source::Found { text, key, .. } => match syn::parse_file(text) {
            Ok(syntax) => {
                parsed = syntax;
                (&parsed, key.as_ref())
            }
            Err(_) => return Vec::new(),
        },
        Source::Parsed { syntax, key } => (syntax, key.as_ref()),
    };
    let _ = cfg.take_notes();
    let found =
        find_sites(syntax, (&module.file, &module.module_path, module.compiled_out), cfg, macros, *wrappers);
    let sites = found.sites.clone();
    if let Some(key) = key {
        cache.put_sites(key, found);
    }
    sites
}

/// The functions of the file `file` of module `module_path` (`compiled_out` when the build
/// leaves the whole file out), parsed as `syntax`, found with the crate's `macros` whose
/// fingerprint is `wrappers`; with what the `cfg` decider noted and muted on the way.
fn find_sites(
    syntax: &syn::File,
    (file, module_path, compiled_out): (&Path, &str, bool),
    cfg: &dyn FileCfg,
    macros: &Macros,
    wrappers: Fingerprint,
) -> SitesRecord {
    cfg.enter_file(file, syntax, compiled_out);
    let muted = cfg.muted();
    let sites =
        sites_in_crate_file(syntax, cfg, macros).iter().map(|site| site_record(site, module_path)).collect();
    SitesRecord { wrappers, muted, notes: cfg.take_notes(), sites }
}

/// What the scan keeps of a function of the module `module_path`.
fn site_record(site: &FnSite, module_path: &str) -> SiteRecord {
    SiteRecord {
        name: site.name.clone(),
        name_line: site.name_line,
        path: nfc::nfc(site.part_path(module_path)),
        lines: (site.lines.0 as u32, site.lines.1 as u32),
        serial: site.serial,
        legacy_serial: site.legacy_serial,
        is_const: site.is_const,
        test: site.test,
        compiled_out: site.compiled_out,
        tracked: site.tracked.as_ref().map(|t| t.as_ref().map(|args| args.limits).map_err(Clone::clone)),
    }
}

/// The parts of one file. A `compiled_out` file is only walked when listing what is compiled
/// out; tests are never parts, whatever the build.
fn parts_of_module(
    workspace: &Workspace,
    target: &Target,
    module: &FoundModule,
    sites: &[SiteRecord],
    (which, listed): (Functions, CompiledOut),
    parts: &mut Vec<Part>,
    warnings: &mut Vec<Warning>,
) {
    let every = which == Functions::Every;
    let rel_file = relative(&workspace.root, &module.file);
    for site in sites {
        let compiled_out = module.compiled_out || site.compiled_out;
        if site.test || (compiled_out && listed == CompiledOut::Skip) || (site.is_const && !every) {
            continue;
        }
        let limits = match &site.tracked {
            Some(Ok(limits)) => *limits,
            None if every => Limits::default(),
            None => continue,
            // rustc never reads the attribute of a function it does not compile.
            Some(Err(_)) if compiled_out => Limits::default(),
            Some(Err(message)) => {
                warnings.push(Warning {
                    file: module.file.clone(),
                    line: Some(site.name_line),
                    message: format!("`{}` is left out: {message}", site.name),
                });
                continue;
            }
        };
        parts.push(Part {
            path: site.path.clone(),
            file: module.file.clone(),
            rel_file: rel_file.clone(),
            lines: site.lines,
            serial: site.serial,
            legacy_serial: site.legacy_serial,
            limits,
            package: target.package.clone(),
            compiled_out,
        });
    }
}

/// `file` relative to `root` with `/` separators, or the whole path when outside it.
pub(crate) fn relative(root: &Path, file: &Path) -> String {
    let rel = file.strip_prefix(root).unwrap_or(file);
    let parts: Vec<_> = rel.components().map(|c| c.as_os_str().to_string_lossy().into_owned()).collect();
    parts.join("/")
}
