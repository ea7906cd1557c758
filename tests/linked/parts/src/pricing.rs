//! Prices and taxes: an inherent impl tracked as a whole, a trait's default method, trait impls
//! tracked as a whole and method by method, and a `timed` parser.
use std::num::ParseIntError;

/// A price in cents.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Price(u64);

#[wear::tracked]
impl Price {
    /// A price of `cents`.
    pub fn new(cents: u64) -> Price {
        std::hint::black_box("wear-linked-marker(Price::new)");
        Price(cents)
    }

    /// The price in cents.
    pub fn cents(self) -> u64 {
        std::hint::black_box("wear-linked-marker(Price::cents)");
        self.0
    }

    /// The sum of two prices.
    pub fn add(self, other: Price) -> Price {
        std::hint::black_box("wear-linked-marker(Price::add)");
        Price(self.0 + other.0)
    }

    /// The price less `percent` per cent.
    pub fn discount(self, percent: u64) -> Price {
        std::hint::black_box("wear-linked-marker(Price::discount)");
        Price(self.0 - self.0 * percent / 100)
    }
}

/// A tax on a price.
pub trait Tax {
    /// The rate in per mille.
    fn rate(&self) -> u64;

    /// `price` with the tax added.
    #[wear::tracked]
    fn apply(&self, price: Price) -> Price {
        std::hint::black_box("wear-linked-marker(Tax::apply)");
        Price(price.0 + price.0 * self.rate() / 1000)
    }
}

/// The same rate everywhere.
#[derive(Debug)]
pub struct Flat;

#[wear::tracked]
impl Tax for Flat {
    fn rate(&self) -> u64 {
        std::hint::black_box("wear-linked-marker(Flat::rate)");
        200
    }
}

/// A rate of its own per region.
#[derive(Debug)]
pub struct Regional(pub u64);

impl Tax for Regional {
    #[wear::tracked]
    fn rate(&self) -> u64 {
        std::hint::black_box("wear-linked-marker(Regional::rate)");
        self.0
    }
}

/// Reads a price in cents.
#[wear::tracked(timed, failures)]
pub fn parse_price(text: &str) -> Result<Price, ParseIntError> {
    std::hint::black_box("wear-linked-marker(parse_price)");
    text.trim().parse().map(Price)
}
