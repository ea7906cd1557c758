// `cfg` and `cfg_attr` before or after the attribute, as real crates write them: rustc removes
// the ones before it, the macro sees the ones after it; the part is the same either way.
#[cfg(any(unix, windows))]
#[wear::tracked]
fn cfg_first() -> u8 {
    1
}

#[wear::tracked]
#[cfg(any(unix, windows))]
fn cfg_after() -> u8 {
    2
}

#[cfg(not(any(unix, windows)))]
#[wear::tracked]
fn compiled_out() -> u8 {
    0
}

#[cfg_attr(any(unix, windows), wear::tracked)]
fn through_cfg_attr() -> u8 {
    3
}

#[wear::tracked]
#[cfg_attr(any(unix, windows), inline)]
#[cfg_attr(miri, must_use)]
fn with_cfg_attrs_after() -> u8 {
    4
}

fn main() {
    assert_eq!(cfg_first() + cfg_after() + through_cfg_attr() + with_cfg_attrs_after(), 10);
    let parts: Vec<String> = wear::snapshot().parts.into_iter().map(|p| p.path).collect();
    assert_eq!(parts.len(), 4, "{parts:?}");
    assert!(!parts.iter().any(|p| p.ends_with("compiled_out")), "{parts:?}");
}
