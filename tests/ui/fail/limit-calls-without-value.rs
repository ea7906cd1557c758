#[wear::tracked(limit_calls)]
fn hot() {}

fn main() {
    hot();
}
