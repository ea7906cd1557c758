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
use std::collections::HashSet;
use std::path::{Path, PathBuf};

use wear_identity::cfg::Everything;
use wear_identity::items::{Macros, expand};

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
    let list = compiled_out == CompiledOut::List;
    let mut out = Vec::new();
    let mut seen = HashSet::new();
    // Each pending file comes with the files that declare it, up to the root, canonical,
    // whether a `cfg` on the way leaves it out, and the macro calls it was declared in.
    let root = Pending {
        file: root_file.to_owned(),
        module_path: crate_name.to_owned(),
        mod_rs: true,
        chain: Vec::new(),
        declared_out: false,
        through: Vec::new(),
    };
    let mut pending = vec![root];
    while let Some(Pending { file, module_path, mod_rs, mut chain, declared_out, through }) = pending.pop() {
        if !seen.insert((file.clone(), module_path.clone())) {
            continue;
        }
        // A wrapper learnt since the call was read: its `cfg` applies now.
        let declared_out = declared_out || !wrappers_hold(&through, macros, cfg);
        if declared_out && !list {
            // Its submodules are left out with it: the folder they would be in counts as reached.
            not_read.push(children_dir(&file, mod_rs));
            not_read.push(file);
            continue;
        }
        chain.push(canonical(&file));
        let text = match crate::bounded::read_to_string(&file, crate::bounded::SOURCE) {
            Ok(text) => text,
            Err(why) => {
                not_read.push(file.clone());
                warnings.push(Warning { file, line: None, message: format!("{}; skipped", why.reason()) });
                continue;
            }
        };
        let syntax = match syn::parse_file(&text) {
            Ok(syntax) => syntax,
            Err(e) => {
                // proc-macro2's lexer gives one message for every way text fails to be tokens.
                let why = match e.to_string() {
                    lex if lex == "cannot parse string into token stream" => "it cannot be split into \
                        tokens: a `(`, `[` or `{` that is not closed, a string or comment that does not \
                        end, or a character Rust does not allow"
                        .to_owned(),
                    why => why,
                };
                not_read.push(file.clone());
                warnings.push(Warning {
                    file,
                    line: Some(e.span().start().line),
                    message: format!(
                        "does not parse ({why}); its parts are left out until it does (`cargo check` shows \
                         where)"
                    ),
                });
                continue;
            }
        };
        macros.learn(&syntax.items);
        // `#![cfg(...)]` at the top of the file: the module is compiled or not as a whole.
        cfg.enter_file(&file, &syntax, declared_out);
        let compiled_out = declared_out || !configured(&syntax.attrs, cfg).1;
        let dir = file.parent().map(Path::to_owned).unwrap_or_default();
        let children_dir = children_dir(&file, mod_rs);
        if compiled_out && !list {
            not_read.extend([file, children_dir]);
            continue;
        }
        let mut walk = Walk {
            file: &file,
            dir: &dir,
            module_path: &module_path,
            inline: Vec::new(),
            chain: &chain,
            found: Vec::new(),
            other_builds: Vec::new(),
            warnings,
            cfg,
            macros,
            list,
            compiled_out,
        };
        walk.items(&syntax.items, &children_dir);
        let found = walk.found;
        not_read.extend(walk.other_builds);
        // Reverse so that the stack pops children in source order.
        pending.extend(found.into_iter().rev().map(|(file, module_path, mod_rs, declared_out, through)| {
            Pending { file, module_path, mod_rs, chain: chain.clone(), declared_out, through }
        }));
        out.push(ModuleFile { file, module_path, syntax, compiled_out });
    }
    out
}

/// A module file found and not read yet.
struct Pending {
    file: PathBuf,
    module_path: String,
    mod_rs: bool,
    /// The files that declare it, up to the root, canonical.
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

struct Walk<'a> {
    file: &'a Path,
    dir: &'a Path,
    module_path: &'a str,
    inline: Vec<String>,
    /// This file and the files that declare it, up to the crate root, canonical.
    chain: &'a [PathBuf],
    /// Declared module files: file, module path, whether it is a `mod.rs`, whether compiled
    /// out, the macro calls it was declared in.
    found: Vec<(PathBuf, String, bool, bool, Vec<String>)>,
    /// Files `cfg_attr(.., path = "..")` names for builds other than this one.
    other_builds: Vec<PathBuf>,
    warnings: &'a mut Vec<Warning>,
    cfg: &'a dyn FileCfg,
    macros: &'a Macros,
    /// Whether modules the build leaves out are followed (and marked).
    list: bool,
    /// Whether the items being walked are compiled out.
    compiled_out: bool,
}

impl Walk<'_> {
    /// `base` is where `mod name;` looks for `name.rs` at this depth of inline modules.
    fn items(&mut self, items: &[syn::Item], base: &Path) {
        for expanded in expand(items, self.cfg, self.macros) {
            let syn::Item::Mod(m) = &*expanded.item else { continue };
            let name = wear_identity::render::unraw(&m.ident.to_string()).to_owned();
            // A module the build leaves out is still followed to its files, which are then not
            // read: they are not "unreached".
            let compiled_out = self.compiled_out || expanded.compiled_out;
            match &m.content {
                Some((_, content)) => {
                    self.inline.push(name.clone());
                    let outer = std::mem::replace(&mut self.compiled_out, compiled_out);
                    self.items(content, &base.join(&name));
                    self.compiled_out = outer;
                    self.inline.pop();
                }
                None => self.declared(m, &expanded.attrs, &name, base, compiled_out, expanded.through),
            }
        }
    }

    /// `attrs` are the declaration's attributes as the build sees them (`cfg_attr` applied).
    fn declared(
        &mut self,
        m: &syn::ItemMod,
        attrs: &[syn::Attribute],
        name: &str,
        base: &Path,
        compiled_out: bool,
        through: Vec<String>,
    ) {
        let mut module_path = self.module_path.to_owned();
        for inline in &self.inline {
            module_path.push_str("::");
            module_path.push_str(inline);
        }
        module_path.push_str("::");
        module_path.push_str(name);
        let line = m.ident.span().start().line;
        // The files a `cfg_attr(predicate, path = "...")` names under a predicate that does
        // not hold are another build's file for this module: reached, not read.
        let at = if self.inline.is_empty() { self.dir } else { base };
        let chosen = path_attr(attrs);
        for other in cfg_attr_paths(&m.attrs).into_iter().filter(|p| Some(p) != chosen.as_ref()) {
            self.other_builds.push(at.join(other));
        }
        let found = match chosen {
            Some(path) => {
                let at = if self.inline.is_empty() { self.dir } else { base };
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
        if self.chain.contains(&canonical(&found.0)) {
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
        self.found.push((found.0, module_path, found.1, compiled_out, through));
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
