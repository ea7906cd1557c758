#[wear::tracked(
    timed,
    failures,
    limit_calls = 1_000_000_000,
    limit_busy = "100h",
    interval = "180d"
)]
fn parse(text: &str) -> Result<u32, std::num::ParseIntError> {
    text.parse()
}

struct Cart;

// Arguments on the container are inherited; an item's own arguments win.
#[wear::tracked(timed, limit_calls = 1_000, interval = "1y 6months")]
impl Cart {
    #[wear::tracked(failures, limit_calls = 10, limit_busy = "2h 30m")]
    fn checkout(&self) -> Result<(), String> {
        Ok(())
    }

    fn clear(&mut self) {}

    #[wear::tracked(skip)]
    fn len(&self) -> usize {
        0
    }
}

fn main() {
    assert_eq!(parse("7"), Ok(7));
    let mut cart = Cart;
    assert!(cart.checkout().is_ok());
    cart.clear();
    assert_eq!(cart.len(), 0);
}
