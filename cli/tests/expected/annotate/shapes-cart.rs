pub struct Cart;

#[wear::tracked]
impl Cart {
    pub fn new() -> Self {
        #[wear::tracked]
        fn nested_in_tracked_method() {}
        nested_in_tracked_method();
        Cart
    }

    const fn capacity() -> usize {
        3
    }
}

impl Cart {
    #[wear::tracked]
    #[tracing::instrument]
    pub fn add(&self) {}
}

impl Default for Cart {
    #[wear::tracked]
    fn default() -> Self {
        Cart
    }
}

unsafe extern "C" {
    fn abs(x: i32) -> i32;
}
