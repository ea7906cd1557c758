//! Ten thousand generated parts, `generated::d0::d0::d0::d0::part` to `d9::d9::d9::d9::part`,
//! for the benches that need a program with many parts: what a collection costs
//! (`benches/collect.rs`) and what exporting them costs the program (`benches/export.rs`).
//! `macro_rules!` builds them, so the source stays small.
/// Ten modules `d0`..`d9`, each expanding `$inner`, and `call_all()` calling into all ten.
macro_rules! tens {
    ($inner:ident) => {
        pub mod d0 {
            $inner!();
        }
        pub mod d1 {
            $inner!();
        }
        pub mod d2 {
            $inner!();
        }
        pub mod d3 {
            $inner!();
        }
        pub mod d4 {
            $inner!();
        }
        pub mod d5 {
            $inner!();
        }
        pub mod d6 {
            $inner!();
        }
        pub mod d7 {
            $inner!();
        }
        pub mod d8 {
            $inner!();
        }
        pub mod d9 {
            $inner!();
        }
        /// Calls every part below this module once.
        #[inline(never)]
        pub fn call_all() {
            d0::call_all();
            d1::call_all();
            d2::call_all();
            d3::call_all();
            d4::call_all();
            d5::call_all();
            d6::call_all();
            d7::call_all();
            d8::call_all();
            d9::call_all();
        }
    };
}
/// One part; its path is the module path, so every generated part is distinct.
macro_rules! part {
    () => {
        #[wear::tracked]
        #[inline(never)]
        pub fn part() {}
        /// Calls the part.
        #[inline(always)]
        pub fn call_all() {
            part();
        }
    };
}
macro_rules! parts_10 {
    () => {
        tens!(part);
    };
}
macro_rules! parts_100 {
    () => {
        tens!(parts_10);
    };
}
macro_rules! parts_1k {
    () => {
        tens!(parts_100);
    };
}
macro_rules! parts_10k {
    () => {
        tens!(parts_1k);
    };
}
parts_10k!();
