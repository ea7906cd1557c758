#[wear::tracked(timed, failures, timed)]
fn parse(text: &str) -> Result<u32, std::num::ParseIntError> {
    text.parse()
}

fn main() {
    let _ = parse("1");
}
