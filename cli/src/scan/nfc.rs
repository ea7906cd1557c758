//! Part paths in Unicode normal form C. rustc normalises every identifier to NFC before a
//! macro sees it (so `module_path!()` and the function's name are NFC at run time), but the
//! scan reads the file as written, where an editor or a tool may have stored `é` as `e` and a
//! combining accent (NFD). Without this, such a part would never join its own usage.
use unicode_normalization::{IsNormalized, UnicodeNormalization, is_nfc_quick};

/// `path` in NFC; ASCII (nearly every path) and text already in NFC are returned as they are.
pub(crate) fn nfc(path: String) -> String {
    if path.is_ascii() || is_nfc_quick(path.chars()) == IsNormalized::Yes {
        return path;
    }
    path.nfc().collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decomposed_identifiers_are_composed() {
        assert_eq!(nfc("menu::cafe\u{301}".to_owned()), "menu::caf\u{e9}");
        assert_eq!(nfc("menu::caf\u{e9}".to_owned()), "menu::caf\u{e9}");
        assert_eq!(nfc("shop::計算".to_owned()), "shop::計算");
    }
}
