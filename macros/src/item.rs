//! Reading what the attribute is on: one function, or the functions of an impl, trait or mod.
use proc_macro2::{Delimiter, Group, TokenStream, TokenTree};
use syn::parse::{Parse, ParseStream};
use wear_identity::TrackedArgs;
use wear_identity::args::{args_of_attr, is_tracked_attr};

/// What `#[wear::tracked]` was put on.
pub(crate) enum Target {
    /// A function with a body (free, or a method seen alone), the body kept as tokens.
    Fn(FnItem),
    /// The same, parsed whole: a body that starts with inner attributes, which syn moves
    /// before the signature (the serial follows syn's order, as `cargo wear` reads it).
    ParsedFn(syn::ItemFn),
    /// An impl block, trait definition or inline module.
    Container(syn::Item),
    /// A trait method without a body.
    Bodiless(syn::TraitItemFn),
    /// Anything else.
    Other(syn::Item),
}

/// A function whose body is kept as written. Parsing the statements of every tracked body
/// was most of the macro's time, and nothing in the expansion needs them: the body is moved,
/// and the serial reads tokens.
pub(crate) struct FnItem {
    pub(crate) attrs: Vec<syn::Attribute>,
    pub(crate) vis: syn::Visibility,
    pub(crate) sig: syn::Signature,
    /// The braces and everything between them.
    pub(crate) body: Group,
}

impl Parse for FnItem {
    fn parse(input: ParseStream) -> syn::Result<Self> {
        let attrs = input.call(syn::Attribute::parse_outer)?;
        let vis = input.parse()?;
        let sig = input.parse()?;
        let body = input.step(|cursor| match cursor.token_tree() {
            Some((TokenTree::Group(group), rest)) if group.delimiter() == Delimiter::Brace => {
                Ok((group, rest))
            }
            _ => Err(cursor.error("expected a function body")),
        })?;
        Ok(FnItem { attrs, vis, sig, body })
    }
}

/// Parses the annotated item.
pub(crate) fn read(item: TokenStream) -> syn::Result<Target> {
    if let Ok(f) = syn::parse2::<FnItem>(item.clone())
        && !crate::direct::starts_with_inner_attribute(&f.body)
    {
        return Ok(Target::Fn(f));
    }
    match syn::parse2::<syn::Item>(item.clone()) {
        Ok(syn::Item::Fn(f)) => Ok(Target::ParsedFn(f)),
        Ok(item @ (syn::Item::Impl(_) | syn::Item::Trait(_))) => Ok(Target::Container(item)),
        Ok(syn::Item::Mod(m)) if m.content.is_some() => Ok(Target::Container(syn::Item::Mod(m))),
        Ok(syn::Item::Verbatim(_)) | Err(_) => match syn::parse2::<syn::TraitItemFn>(item.clone()) {
            Ok(f) if f.default.is_none() => Ok(Target::Bodiless(f)),
            _ => syn::parse2::<syn::Item>(item).map(Target::Other),
        },
        Ok(other) => Ok(Target::Other(other)),
    }
}

/// Removes wear's own attribute from an item inside a container and returns its arguments
/// (`None` when it had none).
pub(crate) fn take_own_args(attrs: &mut Vec<syn::Attribute>) -> Option<syn::Result<TrackedArgs>> {
    let index = attrs.iter().position(is_tracked_attr)?;
    let attr = attrs.remove(index);
    Some(args_of_attr(&attr))
}
