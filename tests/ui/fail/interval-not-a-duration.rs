#[wear::tracked(interval = "soon")]
fn parse(text: &str) -> usize {
    text.len()
}

fn main() {
    let _ = parse("x");
}
