//! Stock levels and the order log.
use std::collections::HashMap;

#[derive(Debug, Default)]
pub struct Stock {
    levels: HashMap<u32, u32>,
    log: Vec<String>,
}

#[derive(Debug, PartialEq)]
pub struct OutOfStock {
    pub sku: u32,
    pub wanted: u32,
    pub have: u32,
}

#[wear::tracked]
mod maintenance {
    use super::Stock;

    pub fn compact_log(stock: &mut Stock) -> usize {
        let before = stock.log.len();
        stock.log.dedup();
        before - stock.log.len()
    }

    pub fn rebuild_index(stock: &mut Stock) {
        stock.levels.shrink_to_fit();
    }
}

pub use maintenance::{compact_log, rebuild_index};

impl Stock {
    #[wear::tracked]
    pub fn filled(skus: u32, each: u32) -> Stock {
        Stock { levels: (0..skus).map(|s| (s, each)).collect(), log: Vec::new() }
    }

    #[wear::tracked(failures)]
    pub fn reserve(&mut self, sku: u32, wanted: u32) -> Result<(), OutOfStock> {
        let have = self.levels.get(&sku).copied().unwrap_or(0);
        if have < wanted {
            return Err(OutOfStock { sku, wanted, have });
        }
        self.levels.insert(sku, have - wanted);
        Ok(())
    }

    #[wear::tracked]
    pub fn restock(&mut self, sku: u32, amount: u32) {
        *self.levels.entry(sku).or_insert(0) += amount;
    }

    #[wear::tracked(timed)]
    pub fn append_log(&mut self, entry: String) {
        self.log.push(entry);
    }

    #[wear::tracked]
    pub fn export_csv(&self) -> String {
        self.levels.iter().map(|(s, n)| format!("{s},{n}\n")).collect()
    }
}
