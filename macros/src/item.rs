//! Reading what the attribute is on: one function, or the functions of an impl, trait or mod.
use proc_macro2::TokenStream;
use wear_identity::TrackedArgs;
use wear_identity::args::{args_of_attr, is_tracked_attr};

/// What `#[wear::tracked]` was put on.
pub(crate) enum Target {
    /// A function with a body (free, or a method seen alone).
    Fn(syn::ItemFn),
    /// An impl block, trait definition or inline module.
    Container(syn::Item),
    /// A trait method without a body.
    Bodiless(syn::TraitItemFn),
    /// Anything else.
    Other(syn::Item),
}

/// Parses the annotated item.
pub(crate) fn read(item: TokenStream) -> syn::Result<Target> {
    match syn::parse2::<syn::Item>(item.clone()) {
        Ok(syn::Item::Fn(f)) => Ok(Target::Fn(f)),
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
