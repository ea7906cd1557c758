#[wear::tracked]
type Cents = u64;

fn main() {
    let _: Cents = 1;
}
