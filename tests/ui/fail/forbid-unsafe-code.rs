// Known limitation: the statics `#[wear::tracked]` generates (and linkme's registration) need
// `unsafe` and carry `#[allow(unsafe_code)]`, which `forbid` does not let them lower.
// `#![deny(unsafe_code)]` works (see `ui/pass/deny-unsafe-code.rs`). If this ever compiles,
// move it to `ui/pass/`.
#![forbid(unsafe_code)]

#[wear::tracked]
fn add(a: u32, b: u32) -> u32 {
    a + b
}

fn main() {
    assert_eq!(add(1, 2), 3);
}
