//! What the build compiles, as the source walk asks it: whether a `#[cfg(...)]` predicate
//! holds. The macro never asks (rustc has removed what does not hold before it runs); the CLI
//! answers from the features, target and `--cfg` flags of the build it scans.
use proc_macro2::TokenStream;

/// Decides `#[cfg(...)]` and `#[cfg_attr(...)]` predicates for a walk over sources.
pub trait Cfg {
    /// Whether code under `#[cfg(predicate)]` is compiled; `predicate` is the tokens between
    /// the parentheses (`feature = "rt"`, `all(unix, not(test))`). A predicate that cannot be
    /// decided holds: code is kept rather than silently dropped, and the implementation says so.
    fn holds(&self, predicate: &TokenStream) -> bool;
}

/// Every predicate holds: the view of a walk that does not know the build (tests, tools that
/// want every function written).
#[derive(Clone, Copy, Debug, Default)]
pub struct Everything;

impl Cfg for Everything {
    fn holds(&self, _: &TokenStream) -> bool {
        true
    }
}
