// A `const fn` inside a tracked impl, trait or mod is left as written, so it stays usable in
// constant contexts, while its neighbours are tracked.
struct Cart;

#[wear::tracked]
impl Cart {
    const fn capacity() -> usize {
        16
    }

    fn clear(&mut self) {}
}

#[wear::tracked]
mod sizes {
    pub const fn small() -> usize {
        4
    }

    pub fn large() -> usize {
        64
    }
}

const CAPACITY: usize = Cart::capacity();
const SMALL: [u8; sizes::small()] = [0; sizes::small()];

fn main() {
    Cart.clear();
    assert_eq!(CAPACITY + SMALL.len() + sizes::large(), 84);
}
