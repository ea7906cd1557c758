//! Serials as earlier builds of wear computed them (`wear-serial/1`), for usage recorded before
//! `wear-serial/2` (see [`crate::serial`]): `cargo wear` computes both for every part, so
//! calls and sign-offs recorded under a function's old serial still count for it while the
//! function has not changed.
//!
//! Algorithm (`wear-serial/1`):
//! 1. Take the function item's tokens: its outer attributes except doc comments (`#[doc]`)
//!    and wear's own `#[tracked]`/`#[wear::tracked(...)]`, then visibility, signature and
//!    body. Comments and whitespace are not tokens, so they never count.
//! 2. Walk the tokens depth first. Invisible groups (`Delimiter::None`, made by
//!    `macro_rules!`) are transparent. Write each token as a tag byte and its text: `(`/`[`/`{`
//!    and the matching close for groups, `i` + identifier, `p` + punctuation character
//!    (spacing ignored: `& &x` and `&&x` are the same code), `l` + literal as written, each
//!    text followed by a NUL byte.
//! 3. Hash the bytes with XXH3-64 (seed 0). The serial is the hash as 16 lowercase hex digits.
use proc_macro2::TokenStream;
use quote::ToTokens;

use crate::serial::{Serial, serial_of_tokens};

/// The `wear-serial/1` serial of a function given by its parts (all of steps 1 to 3).
///
/// `attrs` are the function's outer attributes as written; doc comments and wear's own
/// attributes are dropped here, so callers pass them unfiltered.
///
/// `body` is the braced body: a parsed `syn::Block`, or its tokens as written (the macro reads
/// a function's body without parsing it); both give the same tokens.
pub fn serial_v1_of_fn(
    attrs: &[syn::Attribute],
    vis: &syn::Visibility,
    sig: &syn::Signature,
    body: &(impl ToTokens + ?Sized),
) -> Serial {
    let mut tokens = TokenStream::new();
    for attr in attrs.iter().filter(|a| counts_for_serial(a)) {
        attr.to_tokens(&mut tokens);
    }
    vis.to_tokens(&mut tokens);
    sig.to_tokens(&mut tokens);
    body.to_tokens(&mut tokens);
    serial_of_tokens(tokens)
}

/// Doc comments are comments; wear's own attribute holds tracking settings, not code.
fn counts_for_serial(attr: &syn::Attribute) -> bool {
    !(attr.path().is_ident("doc") || crate::args::is_tracked_attr(attr))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v1(src: &str) -> Serial {
        let item: syn::ItemFn = syn::parse_str(src).expect("test source parses");
        serial_v1_of_fn(&item.attrs, &item.vis, &item.sig, &item.block)
    }

    #[test]
    fn version_1_counted_attributes_but_not_docs_or_tracking() {
        let plain = v1("fn f() {}");
        assert_eq!(plain, v1("/// Doc.\n#[wear::tracked(timed)] fn f() {}"));
        assert_ne!(plain, v1("#[inline] fn f() {}"));
    }

    #[test]
    fn version_1_serials_stay_what_wear_0_1_recorded() {
        // What wear wrote before `wear-serial/2` (`wear-snapshot/1`, commit c8439fec) for these two functions; usage files and
        // logbooks hold such values, so they must never change.
        assert_eq!(v1("fn add(a: u32, b: u32) -> u32 { a + b }").to_string(), V1_ADD);
        assert_eq!(v1("#[inline] pub fn f() {}").to_string(), V1_INLINE);
    }

    #[test]
    fn a_function_without_attributes_keeps_its_serial_across_versions() {
        let src = "fn add(a: u32, b: u32) -> u32 { a + b }";
        assert_eq!(v1(src), crate::serial::serial_of_text(src));
    }

    const V1_ADD: &str = "1024df2b8747603d";
    const V1_INLINE: &str = "0461580364dce28f";
}
