#[wear::tracked]
struct Cart {
    items: Vec<u32>,
}

fn main() {
    let cart = Cart { items: Vec::new() };
    let _ = cart.items;
}
