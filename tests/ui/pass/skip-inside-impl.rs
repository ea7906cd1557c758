struct Cart {
    items: Vec<u32>,
}

#[wear::tracked(timed)]
impl Cart {
    fn add(&mut self, item: u32) {
        self.items.push(item);
    }

    // Left out: a hot accessor not worth counting.
    #[wear::tracked(skip)]
    fn len(&self) -> usize {
        self.items.len()
    }
}

#[wear::tracked]
mod checkout {
    #[wear::tracked(skip)]
    pub fn total(items: &[u32]) -> u32 {
        items.iter().sum()
    }
}

fn main() {
    let mut cart = Cart { items: Vec::new() };
    cart.add(1);
    assert_eq!(cart.len(), 1);
    assert_eq!(checkout::total(&cart.items), 1);
}
