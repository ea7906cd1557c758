//! What a function belongs to, and how that makes the part's path.
//!
//! | shape                                 | part path                                  |
//! |---------------------------------------|--------------------------------------------|
//! | free function                         | `krate::module::function`                  |
//! | method of `impl Type`                 | `krate::module::Type::method`              |
//! | method of `impl Trait for Type`       | `<krate::module::Type as Trait>::method`   |
//! | default method of `trait Trait`       | `krate::module::Trait::method`             |
//!
//! `krate::module` is the module that holds the function (as `module_path!()` writes it);
//! `Type` and `Trait` are written as in the impl header by their last path segment with generic
//! arguments (see [`crate::render`]), so `impl<T> Cart<T>` gives `Cart<T>`.
use crate::render::{render_path, render_type, unraw};

/// The item a function is defined in.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Owner {
    /// A function of a module (or one whose surroundings could not be seen).
    Free,
    /// A method of an inherent impl.
    Inherent {
        /// The impl's self type, rendered.
        self_ty: String,
    },
    /// A method of a trait impl.
    TraitImpl {
        /// The impl's self type, rendered.
        self_ty: String,
        /// The implemented trait, rendered.
        trait_: String,
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
        match &item.trait_ {
            Some((_, path, _)) => Owner::TraitImpl { self_ty, trait_: render_path(path) },
            None => Owner::Inherent { self_ty },
        }
    }

    /// The owner of the default methods of a trait definition.
    pub fn of_trait(item: &syn::ItemTrait) -> Owner {
        Owner::TraitDef { trait_: unraw(&item.ident.to_string()).to_owned() }
    }

    /// The text before and after the module path in this owner's part path for `function`:
    /// `path = before + module + after`. The macro splices `module_path!()` in between.
    pub fn around_module(&self, function: &str) -> (String, String) {
        let function = unraw(function);
        match self {
            Owner::Free => (String::new(), format!("::{function}")),
            Owner::Inherent { self_ty } => (String::new(), format!("::{self_ty}::{function}")),
            Owner::TraitImpl { self_ty, trait_ } => {
                ("<".to_owned(), format!("::{self_ty} as {trait_}>::{function}"))
            }
            Owner::TraitDef { trait_ } => (String::new(), format!("::{trait_}::{function}")),
        }
    }

    /// The full part path of `function` owned by `self` in `module` (e.g. `shop::cart`).
    pub fn part_path(&self, module: &str, function: &str) -> String {
        let (before, after) = self.around_module(function);
        format!("{before}{module}{after}")
    }
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
    fn same_method_on_two_types_are_two_paths() {
        let a = Owner::of_impl(&syn::parse_quote!(impl Cart {}));
        let b = Owner::of_impl(&syn::parse_quote!(impl Basket {}));
        assert_ne!(a.part_path("shop", "add"), b.part_path("shop", "add"));
        let from_u8 = Owner::of_impl(&syn::parse_quote!(impl From<u8> for Cart {}));
        let from_u16 = Owner::of_impl(&syn::parse_quote!(impl From<u16> for Cart {}));
        assert_ne!(from_u8.part_path("shop", "from"), from_u16.part_path("shop", "from"));
    }
}
