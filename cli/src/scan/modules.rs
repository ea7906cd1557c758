//! A crate's module tree, followed from its root file the way rustc resolves `mod name;`:
//! `name.rs` or `name/mod.rs` beside a `mod.rs`/crate root, under a directory named after any
//! other file, `#[path]` relative to the declaring file's directory (or to the inline modules'
//! directories inside inline modules). Modules under `#[cfg(test)]` are left out: they are not
//! in the program whose usage is recorded.
use std::collections::HashSet;
use std::path::{Path, PathBuf};

use super::Warning;

/// One source file of a crate, parsed.
pub struct ModuleFile {
    /// The file.
    pub file: PathBuf,
    /// The module it holds, as `module_path!()` writes it (`shop::cart`).
    pub module_path: String,
    /// Its syntax tree.
    pub syntax: syn::File,
    /// Inline modules (paths below the file's module) under `#[cfg(test)]`.
    test_only: Vec<Vec<String>>,
}

impl std::fmt::Debug for ModuleFile {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ModuleFile")
            .field("file", &self.file)
            .field("module_path", &self.module_path)
            .finish()
    }
}

impl ModuleFile {
    /// Whether a function inside these inline modules is test-only code.
    pub fn is_test_only(&self, inline_modules: &[String]) -> bool {
        self.test_only.iter().any(|t| inline_modules.starts_with(t))
    }
}

/// Every file of the crate rooted at `root_file`, root first. Files that cannot be read or
/// parsed, modules whose file is missing and modules whose `#[path]` leads back to a file that
/// declares them (rustc's "circular modules") become warnings.
pub fn module_files(root_file: &Path, crate_name: &str, warnings: &mut Vec<Warning>) -> Vec<ModuleFile> {
    let mut out = Vec::new();
    let mut seen = HashSet::new();
    // Each pending file comes with the files that declare it, up to the root, canonical.
    let mut pending = vec![(root_file.to_owned(), crate_name.to_owned(), true, Vec::new())];
    while let Some((file, module_path, mod_rs, mut chain)) = pending.pop() {
        if !seen.insert((file.clone(), module_path.clone())) {
            continue;
        }
        chain.push(canonical(&file));
        let text = match std::fs::read_to_string(&file) {
            Ok(text) => text,
            Err(e) => {
                warnings.push(Warning {
                    file,
                    line: None,
                    message: format!("cannot be read ({e}); skipped"),
                });
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
        let dir = file.parent().map(Path::to_owned).unwrap_or_default();
        let children_dir = if mod_rs { dir.clone() } else { dir.join(file.file_stem().unwrap_or_default()) };
        let mut walk = Walk {
            file: &file,
            dir: &dir,
            module_path: &module_path,
            inline: Vec::new(),
            test_only: Vec::new(),
            chain: &chain,
            found: Vec::new(),
            warnings,
        };
        walk.items(&syntax.items, &children_dir);
        let Walk { test_only, found, .. } = walk;
        // Reverse so that the stack pops children in source order.
        pending
            .extend(found.into_iter().rev().map(|(file, path, mod_rs)| (file, path, mod_rs, chain.clone())));
        out.push(ModuleFile { file, module_path, syntax, test_only });
    }
    out
}

struct Walk<'a> {
    file: &'a Path,
    dir: &'a Path,
    module_path: &'a str,
    inline: Vec<String>,
    test_only: Vec<Vec<String>>,
    /// This file and the files that declare it, up to the crate root, canonical.
    chain: &'a [PathBuf],
    found: Vec<(PathBuf, String, bool)>,
    warnings: &'a mut Vec<Warning>,
}

impl Walk<'_> {
    /// `base` is where `mod name;` looks for `name.rs` at this depth of inline modules.
    fn items(&mut self, items: &[syn::Item], base: &Path) {
        for item in items {
            let syn::Item::Mod(m) = item else { continue };
            let name = wear_identity::render::unraw(&m.ident.to_string()).to_owned();
            let test_only = m.attrs.iter().any(is_cfg_test);
            match &m.content {
                Some((_, content)) => {
                    self.inline.push(name.clone());
                    if test_only {
                        self.test_only.push(self.inline.clone());
                    }
                    self.items(content, &base.join(&name));
                    self.inline.pop();
                }
                None if test_only => {}
                None => self.declared(m, &name, base),
            }
        }
    }

    fn declared(&mut self, m: &syn::ItemMod, name: &str, base: &Path) {
        let mut module_path = self.module_path.to_owned();
        for inline in &self.inline {
            module_path.push_str("::");
            module_path.push_str(inline);
        }
        module_path.push_str("::");
        module_path.push_str(name);
        let line = m.ident.span().start().line;
        let found = match path_attr(&m.attrs) {
            Some(path) => {
                let at = if self.inline.is_empty() { self.dir } else { base };
                let file = at.join(path);
                if !file.is_file() {
                    return self.missing(line, name, &[file]);
                }
                (file, true)
            }
            None => {
                let flat = base.join(format!("{name}.rs"));
                let nested = base.join(name).join("mod.rs");
                if flat.is_file() {
                    (flat, false)
                } else if nested.is_file() {
                    (nested, true)
                } else {
                    return self.missing(line, name, &[flat, nested]);
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
        self.found.push((found.0, module_path, found.1));
    }

    fn missing(&mut self, line: usize, name: &str, tried: &[PathBuf]) {
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

/// `#[cfg(test)]`, exactly: other cfgs may well be on in production builds.
fn is_cfg_test(attr: &syn::Attribute) -> bool {
    attr.path().is_ident("cfg")
        && attr.meta.require_list().is_ok_and(|list| list.tokens.to_string().trim() == "test")
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
