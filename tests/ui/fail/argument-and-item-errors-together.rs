// A wrong argument and a `const fn`: both are reported in the same compile.
#[wear::tracked(timd)]
const fn answer() -> u32 {
    42
}

fn main() {
    let _ = answer();
}
