struct Cart;

#[wear::tracked]
impl Cart {
    #[wear::tracked(skip, timed)]
    fn clear(&mut self) {}
}

fn main() {
    Cart.clear();
}
