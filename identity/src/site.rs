//! Every function of one source file: its owner, inline-module path, lines, serial and
//! tracking settings. The macro looks up the owner of a method it sees alone here; the CLI
//! lists parts from it.
//!
//! Line numbers come from token spans and are 1-based, as rustc's are. Functions produced by
//! `macro_rules!` expansions are not in the text, so they are not found here; the macro names
//! those with [`Owner::Free`].
use proc_macro2::Span;
use syn::spanned::Spanned;

use crate::args::{TrackedArgs, args_of_attr, is_tracked_attr};
use crate::cfg::{Cfg, Everything};
use crate::owner::Owner;
use crate::render::unraw;
use crate::serial::{Serial, serial_of_fn};

/// One function found in a file.
#[derive(Clone, Debug)]
pub struct FnSite {
    /// The function's name, without `r#`.
    pub name: String,
    /// What it belongs to.
    pub owner: Owner,
    /// Inline modules between the file's module and the function, outermost first.
    pub inline_modules: Vec<String>,
    /// Line of the function's name.
    pub name_line: usize,
    /// First line (of visibility or `fn` and its qualifiers, after attributes) and last line.
    pub lines: (usize, usize),
    /// The serial, as the macro computes it.
    pub serial: Serial,
    /// Whether this is a `const fn` (never instrumented).
    pub is_const: bool,
    /// Tracking settings when the function is tracked, by its own attribute or by its impl,
    /// trait or module's; `Err` holds the message when an attribute's arguments are wrong.
    pub tracked: Option<Result<TrackedArgs, String>>,
    /// A `#[cfg(...)]` on the function or around it does not hold in the build the walk was
    /// given: the function is not compiled.
    pub compiled_out: bool,
    /// A test or benchmark (`#[test]`, `#[tokio::test]`, `#[bench]`): only test builds have it.
    pub test: bool,
}

/// Parses a file and returns all its functions with bodies, in source order.
pub fn sites_in_source(source: &str) -> syn::Result<Vec<FnSite>> {
    let file = syn::parse_file(source)?;
    Ok(sites_in_file(&file))
}

/// All functions with bodies in a parsed file, in source order, every `cfg` holding.
pub fn sites_in_file(file: &syn::File) -> Vec<FnSite> {
    sites_in_file_with(file, &Everything)
}

/// All functions with bodies in a parsed file, in source order, with `cfg` and `cfg_attr`
/// decided by `cfg`: functions under a predicate that does not hold are marked
/// [`FnSite::compiled_out`], and `cfg_attr` attributes that hold count as written.
pub fn sites_in_file_with(file: &syn::File, cfg: &dyn Cfg) -> Vec<FnSite> {
    let mut walker = Walker { modules: Vec::new(), out: Vec::new(), cfg, compiled_out: false };
    walker.items(&file.items, None);
    walker.out
}

type Inherited = Option<Result<TrackedArgs, String>>;

struct Walker<'c> {
    modules: Vec<String>,
    out: Vec<FnSite>,
    cfg: &'c dyn Cfg,
    /// Whether the item being walked sits under a `cfg` that does not hold.
    compiled_out: bool,
}

impl Walker<'_> {
    fn items(&mut self, items: &[syn::Item], outer: Inherited) {
        for item in items {
            let attrs = match item {
                syn::Item::Fn(f) => &f.attrs,
                syn::Item::Impl(i) => &i.attrs,
                syn::Item::Trait(t) => &t.attrs,
                syn::Item::Mod(m) => &m.attrs,
                _ => continue,
            };
            let (attrs, holds) = self.configured(attrs);
            let was_out = self.enter(holds);
            match item {
                syn::Item::Fn(f) => {
                    self.function(&f.attrs, &attrs, &f.vis, &f.sig, &f.block, Owner::Free, &outer)
                }
                syn::Item::Impl(i) => {
                    let inherited = container(&attrs, &outer);
                    let owner = Owner::of_impl(i);
                    for it in &i.items {
                        if let syn::ImplItem::Fn(f) = it {
                            let (own, holds) = self.configured(&f.attrs);
                            let was = self.enter(holds);
                            self.function(
                                &f.attrs,
                                &own,
                                &f.vis,
                                &f.sig,
                                &f.block,
                                owner.clone(),
                                &inherited,
                            );
                            self.compiled_out = was;
                        }
                    }
                }
                syn::Item::Trait(t) => {
                    let inherited = container(&attrs, &outer);
                    let owner = Owner::of_trait(t);
                    for it in &t.items {
                        if let syn::TraitItem::Fn(f) = it
                            && let Some(body) = &f.default
                        {
                            let (own, holds) = self.configured(&f.attrs);
                            let was = self.enter(holds);
                            let vis = syn::Visibility::Inherited;
                            self.function(&f.attrs, &own, &vis, &f.sig, body, owner.clone(), &inherited);
                            self.compiled_out = was;
                        }
                    }
                }
                syn::Item::Mod(m) => {
                    if let Some((_, content)) = &m.content {
                        let inherited = container(&attrs, &outer);
                        self.modules.push(unraw(&m.ident.to_string()).to_owned());
                        self.items(content, inherited);
                        self.modules.pop();
                    }
                }
                _ => {}
            }
            self.compiled_out = was_out;
        }
    }

    /// Walks into an item whose own `cfg`s hold or not; returns what to restore after it.
    fn enter(&mut self, holds: bool) -> bool {
        let was = self.compiled_out;
        self.compiled_out = was || !holds;
        was
    }

    /// The attributes as the build sees them (each `cfg_attr` that holds replaced by what it
    /// adds, the others dropped), and whether every `cfg` among them holds.
    fn configured(&self, attrs: &[syn::Attribute]) -> (Vec<syn::Attribute>, bool) {
        let mut out = Vec::with_capacity(attrs.len());
        let mut holds = true;
        let mut pending: Vec<syn::Attribute> = attrs.iter().rev().cloned().collect();
        while let Some(attr) = pending.pop() {
            if attr.path().is_ident("cfg_attr")
                && let Ok(list) = attr.parse_args_with(
                    syn::punctuated::Punctuated::<syn::Meta, syn::Token![,]>::parse_terminated,
                )
            {
                let mut metas = list.into_iter();
                let Some(predicate) = metas.next() else { continue };
                if self.cfg.holds(&quote::ToTokens::to_token_stream(&predicate)) {
                    let expanded: Vec<syn::Attribute> =
                        metas.map(|meta| syn::Attribute { meta, ..attr.clone() }).collect();
                    pending.extend(expanded.into_iter().rev());
                }
                continue;
            }
            if attr.path().is_ident("cfg")
                && let syn::Meta::List(list) = &attr.meta
                && !self.cfg.holds(&list.tokens)
            {
                holds = false;
            }
            out.push(attr);
        }
        (out, holds)
    }

    /// `written` are the function's attributes as in the source (for the serial), `attrs` as
    /// the build sees them (for tracking and tests).
    #[allow(clippy::too_many_arguments)]
    fn function(
        &mut self,
        written: &[syn::Attribute],
        attrs: &[syn::Attribute],
        vis: &syn::Visibility,
        sig: &syn::Signature,
        block: &syn::Block,
        owner: Owner,
        outer: &Inherited,
    ) {
        let own =
            attrs.iter().find(|a| is_tracked_attr(a)).map(|a| args_of_attr(a).map_err(|e| e.to_string()));
        let is_const = sig.constness.is_some();
        let tracked = match (own, outer) {
            (Some(Ok(args)), _) if args.skip.is_some() => None,
            (Some(Err(e)), _) => Some(Err(e)),
            (Some(Ok(args)), Some(Ok(outer))) => Some(Ok(args.inherit(outer))),
            (Some(Ok(args)), _) => Some(Ok(args)),
            (None, Some(_)) if is_const => None,
            (None, outer) => outer.clone(),
        };
        let first: Span = match vis {
            syn::Visibility::Inherited => sig.span(),
            _ => vis.span(),
        };
        self.out.push(FnSite {
            name: unraw(&sig.ident.to_string()).to_owned(),
            owner,
            inline_modules: self.modules.clone(),
            name_line: sig.ident.span().start().line,
            lines: (first.start().line, block.brace_token.span.close().end().line),
            serial: serial_of_fn(written, vis, sig, block),
            is_const,
            tracked,
            compiled_out: self.compiled_out,
            test: attrs.iter().any(is_test_attr),
        });
    }
}

/// `#[test]`, `#[bench]`, and test attributes of other crates (`#[tokio::test]`,
/// `#[async_std::test]`), which expand to a `#[test]` function.
pub fn is_test_attr(attr: &syn::Attribute) -> bool {
    let path = attr.path();
    path.is_ident("bench") || path.segments.last().is_some_and(|last| last.ident == "test")
}

/// Settings an impl, trait or module hands down to the functions inside it.
fn container(attrs: &[syn::Attribute], outer: &Inherited) -> Inherited {
    match attrs.iter().find(|a| is_tracked_attr(a)).map(args_of_attr) {
        Some(Ok(args)) if args.skip.is_some() => None,
        Some(Ok(args)) => Some(Ok(match outer {
            Some(Ok(o)) => args.inherit(o),
            _ => args,
        })),
        Some(Err(e)) => Some(Err(e.to_string())),
        None => outer.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SOURCE: &str = r#"
pub mod cart {
    pub struct Cart;
    pub struct Basket;

    impl Cart {
        #[wear::tracked]
        pub fn add(&self) {}
    }

    #[wear::tracked(timed)]
    impl Basket {
        pub fn add(&self) {}
        #[wear::tracked(skip)]
        fn quiet(&self) {}
        const fn fixed() -> u8 { 1 }
    }
}

trait Pricing {
    fn total(&self) -> u32 { 0 }
    fn required(&self);
}

fn free() {}
"#;

    #[test]
    fn finds_every_function_with_owner_and_lines() {
        let sites = sites_in_source(SOURCE).expect("parses");
        let names: Vec<String> = sites.iter().map(|s| s.owner.part_path("m", &s.name)).collect();
        assert_eq!(
            names,
            [
                "m::Cart::add",
                "m::Basket::add",
                "m::Basket::quiet",
                "m::Basket::fixed",
                "m::Pricing::total",
                "m::free"
            ]
        );
        assert_eq!(sites[0].inline_modules, ["cart"]);
        assert_eq!(sites[0].name_line, 8);
        assert_eq!(sites[0].lines, (8, 8));
    }

    #[test]
    fn tracking_is_inherited_and_skipped() {
        let sites = sites_in_source(SOURCE).expect("parses");
        let tracked: Vec<(&str, bool)> =
            sites.iter().map(|s| (s.name.as_str(), matches!(&s.tracked, Some(Ok(_))))).collect();
        assert_eq!(
            tracked,
            [
                ("add", true),
                ("add", true),
                ("quiet", false),
                ("fixed", false),
                ("total", false),
                ("free", false)
            ]
        );
        let Some(Ok(basket_add)) = &sites[1].tracked else { panic!("tracked") };
        assert!(basket_add.timed.is_some());
    }

    /// Decides `feature = "on"` and `unix` as holding, everything else as not.
    struct Features;

    impl Cfg for Features {
        fn holds(&self, predicate: &proc_macro2::TokenStream) -> bool {
            let text = predicate.to_string();
            text == "feature = \"on\"" || text == "unix"
        }
    }

    #[test]
    fn cfg_and_cfg_attr_are_decided_by_the_build() {
        let source = r#"
            #[cfg(feature = "off")] fn gone() {}
            #[cfg(feature = "on")] fn kept() {}
            #[cfg(feature = "off")] impl S { fn method() {} }
            #[cfg(unix)] mod inner { #[cfg(windows)] fn gone_too() {} fn here() {} }
            #[cfg_attr(feature = "on", wear::tracked)] fn tracked_when_on() {}
            #[cfg_attr(feature = "off", wear::tracked)] fn tracked_when_off() {}
            #[cfg_attr(unix, cfg_attr(feature = "on", cfg(windows)))] fn nested_out() {}
            #[test] fn a_test() {}
            #[tokio::test] async fn an_async_test() {}
        "#;
        let file = syn::parse_file(source).expect("parses");
        let sites = sites_in_file_with(&file, &Features);
        let seen: Vec<(&str, bool, bool, bool)> = sites
            .iter()
            .map(|s| (s.name.as_str(), s.compiled_out, matches!(s.tracked, Some(Ok(_))), s.test))
            .collect();
        assert_eq!(
            seen,
            [
                ("gone", true, false, false),
                ("kept", false, false, false),
                ("method", true, false, false),
                ("gone_too", true, false, false),
                ("here", false, false, false),
                ("tracked_when_on", false, true, false),
                ("tracked_when_off", false, false, false),
                ("nested_out", true, false, false),
                ("a_test", false, false, true),
                ("an_async_test", false, false, true),
            ]
        );
        assert!(
            sites_in_file(&file).iter().all(|s| !s.compiled_out),
            "without a build, everything is compiled"
        );
    }
}
