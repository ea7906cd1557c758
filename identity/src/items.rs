//! The items of a module as the build sees them: `cfg_attr` expanded, `cfg` decided, and the
//! items written inside item-level macro invocations taken out.
//!
//! Real crates declare whole modules through macros: tokio writes `cfg_rt! { pub mod
//! runtime; }`, where `cfg_rt!` is a `macro_rules!` wrapper that re-emits each item under
//! `#[cfg(feature = "rt")]`, and many crates use `cfg_if::cfg_if!`. The scan reads the items
//! inside any item-level macro call whose body parses as items (the macro's own outline scan
//! reads the same text), adds the attributes a known wrapper adds ([`Macros`], learnt from the
//! crate's `macro_rules!` definitions), and picks the branch of a `cfg_if!` that the build
//! compiles.
use std::borrow::Cow;
use std::collections::HashMap;

use proc_macro2::{Delimiter, TokenStream, TokenTree};
use quote::ToTokens;
use syn::parse::Parser;

use crate::cfg::Cfg;

/// The item-passing `macro_rules!` wrappers of a crate, with the attributes each puts on
/// every item (`cfg_rt` → `#[cfg(feature = "rt")]`).
#[derive(Clone, Default)]
pub struct Macros(HashMap<String, Wrapper>);

/// What a wrapper puts on every item: attribute tokens, where `$meta` (when the wrapper takes
/// a leading `#![$meta:meta]`, as tokio's `feature!`) stands for the call's own.
#[derive(Clone)]
struct Wrapper {
    attrs: Vec<TokenTree>,
    meta: Option<String>,
}

impl std::fmt::Debug for Macros {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_set().entries(self.0.keys()).finish()
    }
}

impl Macros {
    /// Learns the wrappers defined in `items`, at any depth of inline modules.
    pub fn learn(&mut self, items: &[syn::Item]) {
        for item in items {
            match item {
                syn::Item::Macro(m) if m.mac.path.is_ident("macro_rules") => {
                    if let (Some(name), Some(wrapper)) = (&m.ident, wrapper_of(&m.mac.tokens)) {
                        self.0.insert(name.to_string(), wrapper);
                    }
                }
                syn::Item::Mod(m) => {
                    if let Some((_, content)) = &m.content {
                        self.learn(content);
                    }
                }
                _ => {}
            }
        }
    }

    /// A text that differs whenever two sets of wrappers differ, in a stable order: a cache of
    /// what was derived with some wrappers is only valid under the same ones.
    pub fn fingerprint(&self) -> String {
        let mut names: Vec<&String> = self.0.keys().collect();
        names.sort();
        let mut out = String::new();
        for name in names {
            let wrapper = &self.0[name];
            let attrs: TokenStream = wrapper.attrs.iter().cloned().collect();
            out.push_str(&format!("{name}\u{0}{:?}\u{0}{attrs}\u{0}", wrapper.meta));
        }
        out
    }

    /// The attributes the wrapper `name` adds to the items of a call whose leading inner
    /// attribute holds `meta` (`#![unix]` gives `unix`), if it is a wrapper; `None` too for a
    /// wrapper that takes a meta when the call gives none.
    pub fn wrapper(&self, name: &str, meta: Option<&TokenStream>) -> Option<Vec<syn::Attribute>> {
        let wrapper = self.0.get(name)?;
        let tokens: TokenStream = match (&wrapper.meta, meta) {
            (None, _) => wrapper.attrs.iter().cloned().collect(),
            (Some(var), Some(meta)) => substitute(&wrapper.attrs, var, meta),
            (Some(_), None) => return None,
        };
        syn::Attribute::parse_outer.parse2(tokens).ok()
    }
}

/// One item as the build sees it.
pub struct Expanded<'a> {
    /// The item (parsed from a macro invocation's body when it was written inside one).
    pub item: Cow<'a, syn::Item>,
    /// Its attributes with `cfg_attr`s that hold replaced by what they add (and a wrapper's
    /// attributes first).
    pub attrs: Vec<syn::Attribute>,
    /// Whether a `cfg` on it (or on the macro call it came from) does not hold.
    pub compiled_out: bool,
    /// Whether it was written inside a macro call: an attribute on an enclosing module does
    /// not reach it (the macro sees the call, not the items).
    pub in_macro: bool,
    /// The names of the macros whose calls it was written in, outermost first: a walk that
    /// learns wrappers as it reads files can apply one learnt after the call was read.
    pub through: Vec<String>,
}

impl std::fmt::Debug for Expanded<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Expanded")
            .field("item", &self.item.to_token_stream().to_string())
            .field("compiled_out", &self.compiled_out)
            .field("through", &self.through)
            .finish()
    }
}

/// The items of a module (or an inline module, or a function body) as the build sees them,
/// in source order.
pub fn expand<'a>(items: &'a [syn::Item], cfg: &dyn Cfg, macros: &Macros) -> Vec<Expanded<'a>> {
    let mut out = Vec::new();
    for item in items {
        expand_one(Cow::Borrowed(item), &[], false, cfg, macros, &mut out, &[]);
    }
    out
}

/// Macro calls inside macro calls are followed this deep, no deeper (a guard against a file
/// built to recurse, not a limit real code meets).
const MAX_DEPTH: usize = 16;

fn expand_one<'a>(
    item: Cow<'a, syn::Item>,
    added: &[syn::Attribute],
    out_already: bool,
    cfg: &dyn Cfg,
    macros: &Macros,
    out: &mut Vec<Expanded<'a>>,
    through: &[String],
) {
    let written = item_attrs(&item);
    let all: Vec<syn::Attribute> = added.iter().chain(written).cloned().collect();
    let (attrs, holds) = configure(&all, cfg);
    let compiled_out = out_already || !holds;
    if let syn::Item::Macro(m) = &*item
        && m.ident.is_none()
        && through.len() < MAX_DEPTH
    {
        let name = m.mac.path.segments.last().map(|s| s.ident.to_string()).unwrap_or_default();
        let mut inside: Vec<String> = through.to_vec();
        inside.push(name.clone());
        if name == "cfg_if" {
            // The branches the build does not take are there too, compiled out.
            for (branch, taken) in cfg_if_branches(&m.mac.tokens, cfg) {
                for inner in branch {
                    expand_one(Cow::Owned(inner), &[], compiled_out || !taken, cfg, macros, out, &inside);
                }
            }
            return;
        }
        if let Some((meta, inner)) = items_of(&m.mac.tokens) {
            let wrapper = macros.wrapper(&name, meta.as_ref()).unwrap_or_default();
            for item in inner {
                expand_one(Cow::Owned(item), &wrapper, compiled_out, cfg, macros, out, &inside);
            }
            return;
        }
    }
    let in_macro = !through.is_empty();
    out.push(Expanded { item, attrs, compiled_out, in_macro, through: through.to_vec() });
}

/// The attributes as the build sees them (each `cfg_attr` that holds replaced by what it
/// adds, the others dropped), and whether every `cfg` among them holds.
pub fn configure(attrs: &[syn::Attribute], cfg: &dyn Cfg) -> (Vec<syn::Attribute>, bool) {
    let mut out = Vec::with_capacity(attrs.len());
    let mut holds = true;
    let mut pending: Vec<syn::Attribute> = attrs.iter().rev().cloned().collect();
    while let Some(attr) = pending.pop() {
        if attr.path().is_ident("cfg_attr")
            && let Ok(list) = attr
                .parse_args_with(syn::punctuated::Punctuated::<syn::Meta, syn::Token![,]>::parse_terminated)
        {
            let mut metas = list.into_iter();
            let Some(predicate) = metas.next() else { continue };
            if cfg.holds(&predicate.to_token_stream()) {
                let expanded: Vec<syn::Attribute> =
                    metas.map(|meta| syn::Attribute { meta, ..attr.clone() }).collect();
                pending.extend(expanded.into_iter().rev());
            }
            continue;
        }
        if attr.path().is_ident("cfg")
            && let syn::Meta::List(list) = &attr.meta
            && !cfg.holds(&list.tokens)
        {
            holds = false;
        }
        out.push(attr);
    }
    (out, holds)
}

/// An item's outer attributes.
pub fn item_attrs(item: &syn::Item) -> &[syn::Attribute] {
    match item {
        syn::Item::Const(i) => &i.attrs,
        syn::Item::Enum(i) => &i.attrs,
        syn::Item::ExternCrate(i) => &i.attrs,
        syn::Item::Fn(i) => &i.attrs,
        syn::Item::ForeignMod(i) => &i.attrs,
        syn::Item::Impl(i) => &i.attrs,
        syn::Item::Macro(i) => &i.attrs,
        syn::Item::Mod(i) => &i.attrs,
        syn::Item::Static(i) => &i.attrs,
        syn::Item::Struct(i) => &i.attrs,
        syn::Item::Trait(i) => &i.attrs,
        syn::Item::TraitAlias(i) => &i.attrs,
        syn::Item::Type(i) => &i.attrs,
        syn::Item::Union(i) => &i.attrs,
        syn::Item::Use(i) => &i.attrs,
        _ => &[],
    }
}

/// The attributes of the expressions that can hold a block with items in it (a `cfg` on one
/// leaves out what it holds).
pub fn expr_attrs(expr: &syn::Expr) -> &[syn::Attribute] {
    match expr {
        syn::Expr::Async(e) => &e.attrs,
        syn::Expr::Block(e) => &e.attrs,
        syn::Expr::Closure(e) => &e.attrs,
        syn::Expr::Const(e) => &e.attrs,
        syn::Expr::ForLoop(e) => &e.attrs,
        syn::Expr::If(e) => &e.attrs,
        syn::Expr::Loop(e) => &e.attrs,
        syn::Expr::Match(e) => &e.attrs,
        syn::Expr::TryBlock(e) => &e.attrs,
        syn::Expr::Unsafe(e) => &e.attrs,
        syn::Expr::While(e) => &e.attrs,
        syn::Expr::Call(e) => &e.attrs,
        syn::Expr::MethodCall(e) => &e.attrs,
        _ => &[],
    }
}

/// The items a macro invocation's body holds, when it is nothing but items, after at most one
/// leading inner attribute (tokio's `feature! { #![unix] ... }`), whose meta comes first.
fn items_of(tokens: &TokenStream) -> Option<(Option<TokenStream>, Vec<syn::Item>)> {
    let parse = |input: syn::parse::ParseStream<'_>| {
        let inner = input.call(syn::Attribute::parse_inner)?;
        let mut items = Vec::new();
        while !input.is_empty() {
            items.push(input.parse::<syn::Item>()?);
        }
        Ok((inner, items))
    };
    let (inner, items) = parse.parse2(tokens.clone()).ok()?;
    if inner.len() > 1 {
        return None;
    }
    let meta = inner.first().map(|attr| attr.meta.to_token_stream());
    // A body of verbatim tokens syn could not classify is not items.
    (!items.is_empty() && !items.iter().any(|i| matches!(i, syn::Item::Verbatim(_)))).then_some((meta, items))
}

// Input:  if #[cfg(a)] { items } else if #[cfg(b)] { items } else { items }
// Output: the items of every branch, and whether it is the one taken: the first whose
//         predicate holds.
fn cfg_if_branches(tokens: &TokenStream, cfg: &dyn Cfg) -> Vec<(Vec<syn::Item>, bool)> {
    let trees: Vec<TokenTree> = tokens.clone().into_iter().collect();
    let mut out = Vec::new();
    let mut taken = false;
    let mut at = 0;
    loop {
        let is = |at: usize, word: &str| matches!(trees.get(at), Some(TokenTree::Ident(i)) if i == word);
        let predicate = if is(at, "if") {
            // `if #[cfg(...)] { ... }`
            let (Some(TokenTree::Punct(hash)), Some(TokenTree::Group(attr))) =
                (trees.get(at + 1), trees.get(at + 2))
            else {
                return out;
            };
            if hash.as_char() != '#' {
                return out;
            }
            let Ok(syn::Meta::List(list)) = syn::parse2::<syn::Meta>(attr.stream()) else { return out };
            at += 3;
            Some(list.tokens)
        } else {
            None
        };
        let Some(TokenTree::Group(body)) = trees.get(at) else { return out };
        if body.delimiter() != Delimiter::Brace {
            return out;
        }
        let this = !taken && predicate.as_ref().is_none_or(|p| cfg.holds(p));
        taken |= this;
        out.push((items_of(&body.stream()).map(|(_, items)| items).unwrap_or_default(), this));
        at += 1;
        if !is(at, "else") {
            return out;
        }
        at += 1;
    }
}

// Input:  ($($item:item)*) => { $( #[cfg(feature = "rt")] #[cfg_attr(..)] $item )* }
//         (#![$meta:meta] $($item:item)*) => { $( #[cfg($meta)] $item )* }
// Output: the attribute tokens before `$item`, when the macro has this one rule.
fn wrapper_of(tokens: &TokenStream) -> Option<Wrapper> {
    let trees: Vec<TokenTree> = tokens.clone().into_iter().collect();
    let (pattern, body) = match trees.as_slice() {
        [TokenTree::Group(p), TokenTree::Punct(eq), TokenTree::Punct(gt), TokenTree::Group(b)]
        | [
            TokenTree::Group(p),
            TokenTree::Punct(eq),
            TokenTree::Punct(gt),
            TokenTree::Group(b),
            TokenTree::Punct(_),
        ] if eq.as_char() == '=' && gt.as_char() == '>' => (p, b),
        _ => return None,
    };
    let mut pattern: Vec<TokenTree> = pattern.stream().into_iter().collect();
    // An optional leading `#![$meta:meta]`.
    let meta = match pattern.as_slice() {
        [TokenTree::Punct(hash), TokenTree::Punct(bang), TokenTree::Group(attr), ..]
            if hash.as_char() == '#' && bang.as_char() == '!' =>
        {
            let inside: Vec<TokenTree> = attr.stream().into_iter().collect();
            let [
                TokenTree::Punct(dollar),
                TokenTree::Ident(var),
                TokenTree::Punct(colon),
                TokenTree::Ident(kind),
            ] = inside.as_slice()
            else {
                return None;
            };
            if dollar.as_char() != '$' || colon.as_char() != ':' || kind != "meta" {
                return None;
            }
            let var = var.to_string();
            pattern.drain(..3);
            Some(var)
        }
        _ => None,
    };
    let name = repeated(&pattern.into_iter().collect())?;
    // The rest of the pattern is `$( $name:item )*`.
    let inside: Vec<TokenTree> = name.into_iter().collect();
    let [TokenTree::Punct(dollar), TokenTree::Ident(var), TokenTree::Punct(colon), TokenTree::Ident(kind)] =
        inside.as_slice()
    else {
        return None;
    };
    if dollar.as_char() != '$' || colon.as_char() != ':' || kind != "item" {
        return None;
    }
    // The body is `$( #[attr]* $name )*`.
    let mut emitted: Vec<TokenTree> = repeated(&body.stream())?.into_iter().collect();
    let (Some(TokenTree::Ident(last)), Some(TokenTree::Punct(d))) = (emitted.pop(), emitted.pop()) else {
        return None;
    };
    if last != *var || d.as_char() != '$' {
        return None;
    }
    let wrapper = Wrapper { attrs: emitted, meta };
    // The attributes must read as attributes once the meta is in place.
    let check = match &wrapper.meta {
        Some(var) => substitute(&wrapper.attrs, var, &quote::quote!(all())),
        None => wrapper.attrs.iter().cloned().collect(),
    };
    syn::Attribute::parse_outer.parse2(check).ok()?;
    Some(wrapper)
}

/// `trees` with every `$var` replaced by `meta`, at any depth.
fn substitute(trees: &[TokenTree], var: &str, meta: &TokenStream) -> TokenStream {
    let mut out = Vec::new();
    let mut at = 0;
    while at < trees.len() {
        match (&trees[at], trees.get(at + 1)) {
            (TokenTree::Punct(dollar), Some(TokenTree::Ident(name)))
                if dollar.as_char() == '$' && name == var =>
            {
                out.extend(meta.clone());
                at += 2;
                continue;
            }
            (TokenTree::Group(group), _) => {
                let inner: Vec<TokenTree> = group.stream().into_iter().collect();
                let mut replaced = proc_macro2::Group::new(group.delimiter(), substitute(&inner, var, meta));
                replaced.set_span(group.span());
                out.push(TokenTree::Group(replaced));
            }
            (tree, _) => out.push(tree.clone()),
        }
        at += 1;
    }
    out.into_iter().collect()
}

/// `X` of a stream that is exactly `$( X )*`.
fn repeated(stream: &TokenStream) -> Option<TokenStream> {
    let trees: Vec<TokenTree> = stream.clone().into_iter().collect();
    match trees.as_slice() {
        [TokenTree::Punct(dollar), TokenTree::Group(inner), TokenTree::Punct(star)]
            if dollar.as_char() == '$'
                && star.as_char() == '*'
                && inner.delimiter() == Delimiter::Parenthesis =>
        {
            Some(inner.stream())
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cfg::Everything;

    /// `feature = "rt"` and `unix` hold, nothing else does.
    struct Rt;

    impl Cfg for Rt {
        fn holds(&self, predicate: &TokenStream) -> bool {
            matches!(predicate.to_string().as_str(), "feature = \"rt\"" | "unix")
        }
    }

    fn names(expanded: &[Expanded<'_>]) -> Vec<(String, bool)> {
        expanded
            .iter()
            .map(|e| {
                let name = match &*e.item {
                    syn::Item::Mod(m) => m.ident.to_string(),
                    syn::Item::Fn(f) => f.sig.ident.to_string(),
                    other => other.to_token_stream().to_string(),
                };
                (name, e.compiled_out)
            })
            .collect()
    }

    #[test]
    fn the_fingerprint_tells_wrappers_apart_whatever_the_order_learnt() {
        let learnt = |file: syn::File| {
            let mut macros = Macros::default();
            macros.learn(&file.items);
            macros.fingerprint()
        };
        let rt_then_net = learnt(syn::parse_quote! {
            macro_rules! cfg_rt { ($($item:item)*) => { $( #[cfg(feature = "rt")] $item )* } }
            macro_rules! cfg_net { ($($item:item)*) => { $( #[cfg(feature = "net")] $item )* } }
        });
        let net_then_rt = learnt(syn::parse_quote! {
            macro_rules! cfg_net { ($($item:item)*) => { $( #[cfg(feature = "net")] $item )* } }
            macro_rules! cfg_rt { ($($item:item)*) => { $( #[cfg(feature = "rt")] $item )* } }
        });
        let other_feature = learnt(syn::parse_quote! {
            macro_rules! cfg_rt { ($($item:item)*) => { $( #[cfg(feature = "io")] $item )* } }
            macro_rules! cfg_net { ($($item:item)*) => { $( #[cfg(feature = "net")] $item )* } }
        });
        assert_eq!(rt_then_net, net_then_rt, "the same wrappers");
        assert_ne!(rt_then_net, other_feature, "a wrapper adds another cfg");
        assert_ne!(rt_then_net, Macros::default().fingerprint(), "no wrappers");
    }

    #[test]
    fn wrappers_add_their_attributes_to_every_item() {
        let file: syn::File = syn::parse_quote! {
            macro_rules! cfg_rt {
                ($($item:item)*) => {
                    $(
                        #[cfg(feature = "rt")]
                        #[cfg_attr(docsrs, doc(cfg(feature = "rt")))]
                        $item
                    )*
                }
            }
            macro_rules! cfg_net {
                ($($item:item)*) => { $( #[cfg(feature = "net")] $item )* }
            }
            macro_rules! feature {
                (#![$meta:meta] $($item:item)*) => {
                    $( #[cfg($meta)] #[cfg_attr(docsrs, doc(cfg($meta)))] $item )*
                }
            }
            feature! { #![unix] mod on_unix; }
            feature! { #![windows] mod on_windows; }
            cfg_rt! { pub mod runtime; fn spawn() {} }
            cfg_net! { mod net; cfg_rt! { mod both; } }
            unknown! { mod plain; }
            #[cfg(windows)] unknown! { mod windows_only; }
            not_items! { 1 + 2 }
        };
        let mut macros = Macros::default();
        macros.learn(&file.items);
        assert!(macros.wrapper("cfg_rt", None).is_some() && macros.wrapper("unknown", None).is_none());
        let expanded = expand(&file.items, &Rt, &macros);
        let found: Vec<(String, bool)> =
            names(&expanded).into_iter().filter(|(n, _)| !n.starts_with("macro_rules")).collect();
        assert_eq!(
            found,
            [
                ("on_unix".to_owned(), false),
                ("on_windows".to_owned(), true),
                ("runtime".to_owned(), false),
                ("spawn".to_owned(), false),
                ("net".to_owned(), true),
                ("both".to_owned(), true),
                ("plain".to_owned(), false),
                ("windows_only".to_owned(), true),
                ("not_items ! { 1 + 2 }".to_owned(), false),
            ]
        );
    }

    #[test]
    fn cfg_if_takes_the_first_branch_that_holds() {
        let file: syn::File = syn::parse_quote! {
            cfg_if::cfg_if! {
                if #[cfg(windows)] {
                    mod windows;
                } else if #[cfg(unix)] {
                    mod unix;
                    fn on_unix() {}
                } else {
                    mod other;
                }
            }
            cfg_if! { if #[cfg(windows)] { mod w; } else { mod fallback; } }
        };
        let found = names(&expand(&file.items, &Rt, &Macros::default()));
        let expected: Vec<(String, bool)> = [
            ("windows", true),
            ("unix", false),
            ("on_unix", false),
            ("other", true),
            ("w", true),
            ("fallback", false),
        ]
        .iter()
        .map(|(n, out)| (n.to_string(), *out))
        .collect();
        assert_eq!(found, expected);
        let everything = names(&expand(&file.items, &Everything, &Macros::default()));
        assert_eq!(everything[0], ("windows".to_owned(), false), "without a build, the first branch");
        assert!(everything[1].1, "and only the first");
    }

    #[test]
    fn macros_that_are_not_wrappers_are_not_learnt() {
        let file: syn::File = syn::parse_quote! {
            macro_rules! two_rules { () => {}; ($($i:item)*) => { $( $i )* }; }
            macro_rules! not_items { ($($e:expr)*) => { $( #[cfg(x)] $e )* } }
            macro_rules! extra { ($($i:item)*) => { $( #[cfg(x)] $i )* fn more() {} } }
        };
        let mut macros = Macros::default();
        macros.learn(&file.items);
        assert!(macros.0.is_empty(), "{:?}", macros.0.keys());
    }
}
