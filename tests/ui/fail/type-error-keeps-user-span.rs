// A type error inside a tracked body is reported at the user's tokens, not at the attribute,
// whatever shape the body was wrapped in.
#[wear::tracked]
fn parse(text: &str) -> usize {
    let x: u32 = "a";
    text.len() + x as usize
}

#[wear::tracked(timed, failures)]
fn checked(text: &str) -> Result<usize, String> {
    let y: u32 = "b";
    Ok(text.len() + y as usize)
}

struct Cart;

#[wear::tracked(failures)]
impl Cart {
    fn total(&self) -> u32 {
        "c"
    }
}

fn main() {
    let _ = parse("x");
    let _ = checked("x");
    let _ = Cart.total();
}
