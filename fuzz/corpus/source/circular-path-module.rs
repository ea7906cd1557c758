#[path = "lib.rs"]
mod a;
#[wear::tracked]
pub fn f() {}
