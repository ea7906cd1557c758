struct Cart;

// The un-annotated `const fn` is left alone; only the explicitly annotated one is an error.
#[wear::tracked]
impl Cart {
    #[wear::tracked]
    const fn capacity() -> usize {
        16
    }

    const fn empty() -> Cart {
        Cart
    }

    fn clear(&mut self) {}
}

fn main() {
    let mut cart = Cart::empty();
    cart.clear();
    let _ = Cart::capacity();
}
