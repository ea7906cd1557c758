//! The names of parts as people read them: the module that holds a part, its name within that
//! module, and the segments of its path, for trait impls (`<shop::cart::Cart<T> as
//! From<u8>>::from`) as well as plain paths. Best effort, from the path alone.
use super::text::one_line;

/// The module that holds a part, as well as its path shows it: the part path without the
/// function and without a leading type (a segment starting with an uppercase letter, as Rust
/// names types), the self type's for a trait impl (`<shop::cart::Cart<T> as From<u8>>::from` →
/// `shop::cart`). Best effort: a lowercase type name stays in the module path.
pub(crate) fn module_path(part: &str) -> String {
    let path = match trait_impl_self_type(part) {
        Some(self_ty) => self_ty,
        None => part.rsplit_once("::").map_or("", |(head, _)| head),
    };
    let segments = top_level_segments(path);
    let modules: Vec<&str> = segments
        .iter()
        .take_while(|s| !s.starts_with(|c: char| c.is_uppercase() || !(c.is_alphanumeric() || c == '_')))
        .copied()
        .collect();
    modules.join("::")
}

/// `shop::cart::Cart<T>` from `<shop::cart::Cart<T> as From<u8>>::from`.
pub(crate) fn trait_impl_self_type(part: &str) -> Option<&str> {
    let inner = part.strip_prefix('<')?;
    let mut depth = 0usize;
    for (i, c) in inner.char_indices() {
        match c {
            '<' | '(' | '[' => depth += 1,
            '>' | ')' | ']' => depth = depth.checked_sub(1)?,
            ' ' if depth == 0 && inner[i..].starts_with(" as ") => return Some(&inner[..i]),
            _ => {}
        }
    }
    None
}

/// The `::`-separated segments of a path that are not inside `<...>`, `(...)` or `[...]`.
pub(crate) fn top_level_segments(path: &str) -> Vec<&str> {
    let mut segments = Vec::new();
    let (mut depth, mut start) = (0usize, 0usize);
    let bytes = path.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'<' | b'(' | b'[' => depth += 1,
            b'>' | b')' | b']' => depth = depth.saturating_sub(1),
            b':' if depth == 0 && bytes.get(i + 1) == Some(&b':') => {
                segments.push(&path[start..i]);
                start = i + 2;
                i += 1;
            }
            _ => {}
        }
        i += 1;
    }
    segments.push(&path[start..]);
    segments.retain(|s| !s.is_empty());
    segments
}

/// A part's name within its module: `Cart::add_item` for `shop::cart::Cart::add_item`,
/// `<Cart as From<u8>>::from` for `<shop::cart::Cart as From<u8>>::from`.
pub(crate) fn label(part: &str, module: &str) -> String {
    let short = if module.is_empty() {
        part.to_owned()
    } else if let Some(rest) = part.strip_prefix(module).and_then(|r| r.strip_prefix("::")) {
        rest.to_owned()
    } else if let Some(rest) = part.strip_prefix('<').and_then(|p| p.strip_prefix(module)) {
        format!("<{}", rest.strip_prefix("::").unwrap_or(rest))
    } else {
        part.to_owned()
    };
    one_line(&short)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn module_paths_skip_types_and_trait_impls() {
        let cases = [
            ("shop::cart::checkout", "shop::cart"),
            ("shop::cart::Cart::add_item", "shop::cart"),
            ("<shop::cart::Cart<T> as From<(u8, u16)>>::from", "shop::cart"),
            ("<shop::Map<K, V> as Index<&K>>::index", "shop"),
            ("shop::Pricing::total", "shop"),
            ("main", ""),
            ("<broken", ""),
        ];
        for (part, module) in cases {
            assert_eq!(module_path(part), module, "{part}");
        }
    }
}
