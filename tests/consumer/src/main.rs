//! A small program with a part of each common shape: free functions (one never called), an
//! inherent method, a trait impl and a trait's default method, in the crate root and in a module
//! file. Writes its snapshot to the path given as its only argument.
mod shelf;

use shelf::{Describe, Shelf};

#[wear::tracked]
fn restock(shelf: &mut Shelf, count: u32) {
    for _ in 0..count {
        shelf.put(1);
    }
}

#[wear::tracked(timed, failures)]
fn parse_count(text: &str) -> Result<u32, std::num::ParseIntError> {
    text.trim().parse()
}

#[expect(dead_code, reason = "a part in storage, on purpose")]
#[wear::tracked]
fn never_called() -> u32 {
    7
}

fn main() {
    let path = std::env::args_os().nth(1).expect("usage: wear-consumer-check SNAPSHOT.json");
    let mut shelf = Shelf::default();
    restock(&mut shelf, parse_count("3").unwrap_or(0));
    assert!(parse_count("three").is_err());
    println!("{}", shelf.describe());
    println!("{}", shelf.label());
    wear::snapshot().write_to(path.as_ref()).expect("the snapshot is written");
}
