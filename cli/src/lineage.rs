//! Parts that moved: the same code (the same serial) at a new path — another file, module or
//! crate — keeps the usage and the sign-offs recorded under its old path.
//!
//! Usage and the logbook are keyed by part path and serial. When a function moves, its path
//! changes and its serial does not, so its history sits under a path the workspace no longer
//! has. A scanned part takes over such a path when the pairing is certain: the old path is not
//! scanned, and the serial names exactly one such old path and exactly one scanned part. A
//! split, a merge or a copy is not guessed at (its old usage keeps the warning that usage names
//! parts the workspace lacks).
use std::collections::{HashMap, HashSet};

use crate::scan::Scan;
use crate::usage::Usage;

/// Scanned part path → the old path whose usage and sign-offs it takes over.
pub(crate) type Moves = HashMap<String, String>;

/// The moves `scan` and `usage` show (see the module's comment).
pub(crate) fn moves(scan: &Scan, usage: &Usage) -> Moves {
    let scanned: HashSet<&str> = scan.parts.iter().map(|p| p.path.as_str()).collect();
    // Serial → old paths (not scanned) that have usage under it.
    let mut old_by_serial: HashMap<&str, Vec<&str>> = HashMap::new();
    for (path, by_serial) in &usage.parts {
        if scanned.contains(path.as_str()) {
            continue;
        }
        for serial in by_serial.keys() {
            old_by_serial.entry(serial.as_str()).or_default().push(path.as_str());
        }
    }
    if old_by_serial.is_empty() {
        return Moves::new();
    }
    let mut parts_by_serial: HashMap<String, Vec<&str>> = HashMap::new();
    for part in &scan.parts {
        parts_by_serial.entry(part.serial.to_string()).or_default().push(part.path.as_str());
        if part.legacy_serial != part.serial {
            parts_by_serial.entry(part.legacy_serial.to_string()).or_default().push(part.path.as_str());
        }
    }
    let mut moves = Moves::new();
    let mut taken: HashSet<&str> = HashSet::new();
    for (serial, parts) in &parts_by_serial {
        let (Some([old]), [new]) = (old_by_serial.get(serial.as_str()).map(Vec::as_slice), parts.as_slice())
        else {
            continue;
        };
        if taken.insert(old) {
            moves.insert((*new).to_owned(), (*old).to_owned());
        }
    }
    moves
}
