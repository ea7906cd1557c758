// There is no `other.rs`: the attribute must be refused before rustc looks for the file.
#[wear::tracked]
mod other;

fn main() {}
