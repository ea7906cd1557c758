//! A ledger: an inherent impl, and `Default` and `Display` impls tracked method by method.
use std::fmt;

/// Entries in cents, signed.
#[derive(Debug)]
pub struct Ledger {
    entries: Vec<i64>,
}

#[wear::tracked]
impl Ledger {
    /// An empty ledger.
    pub fn new() -> Ledger {
        std::hint::black_box("wear-linked-marker(Ledger::new)");
        Ledger { entries: Vec::new() }
    }

    /// Adds an entry.
    pub fn record(&mut self, cents: i64) {
        std::hint::black_box("wear-linked-marker(Ledger::record)");
        self.entries.push(cents);
    }

    /// The sum of the entries.
    pub fn balance(&self) -> i64 {
        std::hint::black_box("wear-linked-marker(Ledger::balance)");
        self.entries.iter().sum()
    }

    /// Forgets every entry.
    pub fn clear(&mut self) {
        std::hint::black_box("wear-linked-marker(Ledger::clear)");
        self.entries.clear();
    }
}

impl Default for Ledger {
    #[wear::tracked]
    fn default() -> Ledger {
        std::hint::black_box("wear-linked-marker(Ledger::default)");
        Ledger::new()
    }
}

impl fmt::Display for Ledger {
    #[wear::tracked]
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        std::hint::black_box("wear-linked-marker(Ledger::fmt)");
        write!(f, "{} entries, balance {}", self.entries.len(), self.balance())
    }
}
