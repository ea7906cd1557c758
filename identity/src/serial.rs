//! The serial: a fingerprint of a function's tokens.
//!
//! Algorithm (`wear-serial/1`), the one place it is defined:
//! 1. Take the function item's tokens: its outer attributes except doc comments (`#[doc]`)
//!    and wear's own `#[tracked]`/`#[wear::tracked(...)]`, then visibility, signature and
//!    body. Comments and whitespace are not tokens, so they never count.
//! 2. Walk the tokens depth first. Invisible groups (`Delimiter::None`, made by
//!    `macro_rules!`) are transparent. Write each token as a tag byte and its text: `(`/`[`/`{`
//!    and the matching close for groups, `i` + identifier, `p` + punctuation character
//!    (spacing ignored: `& &x` and `&&x` are the same code), `l` + literal as written, each
//!    text followed by a NUL byte.
//! 3. Hash the bytes with XXH3-64 (seed 0). The serial is the hash as 16 lowercase hex digits.
use std::fmt;
use std::io::Write;
use std::str::FromStr;

use proc_macro2::{Delimiter, TokenStream, TokenTree};
use quote::ToTokens;
use xxhash_rust::xxh3::xxh3_64;

/// A part's serial: changes when the function's code changes, not when its layout does.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Debug)]
pub struct Serial(pub u64);

impl fmt::Display for Serial {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:016x}", self.0)
    }
}

/// Why a string is not a serial.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SerialParseError(String);

impl fmt::Display for SerialParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "`{}` is not a serial: expected 16 hex digits", self.0)
    }
}

impl std::error::Error for SerialParseError {}

impl FromStr for Serial {
    type Err = SerialParseError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        if s.len() != 16 {
            return Err(SerialParseError(s.to_owned()));
        }
        u64::from_str_radix(s, 16).map(Serial).map_err(|_| SerialParseError(s.to_owned()))
    }
}

/// The serial of any token stream (step 2 and 3 of the algorithm).
pub fn serial_of_tokens(tokens: TokenStream) -> Serial {
    let mut bytes = Vec::new();
    feed(&mut bytes, tokens);
    Serial(xxh3_64(&bytes))
}

/// The serial of a function item given as its tokens as written, outer attributes first (all
/// of steps 1 to 3): the same serial as [`serial_of_fn`] gives the parsed item, without
/// parsing it. The macro reads the functions it is put on this way.
///
/// Returns `None` when an attribute cannot be read without parsing (an invisible group from a
/// `macro_rules!` expansion in its place); [`serial_of_fn`] reads those.
pub fn serial_of_item(tokens: &[TokenTree]) -> Option<Serial> {
    serial_of_head_and_body(tokens, None)
}

/// [`serial_of_item`] for an item whose braced body is given apart, as the trees between its
/// braces: the macro has them already, and reading a body's trees again costs a round trip
/// through the compiler for every group.
pub fn serial_of_head_and_body(head: &[TokenTree], body: Option<&[TokenTree]>) -> Option<Serial> {
    let mut bytes = Vec::new();
    let mut rest = head;
    while let [TokenTree::Punct(hash), TokenTree::Group(attr), after @ ..] = rest
        && hash.as_char() == '#'
        && attr.delimiter() == Delimiter::Bracket
    {
        if attribute_counts(&attr.stream())? {
            feed(&mut bytes, rest[..2].iter().cloned());
        }
        rest = after;
    }
    feed(&mut bytes, rest.iter().cloned());
    if let Some(body) = body {
        bytes.push(b'{');
        feed(&mut bytes, body.iter().cloned());
        bytes.push(b'}');
    }
    Some(Serial(xxh3_64(&bytes)))
}

/// Step 1 for one outer attribute given by what is between its brackets: doc comments and
/// wear's own attribute do not count (as [`counts_for_serial`] decides for parsed ones).
fn attribute_counts(inside: &TokenStream) -> Option<bool> {
    let mut segments: Vec<String> = Vec::new();
    let mut leading_colon = false;
    let mut colons = 0;
    for tree in inside.clone() {
        match tree {
            TokenTree::Punct(p) if p.as_char() == ':' => {
                colons += 1;
                if segments.is_empty() && colons == 2 {
                    leading_colon = true;
                }
            }
            TokenTree::Ident(ident) if segments.is_empty() || colons == 2 => {
                segments.push(ident.to_string());
                colons = 0;
            }
            TokenTree::Group(group) if group.delimiter() == Delimiter::None && segments.is_empty() => {
                return None;
            }
            _ => break,
        }
    }
    let doc = !leading_colon && segments == ["doc"];
    let tracked = matches!(segments.as_slice(), [last] if last == "tracked")
        || matches!(segments.as_slice(), [krate, last] if krate == "wear" && last == "tracked");
    Some(!(doc || tracked))
}

/// The serial of a function given by its parts (all of steps 1 to 3).
///
/// `attrs` are the function's outer attributes as written; doc comments and wear's own
/// attributes are dropped here, so callers pass them unfiltered.
///
/// `body` is the braced body: a parsed `syn::Block`, or its tokens as written (the macro reads
/// a function's body without parsing it); both give the same tokens.
pub fn serial_of_fn(
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

/// The serial of a function written as source text, e.g. `"fn f() { 1 }"`.
///
/// This is how a tool that only has text (the CLI, a test) computes the serial that the
/// macro compiled into the program.
pub fn serial_of_source(source: &str) -> syn::Result<Serial> {
    let item: syn::ItemFn = syn::parse_str(source)?;
    Ok(serial_of_fn(&item.attrs, &item.vis, &item.sig, &item.block))
}

/// Doc comments are comments; wear's own attribute holds tracking settings, not code.
fn counts_for_serial(attr: &syn::Attribute) -> bool {
    !(attr.path().is_ident("doc") || crate::args::is_tracked_attr(attr))
}

fn feed(bytes: &mut Vec<u8>, tokens: impl IntoIterator<Item = TokenTree>) {
    for tree in tokens {
        match tree {
            TokenTree::Group(group) => {
                let (open, close): (&[u8], &[u8]) = match group.delimiter() {
                    Delimiter::Parenthesis => (b"(", b")"),
                    Delimiter::Bracket => (b"[", b"]"),
                    Delimiter::Brace => (b"{", b"}"),
                    Delimiter::None => (b"", b""),
                };
                bytes.extend_from_slice(open);
                feed(bytes, group.stream());
                bytes.extend_from_slice(close);
            }
            // Written in place: writing to a `Vec` cannot fail.
            TokenTree::Ident(ident) => {
                bytes.push(b'i');
                let _ = write!(bytes, "{ident}");
                bytes.push(0);
            }
            TokenTree::Punct(punct) => {
                let mut buf = [0u8; 4];
                bytes.push(b'p');
                bytes.extend_from_slice(punct.as_char().encode_utf8(&mut buf).as_bytes());
                bytes.push(0);
            }
            TokenTree::Literal(literal) => {
                bytes.push(b'l');
                let _ = write!(bytes, "{literal}");
                bytes.push(0);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn serial(src: &str) -> Serial {
        serial_of_source(src).expect("test source parses")
    }

    #[test]
    fn whitespace_and_comments_do_not_change_the_serial() {
        let base = serial("fn add(a: u32, b: u32) -> u32 { a + b }");
        let spaced = serial(
            "/// Adds.\n/// Twice documented.\nfn add(\n    a: u32, // first\n    b: u32\n) -> u32 {\n    /* sum */ a+b\n}",
        );
        assert_eq!(base, spaced);
    }

    #[test]
    fn a_real_edit_changes_the_serial() {
        let base = serial("fn add(a: u32, b: u32) -> u32 { a + b }");
        assert_ne!(base, serial("fn add(a: u32, b: u32) -> u32 { a - b }"));
        assert_ne!(base, serial("fn add(a: u32, b: u32) -> u32 { b + a }"));
        assert_ne!(base, serial("fn add(a: u64, b: u32) -> u32 { a + b }"));
        assert_ne!(base, serial("fn add(a: u32, b: u32) -> u32 { a + b + 0 }"));
        assert_ne!(base, serial("#[inline] fn add(a: u32, b: u32) -> u32 { a + b }"));
    }

    #[test]
    fn literals_count_as_written() {
        assert_ne!(serial("fn f() -> &'static str { \"a\" }"), serial("fn f() -> &'static str { \"b\" }"));
        assert_ne!(serial("fn f() -> u32 { 1 }"), serial("fn f() -> u32 { 2 }"));
    }

    #[test]
    fn tracking_settings_are_not_code() {
        let plain = serial("fn f() {}");
        assert_eq!(plain, serial("#[wear::tracked(timed, limit_calls = 5)] fn f() {}"));
        assert_eq!(plain, serial("#[tracked] fn f() {}"));
    }

    #[test]
    fn serials_print_and_parse_as_16_hex_digits() {
        let s = serial("fn f() {}");
        let text = s.to_string();
        assert_eq!(text.len(), 16);
        assert_eq!(text.parse::<Serial>(), Ok(s));
        assert!("xyz".parse::<Serial>().is_err());
        assert!("0123456789abcdeg".parse::<Serial>().is_err());
    }

    #[test]
    fn invisible_groups_are_transparent() {
        let plain: TokenStream = "a + b".parse().expect("tokens");
        let grouped: TokenStream =
            std::iter::once(TokenTree::Group(proc_macro2::Group::new(Delimiter::None, plain.clone())))
                .collect();
        assert_eq!(serial_of_tokens(plain), serial_of_tokens(grouped));
    }

    #[test]
    fn the_serial_of_tokens_as_written_is_the_serial_of_the_parsed_item() {
        let tokens = |src: &str| src.parse::<TokenStream>().expect("tokens").into_iter().collect::<Vec<_>>();
        for src in [
            "fn f() {}",
            "/// Doc.\n#[doc(hidden)] #[inline] #[wear::tracked(timed)] #[::wear::tracked] #[tracked] pub(crate) fn f() {}",
            "#[cfg_attr(all(), doc = \"x\")] #[must_use] pub unsafe extern \"C\" fn f<'a, T: Copy>(x: &'a T,) -> T where T: 'a, { *x }",
            "async fn f(self: Pin<&mut Self>, (a, b): (u8, u8)) -> impl Future<Output = ()> { async {} }",
        ] {
            let item: syn::ItemFn = syn::parse_str(src).expect("parses");
            let parsed = serial_of_fn(&item.attrs, &item.vis, &item.sig, &item.block);
            assert_eq!(serial_of_item(&tokens(src)), Some(parsed), "{src}");
        }
        let invisible = TokenTree::Group(proc_macro2::Group::new(
            Delimiter::None,
            "doc = \"x\"".parse().expect("tokens"),
        ));
        let attr = TokenTree::Group(proc_macro2::Group::new(
            Delimiter::Bracket,
            std::iter::once(invisible).collect(),
        ));
        let mut item = tokens("#");
        item.push(attr);
        item.extend(tokens("fn f() {}"));
        assert_eq!(serial_of_item(&item), None, "an attribute from a macro_rules! expansion is left to syn");
    }

    #[test]
    fn every_function_of_this_workspace_has_the_same_serial_read_as_tokens_or_parsed() {
        use syn::spanned::Spanned;
        let mut functions = 0;
        for (path, source) in crate::workspace_sources() {
            let Ok(file) = syn::parse_file(&source) else { continue };
            let mut items = Vec::new();
            for item in &file.items {
                match item {
                    syn::Item::Fn(f) => {
                        items.push((f.span(), serial_of_fn(&f.attrs, &f.vis, &f.sig, &f.block), &f.attrs))
                    }
                    syn::Item::Impl(i) => {
                        for it in &i.items {
                            if let syn::ImplItem::Fn(f) = it {
                                items.push((
                                    f.span(),
                                    serial_of_fn(&f.attrs, &f.vis, &f.sig, &f.block),
                                    &f.attrs,
                                ));
                            }
                        }
                    }
                    _ => {}
                }
            }
            for (span, parsed, attrs) in items {
                // Inner attributes are moved before the signature by syn; the macro parses those.
                if attrs.iter().any(|a| matches!(a.style, syn::AttrStyle::Inner(_))) {
                    continue;
                }
                let text = &source[span.byte_range()];
                let tokens: Vec<TokenTree> =
                    text.parse::<TokenStream>().expect("tokens").into_iter().collect();
                assert_eq!(serial_of_item(&tokens), Some(parsed), "{}: {text}", path.display());
                functions += 1;
            }
        }
        assert!(functions > 1000, "the workspace has its functions: {functions}");
    }
}
