//! Finding the impl or trait around a method the attribute sees alone.
//!
//! An attribute on a single method only receives that method, not its `impl` header, so it
//! cannot know `Type` in `Type::method`. It reads the source file the method's name comes from
//! (`Span::local_file`), lists the file's functions with `wear_identity::site` — the same
//! listing `cargo wear` uses, with function bodies left unread (`sites_for_owners`: most of
//! the parse, and none of the owners) — and takes the owner of the function with this name on
//! this line.
//! Files are parsed once per compilation and re-read when they change (rust-analyzer keeps its
//! macro server running). Anything unreadable means [`Owner::Free`], the honest fallback.
use std::cell::RefCell;
use std::collections::HashMap;
use std::path::PathBuf;
use std::rc::Rc;
use std::time::SystemTime;

use wear_identity::Owner;
use wear_identity::site::{FnSite, owner_at, sites_for_owners};

/// When a file was last seen changed, and its length: a changed file is parsed again.
type Stamp = (Option<SystemTime>, u64);
/// The functions of every file read so far, by path.
type Files = HashMap<PathBuf, (Stamp, Rc<Vec<FnSite>>)>;

thread_local! {
    static FILES: RefCell<Files> = RefCell::new(HashMap::new());
}

/// The owner of the function whose name is `ident`.
pub(crate) fn owner_of(ident: &syn::Ident) -> Owner {
    let span = ident.span();
    let Some(path) = span.local_file() else {
        return Owner::Free;
    };
    let line = span.start().line;
    if line == 0 {
        return Owner::Free;
    }
    let Some(sites) = sites_of(path) else {
        return Owner::Free;
    };
    owner_at(&sites, &ident.to_string(), line).unwrap_or(Owner::Free)
}

fn sites_of(path: PathBuf) -> Option<Rc<Vec<FnSite>>> {
    let meta = std::fs::metadata(&path).ok()?;
    let stamp: Stamp = (meta.modified().ok(), meta.len());
    if let Some(sites) = FILES.with(|files| {
        files.borrow().get(&path).filter(|(s, _)| *s == stamp).map(|(_, sites)| Rc::clone(sites))
    }) {
        return Some(sites);
    }
    let source = std::fs::read_to_string(&path).ok()?;
    // Parse with proc-macro2's own implementation: text handed to the compiler's would get
    // spans without this file's line numbers.
    proc_macro2::fallback::force();
    let sites = sites_for_owners(&source);
    proc_macro2::fallback::unforce();
    let sites = Rc::new(sites.ok()?);
    FILES.with(|files| files.borrow_mut().insert(path, (stamp, Rc::clone(&sites))));
    Some(sites)
}
