//! Every shape `annotate` meets.
mod cart;

/// Adds one.
// A plain comment stays where it is.
#[wear::tracked]
#[inline]
#[cfg_attr(feature = "x", allow(dead_code))]
pub fn free(a: u32) -> u32 {
    #[wear::tracked]
    fn nested(x: u32) -> u32 {
        /* a block comment */
        #[wear::tracked]
        fn deeper() {}
        deeper();
        x + 1
    }
    let closure = || {
        #[wear::tracked]
        fn in_closure() {}
        in_closure()
    };
    closure();
    nested(a)
}

pub const fn constant() -> u32 {
    3
}

#[unsafe(naked)]
pub extern "C" fn naked() {
    core::arch::naked_asm!("ret")
}

macro_rules! make {
    ($name:ident) => {
        pub fn $name() {}
    };
}
make!(made);

pub trait Priced {
    /// The price.
    #[wear::tracked]
    fn price(&self) -> u32 {
        1
    }
    fn required(&self);
}

pub mod inline {
    #[wear::tracked]
    pub fn inside() {}

    #[wear::tracked]
    pub fn tracked_already() {}

    #[wear::tracked(skip)]
    pub fn left_out() {}
}

#[wear::tracked]
pub mod tracked_mod {
    pub fn covered() {}
}

#[test]
fn a_test_outside_tests() {}

#[tokio::test]
async fn an_async_test() {}

#[cfg(test)]
mod tests {
    fn helper() {}

    #[test]
    fn works() {
        helper();
    }
}
