//! Writing the instrumented code.
use proc_macro2::extra::DelimSpan;
use proc_macro2::{Delimiter, Group, Span, TokenStream, TokenTree};
use quote::{ToTokens, format_ident, quote, quote_spanned};
use syn::visit::Visit;
use wear_identity::owner::around_module;
use wear_identity::serial::{serial_of_fn, serial_of_head_and_body};
use wear_identity::{Owner, TrackedArgs};

use crate::item::{Target, read, take_own_args};
use crate::{direct, locate, valid};

/// The whole expansion of one `#[wear::tracked(args)]` on `item`.
pub(crate) fn tracked(args: TokenStream, item: TokenStream) -> TokenStream {
    // The `off` feature is a feature of `wear` forwarded to this crate, so it is exactly this
    // crate's build that must decide.
    if cfg!(feature = "off") {
        return item;
    }
    // Every mistake of one item is reported in one compile: argument errors are kept while
    // the item is still read and checked.
    let mut errors = Errors::default();
    let args = if args.is_empty() {
        TrackedArgs::default()
    } else {
        syn::parse2::<TrackedArgs>(args).unwrap_or_else(|e| {
            errors.push(e);
            TrackedArgs::default()
        })
    };
    if errors.0.is_none()
        && args.skip.is_none()
        && args.failures.is_none()
        && let Some(f) = direct::read(&item)
    {
        let about = About::new(&f.name, f.lines, Owner::Free, || {
            let inside: Vec<TokenTree> = f.body.stream().into_iter().collect();
            serial_of_head_and_body(&f.head, Some(&inside)).0
        });
        let mut body = Group::new(Delimiter::Brace, instrument(&about, &args, f.body.stream(), None));
        body.set_span(f.body.span());
        let mut out: TokenStream = f.head.into_iter().collect();
        out.extend([TokenTree::Group(body)]);
        return out;
    }
    let target = match read(item.clone()) {
        Ok(target) => target,
        Err(e) => {
            errors.push(e);
            return errors.with_item(item);
        }
    };
    if args.skip.is_some() && errors.0.is_none() {
        return item;
    }
    let expanded = match target {
        Target::Fn(f) => {
            if let Err(e) = valid::check_fn(&f.sig) {
                errors.push(e);
            }
            if errors.0.is_some() {
                return errors.with_item(item);
            }
            let (vis, sig) = (&f.vis, &f.sig);
            let head = quote!(#vis #sig).into_iter().collect::<Vec<_>>();
            let about = About::of(&f.vis, &f.sig, f.body.delim_span(), Owner::Free, || {
                let inside: Vec<TokenTree> = f.body.stream().into_iter().collect();
                serial_of_head_and_body(&head, Some(&inside)).0
            });
            let mut body =
                Group::new(Delimiter::Brace, instrument(&about, &args, f.body.stream(), Some(&f.sig)));
            body.set_span(f.body.span());
            let (attrs, vis, sig) = (&f.attrs, &f.vis, &f.sig);
            quote!(#(#attrs)* #vis #sig #body)
        }
        Target::ParsedFn(mut f) => {
            if let Err(e) = valid::check_fn(&f.sig) {
                errors.push(e);
            }
            if errors.0.is_some() {
                return errors.with_item(item);
            }
            *f.block = instrumented_block(&f.attrs, &f.vis, &f.sig, &f.block, Owner::Free, &args);
            f.into_token_stream()
        }
        Target::Container(mut container) => {
            walk(&mut container, &args, &mut errors);
            container.into_token_stream()
        }
        Target::Bodiless(f) => {
            errors.push(valid::no_body(&f.sig));
            TokenStream::new()
        }
        Target::Other(other) => {
            errors.push(valid::unsupported_item(&other));
            TokenStream::new()
        }
    };
    if errors.0.is_some() { errors.with_item(item) } else { expanded }
}

/// The error, then the user's item as written: one error instead of a cascade, and
/// rust-analyzer keeps seeing the item.
fn unchanged_with(error: syn::Error, item: TokenStream) -> TokenStream {
    let mut out = error.into_compile_error();
    out.extend(item);
    out
}

#[derive(Default)]
struct Errors(Option<syn::Error>);

impl Errors {
    /// The errors, then the user's item as written.
    fn with_item(self, item: TokenStream) -> TokenStream {
        match self.0 {
            Some(e) => unchanged_with(e, item),
            None => item,
        }
    }

    fn push(&mut self, e: syn::Error) {
        match &mut self.0 {
            Some(all) => all.combine(e),
            None => self.0 = Some(e),
        }
    }
}

/// Settings of an item inside a container: its own attribute (removed) over the container's.
/// `None` when the item is skipped.
fn settings(attrs: &mut Vec<syn::Attribute>, outer: &TrackedArgs, errors: &mut Errors) -> Option<Settings> {
    match take_own_args(attrs) {
        None => Some(Settings { args: outer.clone(), explicit: false }),
        Some(Ok(own)) if own.skip.is_some() => None,
        Some(Ok(own)) => Some(Settings { args: own.inherit(outer), explicit: true }),
        Some(Err(e)) => {
            errors.push(e);
            None
        }
    }
}

struct Settings {
    args: TrackedArgs,
    /// The function carries its own `#[wear::tracked]`, so what cannot be instrumented is an
    /// error rather than silently left alone.
    explicit: bool,
}

/// The settings to instrument a function inside a container with, or `None` to leave it as
/// written: skipped, or a `const fn` (an error when the user put the attribute on it).
fn to_track(
    attrs: &mut Vec<syn::Attribute>,
    sig: &syn::Signature,
    outer: &TrackedArgs,
    errors: &mut Errors,
) -> Option<Settings> {
    let settings = settings(attrs, outer, errors)?;
    if settings.explicit
        && let Err(e) = valid::check_fn(sig)
    {
        errors.push(e);
        return None;
    }
    (!valid::skipped_in_container(sig)).then_some(settings)
}

// Input:  #[wear::tracked(args)] impl/trait/mod { fn a() {..} #[wear::tracked(skip)] fn b() {..} const fn c() {..} }
// Output: the same item, with `a` instrumented, `b` and `c` as written (the inner attribute removed).
fn walk(container: &mut syn::Item, args: &TrackedArgs, errors: &mut Errors) {
    match container {
        syn::Item::Impl(imp) => {
            let owner = Owner::of_impl(imp);
            for item in &mut imp.items {
                if let syn::ImplItem::Fn(f) = item
                    && let Some(track) = to_track(&mut f.attrs, &f.sig, args, errors)
                {
                    f.block =
                        instrumented_block(&f.attrs, &f.vis, &f.sig, &f.block, owner.clone(), &track.args);
                }
            }
        }
        syn::Item::Trait(tr) => {
            let owner = Owner::of_trait(tr);
            for item in &mut tr.items {
                let syn::TraitItem::Fn(f) = item else { continue };
                let Some(track) = to_track(&mut f.attrs, &f.sig, args, errors) else { continue };
                match &f.default {
                    Some(body) => {
                        let vis = syn::Visibility::Inherited;
                        f.default = Some(instrumented_block(
                            &f.attrs,
                            &vis,
                            &f.sig,
                            body,
                            owner.clone(),
                            &track.args,
                        ));
                    }
                    None if track.explicit => errors.push(valid::no_body(&f.sig)),
                    None => {}
                }
            }
        }
        syn::Item::Mod(m) => {
            let Some((_, items)) = &mut m.content else { return };
            for item in items {
                match item {
                    syn::Item::Fn(f) => {
                        if let Some(track) = to_track(&mut f.attrs, &f.sig, args, errors) {
                            *f.block = instrumented_block(
                                &f.attrs,
                                &f.vis,
                                &f.sig,
                                &f.block,
                                Owner::Free,
                                &track.args,
                            );
                        }
                    }
                    syn::Item::Impl(syn::ItemImpl { attrs, .. })
                    | syn::Item::Trait(syn::ItemTrait { attrs, .. })
                    | syn::Item::Mod(syn::ItemMod { attrs, .. }) => {
                        if let Some(inner) = settings(attrs, args, errors) {
                            walk(item, &inner.args, errors);
                        }
                    }
                    _ => {}
                }
            }
        }
        _ => {}
    }
}

/// What the expansion writes down about a function, however it was read.
struct About<'a> {
    name: &'a proc_macro2::Ident,
    /// First line (visibility or signature) and last line (closing brace).
    lines: (u32, u32),
    serial: u64,
    owner: Owner,
    /// The functions it is declared in, outermost first.
    within: Vec<(Owner, String)>,
}

impl<'a> About<'a> {
    /// The function named `name` spanning `lines`, as written in its file when the file has
    /// it (`locate`); otherwise owned by `owner` (what the caller could see) with the serial of
    /// its tokens.
    fn new(
        name: &'a proc_macro2::Ident,
        lines: (u32, u32),
        owner: Owner,
        tokens: impl FnOnce() -> u64,
    ) -> Self {
        match locate::written(name) {
            Some(written) => {
                About { name, lines, serial: written.serial, owner: written.owner, within: written.within }
            }
            None => About { name, lines, serial: tokens(), owner, within: Vec::new() },
        }
    }

    /// For a parsed function.
    fn of(
        vis: &syn::Visibility,
        sig: &'a syn::Signature,
        braces: DelimSpan,
        owner: Owner,
        tokens: impl FnOnce() -> u64,
    ) -> Self {
        let first = match vis {
            syn::Visibility::Inherited => first_span_of_sig(sig),
            _ => vis_span(vis),
        };
        let start = u32::try_from(first.start().line).unwrap_or(0);
        let end = u32::try_from(braces.close().end().line).unwrap_or(0);
        About::new(&sig.ident, (start, end), owner, tokens)
    }
}

// Input:  #[attrs] vis fn name(args) -> R { body }
// Output: #[attrs] vis fn name(args) -> R {
//             static __WEAR_TIMING: TimingSlot;          (timed only, in the TIMINGS slice)
//             static __WEAR_EXTRA: Extra { part, timing, failures };
//                                                        (timed or failures only, in EXTRAS)
//             part! { "path", "\nfile", "\nlines serial limits\0" }   which writes:
//                 static __WEAR_PART: Part = Part::new(about);  (in the PARTS slice)
//                 hit(&__WEAR_PART);
//             let __wear_timer = Timer::start(&__WEAR_TIMING);  (timed only)
//             body                                 (or, with `failures`, see `catch_failures`)
//         }
// An `async fn` keeps its signature: the counting runs when its body starts (first poll).
// Returns what goes between the body's braces. `failures` needs the signature (`sig`).
//
// `part!` and `in_slice!` are `macro_rules!` of `wear` (`registry.rs`) that add `#[used]` and
// the target's `#[link_section]`: the runtime knows the target, this macro does not. Every
// field of the description is in one string, parsed at run time (`Part::described`): each
// field of a static cost rustc work in every tracked function.
//
// The fixed part is written as text and handed to the compiler's lexer in one piece: building
// it token by token (`quote!`) took an unoptimised macro about 300,000 instructions per
// function. Its names have the call site's hygiene, as `quote!` gives them; the timer, a local
// variable, keeps mixed-site hygiene so that it cannot clash with the body's names.
fn instrument(
    about: &About<'_>,
    args: &TrackedArgs,
    stmts: TokenStream,
    sig: Option<&syn::Signature>,
) -> TokenStream {
    let (before, after) = around_module(&about.within, &about.owner, &about.name.to_string());
    // Owners and outer functions come from the file as written: NFC, as rustc gives names.
    let (before, after) = (crate::nfc::nfc_words(&before), crate::nfc::nfc_words(&after));
    let (start, end) = about.lines;
    let serial = about.serial;
    let limit_calls = args.limits.calls.unwrap_or(0);
    let limit_busy = args.limits.busy.map_or(0, |d| d.as_secs().max(1));
    let interval = args.limits.interval.map_or(0, |d| d.as_secs().max(1));
    let timed = args.timed.is_some();
    let counts_failures = args.failures.is_some() && sig.is_some();

    let mut text = String::with_capacity(600);
    if timed {
        text.push_str(
            "::wear::__private::in_slice! { TIMINGS #[allow(unsafe_code)] \
             static __WEAR_TIMING: ::wear::__private::TimingSlot = unsafe { ::wear::__private::TimingSlot::new() }; }",
        );
    }
    if timed || counts_failures {
        let timing = if timed {
            "::core::option::Option::Some(&__WEAR_TIMING)"
        } else {
            "::core::option::Option::None"
        };
        text.push_str(&format!(
            "::wear::__private::in_slice! {{ EXTRAS static __WEAR_EXTRA: ::wear::__private::Extra = \
             ::wear::__private::Extra {{ part: &__WEAR_PART, timing: {timing}, \
             counts_failures: {counts_failures}, failures: ::wear::__private::AtomicU64::new(0) }}; }}"
        ));
    }
    // The part's description (`wear::__private::Part::about`).
    text.push_str(&format!(
        "::wear::__private::part! {{ {before:?}, ::core::module_path!(), {after:?}, \"\\n\", ::core::file!(), \
         \"\\n{start} {end} {serial} {limit_calls} {limit_busy} {interval}\\0\" }}"
    ));
    // The compiler's lexer itself: proc-macro2's `parse` first checks the text with its own
    // lexer, which cost more than building the tokens one by one.
    let mut out: TokenStream =
        text.parse::<proc_macro::TokenStream>().map(TokenStream::from).unwrap_or_else(|e| {
            syn::Error::new(
                Span::call_site(),
                format!("wear: the expansion did not lex ({e}); please report this"),
            )
            .into_compile_error()
        });
    if timed {
        let timer = format_ident!("__wear_timer", span = Span::mixed_site());
        let timing = format_ident!("__WEAR_TIMING");
        out.extend(quote!(let #timer = ::wear::__private::Timer::start(&#timing);));
    }
    match sig {
        Some(sig) if counts_failures => {
            out.extend(catch_failures(sig, &stmts, &format_ident!("__WEAR_EXTRA")))
        }
        _ => out.extend(stmts),
    }
    out
}

/// `instrument` for a parsed body (methods inside an `impl`, `trait` or `mod`).
fn instrumented_block(
    attrs: &[syn::Attribute],
    vis: &syn::Visibility,
    sig: &syn::Signature,
    block: &syn::Block,
    owner: Owner,
    args: &TrackedArgs,
) -> syn::Block {
    let stmts = block.stmts.iter().map(ToTokens::to_token_stream).collect();
    let inner = attrs.iter().filter(|a| matches!(a.style, syn::AttrStyle::Inner(_)));
    let about = About::of(vis, sig, block.brace_token.span, owner, || serial_of_fn(inner, vis, sig, block).0);
    let generated = instrument(&about, args, stmts, Some(sig));
    syn::Block {
        brace_token: block.brace_token,
        stmts: vec![syn::Stmt::Item(syn::Item::Verbatim(generated))],
    }
}

// Input:  { body }                        (a function tracked with `failures`, returning R)
// Output: let __wear_failure = FailureGuard::arm(&__WEAR_EXTRA.failures);  counts an unwind
//         let __wear_out = run::<R, _>(move || { body });                  or `async move { body }.await`
//         __wear_failure.settle(is_failure(&__wear_out));                  counts an `Err`
//         __wear_out
// A `-> !` function has no value to look at: only unwinding counts.
fn catch_failures(sig: &syn::Signature, stmts: &TokenStream, extra: &syn::Ident) -> TokenStream {
    let guard = format_ident!("__wear_failure", span = Span::mixed_site());
    let out = format_ident!("__wear_out", span = Span::mixed_site());
    let arm = quote!(let #guard = ::wear::__private::FailureGuard::arm(&#extra.failures););
    let ret: Option<TokenStream> = match &sig.output {
        syn::ReturnType::Default => Some(quote!(())),
        syn::ReturnType::Type(_, ty) if matches!(**ty, syn::Type::Never(_)) => {
            return quote! { #arm #stmts };
        }
        syn::ReturnType::Type(_, ty) if mentions_impl_trait(ty) => None,
        syn::ReturnType::Type(_, ty) => Some(ty.to_token_stream()),
    };
    let call = match (sig.asyncness.is_some(), &ret) {
        (true, Some(ty)) => quote!(let #out: #ty = async move { #stmts }.await;),
        (true, None) => quote!(let #out = async move { #stmts }.await;),
        (false, Some(ty)) => {
            quote!(let #out = ::wear::__private::run::<#ty, _>(move || { #stmts });)
        }
        (false, None) => quote!(let #out = ::wear::__private::run(move || { #stmts });),
    };
    let settle = quote_spanned! {Span::mixed_site()=>
        {
            #[allow(unused_imports)]
            use ::wear::__private::{OtherFailure as _, ResultFailure as _};
            #guard.settle((&::wear::__private::Probe(&#out)).is_failure());
        }
        #out
    };
    quote! { #arm #call #settle }
}

fn mentions_impl_trait(ty: &syn::Type) -> bool {
    struct Finder(bool);
    impl Visit<'_> for Finder {
        fn visit_type_impl_trait(&mut self, _: &syn::TypeImplTrait) {
            self.0 = true;
        }
    }
    let mut finder = Finder(false);
    finder.visit_type(ty);
    finder.0
}

/// The span of the first token of a signature (`const`, `async`, `unsafe`, `extern` or `fn`).
fn first_span_of_sig(sig: &syn::Signature) -> Span {
    if let Some(t) = &sig.constness {
        return t.span;
    }
    if let Some(t) = &sig.asyncness {
        return t.span;
    }
    if let Some(t) = &sig.unsafety {
        return t.span;
    }
    if let Some(abi) = &sig.abi {
        return abi.extern_token.span;
    }
    sig.fn_token.span
}

fn vis_span(vis: &syn::Visibility) -> Span {
    match vis {
        syn::Visibility::Public(p) => p.span,
        syn::Visibility::Restricted(r) => r.pub_token.span,
        syn::Visibility::Inherited => Span::call_site(),
    }
}
