#[wear::tracked(limit_calls = "a million")]
fn parse(text: &str) -> usize {
    text.len()
}

fn main() {
    let _ = parse("x");
}
