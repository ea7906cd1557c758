//! Finding the impl or trait around a method the attribute sees alone.
//!
//! An attribute on a single method only receives that method, not its `impl` header, so it
//! cannot know `Type` in `Type::method`. It reads the source file the method's name comes from
//! (`Span::local_file`), scans it for impl and trait headers (`wear_identity::owners`, which
//! gives the owners `cargo wear` finds by parsing), and takes the owner of the function with
//! this name on this line.
//! Files are scanned once per compilation and again when they change (rust-analyzer keeps its
//! macro server running). Anything unreadable means [`Owner::Free`], the honest fallback.
use std::cell::RefCell;
use std::collections::HashMap;
use std::path::PathBuf;
use std::rc::Rc;
use std::time::SystemTime;

use wear_identity::Owner;
use wear_identity::owners::Owners;

/// When a file was last seen changed, and its length: a changed file is scanned again.
type Stamp = (Option<SystemTime>, u64);
/// The owners of every file read so far, by path.
type Files = HashMap<PathBuf, (Stamp, Rc<Owners>)>;

thread_local! {
    static FILES: RefCell<Files> = RefCell::new(HashMap::new());
}

/// The owner of the function whose name is `ident`.
pub(crate) fn owner_of(ident: &proc_macro2::Ident) -> Owner {
    let span = ident.span();
    let Some(path) = span.local_file() else {
        return Owner::Free;
    };
    let line = span.start().line;
    if line == 0 {
        return Owner::Free;
    }
    let Some(owners) = owners_of(path) else {
        return Owner::Free;
    };
    owners.owner_at(&ident.to_string(), line)
}

fn owners_of(path: PathBuf) -> Option<Rc<Owners>> {
    let meta = std::fs::metadata(&path).ok()?;
    let stamp: Stamp = (meta.modified().ok(), meta.len());
    if let Some(owners) = FILES.with(|files| {
        files.borrow().get(&path).filter(|(s, _)| *s == stamp).map(|(_, owners)| Rc::clone(owners))
    }) {
        return Some(owners);
    }
    let source = std::fs::read_to_string(&path).ok()?;
    let owners = Rc::new(Owners::of_source(&source));
    FILES.with(|files| files.borrow_mut().insert(path, (stamp, Rc::clone(&owners))));
    Some(owners)
}
