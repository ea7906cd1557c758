//! Parts of every kind.
#![allow(dead_code)]

/// A free function.
#[wear::tracked(timed, failures, limit_calls = 1000, limit_busy = "100h", interval = "180d")]
pub fn add(a: u32, b: u32) -> Result<u32, ()> {
    a.checked_add(b).ok_or(()) // overflow
}

pub struct Cart<'a> { items: Vec<&'a str> }

#[wear::tracked(interval = "30d")]
impl<'a> Cart<'a> {
    pub const fn empty() -> usize { 0 }
    #[wear::tracked(skip)]
    fn len(&self) -> usize { self.items.len() }
    pub(crate) fn r#add(&mut self, item: &'a str) { self.items.push(item); }
}

trait Price { fn price(&self) -> u64 { 1 } }
impl Price for Cart<'_> { #[wear::tracked] fn price(&self) -> u64 { 2 } }

#[wear::tracked]
mod nested {
    mod deeper { pub fn f() -> [u8; 2] { [b'x', 0x1f] } }
    #[cfg(test)]
    mod tests { fn t() {} }
}
