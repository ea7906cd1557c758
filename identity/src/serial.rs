//! The serial: a fingerprint of a function's code.
//!
//! Algorithm (`wear-serial/2`), the one place it is defined:
//! 1. Take the function's source text from its first token after its outer attributes
//!    (visibility, `default`, `const`, `async`, `unsafe`, `extern "ABI"`, `fn`) to the closing
//!    brace of its body. Outer attributes never count: rustc removes `cfg` and `cfg_attr`
//!    before the macro runs and other attribute macros may consume theirs, so they are not
//!    what both sides can see. Inner attributes count where they are written, in the body;
//!    wear's own attribute on a function declared in the body does not (it is a setting:
//!    tracking a nested function does not change the function around it).
//! 2. Split it into tokens with [`crate::lexer`]: comments (doc comments included) and
//!    whitespace are not tokens, so they never count.
//! 3. Write each token as bytes: `(`, `)`, `[`, `]`, `{`, `}` as themselves; `i` + identifier,
//!    `p` + punctuation character (spacing ignored: `& &x` and `&&x` are the same code),
//!    `l` + literal as written, a lifetime `'a` as `p'` and `ia`; each text followed by a NUL
//!    byte. These are the bytes the token trees of the same text give (`serial_of_tokens`).
//! 4. Hash the bytes with XXH3-64 (seed 0). The serial is the hash as 16 lowercase hex digits.
//!
//! The macro reads the text from the function's file, where it finds the function by its
//! name's line and column ([`crate::outline`]); `cargo wear` reads it from the same file
//! ([`crate::site`]). A function whose text the macro cannot find (one written by
//! `macro_rules!`, a file it cannot read) gets the serial of its token trees instead
//! ([`serial_of_head_and_body`]), which is the same for the same text unless the body holds
//! doc comments or an earlier macro rewrote it.
use std::fmt;
use std::io::Write;
use std::str::FromStr;

use proc_macro2::{Delimiter, TokenStream, TokenTree};
use quote::ToTokens;
use xxhash_rust::xxh3::xxh3_64;

use crate::lexer::Kind;

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

/// The serial of a function's source text, outer attributes included or not (steps 1 to 4):
/// `text` runs from the function's first attribute or first token to its closing brace.
pub fn serial_of_text(text: &str) -> Serial {
    let tokens = crate::lexer::tokens(text);
    let punct = |at: usize| match tokens.get(at).map(|t| t.kind) {
        Some(Kind::Punct(c)) => c,
        _ => 0,
    };
    let word = |at: usize| tokens.get(at).filter(|t| t.kind == Kind::Ident).map(|t| t.text(text));
    // The index after the `]` that closes the bracket at `open`.
    let after_bracket = |open: usize| {
        let mut depth = 0usize;
        for (at, token) in tokens.iter().enumerate().skip(open) {
            match token.kind {
                Kind::Punct(b'[') => depth += 1,
                Kind::Punct(b']') => {
                    depth -= 1;
                    if depth == 0 {
                        return at + 1;
                    }
                }
                _ => {}
            }
        }
        tokens.len()
    };
    let mut bytes = Vec::with_capacity(text.len());
    let mut at = 0;
    // Step 1: leading outer attributes.
    while punct(at) == b'#' && punct(at + 1) == b'[' {
        at = after_bracket(at + 1);
    }
    while let Some(token) = tokens.get(at) {
        // wear's own attribute on a function inside this one is a setting, not code.
        if punct(at) == b'#' && punct(at + 1) == b'[' {
            let path_end = match (word(at + 2), punct(at + 2)) {
                (Some("tracked"), _) => Some(at + 3),
                (Some("wear"), _)
                    if punct(at + 3) == b':' && punct(at + 4) == b':' && word(at + 5) == Some("tracked") =>
                {
                    Some(at + 6)
                }
                (None, b':')
                    if punct(at + 3) == b':'
                        && word(at + 4) == Some("wear")
                        && word(at + 7) == Some("tracked") =>
                {
                    Some(at + 8)
                }
                _ => None,
            };
            if path_end.is_some_and(|end| matches!(punct(end), b']' | b'(')) {
                at = after_bracket(at + 1);
                continue;
            }
        }
        let text = token.text(text);
        match token.kind {
            Kind::Punct(c @ (b'(' | b')' | b'[' | b']' | b'{' | b'}')) => bytes.push(c),
            Kind::Punct(c) => push_punct(&mut bytes, char::from(c)),
            Kind::Ident => push_text(&mut bytes, b'i', text),
            Kind::Literal => push_text(&mut bytes, b'l', text),
            Kind::Lifetime => {
                push_punct(&mut bytes, '\'');
                push_text(&mut bytes, b'i', &text[1..]);
            }
        }
        at += 1;
    }
    Serial(xxh3_64(&bytes))
}

fn push_punct(bytes: &mut Vec<u8>, c: char) {
    let mut buf = [0u8; 4];
    bytes.push(b'p');
    bytes.extend_from_slice(c.encode_utf8(&mut buf).as_bytes());
    bytes.push(0);
}

fn push_text(bytes: &mut Vec<u8>, tag: u8, text: &str) {
    bytes.push(tag);
    bytes.extend_from_slice(text.as_bytes());
    bytes.push(0);
}

/// The serial of any token stream (steps 3 and 4 on token trees).
pub fn serial_of_tokens(tokens: TokenStream) -> Serial {
    let mut bytes = Vec::new();
    feed(&mut bytes, tokens);
    Serial(xxh3_64(&bytes))
}

/// The serial of a function given as its token trees, outer attributes first: the macro's
/// fallback when it cannot read the function's text. `body`, when given, is the trees between
/// the braces of the body, which then is not in `head`.
pub fn serial_of_head_and_body(head: &[TokenTree], body: Option<&[TokenTree]>) -> Serial {
    let mut bytes = Vec::new();
    let mut rest = head;
    while let [TokenTree::Punct(hash), TokenTree::Group(attr), after @ ..] = rest
        && hash.as_char() == '#'
        && attr.delimiter() == Delimiter::Bracket
    {
        rest = after;
    }
    feed(&mut bytes, rest.iter().cloned());
    if let Some(body) = body {
        bytes.push(b'{');
        feed(&mut bytes, body.iter().cloned());
        bytes.push(b'}');
    }
    Serial(xxh3_64(&bytes))
}

/// The serial of a parsed function given by its parts, as [`serial_of_head_and_body`] reads
/// them: `inner` are its inner attributes (syn moves them out of the body), `body` its block.
pub fn serial_of_fn<'a>(
    inner: impl IntoIterator<Item = &'a syn::Attribute>,
    vis: &syn::Visibility,
    sig: &syn::Signature,
    body: &syn::Block,
) -> Serial {
    let mut tokens = TokenStream::new();
    vis.to_tokens(&mut tokens);
    sig.to_tokens(&mut tokens);
    let mut inside = TokenStream::new();
    for attr in inner {
        attr.to_tokens(&mut inside);
    }
    for stmt in &body.stmts {
        stmt.to_tokens(&mut inside);
    }
    tokens.extend([TokenTree::Group(proc_macro2::Group::new(Delimiter::Brace, inside))]);
    serial_of_tokens(tokens)
}

/// The serial of a function written as source text, e.g. `"fn f() { 1 }"`.
pub fn serial_of_source(source: &str) -> syn::Result<Serial> {
    syn::parse_str::<syn::ItemFn>(source)?;
    Ok(serial_of_text(source))
}

pub(crate) fn feed(bytes: &mut Vec<u8>, tokens: impl IntoIterator<Item = TokenTree>) {
    let mut trees = tokens.into_iter().peekable();
    while let Some(tree) = trees.next() {
        match tree {
            // wear's own attribute on a function inside this one is a setting, not code.
            TokenTree::Punct(hash)
                if hash.as_char() == '#'
                    && matches!(trees.peek(), Some(TokenTree::Group(g)) if is_tracked_attribute(g)) =>
            {
                trees.next();
            }
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
            TokenTree::Punct(punct) => push_punct(bytes, punct.as_char()),
            TokenTree::Literal(literal) => {
                bytes.push(b'l');
                let _ = write!(bytes, "{literal}");
                bytes.push(0);
            }
        }
    }
}

/// Whether a bracket group is `[tracked]`, `[wear::tracked(...)]` or `[::wear::tracked]`.
fn is_tracked_attribute(group: &proc_macro2::Group) -> bool {
    if group.delimiter() != Delimiter::Bracket {
        return false;
    }
    let mut words = Vec::new();
    for tree in group.stream() {
        match tree {
            TokenTree::Ident(i) => words.push(i.to_string()),
            TokenTree::Punct(p) if p.as_char() == ':' => {}
            TokenTree::Group(g) if g.delimiter() == Delimiter::Parenthesis => break,
            _ => return false,
        }
    }
    matches!(words.as_slice(), [t] if t == "tracked")
        || matches!(words.as_slice(), [w, t] if w == "wear" && t == "tracked")
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
        let nested_docs =
            serial("fn add(a: u32, b: u32) -> u32 {\n    /// A helper.\n    fn h() {}\n    a + b\n}");
        assert_eq!(nested_docs, serial("fn add(a: u32, b: u32) -> u32 { fn h() {} a + b }"));
    }

    #[test]
    fn a_real_edit_changes_the_serial() {
        let base = serial("fn add(a: u32, b: u32) -> u32 { a + b }");
        assert_ne!(base, serial("fn add(a: u32, b: u32) -> u32 { a - b }"));
        assert_ne!(base, serial("fn add(a: u32, b: u32) -> u32 { b + a }"));
        assert_ne!(base, serial("fn add(a: u64, b: u32) -> u32 { a + b }"));
        assert_ne!(base, serial("fn add(a: u32, b: u32) -> u32 { a + b + 0 }"));
        assert_ne!(base, serial("pub fn add(a: u32, b: u32) -> u32 { a + b }"));
        assert_ne!(base, serial("fn add(a: u32, b: u32) -> u32 { #![allow(unused)] a + b }"));
        assert_ne!(serial("fn f() -> &'static str { \"a\" }"), serial("fn f() -> &'static str { \"b\" }"));
        assert_ne!(serial("fn f() -> u32 { 1 }"), serial("fn f() -> u32 { 2 }"));
    }

    #[test]
    fn outer_attributes_never_count() {
        let plain = serial("fn f() {}");
        for attributed in [
            "#[wear::tracked(timed, limit_calls = 5)] fn f() {}",
            "#[cfg(feature = \"x\")] #[wear::tracked] fn f() {}",
            "#[wear::tracked] #[cfg_attr(docsrs, doc(cfg(unix)))] #[inline] fn f() {}",
            "#[doc = \"]\"] #[must_use = \"[\"] fn f() {}",
        ] {
            assert_eq!(plain, serial(attributed), "{attributed}");
        }
    }

    #[test]
    fn tracking_a_nested_function_does_not_change_the_outer_serial() {
        let plain = "fn outer() -> u8 { fn helper() -> u8 { 1 } helper() }";
        let plain_serial = serial(plain);
        for tracked in [
            "fn outer() -> u8 { #[wear::tracked] fn helper() -> u8 { 1 } helper() }",
            "fn outer() -> u8 { #[wear::tracked(timed)] fn helper() -> u8 { 1 } helper() }",
            "fn outer() -> u8 { #[::wear::tracked] #[tracked] fn helper() -> u8 { 1 } helper() }",
        ] {
            assert_eq!(serial(tracked), plain_serial, "{tracked}");
            let tokens: Vec<TokenTree> =
                tracked.parse::<TokenStream>().expect("tokens").into_iter().collect();
            assert_eq!(serial_of_head_and_body(&tokens, None), plain_serial, "token trees of {tracked}");
        }
        assert_ne!(serial("fn outer() -> u8 { #[inline] fn helper() -> u8 { 1 } helper() }"), plain_serial);
        assert_ne!(
            serial("fn outer() -> u8 { #[wear::tracked_not] fn helper() -> u8 { 1 } helper() }"),
            plain_serial
        );
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

    /// The macro's fallback reads token trees; without doc comments in the body it must give
    /// what the text gives, so that a function read either way keeps its serial.
    #[test]
    fn token_trees_give_the_serial_of_the_text() {
        let tokens = |src: &str| src.parse::<TokenStream>().expect("tokens").into_iter().collect::<Vec<_>>();
        for src in [
            "fn f() {}",
            "/// Doc.\n#[doc(hidden)] #[inline] #[wear::tracked(timed)] pub(crate) fn f() {}",
            "#[must_use] pub unsafe extern \"C\" fn f<'a, T: Copy>(x: &'a T,) -> T where T: 'a, { *x }",
            "async fn f(self: Pin<&mut Self>, (a, b): (u8, u8)) -> impl Future<Output = ()> { async {} }",
            "fn r#type() -> f64 { let x = 1.5e-3f64; 'outer: loop { break 'outer x.max(0x1e - 3 as f64) } }",
            "fn f() { let _ = (b'a', 'b', \"c\", r#\"d\"#, br\"e\", c\"f\", 1u8, x.0); }",
        ] {
            let item: syn::ItemFn = syn::parse_str(src).expect("parses");
            let parsed = serial_of_fn(&[], &item.vis, &item.sig, &item.block);
            assert_eq!(serial_of_head_and_body(&tokens(src), None), parsed, "{src}");
            assert_eq!(serial_of_text(src), parsed, "{src}");
        }
        // syn prints a nested tuple field `x.0.1` as `x . 0 . 1`; token trees and text keep
        // the literal `0.1`.
        let src = "fn f() { x.0.1 }";
        assert_eq!(serial_of_head_and_body(&tokens(src), None), serial_of_text(src));
    }
}
