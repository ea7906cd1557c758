//! Tracked functions of every common shape, in several modules, for `tests/tests/linked.rs`.
//! The binary calls `text::word_count` only. Every function holds a string with
//! `wear-linked-marker` in it, so the test can see which functions' code is in the release
//! binary: only `word_count`'s, the rest removed as dead code, while every part is listed.
mod archive;
pub mod ledger;
pub mod pricing;
pub mod stock;
pub mod text;

/// The library's version, as a number.
#[wear::tracked]
pub fn version() -> u32 {
    std::hint::black_box("wear-linked-marker(version)");
    1
}
