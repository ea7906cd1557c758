//! `wear_identity`'s two readings of a source file against each other on every `.rs` file of
//! this workspace: the text outline the macro uses against syn's walk the scan uses (same
//! functions, owners, outer functions and serials), and the serial of a function's text
//! against the serial of its token trees (the macro's fallback). Real code nobody wrote for
//! the test; these live here, not in `wear-identity`, because they read the repository.
use std::path::{Path, PathBuf};

use syn::spanned::Spanned;
use wear_identity::outline::{Function, Outline};
use wear_identity::serial::{serial_of_fn, serial_of_text};
use wear_identity::site::sites_in_source;

/// Every `.rs` file of this workspace with its text.
fn workspace_sources() -> Vec<(PathBuf, String)> {
    let mut pending = vec![Path::new(env!("CARGO_MANIFEST_DIR")).join("..")];
    let mut out = Vec::new();
    while let Some(dir) = pending.pop() {
        for entry in std::fs::read_dir(&dir).expect("a readable directory") {
            let path = entry.expect("an entry").path();
            let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
            if path.is_dir() && !name.starts_with('.') && name != "target" {
                pending.push(path);
            } else if name.ends_with(".rs") {
                let source = std::fs::read_to_string(&path).expect("a readable file");
                out.push((path, source));
            }
        }
    }
    out
}

/// Every function syn's walk finds, against the outline's reading of it.
fn compare(source: &str) -> Result<usize, String> {
    let Ok(sites) = sites_in_source(source) else { return Ok(0) };
    let outline = Outline::of_source(source);
    for site in &sites {
        let found: Vec<&Function> =
            outline.functions().iter().filter(|f| f.name == site.name && f.at.0 == site.name_line).collect();
        let [function] = found.as_slice() else {
            return Err(format!("{} on line {}: the outline has {found:?}", site.name, site.name_line));
        };
        let read = (&function.owner, &function.within, function.serial(source));
        if read != (&site.owner, &site.within, site.serial) {
            return Err(format!(
                "{} on line {}: outline {read:?}, syn {:?}",
                site.name,
                site.name_line,
                (&site.owner, &site.within, site.serial)
            ));
        }
    }
    Ok(sites.len())
}

#[test]
fn the_outline_reads_every_file_as_syn_reads_it() {
    let (mut files, mut functions) = (0, 0);
    for (path, source) in workspace_sources() {
        // Files that do not parse (trybuild cases) count 0 here.
        match compare(&source) {
            Ok(n) => functions += n,
            Err(e) => panic!("{}: {e}", path.display()),
        }
        files += 1;
    }
    assert!(
        files > 100 && functions > 1000,
        "the workspace has its sources: {files} files, {functions} functions"
    );
}

#[test]
fn every_function_has_the_same_serial_as_text_or_token_trees() {
    let mut functions = 0;
    for (path, source) in workspace_sources() {
        let Ok(file) = syn::parse_file(&source) else { continue };
        let mut items = Vec::new();
        for item in &file.items {
            match item {
                syn::Item::Fn(f) => items.push((f.span(), &f.attrs, &f.vis, &f.sig, &*f.block)),
                syn::Item::Impl(i) => {
                    for it in &i.items {
                        if let syn::ImplItem::Fn(f) = it {
                            items.push((f.span(), &f.attrs, &f.vis, &f.sig, &f.block));
                        }
                    }
                }
                _ => {}
            }
        }
        for (span, attrs, vis, sig, block) in items {
            let text = &source[span.byte_range()];
            // Doc comments inside a body are `#[doc]` attributes to token trees.
            let body = &source[block.span().byte_range()];
            if ["///", "//!", "/**", "/*!"].iter().any(|doc| body.contains(doc)) {
                continue;
            }
            let inner = attrs.iter().filter(|a| matches!(a.style, syn::AttrStyle::Inner(_)));
            assert_eq!(
                serial_of_text(text),
                serial_of_fn(inner, vis, sig, block),
                "{}: {text}",
                path.display()
            );
            functions += 1;
        }
    }
    assert!(functions > 1000, "the workspace has its functions: {functions}");
}
