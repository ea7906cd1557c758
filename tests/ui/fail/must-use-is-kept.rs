// `#[must_use]` survives `#[wear::tracked]`, on a function and on a method of a tracked impl,
// wherever it is written: the unused results below are reported.
#![deny(unused_must_use)]

#[must_use]
#[wear::tracked(failures)]
fn add(a: u32, b: u32) -> u32 {
    a + b
}

struct Cart;

#[wear::tracked]
impl Cart {
    #[must_use = "the cleared cart replaces this one"]
    fn cleared(self) -> Cart {
        self
    }
}

fn main() {
    add(1, 2);
    Cart.cleared();
}
