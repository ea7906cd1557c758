//! A skewed workload: most orders are simple, a few use coupons, gifts or bad input; some
//! features are never used.
use crate::cart::{Cart, GiftCart};
use crate::catalog::Catalog;
use crate::checkout::{checkout, refund};
use crate::parsing::parse_line;
use crate::storage::{Stock, compact_log};

/// A small deterministic generator (xorshift), so every run does the same work.
struct Dice(u64);

impl Dice {
    fn roll(&mut self, sides: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % sides
    }
}

/// Runs `orders` orders and says how they went.
pub fn run(orders: usize) -> String {
    let catalog = Catalog::with_products(500);
    let mut stock = Stock::filled(500, 20_000);
    let mut dice = Dice(0x9e37_79b9_7f4a_7c15);
    let (mut paid, mut failed, mut revenue) = (0u64, 0u64, 0u64);
    for _ in 0..orders {
        let mut cart = Cart::new();
        let lines = 1 + dice.roll(4);
        for _ in 0..lines {
            // Popular products are far more popular: a skewed (roughly Zipf) choice.
            let sku = (dice.roll(500) * dice.roll(500)) / 500 + if dice.roll(50) == 0 { 600 } else { 0 };
            let region = ["@eu", "@us", "@asia", "@mars"][(dice.roll(100) / 33).min(3) as usize];
            let text = format!("sku-{sku} x{} {region}", 1 + dice.roll(6));
            if let Ok(line) = parse_line(&text) {
                cart.add_item(line);
            }
        }
        if dice.roll(40) == 0 {
            let mut gift = GiftCart { cart: Cart::new(), message: "happy birthday".to_owned() };
            if let Ok(line) = parse_line("sku-7 x1 @eu") {
                gift.add_item(line);
            }
            cart.merge(gift.cart);
        }
        let coupon = (dice.roll(25) == 0).then_some("WELCOME10");
        match checkout(&cart, &catalog, &mut stock, coupon) {
            Ok(total) => {
                paid += 1;
                revenue += total;
            }
            Err(_) => failed += 1,
        }
        if dice.roll(500) == 0 {
            refund(&mut stock, 7, 1);
        }
    }
    let compacted = compact_log(&mut stock);
    format!(
        "{orders} orders: {paid} paid, {failed} failed, revenue {}.{:02}; {compacted} log entries compacted; {} products",
        revenue / 100,
        revenue % 100,
        catalog.product_count()
    )
}
