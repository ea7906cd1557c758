//! Every function of one source file: its owner, the functions it is declared in, its
//! inline-module path, lines, serial and tracking settings, as the build sees them. The CLI
//! lists parts from it; the macro finds the same functions in the text ([`crate::outline`]).
//!
//! Line numbers come from token spans and are 1-based, as rustc's are. Functions produced by
//! `macro_rules!` expansions are not in the text, so they are not found here; the macro names
//! those with [`Owner::Free`]. Functions written inside an item-level macro call whose body is
//! items (`cfg_rt! { ... }`, `cfg_if!`) are found, see [`crate::items`].
use proc_macro2::Span;
use syn::spanned::Spanned;
use syn::visit::Visit;

use crate::args::{TrackedArgs, args_of_attr, is_tracked_attr};
use crate::cfg::{Cfg, Everything};
use crate::items::{Macros, configure, expand, expr_attrs};
use crate::legacy::serial_v1_of_fn;
use crate::owner::{Owner, around_module};
use crate::render::unraw;
use crate::serial::{Serial, serial_of_fn, serial_of_text};

/// One function found in a file.
#[derive(Clone, Debug)]
pub struct FnSite {
    /// The function's name, without `r#`.
    pub name: String,
    /// What it belongs to.
    pub owner: Owner,
    /// The functions whose bodies it is declared in, outermost first, with their owners.
    pub within: Vec<(Owner, String)>,
    /// Inline modules between the file's module and the function, outermost first.
    pub inline_modules: Vec<String>,
    /// Line of the function's name.
    pub name_line: usize,
    /// First line (of visibility or `fn` and its qualifiers, after attributes) and last line.
    pub lines: (usize, usize),
    /// The serial, as the macro computes it.
    pub serial: Serial,
    /// The serial earlier builds of wear gave it (`wear-serial/1`), for usage recorded then.
    pub legacy_serial: Serial,
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

impl FnSite {
    /// The part path of this function in the file's module `module` (e.g. `shop::cart`): the
    /// path the macro gives it there.
    pub fn part_path(&self, module: &str) -> String {
        let mut module = module.to_owned();
        for inline in &self.inline_modules {
            module.push_str("::");
            module.push_str(inline);
        }
        let (before, after) = around_module(&self.within, &self.owner, &self.name);
        format!("{before}{module}{after}")
    }
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
    sites_in_crate_file(file, cfg, &Macros::default())
}

/// [`sites_in_file_with`] for a file of a crate whose item-passing `macro_rules!` wrappers
/// are `macros` (learnt from all the crate's files).
pub fn sites_in_crate_file(file: &syn::File, cfg: &dyn Cfg, macros: &Macros) -> Vec<FnSite> {
    let mut walker =
        Walker { modules: Vec::new(), within: Vec::new(), out: Vec::new(), cfg, macros, compiled_out: false };
    walker.items(&file.items, &None);
    walker.out
}

type Inherited = Option<Result<TrackedArgs, String>>;

struct Walker<'c> {
    modules: Vec<String>,
    /// The functions around the items being walked, outermost first.
    within: Vec<(Owner, String)>,
    out: Vec<FnSite>,
    cfg: &'c dyn Cfg,
    macros: &'c Macros,
    /// Whether the item being walked sits under a `cfg` that does not hold.
    compiled_out: bool,
}

/// A function with a body, however it is written.
struct Function<'a> {
    /// The whole item, attributes included: its text gives the serial.
    span: Span,
    /// Attributes as written.
    written: &'a [syn::Attribute],
    /// Attributes as the build sees them.
    attrs: &'a [syn::Attribute],
    vis: &'a syn::Visibility,
    sig: &'a syn::Signature,
    block: &'a syn::Block,
}

impl Walker<'_> {
    fn items(&mut self, items: &[syn::Item], outer: &Inherited) {
        for expanded in expand(items, self.cfg, self.macros) {
            let was = self.enter(!expanded.compiled_out);
            // The macro on a module does not see inside the macro calls in it.
            let outer = if expanded.in_macro { &None } else { outer };
            let attrs = &expanded.attrs;
            match &*expanded.item {
                syn::Item::Fn(f) => {
                    let function = Function {
                        span: f.span(),
                        written: &f.attrs,
                        attrs,
                        vis: &f.vis,
                        sig: &f.sig,
                        block: &f.block,
                    };
                    self.function(&function, Owner::Free, outer);
                }
                syn::Item::Impl(i) => {
                    let inherited = container(attrs, outer);
                    let owner = Owner::of_impl(i);
                    for it in &i.items {
                        if let syn::ImplItem::Fn(f) = it {
                            let (own, holds) = configure(&f.attrs, self.cfg);
                            let was = self.enter(holds);
                            let function = Function {
                                span: f.span(),
                                written: &f.attrs,
                                attrs: &own,
                                vis: &f.vis,
                                sig: &f.sig,
                                block: &f.block,
                            };
                            self.function(&function, owner.clone(), &inherited);
                            self.compiled_out = was;
                        }
                    }
                }
                syn::Item::Trait(t) => {
                    let inherited = container(attrs, outer);
                    let owner = Owner::of_trait(t);
                    let vis = syn::Visibility::Inherited;
                    for it in &t.items {
                        if let syn::TraitItem::Fn(f) = it
                            && let Some(body) = &f.default
                        {
                            let (own, holds) = configure(&f.attrs, self.cfg);
                            let was = self.enter(holds);
                            let function = Function {
                                span: f.span(),
                                written: &f.attrs,
                                attrs: &own,
                                vis: &vis,
                                sig: &f.sig,
                                block: body,
                            };
                            self.function(&function, owner.clone(), &inherited);
                            self.compiled_out = was;
                        }
                    }
                }
                // Functions declared in an initialiser's blocks (`const _: () = { fn f() {} };`)
                // are named where the item is, as `module_path!()` names them.
                syn::Item::Const(c) => self.nested_in(|nested| nested.visit_expr(&c.expr)),
                syn::Item::Static(st) => self.nested_in(|nested| nested.visit_expr(&st.expr)),
                syn::Item::Mod(m) => {
                    if let Some((_, content)) = &m.content {
                        let inherited = container(attrs, outer);
                        self.modules.push(unraw(&m.ident.to_string()).to_owned());
                        // `module_path!()` in an inline module names the module alone, even
                        // inside a function.
                        let within = std::mem::take(&mut self.within);
                        self.items(content, &inherited);
                        self.within = within;
                        self.modules.pop();
                    }
                }
                _ => {}
            }
            self.compiled_out = was;
        }
    }

    /// Walks into an item whose own `cfg`s hold or not; returns what to restore after it.
    fn enter(&mut self, holds: bool) -> bool {
        let was = self.compiled_out;
        self.compiled_out = was || !holds;
        was
    }

    fn function(&mut self, f: &Function<'_>, owner: Owner, outer: &Inherited) {
        let own =
            f.attrs.iter().find(|a| is_tracked_attr(a)).map(|a| args_of_attr(a).map_err(|e| e.to_string()));
        let is_const = f.sig.constness.is_some();
        let tracked = match (own, outer) {
            (Some(Ok(args)), _) if args.skip.is_some() => None,
            (Some(Err(e)), _) => Some(Err(e)),
            (Some(Ok(args)), Some(Ok(outer))) => Some(Ok(args.inherit(outer))),
            (Some(Ok(args)), _) => Some(Ok(args)),
            (None, Some(_)) if is_const => None,
            (None, outer) => outer.clone(),
        };
        let first: Span = match f.vis {
            syn::Visibility::Inherited => f.sig.span(),
            _ => f.vis.span(),
        };
        let name = unraw(&f.sig.ident.to_string()).to_owned();
        let inner = f.written.iter().filter(|a| matches!(a.style, syn::AttrStyle::Inner(_)));
        let serial = match f.span.source_text() {
            Some(text) => serial_of_text(&text),
            None => serial_of_fn(inner, f.vis, f.sig, f.block),
        };
        self.out.push(FnSite {
            name: name.clone(),
            owner: owner.clone(),
            within: self.within.clone(),
            inline_modules: self.modules.clone(),
            name_line: f.sig.ident.span().start().line,
            lines: (first.start().line, f.block.brace_token.span.close().end().line),
            serial,
            legacy_serial: serial_v1_of_fn(f.written, f.vis, f.sig, f.block),
            is_const,
            tracked,
            compiled_out: self.compiled_out,
            test: f.attrs.iter().any(is_test_attr),
        });
        // Functions declared in this one's body: never tracked by its attribute (the macro
        // does not look inside a body), named under its path.
        self.within.push((owner, name));
        self.nested_in(|nested| nested.visit_block(f.block));
        self.within.pop();
    }

    /// Walks the items `visit` finds in a body or an initialiser.
    fn nested_in<'a>(&mut self, visit: impl FnOnce(&mut Nested<'a, '_>)) {
        let mut nested = Nested { found: Vec::new(), cfg: self.cfg, compiled_out: false };
        visit(&mut nested);
        for (item, compiled_out) in nested.found {
            let was = self.enter(!compiled_out);
            self.items(std::slice::from_ref(item), &None);
            self.compiled_out = was;
        }
    }
}

/// The items declared in a function body, at any depth of blocks and closures, each with
/// whether a `cfg` on a statement or expression around it does not hold. Items are not
/// entered: the walker walks each one.
struct Nested<'a, 'c> {
    found: Vec<(&'a syn::Item, bool)>,
    cfg: &'c dyn Cfg,
    compiled_out: bool,
}

impl<'a> Visit<'a> for Nested<'a, '_> {
    fn visit_item(&mut self, item: &'a syn::Item) {
        self.found.push((item, self.compiled_out));
    }

    fn visit_local(&mut self, local: &'a syn::Local) {
        let was = self.enter(&local.attrs);
        syn::visit::visit_local(self, local);
        self.compiled_out = was;
    }

    fn visit_expr(&mut self, expr: &'a syn::Expr) {
        let was = self.enter(expr_attrs(expr));
        syn::visit::visit_expr(self, expr);
        self.compiled_out = was;
    }
}

impl Nested<'_, '_> {
    fn enter(&mut self, attrs: &[syn::Attribute]) -> bool {
        let was = self.compiled_out;
        if !was && !attrs.is_empty() {
            self.compiled_out = !configure(attrs, self.cfg).1;
        }
        was
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
