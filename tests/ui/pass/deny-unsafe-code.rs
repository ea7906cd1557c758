// The generated statics need `unsafe`; a crate that denies unsafe code must still compile.
#![deny(unsafe_code)]

#[wear::tracked]
fn add(a: u32, b: u32) -> u32 {
    a + b
}

#[wear::tracked(timed, failures)]
fn parse(text: &str) -> Result<u32, std::num::ParseIntError> {
    text.parse()
}

struct Cart;

#[wear::tracked(timed)]
impl Cart {
    fn clear(&mut self) {}
}

fn main() {
    assert_eq!(add(1, 2), 3);
    assert!(parse("x").is_err());
    Cart.clear();
}
