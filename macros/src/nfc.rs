//! Identifiers read from a source file, in the form rustc gives them to the macro. rustc
//! normalises every identifier to Unicode NFC as it lexes, so the name of the function the
//! attribute is on, and `module_path!()`, are NFC; the file as written may hold NFD (`e` and a
//! combining accent). The owner and outer functions the macro reads from the file are put
//! through the same lexer, so that the whole part path is NFC, as `cargo wear scan` writes it
//! (`cli/src/scan/nfc.rs`), without a Unicode table in the macro.

/// `text` (a part path's prefix or suffix) with every non-ASCII word lexed by rustc, so in NFC.
pub(crate) fn nfc_words(text: &str) -> String {
    if text.is_ascii() {
        return text.to_owned();
    }
    let mut out = String::with_capacity(text.len());
    let mut word = String::new();
    for c in text.chars() {
        if c == '_' || c.is_alphanumeric() || !c.is_ascii() {
            word.push(c);
        } else {
            out.push_str(&nfc(&word));
            word.clear();
            out.push(c);
        }
    }
    out.push_str(&nfc(&word));
    out
}

/// One identifier as rustc lexes it; anything that is not one identifier stays as it is.
pub(crate) fn nfc(word: &str) -> String {
    if word.is_ascii() {
        return word.to_owned();
    }
    let Ok(tokens) = word.parse::<proc_macro2::TokenStream>() else { return word.to_owned() };
    let mut trees = tokens.into_iter();
    match (trees.next(), trees.next()) {
        (Some(proc_macro2::TokenTree::Ident(ident)), None) => ident.to_string(),
        _ => word.to_owned(),
    }
}
