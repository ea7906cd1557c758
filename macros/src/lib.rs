//! `#[wear::tracked]`: marks functions as parts. Use it through the `wear` crate, which
//! re-exports it and owns everything the generated code calls.
//!
//! Stages, one file each: [`direct`] reads a plain function from its tokens and [`item`]
//! parses everything else, [`valid`] checks that a function can be instrumented, [`locate`]
//! finds the impl around a method seen alone, and [`expand`] writes the code. Arguments are parsed by `wear_identity::args`, shared with
//! `cargo wear`.
use proc_macro::TokenStream;

mod direct;
mod expand;
mod item;
mod locate;
mod nfc;
mod valid;

/// Tracks a function, or every function of an `impl`, `trait` or inline `mod`, as a part.
///
/// See the `wear` crate for the arguments and for how each shape is named.
#[proc_macro_attribute]
pub fn tracked(args: TokenStream, item: TokenStream) -> TokenStream {
    expand::tracked(args.into(), item.into()).into()
}
