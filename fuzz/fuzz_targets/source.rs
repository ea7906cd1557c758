//! libFuzzer target: arbitrary bytes through the source check of `wear_fuzz::checks`, which
//! panics when a parser panics or an invariant it states does not hold.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| wear_fuzz::checks::source(data));
