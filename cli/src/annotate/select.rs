//! Which files `annotate` reads: the scan's crates (every library, binary and example of the
//! workspace's members, from [`load_workspace`]) narrowed by `-p`, their module trees as the
//! scan follows them ([`module_files`]), narrowed by the paths and module paths given.
//!
//! A path selects the module files it is or holds; a module path (`shop::net`, or `crate::net`
//! in every chosen crate) selects the files of that module and below, or the functions of an
//! inline module. Every argument must select something: a typo is an error, not a run that
//! quietly does nothing. Files whose real path is outside the workspace (reached through a
//! symbolic link or `#[path]`) are changed only when a path argument names them.
use std::collections::HashSet;
use std::path::{Component, Path, PathBuf};

use super::packages::Package;
use crate::error::{Error, Result};
use crate::safe_text::escape;
use crate::scan::{Warning, Workspace, module_files, relative};

/// One crate whose files are read.
#[derive(Clone, Debug)]
pub(crate) struct Crate {
    /// Its name, as `module_path!()` starts.
    pub(crate) name: String,
    /// Its package.
    pub(crate) package: String,
    /// Its root file, relative to the workspace root (tells a library from a binary).
    pub(crate) root: String,
}

/// Which functions of a file are chosen.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Filter {
    /// All of them.
    All,
    /// Those in these modules or below (inline modules of the file).
    Modules(Vec<String>),
}

impl Filter {
    /// Whether a function in `module` is chosen.
    pub(crate) fn takes(&self, module: &str) -> bool {
        match self {
            Filter::All => true,
            Filter::Modules(modules) => modules.iter().any(|m| is_within(module, m)),
        }
    }
}

/// One file to read.
#[derive(Clone, Debug)]
pub(crate) struct SelectedFile {
    /// The path the crate's module tree reaches it by.
    pub(crate) path: PathBuf,
    /// The file itself, symbolic links followed: what is read and written.
    pub(crate) real: PathBuf,
    /// Its module.
    pub(crate) module_path: String,
    /// Index in [`Selection::crates`] of the first crate that reaches it.
    pub(crate) crate_index: usize,
    /// Its chosen functions.
    pub(crate) filter: Filter,
    /// Under `forbid(unsafe_code)` from outside the file: the package's `[lints]`, or an
    /// attribute on a module around it or on its `mod` declaration.
    pub(crate) forbids_unsafe: bool,
}

/// What the arguments chose.
#[derive(Debug, Default)]
pub(crate) struct Selection {
    pub(crate) crates: Vec<Crate>,
    pub(crate) files: Vec<SelectedFile>,
    /// Proc-macro packages among those chosen, left alone.
    pub(crate) proc_macros: Vec<String>,
    /// Files that cannot be read or parsed, modules not found, files outside the workspace.
    pub(crate) warnings: Vec<Warning>,
    /// Module paths that select only part of a file: each must select a function.
    pub(crate) inline_module_args: Vec<String>,
}

/// A positional argument.
enum Target {
    Path { given: String, lexical: PathBuf, real: PathBuf },
    Module(String),
}

/// Chooses the files. `cwd` is where relative paths start.
pub(crate) fn select(
    workspace: &Workspace,
    packages: &[Package],
    chosen_packages: &[String],
    positional: &[String],
    cwd: &Path,
) -> Result<Selection> {
    for name in chosen_packages {
        if !packages.iter().any(|p| &p.name == name) {
            return Err(unknown_package(name, packages));
        }
    }
    let chosen = |package: &str| chosen_packages.is_empty() || chosen_packages.iter().any(|p| p == package);
    let root = workspace.root.canonicalize().unwrap_or_else(|_| workspace.root.clone());
    let mut selection = Selection {
        proc_macros: packages
            .iter()
            .filter(|p| p.proc_macro && chosen(&p.name))
            .map(|p| p.name.clone())
            .collect(),
        ..Selection::default()
    };
    // Arguments are read first: a typo is reported before the crates are parsed.
    let targets = positional.iter().map(|arg| parse_target(arg, cwd)).collect::<Result<Vec<_>>>()?;
    let mut reached: Vec<SelectedFile> = Vec::new();
    let mut seen: HashSet<PathBuf> = HashSet::new();
    for target in workspace.targets.iter().filter(|t| chosen(&t.package)) {
        let crate_index = selection.crates.len();
        selection.crates.push(Crate {
            name: target.crate_name.clone(),
            package: target.package.clone(),
            root: relative(&workspace.root, &target.root_file),
        });
        let forbids_by_lints = packages.iter().any(|p| p.name == target.package && p.forbids_unsafe);
        let modules = module_files(&target.root_file, &target.crate_name, &mut selection.warnings);
        let mut forbidding: Vec<String> = Vec::new();
        for module in &modules {
            forbidding_modules(
                &module.module_path,
                &module.syntax.attrs,
                &module.syntax.items,
                false,
                &mut forbidding,
            );
        }
        for module in modules {
            let real = module.file.canonicalize().unwrap_or_else(|_| module.file.clone());
            let forbids_unsafe =
                forbids_by_lints || forbidding.iter().any(|f| is_within(&module.module_path, f));
            // A file two crates reach (a library and a binary of one package) is changed once.
            if !seen.insert(real.clone()) {
                continue;
            }
            reached.push(SelectedFile {
                path: module.file,
                real,
                module_path: module.module_path,
                crate_index,
                filter: Filter::All,
                forbids_unsafe,
            });
        }
    }
    if targets.is_empty() {
        for file in reached {
            if file.real.starts_with(&root) {
                selection.files.push(file);
            } else {
                selection.warnings.push(outside(&file));
            }
        }
        return Ok(selection);
    }
    let warned: Vec<PathBuf> = selection.warnings.iter().map(|w| w.file.clone()).collect();
    let mut filters: Vec<Option<Filter>> = vec![None; reached.len()];
    for target in &targets {
        let mut matched = false;
        for (file, filter) in reached.iter().zip(filters.iter_mut()) {
            let take = match target {
                Target::Path { lexical, real, .. } => [&file.path, &file.real]
                    .iter()
                    .any(|p| p.starts_with(lexical) || p.starts_with(real))
                    .then_some(Filter::All),
                Target::Module(module) => {
                    let crate_name = &selection.crates[file.crate_index].name;
                    let module = match module.strip_prefix("crate") {
                        Some(rest) if rest.is_empty() || rest.starts_with("::") => {
                            format!("{crate_name}{rest}")
                        }
                        _ => module.clone(),
                    };
                    if is_within(&file.module_path, &module) {
                        Some(Filter::All)
                    } else if is_within(&module, &file.module_path) {
                        Some(Filter::Modules(vec![module]))
                    } else {
                        None
                    }
                }
            };
            if let Some(take) = take {
                matched = true;
                *filter = Some(merge(filter.take(), take));
            }
        }
        match target {
            Target::Path { given, lexical, real } if !matched => {
                let parse_warned = warned.iter().any(|w| w.starts_with(lexical) || w.starts_with(real));
                if !parse_warned {
                    return Err(no_source(given, !chosen_packages.is_empty()));
                }
            }
            Target::Module(module) if !matched => return Err(no_module(module)),
            _ => {}
        }
    }
    for (file, filter) in reached.into_iter().zip(filters) {
        let Some(filter) = filter else { continue };
        if let Filter::Modules(modules) = &filter {
            selection.inline_module_args.extend(modules.iter().cloned());
        }
        selection.files.push(SelectedFile { filter, ..file });
    }
    selection.inline_module_args.sort();
    selection.inline_module_args.dedup();
    // Named outright, a file outside the workspace is the user's choice; reached through a
    // module path, it is not.
    let named = |file: &SelectedFile| {
        targets.iter().any(|t| matches!(t, Target::Path { lexical, real, .. } if [&file.path, &file.real].iter().any(|p| p.starts_with(lexical) || p.starts_with(real))))
    };
    let (inside, outside_root): (Vec<_>, Vec<_>) =
        std::mem::take(&mut selection.files).into_iter().partition(|f| f.real.starts_with(&root) || named(f));
    selection.files = inside;
    selection.warnings.extend(outside_root.iter().map(outside));
    Ok(selection)
}

/// Collects the modules under `forbid(unsafe_code)` that a file declares: its own (an inner
/// attribute), and those of its `mod name;` declarations with the attribute or inside an
/// inline module that has it. Inline modules themselves are the walk's to see.
fn forbidding_modules(
    module: &str,
    attrs: &[syn::Attribute],
    items: &[syn::Item],
    around: bool,
    out: &mut Vec<String>,
) {
    let here = around || attrs.iter().any(super::walk::forbids_unsafe_code);
    if here && !around {
        out.push(module.to_owned());
    }
    for item in items {
        let syn::Item::Mod(m) = item else { continue };
        let path = format!("{module}::{}", wear_identity::render::unraw(&m.ident.to_string()));
        let forbids = here || m.attrs.iter().any(super::walk::forbids_unsafe_code);
        match &m.content {
            Some((_, inner)) => forbidding_modules(&path, &[], inner, forbids, out),
            None if forbids => out.push(path),
            None => {}
        }
    }
}

/// Whether module `inner` is `outer` or inside it.
fn is_within(inner: &str, outer: &str) -> bool {
    inner == outer || inner.strip_prefix(outer).is_some_and(|rest| rest.starts_with("::"))
}

fn merge(old: Option<Filter>, new: Filter) -> Filter {
    match (old, new) {
        (None, new) => new,
        (Some(Filter::All), _) | (_, Filter::All) => Filter::All,
        (Some(Filter::Modules(mut a)), Filter::Modules(b)) => {
            a.extend(b);
            Filter::Modules(a)
        }
    }
}

fn parse_target(arg: &str, cwd: &Path) -> Result<Target> {
    let path = cwd.join(arg);
    if let Ok(real) = path.canonicalize() {
        return Ok(Target::Path { given: arg.to_owned(), lexical: lexical(&path), real });
    }
    let is_module = !arg.is_empty()
        && arg.split("::").all(|segment| {
            let segment = segment.strip_prefix("r#").unwrap_or(segment);
            segment.chars().next().is_some_and(|c| c.is_alphabetic() || c == '_')
                && segment.chars().all(|c| c.is_alphanumeric() || c == '_')
        });
    if is_module {
        return Ok(Target::Module(
            arg.split("::").map(|s| s.strip_prefix("r#").unwrap_or(s)).collect::<Vec<_>>().join("::"),
        ));
    }
    Err(Error::new(format!("`{}`: no such file or folder", escape(arg)))
        .help("give files or folders of the crates' sources, or a module path like `my_crate::net`"))
}

/// `path` with `.` and `..` resolved by their names, as the user meant them.
fn lexical(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for component in path.components() {
        match component {
            Component::CurDir => {}
            Component::ParentDir => {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out
}

fn outside(file: &SelectedFile) -> Warning {
    Warning {
        file: file.path.clone(),
        line: None,
        message: format!(
            "is outside the workspace (it is {}); left alone: name it as an argument to change it",
            file.real.display()
        ),
    }
}

/// A module path that selects no function. (One that names an inline module is only known to
/// be missing once the files are walked.)
pub(crate) fn no_module(module: &str) -> Error {
    let not_a_file = if module.contains("::") { "" } else { ", and no file or folder of that name" };
    Error::new(format!("no module `{}` in the chosen crates{not_a_file}", escape(module))).help(
        "write a module path as `module_path!()` does, from the crate's name (`my_crate::net::tcp`), \
         or `crate::net::tcp` for every chosen crate",
    )
}

fn no_source(given: &str, narrowed: bool) -> Error {
    let also = if narrowed { ", or it belongs to a package not chosen with -p" } else { "" };
    Error::new(format!("`{}` holds no module file of the workspace's crates{also}", escape(given))).help(
        "annotate changes the files a crate's `mod` declarations reach from its root (src/lib.rs, \
         src/main.rs, examples); tests, benches, build scripts and `#[cfg(test)]` modules are left alone",
    )
}

fn unknown_package(name: &str, packages: &[Package]) -> Error {
    let alike = |a: &str| a.replace('_', "-");
    let help = match packages.iter().find(|p| alike(&p.name) == alike(name)) {
        Some(p) => format!("did you mean `{}`? -p takes the package name as `Cargo.toml` writes it", p.name),
        None => {
            let names: Vec<&str> = packages.iter().map(|p| p.name.as_str()).collect();
            format!("the workspace's packages: {}", names.join(", "))
        }
    };
    Error::new(format!("package `{name}` is not a member of this workspace")).help(help)
}
