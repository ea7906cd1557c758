//! Compile-time behaviour of `#[wear::tracked]`: what it accepts, and the errors it gives for
//! what it does not (each `ui/fail/*.rs` has its expected `.stderr` next to it).
//!
//! Regenerate the expected output with `TRYBUILD=overwrite cargo test -p wear-tests --test ui`,
//! then read every changed `.stderr` before committing it.

#[test]
fn ui() {
    let t = trybuild::TestCases::new();
    t.pass("ui/pass/*.rs");
    t.compile_fail("ui/fail/*.rs");
}
