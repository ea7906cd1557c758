// The user's doc comments and attributes stay on the function: `deny(missing_docs)` would
// fail if a doc comment were dropped, and `#[inline]`, `#[allow]`, `#[cfg]` and `#[must_use]`
// are accepted on either side of the attribute. That `#[must_use]` still takes effect is
// shown by `ui/fail/must-use-is-kept.rs`.
#![deny(unused_must_use, missing_docs)]
//! A crate whose every public item must be documented.

/// Adds two numbers.
#[must_use]
#[wear::tracked]
#[inline]
pub fn add(a: u32, b: u32) -> u32 {
    a + b
}

/// Parses a number.
#[wear::tracked(failures)]
#[must_use = "the parsed number"]
#[allow(clippy::needless_question_mark)]
pub fn parse(text: &str) -> Result<u32, std::num::ParseIntError> {
    Ok(text.parse()?)
}

/// Only compiled on platforms that do not exist; the attribute must keep the `cfg`.
#[cfg(any())]
#[wear::tracked]
pub fn never() -> DoesNotExist {
    DoesNotExist
}

/// A cart.
pub struct Cart;

/// Tracked methods of a cart.
#[wear::tracked]
impl Cart {
    /// Clears the cart.
    #[must_use]
    pub fn cleared(self) -> Cart {
        self
    }
}

fn main() {
    let sum = add(1, 2);
    let parsed = parse("3");
    let _cart = Cart.cleared();
    assert_eq!(Ok(sum), parsed);
}
