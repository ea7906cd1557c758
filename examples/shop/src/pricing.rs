//! Prices: base price, regional tax, discounts and rounding.
use crate::parsing::Region;

pub trait TaxRule {
    fn rate_permille(&self) -> u64;

    #[wear::tracked]
    fn tax(&self, cents: u64) -> u64 {
        cents * self.rate_permille() / 1_000
    }
}

#[derive(Debug)]
pub struct RegionalTax(pub Region);

impl TaxRule for RegionalTax {
    #[wear::tracked]
    fn rate_permille(&self) -> u64 {
        match self.0 {
            Region::Eu => 200,
            Region::Us => 80,
            Region::Asia => 100,
        }
    }
}

#[wear::tracked(timed)]
pub fn line_total(unit_cents: u64, quantity: u32, region: Region) -> u64 {
    let gross = unit_cents * u64::from(quantity);
    let discounted = gross - volume_discount(gross, quantity);
    round_to_nickel(discounted + RegionalTax(region).tax(discounted))
}

#[wear::tracked]
fn volume_discount(gross: u64, quantity: u32) -> u64 {
    match quantity {
        0..=4 => 0,
        5..=19 => gross / 20,
        _ => gross / 10,
    }
}

#[wear::tracked]
fn round_to_nickel(cents: u64) -> u64 {
    (cents + 2) / 5 * 5
}

#[wear::tracked(limit_calls = 1_000)]
pub fn apply_coupon(total: u64, code: &str) -> u64 {
    match code {
        "WELCOME10" => total - total / 10,
        "FREESHIP" => total.saturating_sub(499),
        _ => total,
    }
}

/// Currency conversion for a marketplace launch that never happened.
#[wear::tracked]
pub fn convert_currency(cents: u64, rate_permille: u64) -> u64 {
    cents * rate_permille / 1_000
}
