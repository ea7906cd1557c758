//! What the scan derived from each source file in earlier runs, so that a run reads no syntax
//! tree of a file that has not changed: parsing every file again was most of a run with
//! nothing new on a large workspace.
//!
//! An entry is keyed by everything its result depends on: the file's bytes (a SHA-256 of
//! them, whether the work tree matches git or not), its path and module path, how it was
//! declared, the build's facts (features, target, cfgs) and the crate's `macro_rules!`
//! wrappers known when it is read; and the format and cargo-wear version of the file. An entry
//! holds the file's module declarations (their files are looked up again every run: they
//! depend on the file system), the `cfg` notes its walk made, and its functions, which depend
//! on the wrappers of the whole crate and are only used under the same ones.
//!
//! One file, `<target-dir>/wear/scan-cache/files.bin` (see [`crate::packed`]), written
//! atomically when something new was derived; entries no run used in the last
//! [`KEEP_WRITES`] writes are dropped. Anything unreadable, corrupt or from another format or
//! version is ignored and recomputed; the cache never makes a run fail.
use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::time::Duration;

use proc_macro2::LineColumn;
use sha2::{Digest, Sha256};
use wear_identity::args::Limits;
use wear_identity::serial::Serial;

use super::cfg::{Muted, Note};
use super::modules::Decl;
use crate::packed::{Reader, Writer};

/// The format written, with the version of cargo-wear that wrote it: another version may
/// derive other things from the same file.
const FORMAT: &str = concat!("wear-scan-cache/1 cargo-wear ", env!("CARGO_PKG_VERSION"));

/// The cache file, in the cache folder.
const FILE: &str = "files.bin";

/// An entry no run used over this many writes of the cache is dropped: a few builds (features,
/// targets) used in turn keep theirs, and the file stays about a few times the workspace's.
const KEEP_WRITES: u32 = 8;

/// What an entry is stored under: a SHA-256 of everything its result depends on.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(crate) struct Key([u8; 32]);

/// A SHA-256 of a build's facts, or of a crate's wrappers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Fingerprint([u8; 32]);

impl Fingerprint {
    /// The fingerprint of `text` (a build's facts as `Debug` shows them, which is ordered).
    pub(crate) fn of(text: &str) -> Fingerprint {
        Fingerprint(Sha256::digest(text.as_bytes()).into())
    }
}

/// How a module file was reached: what, beside its text, its walk depends on.
#[derive(Debug)]
pub(crate) struct ModuleKey<'a> {
    pub(crate) file: &'a Path,
    pub(crate) module_path: &'a str,
    pub(crate) mod_rs: bool,
    pub(crate) declared_out: bool,
    pub(crate) list: bool,
}

impl Key {
    /// The key of the module file with `text`, reached as `module` says, in a build whose
    /// facts give `build`, with the wrappers `wrappers` known (their fingerprint).
    pub(crate) fn of_module(text: &str, module: &ModuleKey<'_>, build: &Fingerprint, wrappers: &str) -> Key {
        let mut hash = Sha256::new();
        let mut field = |bytes: &[u8]| {
            hash.update((bytes.len() as u64).to_le_bytes());
            hash.update(bytes);
        };
        field(FORMAT.as_bytes());
        field(text.as_bytes());
        field(module.file.as_os_str().as_encoded_bytes());
        field(module.module_path.as_bytes());
        field(&[u8::from(module.mod_rs), u8::from(module.declared_out), u8::from(module.list)]);
        field(&build.0);
        field(wrappers.as_bytes());
        Key(hash.finalize().into())
    }
}

/// What the walk of a module file derived from it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct ModuleRecord {
    /// A `cfg` on its declaration or at its top leaves it out.
    pub(crate) compiled_out: bool,
    /// The items a `cfg` surely leaves out, for the notes made after it.
    pub(crate) muted: Vec<Muted>,
    /// What the walk noted that the build cannot decide.
    pub(crate) notes: Vec<Note>,
    /// Its module declarations, in order.
    pub(crate) decls: Vec<Decl>,
}

/// The functions of a module file, found with some wrappers.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct SitesRecord {
    /// The crate's wrappers they were found with.
    pub(crate) wrappers: Fingerprint,
    pub(crate) muted: Vec<Muted>,
    pub(crate) notes: Vec<Note>,
    pub(crate) sites: Vec<SiteRecord>,
}

/// One function of a file, as the scan makes parts of it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct SiteRecord {
    /// Its name, for warnings.
    pub(crate) name: String,
    pub(crate) name_line: usize,
    /// Its part path, in NFC.
    pub(crate) path: String,
    pub(crate) lines: (u32, u32),
    pub(crate) serial: Serial,
    pub(crate) legacy_serial: Serial,
    pub(crate) is_const: bool,
    pub(crate) test: bool,
    pub(crate) compiled_out: bool,
    /// Its tracking limits when tracked, or why its attribute's arguments are wrong.
    pub(crate) tracked: Option<Result<Limits, String>>,
}

#[derive(Debug)]
struct Entry {
    /// The write of the cache in which a run last used it.
    used: u32,
    module: ModuleRecord,
    sites: Option<SitesRecord>,
}

/// The scan cache of one workspace.
#[derive(Debug, Default)]
pub(crate) struct ScanCache {
    /// The cache file; `None` keeps nothing.
    path: Option<PathBuf>,
    /// How many times the file was written.
    writes: u32,
    entries: HashMap<Key, Entry>,
    used: HashSet<Key>,
    changed: bool,
}

impl ScanCache {
    /// The cache in `dir`, or none. The folder need not exist yet.
    pub(crate) fn open(dir: Option<&Path>) -> ScanCache {
        let Some(dir) = dir else { return ScanCache::default() };
        let path = dir.join(FILE);
        let (writes, entries) =
            std::fs::read(&path).ok().and_then(|bytes| decode(&bytes)).unwrap_or_default();
        ScanCache { path: Some(path), writes, entries, used: HashSet::new(), changed: false }
    }

    /// The walk of the module file under `key`, if an earlier run made it.
    pub(crate) fn module(&mut self, key: &Key) -> Option<ModuleRecord> {
        let entry = self.entries.get(key)?;
        self.used.insert(*key);
        Some(entry.module.clone())
    }

    /// The functions of the module file under `key`, if an earlier run found them with the
    /// same `wrappers`.
    pub(crate) fn sites(&self, key: &Key, wrappers: &Fingerprint) -> Option<&SitesRecord> {
        self.entries.get(key)?.sites.as_ref().filter(|s| s.wrappers == *wrappers)
    }

    /// Keeps the walk of the module file under `key` (its functions are to be found).
    pub(crate) fn put_module(&mut self, key: Key, module: ModuleRecord) {
        if self.path.is_none() {
            return;
        }
        self.entries.insert(key, Entry { used: 0, module, sites: None });
        self.used.insert(key);
        self.changed = true;
    }

    /// Keeps the functions of the module file under `key`, whose walk is kept.
    pub(crate) fn put_sites(&mut self, key: &Key, sites: SitesRecord) {
        if let Some(entry) = self.entries.get_mut(key) {
            entry.sites = Some(sites);
            self.changed = true;
        }
    }

    /// Writes the cache if this run derived something new, dropping the entries no run used
    /// in the last [`KEEP_WRITES`] writes. Failures are ignored: the next run recomputes.
    pub(crate) fn save(mut self) {
        let Some(path) = self.path.take().filter(|_| self.changed) else { return };
        let writes = self.writes.wrapping_add(1);
        for key in &self.used {
            if let Some(entry) = self.entries.get_mut(key) {
                entry.used = writes;
            }
        }
        self.entries.retain(|_, e| writes.wrapping_sub(e.used) < KEEP_WRITES);
        let bytes = encode(writes, &self.entries);
        if let Some(dir) = path.parent() {
            let _ = std::fs::create_dir_all(dir).and_then(|()| crate::fs::replace_file(&path, &bytes));
        }
    }
}

fn encode(writes: u32, entries: &HashMap<Key, Entry>) -> Vec<u8> {
    let mut w = Writer::new(FORMAT);
    w.u32(writes);
    w.len(entries.len());
    // In key order, so that the same entries give the same bytes.
    let mut sorted: Vec<(&Key, &Entry)> = entries.iter().collect();
    sorted.sort_unstable_by_key(|(key, _)| key.0);
    for (key, entry) in sorted {
        w.bytes(&key.0);
        w.u32(entry.used);
        let m = &entry.module;
        w.bool(m.compiled_out);
        write_muted(&mut w, &m.muted);
        write_notes(&mut w, &m.notes);
        w.len(m.decls.len());
        for d in &m.decls {
            w.str(&d.name);
            w.u64(d.line as u64);
            write_strs(&mut w, &d.inline);
            write_option_str(&mut w, d.path.as_deref());
            write_strs(&mut w, &d.other_paths);
            w.bool(d.compiled_out);
            write_strs(&mut w, &d.through);
        }
        match &entry.sites {
            None => w.bool(false),
            Some(s) => {
                w.bool(true);
                w.bytes(&s.wrappers.0);
                write_muted(&mut w, &s.muted);
                write_notes(&mut w, &s.notes);
                w.len(s.sites.len());
                for site in &s.sites {
                    write_site(&mut w, site);
                }
            }
        }
    }
    w.finish()
}

fn decode(bytes: &[u8]) -> Option<(u32, HashMap<Key, Entry>)> {
    let mut r = Reader::new(bytes, FORMAT)?;
    let writes = r.u32()?;
    let len = r.len()?;
    let mut entries = HashMap::with_capacity(len);
    for _ in 0..len {
        let key = Key(r.bytes()?.try_into().ok()?);
        let used = r.u32()?;
        let compiled_out = r.bool()?;
        let muted = read_muted(&mut r)?;
        let notes = read_notes(&mut r)?;
        let decls_len = r.len()?;
        let mut decls = Vec::with_capacity(decls_len);
        for _ in 0..decls_len {
            decls.push(Decl {
                name: r.string()?,
                line: usize::try_from(r.u64()?).ok()?,
                inline: read_strs(&mut r)?,
                path: read_option_str(&mut r)?,
                other_paths: read_strs(&mut r)?,
                compiled_out: r.bool()?,
                through: read_strs(&mut r)?,
            });
        }
        let sites = if r.bool()? {
            let wrappers = Fingerprint(r.bytes()?.try_into().ok()?);
            let muted = read_muted(&mut r)?;
            let notes = read_notes(&mut r)?;
            let n = r.len()?;
            let mut sites = Vec::with_capacity(n);
            for _ in 0..n {
                sites.push(read_site(&mut r)?);
            }
            Some(SitesRecord { wrappers, muted, notes, sites })
        } else {
            None
        };
        entries
            .insert(key, Entry { used, module: ModuleRecord { compiled_out, muted, notes, decls }, sites });
    }
    r.at_end().then_some((writes, entries))
}

fn write_site(w: &mut Writer, site: &SiteRecord) {
    w.str(&site.name);
    w.u64(site.name_line as u64);
    w.str(&site.path);
    w.u32(site.lines.0);
    w.u32(site.lines.1);
    w.u64(site.serial.0);
    w.u64(site.legacy_serial.0);
    w.u8(u8::from(site.is_const) | u8::from(site.test) << 1 | u8::from(site.compiled_out) << 2);
    match &site.tracked {
        None => w.u8(0),
        Some(Ok(limits)) => {
            w.u8(1);
            write_option_u64(w, limits.calls);
            write_duration(w, limits.busy);
            write_duration(w, limits.interval);
        }
        Some(Err(message)) => {
            w.u8(2);
            w.str(message);
        }
    }
}

fn read_site(r: &mut Reader<'_>) -> Option<SiteRecord> {
    let name = r.string()?;
    let name_line = usize::try_from(r.u64()?).ok()?;
    let path = r.string()?;
    let lines = (r.u32()?, r.u32()?);
    let (serial, legacy_serial) = (Serial(r.u64()?), Serial(r.u64()?));
    let flags = r.u8()?;
    let tracked = match r.u8()? {
        0 => None,
        1 => Some(Ok(Limits {
            calls: read_option_u64(r)?,
            busy: read_duration(r)?,
            interval: read_duration(r)?,
        })),
        2 => Some(Err(r.string()?)),
        _ => return None,
    };
    Some(SiteRecord {
        name,
        name_line,
        path,
        lines,
        serial,
        legacy_serial,
        is_const: flags & 1 != 0,
        test: flags & 2 != 0,
        compiled_out: flags & 4 != 0,
        tracked,
    })
}

fn write_option_u64(w: &mut Writer, value: Option<u64>) {
    w.bool(value.is_some());
    w.u64(value.unwrap_or(0));
}

fn read_option_u64(r: &mut Reader<'_>) -> Option<Option<u64>> {
    let some = r.bool()?;
    let value = r.u64()?;
    Some(some.then_some(value))
}

fn write_duration(w: &mut Writer, value: Option<Duration>) {
    write_option_u64(w, value.map(|d| d.as_secs()));
    w.u32(value.map_or(0, |d| d.subsec_nanos()));
}

fn read_duration(r: &mut Reader<'_>) -> Option<Option<Duration>> {
    let secs = read_option_u64(r)?;
    let nanos = r.u32()?;
    if nanos >= 1_000_000_000 {
        return None;
    }
    Some(secs.map(|s| Duration::new(s, nanos)))
}

fn write_strs(w: &mut Writer, values: &[String]) {
    w.len(values.len());
    for value in values {
        w.str(value);
    }
}

fn read_strs(r: &mut Reader<'_>) -> Option<Vec<String>> {
    let len = r.len()?;
    (0..len).map(|_| r.string()).collect()
}

fn write_option_str(w: &mut Writer, value: Option<&str>) {
    w.bool(value.is_some());
    w.str(value.unwrap_or_default());
}

fn read_option_str(r: &mut Reader<'_>) -> Option<Option<String>> {
    let some = r.bool()?;
    let value = r.string()?;
    Some(some.then_some(value))
}

fn write_muted(w: &mut Writer, muted: &[Muted]) {
    w.len(muted.len());
    for (start, end) in muted {
        for n in [start.line, start.column, end.line, end.column] {
            w.u64(n as u64);
        }
    }
}

fn read_muted(r: &mut Reader<'_>) -> Option<Vec<Muted>> {
    let len = r.len()?;
    let mut out = Vec::with_capacity(len);
    for _ in 0..len {
        let mut n = [0usize; 4];
        for value in &mut n {
            *value = usize::try_from(r.u64()?).ok()?;
        }
        out.push((LineColumn { line: n[0], column: n[1] }, LineColumn { line: n[2], column: n[3] }));
    }
    Some(out)
}

fn write_notes(w: &mut Writer, notes: &[Note]) {
    w.len(notes.len());
    for note in notes {
        w.str(&note.key);
        w.bytes(note.place.0.as_os_str().as_encoded_bytes());
        w.u64(note.place.1 as u64);
        w.u64(note.place.2 as u64);
        w.str(&note.message);
    }
}

fn read_notes(r: &mut Reader<'_>) -> Option<Vec<Note>> {
    let len = r.len()?;
    let mut out = Vec::with_capacity(len);
    for _ in 0..len {
        let key = r.string()?;
        let file = PathBuf::from(std::str::from_utf8(r.bytes()?).ok()?);
        let place = (file, usize::try_from(r.u64()?).ok()?, usize::try_from(r.u64()?).ok()?);
        out.push(Note { key, place, message: r.string()? });
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn module_key(text: &str, wrappers: &str) -> Key {
        let module = ModuleKey {
            file: Path::new("/w/src/lib.rs"),
            module_path: "w",
            mod_rs: true,
            declared_out: false,
            list: false,
        };
        Key::of_module(text, &module, &Fingerprint::of("build"), wrappers)
    }

    fn record() -> (ModuleRecord, SitesRecord) {
        let at = |line, column| LineColumn { line, column };
        let note = Note {
            key: "cfg(loom)".to_owned(),
            place: (PathBuf::from("/w/src/lib.rs"), 3, 6),
            message: "cannot be decided".to_owned(),
        };
        let module = ModuleRecord {
            compiled_out: false,
            muted: vec![(at(1, 0), at(2, 1))],
            notes: vec![note.clone()],
            decls: vec![Decl {
                name: "cart".to_owned(),
                line: 4,
                inline: vec!["outer".to_owned()],
                path: Some("odd.rs".to_owned()),
                other_paths: vec!["win.rs".to_owned()],
                compiled_out: true,
                through: vec!["gated".to_owned()],
            }],
        };
        let site = SiteRecord {
            name: "add".to_owned(),
            name_line: 7,
            path: "w::add".to_owned(),
            lines: (6, 9),
            serial: Serial(0xdead_beef),
            legacy_serial: Serial(42),
            is_const: false,
            test: true,
            compiled_out: false,
            tracked: Some(Ok(Limits {
                calls: Some(10),
                busy: None,
                interval: Some(Duration::new(86_400, 5)),
            })),
        };
        let wrong = SiteRecord { tracked: Some(Err("expected `timed`".to_owned())), ..site.clone() };
        let sites = SitesRecord {
            wrappers: Fingerprint::of("none"),
            muted: Vec::new(),
            notes: vec![note],
            sites: vec![site, wrong],
        };
        (module, sites)
    }

    #[test]
    fn what_is_kept_reads_back_under_the_same_key_only() {
        let dir = tempfile::tempdir().unwrap();
        let key = module_key("fn a() {}", "");
        let (module, sites) = record();
        let mut cache = ScanCache::open(Some(dir.path()));
        assert_eq!(cache.module(&key), None, "empty at first");
        cache.put_module(key, module.clone());
        cache.put_sites(&key, sites.clone());
        cache.save();

        let mut cache = ScanCache::open(Some(dir.path()));
        assert_eq!(cache.module(&key), Some(module));
        assert_eq!(cache.sites(&key, &Fingerprint::of("none")), Some(&sites));
        assert_eq!(cache.sites(&key, &Fingerprint::of("other wrappers")), None, "found with other wrappers");
        for other in [module_key("fn a() { }", ""), module_key("fn a() {}", "gated")] {
            assert_ne!(other, key, "another text or other wrappers are another key");
            assert_eq!(cache.module(&other), None);
        }
    }

    #[test]
    fn another_format_or_a_corrupt_file_is_ignored_and_replaced() {
        let dir = tempfile::tempdir().unwrap();
        let key = module_key("fn a() {}", "");
        let (module, _) = record();
        let mut cache = ScanCache::open(Some(dir.path()));
        cache.put_module(key, module.clone());
        cache.save();
        let path = dir.path().join(FILE);
        let good = std::fs::read(&path).unwrap();

        let mut older = Writer::new("wear-scan-cache/1 cargo-wear 0.0.0");
        older.bytes(&good[FORMAT.len() + 4..]);
        let truncated = good[..good.len() - 3].to_vec();
        for bad in [older.finish(), truncated, b"\xff\xff\xff\xff".to_vec(), [&good[..], b"\0"].concat()] {
            std::fs::write(&path, &bad).unwrap();
            let mut cache = ScanCache::open(Some(dir.path()));
            assert_eq!(cache.module(&key), None, "ignored");
            cache.put_module(key, module.clone());
            cache.save();
            assert_eq!(std::fs::read(&path).unwrap(), good, "written anew");
        }
    }

    #[test]
    fn entries_no_run_uses_are_dropped_after_a_few_writes() {
        let dir = tempfile::tempdir().unwrap();
        let (module, _) = record();
        let old = module_key("old", "");
        let mut cache = ScanCache::open(Some(dir.path()));
        cache.put_module(old, module.clone());
        cache.save();
        for i in 0..KEEP_WRITES {
            let mut cache = ScanCache::open(Some(dir.path()));
            assert!(cache.entries.contains_key(&old), "kept after {i} writes without it");
            cache.put_module(module_key(&format!("new {i}"), ""), module.clone());
            cache.save();
        }
        let cache = ScanCache::open(Some(dir.path()));
        assert!(!cache.entries.contains_key(&old), "dropped");
        assert_eq!(cache.entries.len(), KEEP_WRITES as usize, "the recent ones stay");
        // A run that derives nothing new does not write.
        let before = std::fs::read(dir.path().join(FILE)).unwrap();
        let mut cache = ScanCache::open(Some(dir.path()));
        assert!(cache.module(&module_key("new 7", "")).is_some());
        cache.save();
        assert_eq!(std::fs::read(dir.path().join(FILE)).unwrap(), before);
    }
}
