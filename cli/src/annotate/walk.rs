//! The functions of one parsed source file as `annotate` sees them: for each, what to do
//! (add the attribute, or take it away) or why it is left alone, and where in the text.
//!
//! The walk goes everywhere syn can see: items, impl and trait items, inline modules, and the
//! bodies of functions, closures, blocks and constants, at any depth, so nested functions are
//! found too. It does not see into macro invocations (their tokens are not items until the
//! macro runs); it counts the functions written there instead.
//!
//! Tracking by a container follows the macro (`macros/src/expand.rs`): an impl, trait or
//! inline module marked `#[wear::tracked]` tracks the functions that are its items, and the
//! items of the impls, traits and modules inside it, but not functions nested in a body.
use std::ops::Range;

use proc_macro2::{Delimiter, Span, TokenStream, TokenTree};
use syn::spanned::Spanned;
use syn::visit::{self, Visit};
use wear_identity::Owner;
use wear_identity::args::{args_of_attr, is_tracked_attr};
use wear_identity::items::{expr_attrs, item_attrs};
use wear_identity::owner::around_module;
use wear_identity::render::unraw;
use wear_identity::site::is_test_attr;

/// Adding the attribute, or taking it away.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    /// `cargo wear annotate`.
    Add,
    /// `cargo wear annotate --remove`.
    Remove,
}

/// What happens to one function (or, for [`Verdict::InMacros`], to the functions written in
/// one macro), or to one attribute when removing. The order is the summary's.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Verdict {
    /// Gets `#[wear::tracked]`.
    Annotate,
    /// Has its own `#[wear::tracked]`, with or without arguments, or under a `cfg_attr`.
    Tracked,
    /// Tracked by the impl, trait or inline module around it.
    TrackedByContainer,
    /// Left out on purpose with `#[wear::tracked(skip)]`, its own or its container's.
    OptedOut,
    /// A `const fn`: the macro refuses them (their counter changes at run time).
    Const,
    /// Written inside a `macro_rules!` body or another macro invocation: the attribute cannot be
    /// placed on the function as written.
    InMacros,
    /// A test or benchmark, under `#[cfg(test)]`, or nested in one: never in the production build.
    Test,
    /// A `#[naked]` function: its body is assembly only, there is nowhere to count.
    Naked,
    /// Under `forbid(unsafe_code)`, which rejects the `allow(unsafe_code)` of what the macro
    /// generates: the crate would no longer compile.
    ForbidsUnsafe,
    /// A trait method without a default body or a function of an `extern` block.
    NoBody,
    /// Its bare `#[wear::tracked]` is taken away.
    Removed,
    /// Its `#[wear::tracked(...)]` has arguments, written by a person: kept.
    KeptWithArguments,
    /// Tracked in a way `annotate` never writes (`#[tracked]`, `#[::wear::tracked]`,
    /// `#[cfg_attr(..., wear::tracked)]`): kept.
    KeptOtherSpelling,
    /// A `#[wear::tracked]` on an impl, trait or module, written by a person: kept.
    KeptOnContainer,
}

impl Verdict {
    /// How the summary counts it.
    pub(crate) fn label(self) -> &'static str {
        match self {
            Verdict::Annotate => "annotated",
            Verdict::Tracked | Verdict::TrackedByContainer => "already tracked",
            Verdict::OptedOut => "opted out with `skip`",
            Verdict::Const => "const fn",
            Verdict::InMacros => "in macros",
            Verdict::Test => "tests",
            Verdict::Naked => "naked",
            Verdict::ForbidsUnsafe => "under `forbid(unsafe_code)`",
            Verdict::NoBody => "without a body",
            Verdict::Removed => "removed",
            Verdict::KeptWithArguments => "with arguments",
            Verdict::KeptOtherSpelling => "other spellings",
            Verdict::KeptOnContainer => "on an impl, trait or mod",
        }
    }
}

/// A change to the text: both positions are byte offsets in the whole file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Edit {
    /// Put the attribute before the token that starts here (the first attribute that is not a
    /// doc comment, or the function itself).
    Insert(usize),
    /// Take away the attribute written over this range.
    Delete(Range<usize>),
}

/// One function (or one attribute, or one macro's functions) found in a file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Found {
    /// What happens to it.
    pub verdict: Verdict,
    /// The module it is in, as `module_path!()` writes it.
    pub(crate) module: String,
    /// The part path the macro gives it, or `macro_rules! name` / `name!` for a macro.
    pub name: String,
    /// The line of its name (or the macro's).
    pub(crate) line: usize,
    /// Where it is declared.
    pub place: Place,
    /// How many functions this stands for: 1, or the functions written in a macro.
    pub(crate) count: usize,
    /// The change to make, for [`Verdict::Annotate`] and [`Verdict::Removed`].
    pub(crate) edit: Option<Edit>,
}

/// Where a function is declared.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Place {
    /// An item of a module, impl or trait.
    Item,
    /// Inside a function's body, at any depth: named under that function's path, as rustc and
    /// the macro name it.
    Body,
    /// Inside the initialiser of a `const` or `static` outside any function (the scan does not
    /// list these; the program registers them).
    Initialiser,
}

/// Walks a parsed file. `base` is where syn's text starts in the file (after a byte order mark
/// or a `#!` line, which `syn::parse_file` leaves out); `module` is the file's module path;
/// `forbids_unsafe` says whether the file is under `forbid(unsafe_code)` from outside it (its
/// crate's `[lints]` or a module around it).
pub(crate) fn walk(
    file: &syn::File,
    base: usize,
    module: &str,
    mode: Mode,
    forbids_unsafe: bool,
) -> Vec<Found> {
    let mut walker = Walker {
        forbids_unsafe: forbids_unsafe || file.attrs.iter().any(forbids_unsafe_code),
        mode,
        base,
        module: module.to_owned(),
        inline: Vec::new(),
        within: Vec::new(),
        owner: Owner::Free,
        container: Container::Untracked,
        test: false,
        place: Place::Item,
        found: Vec::new(),
    };
    walker.visit_file(file);
    walker.found
}

/// What an impl, trait or inline module hands down to its items.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Container {
    Untracked,
    Tracked,
    Skipped,
}

struct Walker {
    mode: Mode,
    base: usize,
    module: String,
    inline: Vec<String>,
    /// The functions whose bodies are around the current position, outermost first, with their
    /// owners (since the last inline module: `module_path!()` starts again there).
    within: Vec<(Owner, String)>,
    /// The owner of the functions that are items of what is being walked.
    owner: Owner,
    /// What the enclosing container hands down to functions that are its items.
    container: Container,
    /// Inside `#[cfg(test)]` code or a test function.
    test: bool,
    /// Where functions found now are declared.
    place: Place,
    /// Inside code under `forbid(unsafe_code)`.
    forbids_unsafe: bool,
    found: Vec<Found>,
}

/// What to put back after walking into something.
struct Saved {
    owner: Owner,
    container: Container,
    test: bool,
    place: Place,
    within: usize,
    forbids_unsafe: bool,
}

impl Walker {
    fn save(&self) -> Saved {
        Saved {
            owner: self.owner.clone(),
            container: self.container,
            test: self.test,
            place: self.place,
            within: self.within.len(),
            forbids_unsafe: self.forbids_unsafe,
        }
    }

    fn restore(&mut self, saved: Saved) {
        self.owner = saved.owner;
        self.container = saved.container;
        self.test = saved.test;
        self.place = saved.place;
        self.within.truncate(saved.within);
        self.forbids_unsafe = saved.forbids_unsafe;
    }

    fn module_path(&self) -> String {
        let mut path = self.module.clone();
        for inline in &self.inline {
            path.push_str("::");
            path.push_str(inline);
        }
        path
    }

    fn offset(&self, span: Span) -> usize {
        self.base + span.byte_range().start
    }

    /// Enters an item, impl item or trait item with these attributes: test-only under
    /// `#[cfg(test)]`, under `forbid(unsafe_code)` (outer or inner: syn gives both), and only
    /// containers and functions keep what a container hands down.
    fn enter(&mut self, attrs: &[syn::Attribute], keeps_container: bool) -> Saved {
        let saved = self.save();
        if attrs.iter().any(is_cfg_test) {
            self.test = true;
        }
        if attrs.iter().any(forbids_unsafe_code) {
            self.forbids_unsafe = true;
        }
        if !keeps_container {
            self.container = Container::Untracked;
            self.owner = Owner::Free;
        }
        saved
    }

    /// Records one function. `first` is its first token after the attributes.
    fn function(&mut self, attrs: &[syn::Attribute], first: Span, sig: &syn::Signature, has_body: bool) {
        let outer: Vec<&syn::Attribute> =
            attrs.iter().filter(|a| matches!(a.style, syn::AttrStyle::Outer)).collect();
        let (before, after) = around_module(&self.within, &self.owner, &sig.ident.to_string());
        let name = format!("{before}{}{after}", self.module_path());
        let line = sig.ident.span().start().line;
        match self.mode {
            Mode::Add => {
                let verdict = self.verdict(&outer, sig, has_body);
                let edit = (verdict == Verdict::Annotate).then(|| {
                    let before = outer.iter().find(|a| !a.path().is_ident("doc")).map(|a| a.pound_token.span);
                    Edit::Insert(self.offset(before.unwrap_or(first)))
                });
                self.push(verdict, name, line, 1, edit);
            }
            Mode::Remove => {
                for attr in outer {
                    if let Some(kept) = kept_as(attr) {
                        self.push(kept, name.clone(), line, 1, None);
                    } else if is_bare_tracked(attr) {
                        let range = attr.span().byte_range();
                        let edit = Edit::Delete(self.base + range.start..self.base + range.end);
                        self.push(Verdict::Removed, name.clone(), line, 1, Some(edit));
                    }
                }
            }
        }
    }

    fn verdict(&self, attrs: &[&syn::Attribute], sig: &syn::Signature, has_body: bool) -> Verdict {
        if self.test || attrs.iter().any(|a| is_test_fn_attr(a)) {
            return Verdict::Test;
        }
        if !has_body {
            return Verdict::NoBody;
        }
        match own_tracking(attrs) {
            Some(Container::Skipped) => return Verdict::OptedOut,
            Some(_) => return Verdict::Tracked,
            None => {}
        }
        if sig.constness.is_some() {
            return Verdict::Const;
        }
        match self.container {
            Container::Tracked => Verdict::TrackedByContainer,
            Container::Skipped => Verdict::OptedOut,
            Container::Untracked if attrs.iter().any(|a| is_naked(a)) => Verdict::Naked,
            Container::Untracked if self.forbids_unsafe => Verdict::ForbidsUnsafe,
            Container::Untracked => Verdict::Annotate,
        }
    }

    fn push(&mut self, verdict: Verdict, name: String, line: usize, count: usize, edit: Option<Edit>) {
        let module = self.module_path();
        self.found.push(Found { verdict, module, name, line, place: self.place, count, edit });
    }

    /// Walks a function's body: what is declared there is nested, named under the function's
    /// path, and nothing around it hands tracking down into it.
    fn body(&mut self, attrs: &[syn::Attribute], sig: &syn::Signature, block: &syn::Block) {
        let saved = self.save();
        self.test |= attrs.iter().any(is_test_fn_attr);
        self.container = Container::Untracked;
        self.within.push((self.owner.clone(), unraw(&sig.ident.to_string()).to_owned()));
        self.owner = Owner::Free;
        self.place = Place::Body;
        self.visit_block(block);
        self.restore(saved);
    }

    /// Enters the initialiser of a `const` or `static` (one inside a body stays in the body).
    fn initialiser(&mut self) {
        if self.place == Place::Item {
            self.place = Place::Initialiser;
        }
    }

    /// An impl, trait or inline module: what it hands down, and (when removing) its own attribute.
    fn container(&mut self, attrs: &[syn::Attribute], what: &str, line: usize) {
        if self.mode == Mode::Remove && attrs.iter().any(|a| is_tracked_attr(a) || tracked_in_cfg_attr(a)) {
            self.push(Verdict::KeptOnContainer, what.to_owned(), line, 1, None);
        }
        if let Some(own) = own_tracking(&attrs.iter().collect::<Vec<_>>()) {
            self.container = own;
        }
    }

    fn macro_functions(&mut self, name: String, line: usize, count: usize) {
        if count > 0 && self.mode == Mode::Add {
            let verdict = if self.test { Verdict::Test } else { Verdict::InMacros };
            self.push(verdict, name, line, count, None);
        }
    }
}

impl<'ast> Visit<'ast> for Walker {
    fn visit_item(&mut self, item: &'ast syn::Item) {
        let keeps =
            matches!(item, syn::Item::Fn(_) | syn::Item::Impl(_) | syn::Item::Trait(_) | syn::Item::Mod(_));
        let saved = self.enter(item_attrs(item), keeps);
        if matches!(item, syn::Item::Const(_) | syn::Item::Static(_)) {
            self.initialiser();
        }
        visit::visit_item(self, item);
        self.restore(saved);
    }

    fn visit_impl_item(&mut self, item: &'ast syn::ImplItem) {
        let attrs: &[syn::Attribute] = match item {
            syn::ImplItem::Fn(f) => &f.attrs,
            syn::ImplItem::Const(c) => &c.attrs,
            syn::ImplItem::Type(t) => &t.attrs,
            syn::ImplItem::Macro(m) => &m.attrs,
            _ => &[],
        };
        let saved = self.enter(attrs, matches!(item, syn::ImplItem::Fn(_)));
        if matches!(item, syn::ImplItem::Const(_)) {
            self.initialiser();
        }
        visit::visit_impl_item(self, item);
        self.restore(saved);
    }

    fn visit_trait_item(&mut self, item: &'ast syn::TraitItem) {
        let attrs: &[syn::Attribute] = match item {
            syn::TraitItem::Fn(f) => &f.attrs,
            syn::TraitItem::Const(c) => &c.attrs,
            syn::TraitItem::Type(t) => &t.attrs,
            syn::TraitItem::Macro(m) => &m.attrs,
            _ => &[],
        };
        let saved = self.enter(attrs, matches!(item, syn::TraitItem::Fn(_)));
        if matches!(item, syn::TraitItem::Const(_)) {
            self.initialiser();
        }
        visit::visit_trait_item(self, item);
        self.restore(saved);
    }

    fn visit_item_fn(&mut self, f: &'ast syn::ItemFn) {
        let first = match &f.vis {
            syn::Visibility::Inherited => f.sig.span(),
            vis => vis.span(),
        };
        self.function(&f.attrs, first, &f.sig, true);
        self.body(&f.attrs, &f.sig, &f.block);
    }

    fn visit_impl_item_fn(&mut self, f: &'ast syn::ImplItemFn) {
        let first = match (&f.vis, &f.defaultness) {
            (syn::Visibility::Inherited, Some(default)) => default.span,
            (syn::Visibility::Inherited, None) => f.sig.span(),
            (vis, _) => vis.span(),
        };
        self.function(&f.attrs, first, &f.sig, true);
        self.body(&f.attrs, &f.sig, &f.block);
    }

    fn visit_trait_item_fn(&mut self, f: &'ast syn::TraitItemFn) {
        self.function(&f.attrs, f.sig.span(), &f.sig, f.default.is_some());
        if let Some(body) = &f.default {
            self.body(&f.attrs, &f.sig, body);
        }
    }

    fn visit_foreign_item_fn(&mut self, f: &'ast syn::ForeignItemFn) {
        let saved = self.enter(&f.attrs, false);
        self.function(&f.attrs, f.sig.span(), &f.sig, false);
        self.restore(saved);
    }

    fn visit_item_impl(&mut self, item: &'ast syn::ItemImpl) {
        let saved = self.save();
        let owner = Owner::of_impl(item);
        let shown = owner.part_path(&self.module_path(), "").trim_end_matches("::").to_owned();
        self.container(&item.attrs, &format!("impl {shown}"), item.impl_token.span.start().line);
        self.owner = owner;
        for it in &item.items {
            self.visit_impl_item(it);
        }
        self.restore(saved);
    }

    fn visit_item_trait(&mut self, item: &'ast syn::ItemTrait) {
        let saved = self.save();
        let owner = Owner::of_trait(item);
        let shown = owner.part_path(&self.module_path(), "").trim_end_matches("::").to_owned();
        self.container(&item.attrs, &format!("trait {shown}"), item.ident.span().start().line);
        self.owner = owner;
        for it in &item.items {
            self.visit_trait_item(it);
        }
        self.restore(saved);
    }

    fn visit_item_mod(&mut self, item: &'ast syn::ItemMod) {
        // A module in another file is walked as a file of its own, if the crate's tree has it.
        let Some((_, items)) = &item.content else { return };
        let saved = self.save();
        self.inline.push(unraw(&item.ident.to_string()).to_owned());
        // `module_path!()` in an inline module names the module alone, even inside a function.
        let within = std::mem::take(&mut self.within);
        self.container(&item.attrs, &format!("mod {}", self.module_path()), item.ident.span().start().line);
        self.owner = Owner::Free;
        for it in items {
            self.visit_item(it);
        }
        self.inline.pop();
        self.within = within;
        self.restore(saved);
    }

    fn visit_item_macro(&mut self, item: &'ast syn::ItemMacro) {
        let line = item.mac.path.span().start().line;
        match &item.ident {
            Some(name) if item.mac.path.is_ident("macro_rules") => {
                let count = fns_in_transcribers(item.mac.tokens.clone());
                self.macro_functions(format!("macro_rules! {name}"), line, count);
            }
            _ => self.visit_macro(&item.mac),
        }
    }

    fn visit_macro(&mut self, mac: &'ast syn::Macro) {
        let name = mac.path.segments.last().map(|s| s.ident.to_string()).unwrap_or_default();
        self.macro_functions(format!("{name}!"), mac.path.span().start().line, fns_in(mac.tokens.clone()));
    }

    fn visit_local(&mut self, local: &'ast syn::Local) {
        let saved = self.enter(&local.attrs, true);
        visit::visit_local(self, local);
        self.restore(saved);
    }

    fn visit_arm(&mut self, arm: &'ast syn::Arm) {
        let saved = self.enter(&arm.attrs, true);
        visit::visit_arm(self, arm);
        self.restore(saved);
    }

    fn visit_expr(&mut self, expr: &'ast syn::Expr) {
        let saved = self.enter(expr_attrs(expr), true);
        visit::visit_expr(self, expr);
        self.restore(saved);
    }
}

/// A function's own tracking attribute: tracked, or left out with `skip`. An attribute whose
/// arguments are wrong is the user's to fix (the macro says how): it counts as tracked.
fn own_tracking(attrs: &[&syn::Attribute]) -> Option<Container> {
    if let Some(attr) = attrs.iter().find(|a| is_tracked_attr(a)) {
        return Some(match args_of_attr(attr) {
            Ok(args) if args.skip.is_some() => Container::Skipped,
            _ => Container::Tracked,
        });
    }
    attrs.iter().any(|a| tracked_in_cfg_attr(a)).then_some(Container::Tracked)
}

/// `#[cfg_attr(predicate, ..., wear::tracked, ...)]`: tracked in the builds the predicate
/// holds in, which is the user's choice to keep.
fn tracked_in_cfg_attr(attr: &syn::Attribute) -> bool {
    if !attr.path().is_ident("cfg_attr") {
        return false;
    }
    let Ok(list) =
        attr.parse_args_with(syn::punctuated::Punctuated::<syn::Meta, syn::Token![,]>::parse_terminated)
    else {
        return false;
    };
    list.iter().skip(1).any(|meta| {
        let segments: Vec<String> = meta.path().segments.iter().map(|s| s.ident.to_string()).collect();
        matches!(segments.as_slice(), [last] if last == "tracked")
            || matches!(segments.as_slice(), [krate, last] if krate == "wear" && last == "tracked")
    })
}

/// Exactly `#[wear::tracked]`, as `annotate` writes it.
fn is_bare_tracked(attr: &syn::Attribute) -> bool {
    let syn::Meta::Path(path) = &attr.meta else { return false };
    path.leading_colon.is_none()
        && path.segments.len() == 2
        && path.segments[0].ident == "wear"
        && path.segments[1].ident == "tracked"
        && path.segments.iter().all(|s| s.arguments.is_none())
}

/// When removing: a tracking attribute that is not the bare one `annotate` writes.
fn kept_as(attr: &syn::Attribute) -> Option<Verdict> {
    if tracked_in_cfg_attr(attr) {
        return Some(Verdict::KeptOtherSpelling);
    }
    if !is_tracked_attr(attr) || is_bare_tracked(attr) {
        return None;
    }
    Some(match &attr.meta {
        syn::Meta::Path(_) => Verdict::KeptOtherSpelling,
        _ => Verdict::KeptWithArguments,
    })
}

/// Tests and benchmarks: `#[test]`, `#[bench]`, `#[tokio::test]` and the like (as the scan
/// decides), and the test attributes of `rstest` and `test-case`, which also make a test of
/// the function they are on.
fn is_test_fn_attr(attr: &syn::Attribute) -> bool {
    is_test_attr(attr)
        || attr.path().segments.last().is_some_and(|last| last.ident == "rstest" || last.ident == "test_case")
}

/// `#[cfg(test)]`, or a predicate that holds only when `test` does (`all(test, unix)`).
fn is_cfg_test(attr: &syn::Attribute) -> bool {
    attr.path().is_ident("cfg") && attr.parse_args::<syn::Meta>().is_ok_and(|meta| only_in_test(&meta))
}

fn only_in_test(meta: &syn::Meta) -> bool {
    match meta {
        syn::Meta::Path(path) => path.is_ident("test"),
        syn::Meta::List(list) if list.path.is_ident("all") || list.path.is_ident("any") => {
            let Ok(inner) = list
                .parse_args_with(syn::punctuated::Punctuated::<syn::Meta, syn::Token![,]>::parse_terminated)
            else {
                return false;
            };
            match list.path.is_ident("all") {
                true => inner.iter().any(only_in_test),
                false => !inner.is_empty() && inner.iter().all(only_in_test),
            }
        }
        _ => false,
    }
}

/// `forbid(unsafe_code)`, alone or among other lints, or under a `cfg_attr` (whose predicate
/// may hold in some build: the attribute would break that one).
pub(crate) fn forbids_unsafe_code(attr: &syn::Attribute) -> bool {
    let lists = |attr: &syn::Attribute| {
        attr.parse_args_with(syn::punctuated::Punctuated::<syn::Meta, syn::Token![,]>::parse_terminated)
    };
    let forbids = |meta: &syn::Meta| {
        meta.path().is_ident("forbid")
            && meta.require_list().is_ok_and(|list| {
                list.parse_args_with(
                    syn::punctuated::Punctuated::<syn::Path, syn::Token![,]>::parse_terminated,
                )
                .is_ok_and(|lints| lints.iter().any(|lint| lint.is_ident("unsafe_code")))
            })
    };
    if attr.path().is_ident("cfg_attr") {
        return lists(attr).is_ok_and(|metas| metas.iter().skip(1).any(forbids));
    }
    forbids(&attr.meta)
}

/// `#[naked]` (before Rust 1.88) or `#[unsafe(naked)]`.
fn is_naked(attr: &syn::Attribute) -> bool {
    attr.path().is_ident("naked")
        || (attr.path().is_ident("unsafe")
            && attr.parse_args::<syn::Path>().is_ok_and(|p| p.is_ident("naked")))
}

/// Functions written in a macro's tokens: `fn` followed by a name (or a `$name` fragment).
fn fns_in(tokens: TokenStream) -> usize {
    let trees: Vec<TokenTree> = tokens.into_iter().collect();
    let mut count = 0;
    for (at, tree) in trees.iter().enumerate() {
        match tree {
            TokenTree::Ident(ident) if ident == "fn" => {
                let named = match trees.get(at + 1) {
                    Some(TokenTree::Ident(_)) => true,
                    Some(TokenTree::Punct(p)) => p.as_char() == '$',
                    _ => false,
                };
                count += usize::from(named);
            }
            TokenTree::Group(group) => count += fns_in(group.stream()),
            _ => {}
        }
    }
    count
}

/// Functions written in the transcribers of a `macro_rules!` (`(matcher) => { transcriber }`):
/// a `fn` in a matcher is a pattern, not a function.
fn fns_in_transcribers(tokens: TokenStream) -> usize {
    let trees: Vec<TokenTree> = tokens.into_iter().collect();
    let mut count = 0;
    for (at, tree) in trees.iter().enumerate() {
        if let TokenTree::Group(group) = tree
            && group.delimiter() != Delimiter::None
            && at >= 2
            && matches!(&trees[at - 1], TokenTree::Punct(p) if p.as_char() == '>')
            && matches!(&trees[at - 2], TokenTree::Punct(p) if p.as_char() == '=')
        {
            count += fns_in(group.stream());
        }
    }
    count
}

#[cfg(test)]
mod tests {
    use super::*;

    fn verdicts(source: &str, mode: Mode) -> Vec<(Verdict, String, usize)> {
        let file = syn::parse_file(source).expect("parses");
        walk(&file, 0, "k", mode, false).into_iter().map(|f| (f.verdict, f.name, f.count)).collect()
    }

    #[test]
    fn container_tracking_follows_the_macro() {
        let source = "#[wear::tracked] mod m {
            fn a() { fn inner() {} }
            const fn c() {}
            #[wear::tracked(skip)] impl S { fn b() {} }
            impl T { fn d() {} #[wear::tracked(skip)] fn e() {} }
            const X: () = { fn in_const() {} };
        }";
        let found = verdicts(source, Mode::Add);
        let expect = [
            (Verdict::TrackedByContainer, "k::m::a"),
            (Verdict::Annotate, "k::m::a::inner"),
            (Verdict::Const, "k::m::c"),
            (Verdict::OptedOut, "k::m::S::b"),
            (Verdict::TrackedByContainer, "k::m::T::d"),
            (Verdict::OptedOut, "k::m::T::e"),
            (Verdict::Annotate, "k::m::in_const"),
        ];
        let found: Vec<_> = found.iter().map(|(v, n, _)| (*v, n.as_str())).collect();
        assert_eq!(found, expect);
    }

    #[test]
    fn nested_functions_are_named_under_the_function_around_them() {
        let source = "impl S { fn m() { let c = || { fn inner() {} }; mod deep { fn f() { fn g() {} } } } }
            static S: fn() = { fn in_static() {} in_static };";
        let file = syn::parse_file(source).expect("parses");
        let found: Vec<_> =
            walk(&file, 0, "k", Mode::Add, false).into_iter().map(|f| (f.name, f.place)).collect();
        let expect = [
            ("k::S::m", Place::Item),
            ("k::S::m::inner", Place::Body),
            // `module_path!()` starts again in an inline module, even inside a function.
            ("k::deep::f", Place::Body),
            ("k::deep::f::g", Place::Body),
            ("k::in_static", Place::Initialiser),
        ];
        assert_eq!(found, expect.map(|(n, p)| (n.to_owned(), p)));
    }

    #[test]
    fn tests_are_found_however_they_are_marked() {
        let source = "#[cfg(all(unix, test))] fn a() {}
            #[cfg(any(test, unix))] fn b() {}
            #[tokio::test] async fn c() { fn helper() {} }
            #[rstest] fn d() {}
            fn e() { #[cfg(test)] { fn f() {} } }";
        let found: Vec<_> = verdicts(source, Mode::Add).into_iter().map(|(v, n, _)| (v, n)).collect();
        let expect = ["a", "b", "c", "c::helper", "d", "e", "e::f"].map(|n| format!("k::{n}"));
        let verdicts = [
            Verdict::Test,
            Verdict::Annotate,
            Verdict::Test,
            Verdict::Test,
            Verdict::Test,
            Verdict::Annotate,
            Verdict::Test,
        ];
        assert_eq!(found, verdicts.into_iter().zip(expect).collect::<Vec<_>>());
    }

    #[test]
    fn functions_in_macros_are_counted_not_annotated() {
        let source = "macro_rules! make { (fn $n:ident) => { fn $n() {} fn other() {} }; () => {} }
            thread_local! { static X: u8 = 0; }
            fn f() { let g: fn() = f; inner! { fn a() {} } }";
        let found = verdicts(source, Mode::Add);
        assert_eq!(
            found,
            [
                (Verdict::InMacros, "macro_rules! make".to_owned(), 2),
                (Verdict::Annotate, "k::f".to_owned(), 1),
                (Verdict::InMacros, "inner!".to_owned(), 1),
            ]
        );
    }

    #[test]
    fn naked_and_bodiless() {
        let source = "#[unsafe(naked)] extern \"C\" fn n() {}
            trait T { fn r(&self); fn d(&self) {} }
            unsafe extern \"C\" { fn ext(); }";
        let found: Vec<_> = verdicts(source, Mode::Add).into_iter().map(|(v, _, _)| v).collect();
        assert_eq!(found, [Verdict::Naked, Verdict::NoBody, Verdict::Annotate, Verdict::NoBody]);
    }

    #[test]
    fn code_under_forbid_unsafe_code_is_left_alone() {
        let source = "fn a() {}
            #[forbid(missing_docs, unsafe_code)] mod m { fn b() {} }
            mod n { #![cfg_attr(unix, forbid(unsafe_code))] fn c() {} }
            #[deny(unsafe_code)] fn d() {}
            #[forbid(unsafe_code)] fn e() { fn f() {} }";
        let found: Vec<_> = verdicts(source, Mode::Add).into_iter().map(|(v, _, _)| v).collect();
        let forbids = Verdict::ForbidsUnsafe;
        assert_eq!(found, [Verdict::Annotate, forbids, forbids, Verdict::Annotate, forbids, forbids]);
        let file = syn::parse_file("#![forbid(unsafe_code)]\nfn a() {}").expect("parses");
        assert_eq!(walk(&file, 0, "k", Mode::Add, false)[0].verdict, forbids);
        let file = syn::parse_file("fn a() {}").expect("parses");
        assert_eq!(walk(&file, 0, "k", Mode::Add, true)[0].verdict, forbids);
    }

    #[test]
    fn removing_keeps_what_annotate_does_not_write() {
        let source = "#[wear::tracked] impl S {
            #[wear::tracked] fn a() {}
            #[wear::tracked(timed)] fn b() {}
            #[tracked] fn c() {}
            #[cfg_attr(feature = \"w\", wear::tracked)] fn d() {}
            #[::wear::tracked] fn e() {}
        }";
        let found: Vec<_> = verdicts(source, Mode::Remove).into_iter().map(|(v, _, _)| v).collect();
        assert_eq!(
            found,
            [
                Verdict::KeptOnContainer,
                Verdict::Removed,
                Verdict::KeptWithArguments,
                Verdict::KeptOtherSpelling,
                Verdict::KeptOtherSpelling,
                Verdict::KeptOtherSpelling,
            ]
        );
    }
}
