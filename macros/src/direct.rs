//! Reading a function the attribute is put on directly, from its tokens, without syn.
//!
//! Almost every `#[wear::tracked]` sits on one plain function, and the expansion needs little
//! of it: the name, the first and last lines and the body (the serial comes from the file's text,
//! `locate`). Parsing the signature
//! with syn cost an unoptimised macro (cargo builds proc macros without optimisation, even in
//! release) about 330,000 instructions per function, more than the rest of the macro. This
//! reads the tokens as they are. Anything it does not recognise at once (a `const fn`, an
//! invisible group from a `macro_rules!` expansion, a body that starts with inner attributes,
//! an item that is not a function) goes to the parsing path, which also writes the errors.
use proc_macro2::{Delimiter, Group, Ident, TokenStream, TokenTree};

/// A function read from its tokens.
pub(crate) struct DirectFn {
    /// Everything before the body: attributes, visibility, signature.
    pub(crate) head: Vec<TokenTree>,
    pub(crate) name: Ident,
    /// First line (of the visibility or the signature) and last line (the closing brace).
    pub(crate) lines: (u32, u32),
    pub(crate) body: Group,
}

// Input:  #[attr]* (pub (..)?)? (async | unsafe | extern "abi"?)* fn name ... { body }
// Output: the pieces above, or `None` for anything else.
pub(crate) fn read(item: &TokenStream) -> Option<DirectFn> {
    let mut trees: Vec<TokenTree> = item.clone().into_iter().collect();
    let Some(TokenTree::Group(body)) = trees.pop() else { return None };
    if body.delimiter() != Delimiter::Brace {
        return None;
    }
    if starts_with_inner_attribute(&body) {
        return None;
    }
    let mut at = 0;
    while let (Some(TokenTree::Punct(hash)), Some(TokenTree::Group(attr))) =
        (trees.get(at), trees.get(at + 1))
        && hash.as_char() == '#'
        && attr.delimiter() == Delimiter::Bracket
    {
        at += 2;
    }
    let first = trees.get(at)?.span();
    if is_ident(trees.get(at), "pub") {
        at += 1;
        if let Some(TokenTree::Group(g)) = trees.get(at)
            && g.delimiter() == Delimiter::Parenthesis
        {
            at += 1;
        }
    }
    loop {
        match trees.get(at)? {
            TokenTree::Ident(i) if i == "async" || i == "unsafe" => at += 1,
            TokenTree::Ident(i) if i == "extern" => {
                at += 1;
                if let Some(TokenTree::Literal(_)) = trees.get(at) {
                    at += 1;
                }
            }
            TokenTree::Ident(i) if i == "fn" => break,
            _ => return None,
        }
    }
    let Some(TokenTree::Ident(name)) = trees.get(at + 1) else { return None };
    let name = name.clone();
    if trees.iter().any(|t| matches!(t, TokenTree::Group(g) if g.delimiter() == Delimiter::None)) {
        return None;
    }
    let start = u32::try_from(first.start().line).unwrap_or(0);
    let end = u32::try_from(body.span_close().end().line).unwrap_or(0);
    Some(DirectFn { head: trees, name, lines: (start, end), body })
}

fn is_ident(tree: Option<&TokenTree>, word: &str) -> bool {
    matches!(tree, Some(TokenTree::Ident(i)) if i == word)
}

/// Whether a body starts with an inner attribute (`#![...]`), which syn moves before the
/// signature for the serial.
pub(crate) fn starts_with_inner_attribute(body: &Group) -> bool {
    is_inner_attribute(&body.stream().into_iter().take(2).collect::<Vec<_>>())
}

/// Whether trees start with `#!`.
fn is_inner_attribute(trees: &[TokenTree]) -> bool {
    matches!(
        trees,
        [TokenTree::Punct(hash), TokenTree::Punct(bang), ..] if hash.as_char() == '#' && bang.as_char() == '!'
    )
}
