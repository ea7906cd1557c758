//! libFuzzer target: a snapshot made of arbitrary bytes, written by the runtime and read back
//! through serde_json and `cargo wear` (`wear_fuzz::checks::snapshot_writer`).
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| wear_fuzz::checks::snapshot_writer(data));
