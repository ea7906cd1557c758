//! A crate's module tree, followed from its root file the way rustc resolves `mod name;`:
//! `name.rs` or `name/mod.rs` beside a `mod.rs`/crate root, under a directory named after any
//! other file, `#[path]` relative to the declaring file's directory (or to the inline modules'
//! directories inside inline modules), `#[cfg_attr(predicate, path = "...")]` included.
//! A module whose `cfg` does not hold in the build (on `mod x;`, on an inline module around
//! it, or `#![cfg]` at the top of its file) is not in the program whose usage is recorded: its
//! file is not read, unless the scan lists what is compiled out, which then marks it.
//!
//! Modules declared inside item-level macro calls are followed too (tokio's `cfg_rt! { pub mod
//! runtime; }`, `cfg_if!`, see `wear_identity::items`). The `macro_rules!` wrappers that add a
//! `cfg` to such items are learnt from each file as it is read; a wrapper defined in a file read
//! after the call (`#[macro_use] mod macros;` declared first, as rustc requires, is read first)
//! is applied when the module it declares is reached.
//!
//! With the scan cache, a file's walk is split in two: what its syntax says (its `mod`
//! declarations, [`Decl`], kept in the cache) and where their files are, looked up on disk
//! every run ([`Resolve`]).
use std::collections::HashSet;
use std::path::{Path, PathBuf};

use wear_identity::cfg::Everything;
use wear_identity::items::{Macros, expand};

use super::cache::{Fingerprint, Key, ModuleKey, ModuleRecord, ScanCache, SitesRecord};
use super::cfg::{FileCfg, configured};
use super::{CompiledOut, Warning};

/// One source file of a crate, parsed.
pub struct ModuleFile {
    /// The file.
    pub file: PathBuf,
    /// The module it holds, as `module_path!()` writes it (`shop::cart`).
    pub(crate) module_path: String,
    /// Its syntax tree.
    pub syntax: syn::File,
    /// The build does not compile it: a `cfg` on its declaration, around it or at its top does
    /// not hold (only with [`CompiledOut::List`]).
    pub(crate) compiled_out: bool,
}

impl std::fmt::Debug for ModuleFile {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ModuleFile")
            .field("file", &self.file)
            .field("module_path", &self.module_path)
            .field("compiled_out", &self.compiled_out)
            .finish()
    }
}

/// Every file of the crate rooted at `root_file`, root first, as if every `cfg` held.
pub fn module_files(root_file: &Path, crate_name: &str, warnings: &mut Vec<Warning>) -> Vec<ModuleFile> {
    let (mut macros, mut not_read) = (Macros::default(), Vec::new());
    module_files_with(
        root_file,
        crate_name,
        &Everything,
        CompiledOut::Skip,
        &mut macros,
        &mut not_read,
        warnings,
    )
}

/// Every file of the crate rooted at `root_file` that the build `cfg` decides compiles, root
/// first; with [`CompiledOut::List`], the others too, marked. Files that cannot be read or
/// parsed, modules whose file is missing and modules whose `#[path]` leads back to a file that
/// declares them (rustc's "circular modules") become warnings. `macros` learns the crate's
/// item-passing `macro_rules!` wrappers from every file read (the sites of its files need them);
/// `not_read` gets the files of declared modules that are not read: the build leaves them out
/// (then the folder of their submodules too), or they cannot be read or parsed (those have a
/// warning).
pub fn module_files_with(
    root_file: &Path,
    crate_name: &str,
    cfg: &dyn FileCfg,
    compiled_out: CompiledOut,
    macros: &mut Macros,
    not_read: &mut Vec<PathBuf>,
    warnings: &mut Vec<Warning>,
) -> Vec<ModuleFile> {
    let mut crate_walk =
        CrateWalk { cfg, list: compiled_out == CompiledOut::List, ahead: false, macros, not_read, warnings };
    let found = crate_walk.run(root_file, crate_name, None);
    found
        .into_iter()
        .filter_map(|m| match m.source {
            Source::Parsed { syntax, .. } => Some(ModuleFile {
                file: m.file,
                module_path: m.module_path,
                syntax,
                compiled_out: m.compiled_out,
            }),
            Source::Text { text, .. } => syn::parse_file(&text).ok().map(|syntax| ModuleFile {
                file: m.file,
                module_path: m.module_path,
                syntax,
                compiled_out: m.compiled_out,
            }),
            // never without a cache, or when finding sites ahead
            Source::Cached { .. } | Source::Found { .. } => None,
        })
        .collect()
}

/// One source file of a crate as the cached scan finds it: parsed this run, or known from the
/// scan cache, in which case its syntax tree is not built unless its sites must be found again.
pub(crate) struct FoundModule {
    /// The file.
    pub(crate) file: PathBuf,
    /// The module it holds, as `module_path!()` writes it.
    pub(crate) module_path: String,
    /// The build does not compile it (only with [`CompiledOut::List`]).
    pub(crate) compiled_out: bool,
    /// Where its contents come from.
    pub(crate) source: Source,
}

/// What the scan has of a module's file.
pub(crate) enum Source {
    /// Parsed this run; `key` is its scan cache entry, `None` when it is not cached (no cache,
    /// or a file that defines `macro_rules!`, whose wrappers need their spans).
    Parsed { syntax: syn::File, key: Option<Key> },
    /// Read from the scan cache under `key`; `text` is kept should its sites be needed again.
    Cached { key: Key, text: String },
    /// Parsed this run, past [`SYNTAX_BUDGET`]: its syntax tree was dropped, and its text is
    /// parsed again for its sites. `key` as for `Parsed`.
    Text { text: String, key: Option<Key> },
    /// Parsed this run and its sites found at once ([`CrateWalk::ahead`]), with the wrappers
    /// learnt so far: `sites.wrappers` says which. If the crate's wrappers turn out the same,
    /// the sites stand; else `text` is parsed again. `key` as for `Parsed`.
    Found { sites: SitesRecord, text: String, key: Option<Key> },
}

/// How many bytes of source a crate's walk that does not find sites ahead ([`CrateWalk::ahead`])
/// keeps as syntax trees for its caller. A tree weighs tens of times its text: on the
/// 40,000-commit benchmark, a crate of 2.3 MB of source held about 100 MiB of them. Files past
/// it are parsed twice; files that define `macro_rules!` are always kept, their wrappers
/// pointing into their trees.
const SYNTAX_BUDGET: usize = 1 << 20;

/// The walk over one crate's module tree, and where it reports.
pub(crate) struct CrateWalk<'w> {
    pub(crate) cfg: &'w dyn FileCfg,
    /// Whether modules the build leaves out are followed (and marked).
    pub(crate) list: bool,
    /// Find each file's sites as soon as it is parsed ([`Source::Found`]) rather than keep its
    /// syntax tree: a tree weighs tens of times its text, and most crates define no wrapper
    /// after their first files, so the sites found then are the ones wanted.
    pub(crate) ahead: bool,
    pub(crate) macros: &'w mut Macros,
    pub(crate) not_read: &'w mut Vec<PathBuf>,
    pub(crate) warnings: &'w mut Vec<Warning>,
}

impl CrateWalk<'_> {
    /// Every file of the crate rooted at `root_file`, root first (see [`module_files_with`]),
    /// each read from `cache` when it has the file's text under the same build and wrappers.
    pub(crate) fn run(
        &mut self,
        root_file: &Path,
        crate_name: &str,
        mut cache: Option<(&mut ScanCache, &Fingerprint)>,
    ) -> Vec<FoundModule> {
        let list = self.list;
        let cfg = self.cfg;
        let mut out = Vec::new();
        let mut seen = HashSet::new();
        // Each pending file comes with itself and the files that declare it, up to the root,
        // canonical, whether a `cfg` on the way leaves it out, and the macro calls it was
        // declared in.
        let root = Pending {
            file: root_file.to_owned(),
            module_path: crate_name.to_owned(),
            mod_rs: true,
            chain: vec![canonical(root_file)],
            declared_out: false,
            through: Vec::new(),
        };
        let mut pending = vec![root];
        let mut wrappers = None;
        let mut found_with: Option<Fingerprint> = None;
        let mut kept_syntax = 0;
        while let Some(Pending { file, module_path, mod_rs, chain, declared_out, through }) = pending.pop() {
            if !seen.insert((file.clone(), module_path.clone())) {
                continue;
            }
            // A wrapper learnt since the call was read: its `cfg` applies now.
            let declared_out = declared_out || !wrappers_hold(&through, self.macros, cfg);
            if declared_out && !list {
                // Its submodules are left out with it: the folder they would be in counts as reached.
                self.not_read.push(children_dir(&file, mod_rs));
                self.not_read.push(file);
                continue;
            }
            let text = match crate::bounded::read_to_string(&file, crate::bounded::SOURCE) {
                Ok(text) => text,
                Err(why) => {
                    self.not_read.push(file.clone());
                    self.warnings.push(Warning {
                        file,
                        line: None,
                        message: format!("{}; skipped", why.reason()),
                    });
                    continue;
                }
            };
            let children_dir = children_dir(&file, mod_rs);
            let key = cache.as_ref().map(|(_, build)| {
                let wrappers = wrappers.get_or_insert_with(|| self.macros.fingerprint());
                let module = ModuleKey { file: &file, module_path: &module_path, mod_rs, declared_out, list };
                Key::of_module(&text, &module, build, wrappers)
            });
            let cached = match (&mut cache, key) {
                (Some((cache, _)), Some(key)) => cache.module(&key).map(|record| (key, record)),
                _ => None,
            };
            let (decls, compiled_out, source) = if let Some((key, record)) = cached {
                cfg.enter_known(&file, declared_out, &record.muted);
                cfg.replay(&record.notes);
                (record.decls, record.compiled_out, Source::Cached { key, text })
            } else {
                let Some((syntax, defines_wrappers, record)) = self.walk_file(&file, &text, declared_out)
                else {
                    continue;
                };
                if defines_wrappers {
                    wrappers = None;
                    found_with = None;
                }
                let (decls, compiled_out) = (record.decls.clone(), record.compiled_out);
                let key = match (&mut cache, key) {
                    (Some((cache, _)), Some(key)) if !defines_wrappers => {
                        cache.put_module(key, record);
                        Some(key)
                    }
                    _ => None,
                };
                // A file the build leaves out is not followed (below) unless listed: no sites.
                if self.ahead && !defines_wrappers && (list || !compiled_out) {
                    let with = *found_with.get_or_insert_with(|| Fingerprint::of(&self.macros.fingerprint()));
                    cfg.hold_notes(true);
                    let sites = super::find_sites(
                        &syntax,
                        (&file, &module_path, compiled_out),
                        cfg,
                        self.macros,
                        with,
                    );
                    cfg.hold_notes(false);
                    (decls, compiled_out, Source::Found { sites, text, key })
                } else if defines_wrappers || kept_syntax + text.len() <= SYNTAX_BUDGET {
                    kept_syntax += text.len();
                    (decls, compiled_out, Source::Parsed { syntax, key })
                } else {
                    (decls, compiled_out, Source::Text { text, key })
                }
            };
            if compiled_out && !list {
                self.not_read.extend([file, children_dir]);
                continue;
            }
            let dir = file.parent().map(Path::to_owned).unwrap_or_default();
            let mut resolve = Resolve {
                file: &file,
                dir: &dir,
                children_dir: &children_dir,
                module_path: &module_path,
                chain: &chain,
                found: Vec::new(),
                other_builds: Vec::new(),
                warnings: self.warnings,
                list,
            };
            for decl in &decls {
                resolve.declared(decl);
            }
            let found = resolve.found;
            self.not_read.extend(resolve.other_builds);
            // Reverse so that the stack pops children in source order.
            pending.extend(found.into_iter().rev().map(
                |(file, canonical, module_path, mod_rs, declared_out, through)| Pending {
                    file,
                    module_path,
                    mod_rs,
                    chain: chain.iter().cloned().chain([canonical]).collect(),
                    declared_out,
                    through,
                },
            ));
            out.push(FoundModule { file, module_path, compiled_out, source });
        }
        out
    }

    /// Parses `file` (whose text is `text`) and walks it: the wrappers it defines are learnt,
    /// and what its walk finds is returned with its syntax tree and whether it defines
    /// `macro_rules!` (then its record must not be kept: see [`Source::Parsed`]). `None` when
    /// it does not parse (a warning says so).
    fn walk_file(
        &mut self,
        file: &Path,
        text: &str,
        declared_out: bool,
    ) -> Option<(syn::File, bool, ModuleRecord)> {
        let cfg = self.cfg;
        let syntax = self.parse(file, text)?;
        let defines_wrappers = defines_macros(&syntax.items);
        if defines_wrappers {
            self.macros.learn(&syntax.items);
        }
        let _ = cfg.take_notes(); // those of `wrappers_hold`, said before this file
        // `#![cfg(...)]` at the top of the file: the module is compiled or not as a whole.
        cfg.enter_file(file, &syntax, declared_out);
        let muted = cfg.muted();
        let compiled_out = declared_out || !configured(&syntax.attrs, cfg).1;
        let decls = if compiled_out && !self.list {
            Vec::new()
        } else {
            let mut walk =
                Walk { inline: Vec::new(), found: Vec::new(), cfg, macros: self.macros, compiled_out };
            walk.items(&syntax.items);
            walk.found
        };
        let record = ModuleRecord { compiled_out, muted, notes: cfg.take_notes(), decls };
        Some((syntax, defines_wrappers, record))
    }

    /// The syntax tree of `text`, or a warning that it does not parse.
    fn parse(&mut self, file: &Path, text: &str) -> Option<syn::File> {
        match syn::parse_file(text) {
            Ok(syntax) => Some(syntax),
            Err(e) => {
                // proc-macro2's lexer gives one message for every way text fails to be tokens.
                let why = match e.to_string() {
                    lex if lex == "cannot parse string into token stream" => "it cannot be split into \
                        tokens: a `(`, `[` or `{` that is not closed, a string or comment that does not \
                        end, or a character Rust does not allow"
                        .to_owned(),
                    why => why,
                };
                self.not_read.push(file.to_owned());
                self.warnings.push(Warning {
                    file: file.to_owned(),
                    line: Some(e.span().start().line),
                    message: format!(
                        "does not parse ({why}); its parts are left out until it does (`cargo check` shows \
                         where)"
                    ),
                });
                None
            }
        }
    }
}

/// Whether `items` define a `macro_rules!` where [`Macros::learn`] looks (the top of the file
/// and inline modules).
fn defines_macros(items: &[syn::Item]) -> bool {
    items.iter().any(|item| match item {
        syn::Item::Macro(m) => m.mac.path.is_ident("macro_rules"),
        syn::Item::Mod(syn::ItemMod { content: Some((_, content)), .. }) => defines_macros(content),
        _ => false,
    })
}

/// A module file found and not read yet.
struct Pending {
    file: PathBuf,
    module_path: String,
    mod_rs: bool,
    /// It and the files that declare it, up to the root, canonical.
    chain: Vec<PathBuf>,
    /// A `cfg` on its declaration or around it does not hold.
    declared_out: bool,
    /// The macro calls its declaration was written in, outermost first.
    through: Vec<String>,
}

/// Where `mod name;` in `file` looks for `name.rs`: beside a `mod.rs` (or crate root), else in
/// the folder named after the file.
fn children_dir(file: &Path, mod_rs: bool) -> PathBuf {
    let dir = file.parent().map(Path::to_owned).unwrap_or_default();
    if mod_rs { dir } else { dir.join(file.file_stem().unwrap_or_default()) }
}

/// Whether the `cfg`s the wrappers among `through` add hold.
fn wrappers_hold(through: &[String], macros: &Macros, cfg: &dyn FileCfg) -> bool {
    through.iter().filter_map(|name| macros.wrapper(name, None)).all(|attrs| configured(&attrs, cfg).1)
}

/// A `mod name;` as the syntax of its file says it: what the scan cache keeps of it. Where its
/// file is depends on the file system, so it is looked up every run ([`Resolve`]).
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Decl {
    /// The module's name, without `r#`.
    pub(crate) name: String,
    /// The line of its name.
    pub(crate) line: usize,
    /// The inline modules it is declared in, outermost first.
    pub(crate) inline: Vec<String>,
    /// The file its `#[path]` names, as the build sees its attributes.
    pub(crate) path: Option<String>,
    /// The other files its `cfg_attr(.., path = "..")`s name (other builds' files).
    pub(crate) other_paths: Vec<String>,
    /// A `cfg` on it or around it does not hold.
    pub(crate) compiled_out: bool,
    /// The macro calls it was declared in, outermost first.
    pub(crate) through: Vec<String>,
}

/// The walk over one file's items, collecting its module declarations.
struct Walk<'a> {
    inline: Vec<String>,
    found: Vec<Decl>,
    cfg: &'a dyn FileCfg,
    macros: &'a Macros,
    /// Whether the items being walked are compiled out.
    compiled_out: bool,
}

impl Walk<'_> {
    fn items(&mut self, items: &[syn::Item]) {
        for expanded in expand(items, self.cfg, self.macros) {
            let syn::Item::Mod(m) = &*expanded.item else { continue };
            let name = wear_identity::render::unraw(&m.ident.to_string()).to_owned();
            // A module the build leaves out is still followed to its files, which are then not
            // read: they are not "unreached".
            let compiled_out = self.compiled_out || expanded.compiled_out;
            match &m.content {
                Some((_, content)) => {
                    self.inline.push(name);
                    let outer = std::mem::replace(&mut self.compiled_out, compiled_out);
                    self.items(content);
                    self.compiled_out = outer;
                    self.inline.pop();
                }
                None => {
                    // `attrs` are the declaration's attributes as the build sees them
                    // (`cfg_attr` applied).
                    let path = path_attr(&expanded.attrs);
                    let other_paths =
                        cfg_attr_paths(&m.attrs).into_iter().filter(|p| Some(p) != path.as_ref()).collect();
                    self.found.push(Decl {
                        name,
                        line: m.ident.span().start().line,
                        inline: self.inline.clone(),
                        path,
                        other_paths,
                        compiled_out,
                        through: expanded.through,
                    })
                }
            }
        }
    }
}

/// Finds the files of one file's module declarations.
struct Resolve<'a> {
    file: &'a Path,
    dir: &'a Path,
    /// Where `mod name;` at the top of the file looks for `name.rs`.
    children_dir: &'a Path,
    module_path: &'a str,
    /// This file and the files that declare it, up to the crate root, canonical.
    chain: &'a [PathBuf],
    /// Declared module files: file, the same canonical, module path, whether it is a `mod.rs`,
    /// whether compiled out, the macro calls it was declared in.
    found: Vec<(PathBuf, PathBuf, String, bool, bool, Vec<String>)>,
    /// Files `cfg_attr(.., path = "..")` names for builds other than this one.
    other_builds: Vec<PathBuf>,
    warnings: &'a mut Vec<Warning>,
    /// Whether modules the build leaves out are followed (and marked).
    list: bool,
}

impl Resolve<'_> {
    fn declared(&mut self, decl: &Decl) {
        let Decl { name, line, inline, compiled_out, .. } = decl;
        let (line, compiled_out) = (*line, *compiled_out);
        let mut module_path = self.module_path.to_owned();
        for inline in inline {
            module_path.push_str("::");
            module_path.push_str(inline);
        }
        module_path.push_str("::");
        module_path.push_str(name);
        // Inside inline modules, `mod name;` looks in their folders, and so does `#[path]`.
        let base = inline.iter().fold(self.children_dir.to_owned(), |base, inline| base.join(inline));
        let at = if inline.is_empty() { self.dir } else { &base };
        // The files a `cfg_attr(predicate, path = "...")` names under a predicate that does
        // not hold are another build's file for this module: reached, not read.
        self.other_builds.extend(decl.other_paths.iter().map(|other| at.join(other)));
        let found = match &decl.path {
            Some(path) => {
                let file = at.join(path);
                if !holds_a_file(&file) {
                    return self.missing(line, name, &[file], compiled_out);
                }
                (file, true)
            }
            None => {
                let flat = base.join(format!("{name}.rs"));
                let nested = base.join(name).join("mod.rs");
                if holds_a_file(&flat) {
                    (flat, false)
                } else if holds_a_file(&nested) {
                    (nested, true)
                } else {
                    return self.missing(line, name, &[flat, nested], compiled_out);
                }
            }
        };
        // `#[path = "lib.rs"]` in lib.rs (or a link back) would be followed for ever.
        let canonical = canonical(&found.0);
        if self.chain.contains(&canonical) {
            return self.warnings.push(Warning {
                file: self.file.to_owned(),
                line: Some(line),
                message: format!(
                    "module `{name}` is declared inside its own file {} (rustc refuses such circular \
                     modules); skipped",
                    found.0.display()
                ),
            });
        }
        self.found.push((found.0, canonical, module_path, found.1, compiled_out, decl.through.clone()));
    }

    /// A module without its file: a warning, unless the build leaves it out anyway (the file of
    /// another platform's module may well not be there).
    fn missing(&mut self, line: usize, name: &str, tried: &[PathBuf], compiled_out: bool) {
        if compiled_out && !self.list {
            return;
        }
        let tried: Vec<_> = tried.iter().map(|p| p.display().to_string()).collect();
        self.warnings.push(Warning {
            file: self.file.to_owned(),
            line: Some(line),
            message: format!("module `{name}` has no file (looked for {}); skipped", tried.join(" and ")),
        });
    }
}

/// The path without `.`, `..` and symbolic links, to tell that two paths are one file; the
/// path as it is when that cannot be worked out (the file is missing).
fn canonical(file: &Path) -> PathBuf {
    std::fs::canonicalize(file).unwrap_or_else(|_| file.to_owned())
}

/// Every `path = "..."` inside the `cfg_attr`s among `attrs`, whatever their predicates.
fn cfg_attr_paths(attrs: &[syn::Attribute]) -> Vec<String> {
    let mut out = Vec::new();
    for attr in attrs.iter().filter(|a| a.path().is_ident("cfg_attr")) {
        let Ok(list) =
            attr.parse_args_with(syn::punctuated::Punctuated::<syn::Meta, syn::Token![,]>::parse_terminated)
        else {
            continue;
        };
        let added: Vec<syn::Attribute> =
            list.into_iter().skip(1).map(|meta| syn::Attribute { meta, ..attr.clone() }).collect();
        out.extend(path_attr(&added));
        out.extend(cfg_attr_paths(&added));
    }
    out
}

/// The file named by `#[path = "..."]`.
fn path_attr(attrs: &[syn::Attribute]) -> Option<String> {
    attrs.iter().find(|a| a.path().is_ident("path")).and_then(|a| match &a.meta {
        syn::Meta::NameValue(nv) => match &nv.value {
            syn::Expr::Lit(syn::ExprLit { lit: syn::Lit::Str(s), .. }) => Some(s.value()),
            _ => None,
        },
        _ => None,
    })
}

/// Whether a module's file is at `path`: anything but a folder, as rustc sees it, so that a
/// FIFO or a device there is named for what it is when read rather than called missing.
fn holds_a_file(path: &Path) -> bool {
    std::fs::metadata(path).is_ok_and(|meta| !meta.is_dir())
}
