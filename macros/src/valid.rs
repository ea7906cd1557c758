//! What cannot be instrumented, and the error that says what to do instead.
use syn::spanned::Spanned;

/// Checks a function the attribute was put on directly.
pub(crate) fn check_fn(sig: &syn::Signature) -> syn::Result<()> {
    if let Some(constness) = &sig.constness {
        return Err(syn::Error::new_spanned(
            constness,
            "`#[wear::tracked]` cannot instrument a `const fn`: its call counter is updated at run time\n\
             help: remove the attribute, or remove `const` if the function is only called at run time",
        ));
    }
    Ok(())
}

/// Whether a function inside a tracked `impl`, `trait` or `mod` is left as it is.
pub(crate) fn skipped_in_container(sig: &syn::Signature) -> bool {
    sig.constness.is_some()
}

/// The error for an item the attribute does not apply to.
pub(crate) fn unsupported_item(item: &syn::Item) -> syn::Error {
    let what = match item {
        syn::Item::Mod(m) if m.content.is_none() => {
            return syn::Error::new_spanned(
                m,
                "`#[wear::tracked]` cannot see into a module declared in another file\n\
                 help: put `#[wear::tracked]` on the functions, impls or inline modules inside that file",
            );
        }
        syn::Item::Const(_) => "a `const`",
        syn::Item::Static(_) => "a `static`",
        syn::Item::Struct(_) => "a `struct`",
        syn::Item::Enum(_) => "an `enum`",
        syn::Item::ForeignMod(_) => "an `extern` block",
        syn::Item::Type(_) => "a type alias",
        syn::Item::Use(_) => "a `use` declaration",
        syn::Item::Union(_) => "a `union`",
        syn::Item::Macro(_) => "a macro invocation or definition",
        syn::Item::ExternCrate(_) => "an `extern crate`",
        syn::Item::TraitAlias(_) => "a trait alias",
        _ => "this item",
    };
    syn::Error::new(
        item.span(),
        format!(
            "`#[wear::tracked]` cannot be used on {what}\n\
             help: put it on a function with a body, an `impl` block, a `trait` or an inline `mod`"
        ),
    )
}

/// The error for a trait method without a body.
pub(crate) fn no_body(sig: &syn::Signature) -> syn::Error {
    syn::Error::new_spanned(
        sig,
        "`#[wear::tracked]` needs a function body to count calls, and this trait method has none\n\
         help: put the attribute on the method in each `impl` of the trait instead",
    )
}
