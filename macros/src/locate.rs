//! Finding a function the attribute sees alone in its source file: its owner (the `impl` or
//! `trait` around it), the functions it is declared in, and its text for the serial.
//!
//! An attribute on a single method only receives that method, not its `impl` header or the
//! function around it, and it receives it after rustc removed `cfg`s and earlier attribute
//! macros changed it. It reads the source file the function's name comes from
//! (`Span::local_file`), outlines it (`wear_identity::outline`, the same reading `cargo wear`
//! makes), and takes the function whose name is at this line and column. Files are outlined
//! once per compilation and again when they change (rust-analyzer keeps its macro server
//! running). A name that is not in the file as written (one `macro_rules!` made) or a file it
//! cannot read gives `None`: the caller falls back to the tokens it has.
use std::cell::RefCell;
use std::collections::HashMap;
use std::path::PathBuf;
use std::rc::Rc;
use std::time::SystemTime;

use wear_identity::Owner;
use wear_identity::outline::Outline;

/// When a file was last seen changed, and its length: a changed file is outlined again.
type Stamp = (Option<SystemTime>, u64);
/// The text and outline of every file read so far, by path.
type Files = HashMap<PathBuf, (Stamp, Rc<(String, Outline)>)>;

thread_local! {
    static FILES: RefCell<Files> = RefCell::new(HashMap::new());
}

/// A function as written in its file.
pub(crate) struct Written {
    pub(crate) owner: Owner,
    pub(crate) within: Vec<(Owner, String)>,
    pub(crate) serial: u64,
}

/// The function whose name is `ident`, as written in its file.
pub(crate) fn written(ident: &proc_macro2::Ident) -> Option<Written> {
    let span = ident.span();
    let path = span.local_file()?;
    let at = span.start();
    if at.line == 0 {
        return None;
    }
    let file = outline_of(path)?;
    let (source, outline) = &*file;
    // The name as written may be NFD where rustc gave the macro NFC: compared as rustc lexes it.
    let name = ident.to_string();
    let name = wear_identity::render::unraw(&name);
    let function = outline.find(name, at.line, at.column).or_else(|| {
        outline.functions().iter().find(|f| f.at == (at.line, at.column) && crate::nfc::nfc(&f.name) == name)
    })?;
    Some(Written {
        owner: function.owner.clone(),
        within: function.within.clone(),
        serial: function.serial(source).0,
    })
}

fn outline_of(path: PathBuf) -> Option<Rc<(String, Outline)>> {
    let meta = std::fs::metadata(&path).ok()?;
    let stamp: Stamp = (meta.modified().ok(), meta.len());
    if let Some(file) = FILES
        .with(|files| files.borrow().get(&path).filter(|(s, _)| *s == stamp).map(|(_, file)| Rc::clone(file)))
    {
        return Some(file);
    }
    let source = std::fs::read_to_string(&path).ok()?;
    let outline = Outline::of_source(&source);
    let file = Rc::new((source, outline));
    FILES.with(|files| files.borrow_mut().insert(path, (stamp, Rc::clone(&file))));
    Some(file)
}
