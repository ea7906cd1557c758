//! Short, readable text for types and traits in part paths (`Cart<T>`, `<Cart as From<u8>>`).
//!
//! Rules: a path is named by its last segment with its generic arguments (so two impls of
//! `From<u8>` and `From<u16>` stay different parts); lifetimes are left out (they never tell
//! two impls apart in practice and make names noisy); references, slices, arrays, tuples,
//! pointers and `dyn` are written the way rustc prints them.
use proc_macro2::{TokenStream, TokenTree};
use quote::ToTokens;
use syn::{GenericArgument, PathArguments, Type, TypeParamBound};

/// Renders a type for a part path.
pub fn render_type(ty: &Type) -> String {
    match ty {
        Type::Path(p) if p.qself.is_none() => render_path(&p.path),
        Type::Reference(r) => {
            let m = if r.mutability.is_some() { "mut " } else { "" };
            format!("&{m}{}", render_type(&r.elem))
        }
        Type::Slice(s) => format!("[{}]", render_type(&s.elem)),
        Type::Array(a) => format!("[{}; {}]", render_type(&a.elem), compact(a.len.to_token_stream())),
        Type::Tuple(t) => {
            let items: Vec<String> = t.elems.iter().map(render_type).collect();
            if items.len() == 1 { format!("({},)", items[0]) } else { format!("({})", items.join(", ")) }
        }
        Type::Ptr(p) => {
            let m = if p.mutability.is_some() { "mut" } else { "const" };
            format!("*{m} {}", render_type(&p.elem))
        }
        Type::TraitObject(t) => {
            let bounds: Vec<String> = t
                .bounds
                .iter()
                .filter_map(|b| match b {
                    TypeParamBound::Trait(tb) => Some(render_path(&tb.path)),
                    _ => None,
                })
                .collect();
            format!("dyn {}", bounds.join(" + "))
        }
        Type::Paren(p) => render_type(&p.elem),
        Type::Group(g) => render_type(&g.elem),
        Type::Never(_) => "!".to_owned(),
        other => compact(other.to_token_stream()),
    }
}

/// Whether a self type is a path to an item that the impl's module may hold, so that the part
/// path writes it after the module: not a primitive, not a generic parameter of the impl, and
/// not a reference, slice, array, tuple, pointer, `dyn`, `impl` or function type.
pub fn names_module_item(ty: &Type, generics: &syn::Generics) -> bool {
    match ty {
        Type::Path(p) if p.qself.is_none() => {
            let Some(ident) = p.path.get_ident() else { return true };
            let name = ident.to_string();
            !(PRIMITIVES.contains(&name.as_str()) || generics.type_params().any(|t| t.ident == *ident))
        }
        Type::Paren(p) => names_module_item(&p.elem, generics),
        Type::Group(g) => names_module_item(&g.elem, generics),
        _ => false,
    }
}

/// Rust's primitive types, by the names a self type can have.
const PRIMITIVES: [&str; 19] = [
    "bool", "char", "str", "u8", "u16", "u32", "u64", "u128", "usize", "i8", "i16", "i32", "i64", "i128",
    "isize", "f16", "f32", "f64", "f128",
];

/// Renders a path by its last segment and that segment's generic arguments.
pub fn render_path(path: &syn::Path) -> String {
    let Some(last) = path.segments.last() else {
        return compact(path.to_token_stream());
    };
    let mut out = unraw(&last.ident.to_string()).to_owned();
    match &last.arguments {
        PathArguments::None => {}
        PathArguments::AngleBracketed(args) => {
            let rendered: Vec<String> = args
                .args
                .iter()
                .filter_map(|arg| match arg {
                    GenericArgument::Lifetime(_) => None,
                    GenericArgument::Type(t) => Some(render_type(t)),
                    GenericArgument::AssocType(a) => Some(format!("{} = {}", a.ident, render_type(&a.ty))),
                    other => Some(compact(other.to_token_stream())),
                })
                .collect();
            if !rendered.is_empty() {
                out.push('<');
                out.push_str(&rendered.join(", "));
                out.push('>');
            }
        }
        PathArguments::Parenthesized(args) => {
            let inputs: Vec<String> = args.inputs.iter().map(render_type).collect();
            out.push_str(&format!("({})", inputs.join(", ")));
            if let syn::ReturnType::Type(_, ty) = &args.output {
                out.push_str(&format!(" -> {}", render_type(ty)));
            }
        }
    }
    out
}

/// An identifier without its raw prefix: `r#type` is the function `type`.
pub fn unraw(ident: &str) -> &str {
    ident.strip_prefix("r#").unwrap_or(ident)
}

/// Tokens as text with a space only where two words would otherwise run together.
fn compact(tokens: TokenStream) -> String {
    let mut out = String::new();
    let mut last_was_word = false;
    for tree in tokens {
        let (text, is_word) = match &tree {
            TokenTree::Group(g) => {
                let (open, close) = match g.delimiter() {
                    proc_macro2::Delimiter::Parenthesis => ("(", ")"),
                    proc_macro2::Delimiter::Bracket => ("[", "]"),
                    proc_macro2::Delimiter::Brace => ("{", "}"),
                    proc_macro2::Delimiter::None => ("", ""),
                };
                (format!("{open}{}{close}", compact(g.stream())), false)
            }
            TokenTree::Ident(i) => (i.to_string(), true),
            TokenTree::Literal(l) => (l.to_string(), true),
            TokenTree::Punct(p) => (p.as_char().to_string(), false),
        };
        if is_word && last_was_word {
            out.push(' ');
        }
        out.push_str(&text);
        last_was_word = is_word;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ty(src: &str) -> String {
        render_type(&syn::parse_str::<Type>(src).expect("type parses"))
    }

    #[test]
    fn types_render_like_rustc_prints_them() {
        assert_eq!(ty("Cart"), "Cart");
        assert_eq!(ty("crate::shop::Cart<'a, T>"), "Cart<T>");
        assert_eq!(ty("&'a mut [u8]"), "&mut [u8]");
        assert_eq!(ty("[u8; 4]"), "[u8; 4]");
        assert_eq!(ty("(A, B)"), "(A, B)");
        assert_eq!(ty("*const T"), "*const T");
        assert_eq!(ty("Box<dyn Fn(u8) -> u8 + Send>"), "Box<dyn Fn(u8) -> u8 + Send>");
        assert_eq!(ty("Vec<Option<u8>>"), "Vec<Option<u8>>");
        assert_eq!(ty("r#type"), "type");
    }
}
