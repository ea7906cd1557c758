//! A proc macro that uses serde_json while it runs, as wear's own proc macros may use any
//! crate: `json_len!("[1, 2, 3]")` expands to the number of elements of that JSON array.
use proc_macro::{Literal, TokenStream, TokenTree};

/// The number of elements of the JSON array in the string literal given (0 if it is not one).
#[proc_macro]
pub fn json_len(input: TokenStream) -> TokenStream {
    let text = input.to_string();
    let json = text.trim().trim_matches('"').replace("\\\"", "\"");
    let len = serde_json::from_str::<serde_json::Value>(&json)
        .ok()
        .and_then(|value| value.as_array().map(Vec::len))
        .unwrap_or(0);
    TokenStream::from(TokenTree::Literal(Literal::usize_suffixed(len)))
}
