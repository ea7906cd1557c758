//! `cargo wear diff`: the parts a change touches, with the usage they had before it.
//!
//! Both sides are scanned: the work tree as every command scans it, and the base commit's
//! sources written out under `<target-dir>/wear/diff-base/` ([`base::export`]). Parts are
//! matched by path and serial, which says what the change did to each ([`Kind`]); the lines
//! git's diff touches ([`lines`]) find the parts whose serial did not change but whose text
//! did (comments or whitespace). Usage before the change is the base parts' due list: the
//! calls production made of the serials it ran.
mod base;
mod lines;
mod render;
mod sarif;

use std::collections::{HashMap, HashSet};
use std::path::Path;

use serde::Serialize;

pub(crate) use base::{Base, export, resolve};
pub(crate) use lines::{Touched, touched};
pub(crate) use render::{DiffFormat, render};

use wear_identity::serial::{Serial, serial_of_text};

use crate::due::{DueItem, DueList};
use crate::scan::Part;

/// What a change did to a part.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub(crate) enum Kind {
    /// Its tokens changed: a new serial.
    Changed,
    /// Gone from the head, and not found elsewhere with the same tokens.
    Removed,
    /// At another path (another file or module) with the same tokens.
    Moved,
    /// Under another name, its tokens otherwise the same.
    Renamed,
    /// Not at the base.
    New,
    /// Its text changed but not its tokens: comments or whitespace.
    CommentsOnly,
}

impl Kind {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Kind::Changed => "changed",
            Kind::Removed => "removed",
            Kind::Moved => "moved",
            Kind::Renamed => "renamed",
            Kind::New => "new",
            Kind::CommentsOnly => "comments-only",
        }
    }
}

/// One part the change touches.
#[derive(Clone, Debug)]
pub(crate) struct Change {
    pub(crate) kind: Kind,
    /// Its path at the head (at the base when removed).
    pub(crate) path: String,
    /// Its path at the base, when it moved or was renamed.
    pub(crate) from: Option<String>,
    /// Where it is at the head (at the base when removed), relative to the work tree.
    pub(crate) file: String,
    pub(crate) lines: [u32; 2],
    /// The part at the base, with its usage before the change; `None` for a new part.
    pub(crate) before: Option<DueItem>,
    /// The part at the head, with its status and age; `None` for a removed part.
    pub(crate) after: Option<DueItem>,
}

impl Change {
    /// Calls before the change: since the base's serial was new.
    pub(crate) fn calls(&self) -> u64 {
        self.before.as_ref().and_then(|b| b.calls_since_new).unwrap_or(0)
    }

    /// Whether the head's serial has a sign-off (a comments-only change keeps the base's).
    pub(crate) fn signed_off(&self) -> bool {
        self.after.as_ref().is_some_and(|a| a.signed_off_at.is_some())
    }
}

/// The change as a whole.
#[derive(Clone, Debug)]
pub(crate) struct Diff {
    pub(crate) base: Base,
    pub(crate) head: Option<String>,
    pub(crate) now: crate::time::Secs,
    /// Touched parts, highest calls first.
    pub(crate) changes: Vec<Change>,
    /// Calls of every part at the base: what the share is of.
    pub(crate) total_calls: u64,
    /// Files the change touches (`.rs` only).
    pub(crate) files: usize,
}

impl Diff {
    /// The share of the base's calls that the touched parts took, 0 to 1.
    pub(crate) fn share(&self) -> f64 {
        let touched: u64 = self.changes.iter().map(Change::calls).sum();
        if self.total_calls == 0 { 0.0 } else { touched as f64 / self.total_calls as f64 }
    }
}

/// A scan's parts keyed for matching: path relative to the work tree `root`.
fn relative(root: &Path, part: &Part) -> String {
    let file = part.file.strip_prefix(root).unwrap_or(&part.file);
    file.to_string_lossy().replace('\\', "/")
}

/// Matches the base's parts with the head's: what the change did to each part it touches.
/// `head_root` and `base_root` are the folders the two scans' files are under (the work tree,
/// and the base's copy).
pub(crate) fn compare(
    (head_parts, head_list, head_root): (&[Part], &DueList, &Path),
    (base_parts, base_list, base_root): (&[Part], &DueList, &Path),
    touched: &Touched,
) -> Vec<Change> {
    let item_of = |list: &DueList| -> HashMap<String, DueItem> {
        list.parts.iter().map(|item| (item.part.clone(), item.clone())).collect()
    };
    let (head_items, base_items) = (item_of(head_list), item_of(base_list));
    let base_by_path: HashMap<&str, &Part> = base_parts.iter().map(|p| (p.path.as_str(), p)).collect();
    let head_paths: HashSet<&str> = head_parts.iter().map(|p| p.path.as_str()).collect();
    // Base parts gone from their path, by serial: where a head part new at its path came from.
    let mut gone_by_serial: HashMap<String, Vec<&Part>> = HashMap::new();
    for part in base_parts.iter().filter(|p| !head_paths.contains(p.path.as_str())) {
        gone_by_serial.entry(part.serial.to_string()).or_default().push(part);
    }
    let mut moved_from = HashSet::new();
    let mut out = Vec::new();
    for part in head_parts {
        let file = relative(head_root, part);
        let lines = part.lines;
        let (kind, from) = match base_by_path.get(part.path.as_str()) {
            Some(old) if old.serial != part.serial => (Kind::Changed, Some(*old)),
            Some(old) => {
                let old_file = relative(base_root, old);
                let old_lines = old.lines;
                if touched.at_head(&file, lines) || touched.at_base(&old_file, old_lines) {
                    (Kind::CommentsOnly, Some(*old))
                } else {
                    continue;
                }
            }
            // The same tokens under one other path: moved. Under several, or none: new (a
            // split or a copy is not guessed at).
            None => match gone_by_serial.get(&part.serial.to_string()).map(Vec::as_slice) {
                Some([old]) if !moved_from.contains(&old.path) => {
                    moved_from.insert(old.path.clone());
                    (Kind::Moved, Some(*old))
                }
                _ => (Kind::New, None),
            },
        };
        out.push(Change {
            kind,
            path: part.path.clone(),
            from: (kind == Kind::Moved).then(|| from.map(|f| f.path.clone())).flatten(),
            file,
            lines: [lines.0, lines.1],
            before: from.and_then(|f| base_items.get(&f.path).cloned()),
            after: head_items.get(&part.path).cloned(),
        });
    }
    let mut removed = Vec::new();
    for old in base_parts {
        if head_paths.contains(old.path.as_str()) || moved_from.contains(&old.path) {
            continue;
        }
        removed.push((out.len(), old));
        out.push(Change {
            kind: Kind::Removed,
            path: old.path.clone(),
            from: None,
            file: relative(base_root, old),
            lines: [old.lines.0, old.lines.1],
            before: base_items.get(&old.path).cloned(),
            after: None,
        });
    }
    let news: Vec<(usize, &Part)> = out
        .iter()
        .enumerate()
        .filter(|(_, c)| c.kind == Kind::New)
        .filter_map(|(i, c)| Some((i, *head_parts.iter().find(|p| p.path == c.path).as_ref()?)))
        .collect();
    renames(&mut out, &news, &removed);
    out.sort_by(|a, b| {
        b.calls().cmp(&a.calls()).then_with(|| a.kind.cmp(&b.kind)).then_with(|| a.path.cmp(&b.path))
    });
    out
}

/// Pairs new parts with removed ones whose code is the same but for the function's name: each
/// such new part becomes `renamed` from the removed one, which leaves the list. A name shared
/// by several parts on either side is not guessed at.
fn renames(out: &mut Vec<Change>, news: &[(usize, &Part)], removed: &[(usize, &Part)]) {
    let keyed = |parts: &[(usize, &Part)]| {
        let mut by: HashMap<Serial, Vec<usize>> = HashMap::new();
        for &(at, part) in parts {
            if let Some(serial) = nameless_serial(part) {
                by.entry(serial).or_default().push(at);
            }
        }
        by
    };
    let (new_by, old_by) = (keyed(news), keyed(removed));
    let mut dropped = Vec::new();
    for (serial, new_at) in &new_by {
        let (Some(old_at), [new_at]) = (old_by.get(serial), new_at.as_slice()) else { continue };
        let [old_at] = old_at.as_slice() else { continue };
        let old = out[*old_at].clone();
        let change = &mut out[*new_at];
        change.kind = Kind::Renamed;
        change.from = Some(old.path);
        change.before = old.before;
        dropped.push(*old_at);
    }
    dropped.sort_unstable();
    for at in dropped.into_iter().rev() {
        out.remove(at);
    }
}

/// The serial of `part`'s code with its name left out (`fn _`): the same for a function that
/// was only renamed. `None` when its file cannot be read or its `fn NAME` is not found.
fn nameless_serial(part: &Part) -> Option<Serial> {
    let text = std::fs::read_to_string(&part.file).ok()?;
    let (first, last) = (part.lines.0 as usize, part.lines.1 as usize);
    let lines: Vec<&str> =
        text.lines().skip(first.saturating_sub(1)).take(last + 1 - first.min(last + 1)).collect();
    let code = lines.join("\n");
    let name = part.path.rsplit("::").next()?;
    let needle = format!("fn {name}");
    let at = code.match_indices(&needle).map(|(at, _)| at).find(|&at| {
        !code[at + needle.len()..].chars().next().is_some_and(|c| c == '_' || c.is_alphanumeric())
    })?;
    Some(serial_of_text(&format!("{}fn _{}", &code[..at], &code[at + needle.len()..])))
}
