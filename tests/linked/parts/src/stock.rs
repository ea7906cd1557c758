//! Stock keeping: a tracked inline module (with a module inside), a function reached only from
//! another that is never called, limits, an `async fn` and an `extern "C" fn`.

/// Shelves, every function of which is a part.
#[wear::tracked]
pub mod shelf {
    /// Puts `count` items on `shelf`.
    pub fn put(shelf: &mut Vec<u32>, count: u32) {
        std::hint::black_box("wear-linked-marker(shelf::put)");
        shelf.extend(std::iter::repeat_n(1, count as usize));
    }

    /// Takes one item off `shelf`.
    pub fn take(shelf: &mut Vec<u32>) -> Option<u32> {
        std::hint::black_box("wear-linked-marker(shelf::take)");
        shelf.pop()
    }

    /// Bins under the shelves.
    pub mod bin {
        /// Empties `bin`.
        pub fn sweep(bin: &mut Vec<u32>) {
            std::hint::black_box("wear-linked-marker(bin::sweep)");
            bin.clear();
        }
    }
}

/// Counts every shelf; never called.
#[wear::tracked]
pub fn audit(shelves: &[Vec<u32>]) -> usize {
    std::hint::black_box("wear-linked-marker(audit)");
    shelves.iter().map(|s| audit_row(s)).sum()
}

/// One shelf's count: called only by `audit`, which is never called.
#[wear::tracked]
fn audit_row(shelf: &[u32]) -> usize {
    std::hint::black_box("wear-linked-marker(audit_row)");
    shelf.len()
}

/// How many items to order when `level` is low.
#[wear::tracked(limit_calls = 1_000, interval = "90d")]
pub fn reorder(level: u32) -> u32 {
    std::hint::black_box("wear-linked-marker(reorder)");
    100u32.saturating_sub(level)
}

/// Restocks `shelf` once the supplier answers.
#[wear::tracked]
pub async fn restock(shelf: &mut Vec<u32>, count: u32) {
    std::hint::black_box("wear-linked-marker(restock)");
    shelf::put(shelf, count);
}

/// The stock level, for C callers.
#[wear::tracked]
pub extern "C" fn stock_level(items: u32) -> u32 {
    std::hint::black_box("wear-linked-marker(stock_level)");
    items
}
