#[wear::tracked(limit_calls = 0)]
fn parse(text: &str) -> usize {
    text.len()
}

fn main() {
    let _ = parse("x");
}
