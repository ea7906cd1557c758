//! Function bodies taken out of source tokens, for readers that only need the items around
//! them: parsing signatures and containers is a fraction of parsing every body's statements.
//!
//! At every nesting level, the first brace group after a `fn` keyword is that function's body
//! and is replaced by an empty group with the same span; a `;` first means a declaration
//! without one. Every other group is walked the same way, so methods in impls, traits and
//! inline modules are hollowed too. A brace group in a signature (a const generic argument
//! such as `X<{ N }>`) can be taken for the body; the body then stays, which costs time, not
//! correctness: every hollowed item still parses, and names, lines and owners are unchanged.
use proc_macro2::{Delimiter, Group, TokenStream, TokenTree};

/// `tokens` with every function body emptied.
pub fn hollow(tokens: TokenStream) -> TokenStream {
    let mut after_fn = false;
    tokens
        .into_iter()
        .map(|tree| match tree {
            TokenTree::Ident(ident) => {
                if ident == "fn" {
                    after_fn = true;
                }
                TokenTree::Ident(ident)
            }
            TokenTree::Punct(punct) => {
                if punct.as_char() == ';' {
                    after_fn = false;
                }
                TokenTree::Punct(punct)
            }
            TokenTree::Group(group) if after_fn && group.delimiter() == Delimiter::Brace => {
                after_fn = false;
                regroup(&group, TokenStream::new())
            }
            TokenTree::Group(group) => regroup(&group, hollow(group.stream())),
            literal @ TokenTree::Literal(_) => literal,
        })
        .collect()
}

fn regroup(group: &Group, stream: TokenStream) -> TokenTree {
    let mut new = Group::new(group.delimiter(), stream);
    new.set_span(group.span());
    TokenTree::Group(new)
}
