//! A private module nothing outside it reaches: its functions call each other, and none is
//! ever called. Their code is dead from the start; their parts must still be listed.
#![expect(dead_code, reason = "parts in storage, on purpose: nothing reaches this module")]

/// Old entries, packed.
#[wear::tracked]
fn compact(entries: &[i64]) -> Vec<i64> {
    std::hint::black_box("wear-linked-marker(archive::compact)");
    entries.iter().copied().filter(|e| *e != 0).map(checksum).collect()
}

/// A checksum of one entry, reached only from `compact`.
#[wear::tracked]
fn checksum(entry: i64) -> i64 {
    std::hint::black_box("wear-linked-marker(archive::checksum)");
    entry.rotate_left(7) ^ 0x5a5a
}

/// Entries older than `days`.
#[wear::tracked(timed)]
fn expire(entries: &mut Vec<i64>, days: i64) {
    std::hint::black_box("wear-linked-marker(archive::expire)");
    entries.retain(|e| *e > days);
}

/// Reads an archived entry back.
#[wear::tracked(failures)]
fn restore(text: &str) -> Result<i64, std::num::ParseIntError> {
    std::hint::black_box("wear-linked-marker(archive::restore)");
    text.parse()
}

/// A kind of archive.
struct Vault;

#[wear::tracked]
impl Vault {
    /// Locks the vault.
    fn lock(&self) -> bool {
        std::hint::black_box("wear-linked-marker(Vault::lock)");
        true
    }
}
