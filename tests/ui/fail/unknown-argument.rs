#[wear::tracked(timd)]
fn parse(text: &str) -> usize {
    text.len()
}

fn main() {
    let _ = parse("x");
}
