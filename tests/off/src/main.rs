//! With `wear/off`, tracked items are compiled exactly as written: they work, and nothing is
//! registered or counted.
#[wear::tracked(timed, failures)]
fn parse(text: &str) -> Result<u32, std::num::ParseIntError> {
    text.parse()
}

struct Cart(Vec<u32>);

#[wear::tracked]
impl Cart {
    fn add(&mut self, item: u32) -> usize {
        self.0.push(item);
        self.0.len()
    }
}

fn main() {
    let mut cart = Cart(Vec::new());
    let added = cart.add(parse("7").unwrap_or(0));
    let snapshot = wear::snapshot();
    println!("added={added} parts={}", snapshot.parts.len());
}
