// Every mistake in the arguments is reported in one compile, not one per attempt.
#[wear::tracked(timd, limit_calls = "many", interval = "soon")]
fn parse(text: &str) -> usize {
    text.len()
}

fn main() {
    let _ = parse("x");
}
