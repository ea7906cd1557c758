//! What a function belongs to, and how that makes the part's path.
//!
//! | shape                                      | part path                                  |
//! |--------------------------------------------|--------------------------------------------|
//! | free function                              | `krate::module::function`                  |
//! | method of `impl Type`                      | `krate::module::Type::method`              |
//! | method of `impl Trait for Type`            | `<krate::module::Type as Trait>::method`   |
//! | method of `impl Trait for u8` (or `&str`…) | `krate::module::<u8 as Trait>::method`     |
//! | method of `impl dyn Trait`                 | `krate::module::<dyn Trait>::method`       |
//! | default method of `trait Trait`            | `krate::module::Trait::method`             |
//! | function inside function `outer`           | `<outer's path>::function`                 |
//!
//! `krate::module` is the module that holds the function (as `module_path!()` writes it);
//! `Type` and `Trait` are written as in the impl header by their last path segment with generic
//! arguments (see [`crate::render`]), so `impl<T> Cart<T>` gives `Cart<T>`. A self type that
//! is not a path to an item of the module (a primitive, a generic parameter of the impl, a
//! reference, slice, array, tuple, pointer, `dyn` or `impl` type) is written whole inside the
//! angle brackets, after the module: the module still says where the impl is, and parts of
//! two crates never share a path. A function declared inside another function's body is named
//! under the path of the function around it, as rustc names it (`shop::cart::total::round`);
//! an inline module inside a function starts again from its own path, as `module_path!()`
//! does.
use crate::render::{names_module_item, render_path, render_type, unraw};

/// The item a function is defined in.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Owner {
    /// A function of a module (or one whose surroundings could not be seen).
    Free,
    /// A method of an inherent impl.
    Inherent {
        /// The impl's self type, rendered.
        self_ty: String,
        /// Whether the self type is a path to an item of the module, written after it.
        in_module: bool,
    },
    /// A method of a trait impl.
    TraitImpl {
        /// The impl's self type, rendered.
        self_ty: String,
        /// The implemented trait, rendered.
        trait_: String,
        /// Whether the self type is a path to an item of the module, written after it.
        in_module: bool,
    },
    /// A default method in a trait definition.
    TraitDef {
        /// The trait's name.
        trait_: String,
    },
}

impl Owner {
    /// The owner of the methods of an impl block.
    pub fn of_impl(item: &syn::ItemImpl) -> Owner {
        let self_ty = render_type(&item.self_ty);
        let in_module = names_module_item(&item.self_ty, &item.generics);
        match &item.trait_ {
            Some((_, path, _)) => Owner::TraitImpl { self_ty, trait_: render_path(path), in_module },
            None => Owner::Inherent { self_ty, in_module },
        }
    }

    /// The owner of the default methods of a trait definition.
    pub fn of_trait(item: &syn::ItemTrait) -> Owner {
        Owner::TraitDef { trait_: unraw(&item.ident.to_string()).to_owned() }
    }

    /// The text before and after the module path in this owner's part path for `function`:
    /// `path = before + module + after`. The macro splices `module_path!()` in between.
    pub fn around_module(&self, function: &str) -> (String, String) {
        around_module(&[], self, function)
    }

    /// The full part path of `function` owned by `self` in `module` (e.g. `shop::cart`).
    pub fn part_path(&self, module: &str, function: &str) -> String {
        let (before, after) = self.around_module(function);
        format!("{before}{module}{after}")
    }

    /// Adds this owner's `function` to a path `before + module + after`.
    fn wrap(&self, (mut before, mut after): (String, String), function: &str) -> (String, String) {
        let function = unraw(function);
        match self {
            Owner::Free => after.push_str(&format!("::{function}")),
            Owner::Inherent { self_ty, in_module: true } => {
                after.push_str(&format!("::{self_ty}::{function}"))
            }
            Owner::Inherent { self_ty, in_module: false } => {
                after.push_str(&format!("::<{self_ty}>::{function}"))
            }
            Owner::TraitImpl { self_ty, trait_, in_module: true } => {
                before.insert(0, '<');
                after.push_str(&format!("::{self_ty} as {trait_}>::{function}"));
            }
            Owner::TraitImpl { self_ty, trait_, in_module: false } => {
                after.push_str(&format!("::<{self_ty} as {trait_}>::{function}"))
            }
            Owner::TraitDef { trait_ } => after.push_str(&format!("::{trait_}::{function}")),
        }
        (before, after)
    }
}

/// The functions around a nested function, outermost first, each with its owner.
pub type Within = [(Owner, String)];

/// The text before and after the module path in the part path of `function`, owned by
/// `owner`, declared inside the bodies of the functions `within`: `path = before + module +
/// after`.
pub fn around_module(within: &Within, owner: &Owner, function: &str) -> (String, String) {
    let mut around = (String::new(), String::new());
    for (outer_owner, outer) in within {
        around = outer_owner.wrap(around, outer);
    }
    owner.wrap(around, function)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_for_every_owner() {
        let inherent = Owner::of_impl(&syn::parse_quote!(
            impl<T> Cart<T> {}
        ));
        assert_eq!(inherent.part_path("shop::cart", "add_item"), "shop::cart::Cart<T>::add_item");
        let trait_impl = Owner::of_impl(&syn::parse_quote!(impl core::fmt::Display for Cart {}));
        assert_eq!(trait_impl.part_path("shop::cart", "fmt"), "<shop::cart::Cart as Display>::fmt");
        let def = Owner::of_trait(&syn::parse_quote!(
            trait Pricing {
                fn total(&self) {}
            }
        ));
        assert_eq!(def.part_path("shop", "total"), "shop::Pricing::total");
        assert_eq!(Owner::Free.part_path("shop", "r#type"), "shop::type");
    }

    #[test]
    fn self_types_that_are_not_items_of_the_module_are_written_whole() {
        let path = |item: syn::ItemImpl, f: &str| Owner::of_impl(&item).part_path("enc", f);
        assert_eq!(path(syn::parse_quote!(impl Encodable for u8 {}), "read"), "enc::<u8 as Encodable>::read");
        assert_eq!(
            path(syn::parse_quote!(impl PartialEq<SmolStr> for &str {}), "eq"),
            "enc::<&str as PartialEq<SmolStr>>::eq"
        );
        assert_eq!(
            path(
                syn::parse_quote!(
                    impl<T: Copy> Tr for [T] {}
                ),
                "f"
            ),
            "enc::<[T] as Tr>::f"
        );
        assert_eq!(path(syn::parse_quote!(impl Tr for (u8, String) {}), "f"), "enc::<(u8, String) as Tr>::f");
        assert_eq!(
            path(
                syn::parse_quote!(
                    impl<T> Tr for T {}
                ),
                "f"
            ),
            "enc::<T as Tr>::f"
        );
        assert_eq!(path(syn::parse_quote!(impl dyn Tr {}), "f"), "enc::<dyn Tr>::f");
        assert_eq!(
            path(
                syn::parse_quote!(
                    impl<'a> Tr for &'a mut Item {}
                ),
                "f"
            ),
            "enc::<&mut Item as Tr>::f"
        );
        assert_eq!(path(syn::parse_quote!(impl Tr for *const u8 {}), "f"), "enc::<*const u8 as Tr>::f");
        assert_eq!(
            path(
                syn::parse_quote!(
                    impl<T> Tr for Vec<T> {}
                ),
                "f"
            ),
            "<enc::Vec<T> as Tr>::f"
        );
    }

    #[test]
    fn nested_functions_are_named_under_the_function_around_them() {
        let cart = Owner::of_impl(&syn::parse_quote!(impl Cart {}));
        let display = Owner::of_impl(&syn::parse_quote!(impl Display for Cart {}));
        let path = |within: &Within, owner: &Owner, f: &str| {
            let (before, after) = around_module(within, owner, f);
            format!("{before}shop{after}")
        };
        assert_eq!(path(&[(Owner::Free, "total".into())], &Owner::Free, "round"), "shop::total::round");
        assert_eq!(path(&[(cart.clone(), "add".into())], &Owner::Free, "check"), "shop::Cart::add::check");
        assert_eq!(
            path(&[(display.clone(), "fmt".into())], &Owner::Free, "pad"),
            "<shop::Cart as Display>::fmt::pad"
        );
        let local = Owner::of_impl(&syn::parse_quote!(impl Local {}));
        assert_eq!(
            path(&[(display, "fmt".into()), (Owner::Free, "inner".into())], &local, "new"),
            "<shop::Cart as Display>::fmt::inner::Local::new"
        );
        assert_ne!(
            path(&[(Owner::Free, "a".into())], &Owner::Free, "helper"),
            path(&[(Owner::Free, "b".into())], &Owner::Free, "helper"),
            "two helpers of one name in two functions are two parts"
        );
    }

    #[test]
    fn same_method_on_two_types_are_two_paths() {
        let a = Owner::of_impl(&syn::parse_quote!(impl Cart {}));
        let b = Owner::of_impl(&syn::parse_quote!(impl Basket {}));
        assert_ne!(a.part_path("shop", "add"), b.part_path("shop", "add"));
        let from_u8 = Owner::of_impl(&syn::parse_quote!(impl From<u8> for Cart {}));
        let from_u16 = Owner::of_impl(&syn::parse_quote!(impl From<u16> for Cart {}));
        assert_ne!(from_u8.part_path("shop", "from"), from_u16.part_path("shop", "from"));
    }
}
