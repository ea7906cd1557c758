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
}

/// Parses a file and returns all its functions with bodies, in source order.
pub fn sites_in_source(source: &str) -> syn::Result<Vec<FnSite>> {
    let file = syn::parse_file(source)?;
    Ok(sites_in_file(&file))
}

/// All functions with bodies in a parsed file, in source order.
pub fn sites_in_file(file: &syn::File) -> Vec<FnSite> {
    let mut walker = Walker { modules: Vec::new(), out: Vec::new() };
    walker.items(&file.items, None);
    walker.out
}

type Inherited = Option<Result<TrackedArgs, String>>;

struct Walker {
    modules: Vec<String>,
    out: Vec<FnSite>,
}

impl Walker {
    fn items(&mut self, items: &[syn::Item], outer: Inherited) {
        for item in items {
            match item {
                syn::Item::Fn(f) => self.function(&f.attrs, &f.vis, &f.sig, &f.block, Owner::Free, &outer),
                syn::Item::Impl(i) => {
                    let inherited = container(&i.attrs, &outer);
                    let owner = Owner::of_impl(i);
                    for it in &i.items {
                        if let syn::ImplItem::Fn(f) = it {
                            self.function(&f.attrs, &f.vis, &f.sig, &f.block, owner.clone(), &inherited);
                        }
                    }
                }
                syn::Item::Trait(t) => {
                    let inherited = container(&t.attrs, &outer);
                    let owner = Owner::of_trait(t);
                    for it in &t.items {
                        if let syn::TraitItem::Fn(f) = it
                            && let Some(body) = &f.default
                        {
                            let vis = syn::Visibility::Inherited;
                            self.function(&f.attrs, &vis, &f.sig, body, owner.clone(), &inherited);
                        }
                    }
                }
                syn::Item::Mod(m) => {
                    if let Some((_, content)) = &m.content {
                        let inherited = container(&m.attrs, &outer);
                        self.modules.push(unraw(&m.ident.to_string()).to_owned());
                        self.items(content, inherited);
                        self.modules.pop();
                    }
                }
                _ => {}
            }
        }
    }

    fn function(
        &mut self,
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
            serial: serial_of_fn(attrs, vis, sig, block),
            is_const,
            tracked,
        });
    }
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
}
