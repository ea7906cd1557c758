//! The fuzz targets' shared code: [`checks`] holds one function per parser of outside input.
//! The same file is compiled into `cli/tests/fuzz_corpus.rs` (by `#[path]`), which replays the
//! committed corpora on stable Rust in CI.
pub mod checks;
