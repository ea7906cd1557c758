//! Shopping carts.
use crate::parsing::OrderLine;

#[derive(Debug, Default)]
pub struct Cart {
    lines: Vec<OrderLine>,
}

impl Cart {
    #[wear::tracked]
    pub fn new() -> Cart {
        Cart::default()
    }

    #[wear::tracked]
    pub fn add_item(&mut self, line: OrderLine) {
        match self.lines.iter_mut().find(|l| l.sku == line.sku && l.region == line.region) {
            Some(existing) => existing.quantity += line.quantity,
            None => self.lines.push(line),
        }
    }

    #[wear::tracked]
    pub fn remove_item(&mut self, sku: u32) -> bool {
        let before = self.lines.len();
        self.lines.retain(|l| l.sku != sku);
        self.lines.len() != before
    }

    #[wear::tracked]
    pub fn lines(&self) -> &[OrderLine] {
        &self.lines
    }

    #[wear::tracked]
    pub fn merge(&mut self, other: Cart) {
        for line in other.lines {
            self.add_item(line);
        }
    }
}

#[derive(Debug)]
pub struct GiftCart {
    pub cart: Cart,
    pub message: String,
}

impl GiftCart {
    #[wear::tracked]
    pub fn add_item(&mut self, line: OrderLine) {
        self.cart.add_item(line);
    }
}
