#[wear::tracked(timed = true)]
fn slow() {}

fn main() {
    slow();
}
