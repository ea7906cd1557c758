//! Part identity, written down once (contract 1 of the design document, `docs/design.md`).
//!
//! A *part* is one tracked function. The proc macro (`wear-macros`) names and fingerprints a
//! part while it expands `#[wear::tracked]`; `cargo wear` does the same from source text when it
//! scans a workspace. Both call into this crate, so the two agree by construction:
//!
//! - [`serial`]: the part's **serial**, a fingerprint of the function's text from its first
//!   qualifier to its closing brace that ignores whitespace, comments and outer attributes but
//!   changes with any real edit; [`legacy`] keeps the serials of `wear-serial/1` for usage recorded
//!   then.
//! - [`owner`]: what a function belongs to (free, inherent impl, trait impl, trait default,
//!   the functions it is declared in), and how that becomes the part's path, e.g.
//!   `shop::cart::Cart::add_item`.
//! - [`args`]: the arguments of `#[wear::tracked(...)]` (`timed`, `failures`, `skip`, limits).
//! - [`site`]: every function of one source file with its owner, lines and serial as the
//!   build sees them ([`cfg`] decides `#[cfg]`, [`items`] reads items written inside macro
//!   calls), so the CLI can list parts; [`outline`] finds the same functions by scanning the
//!   text, for the macro, which sees a function without its surroundings.
#![deny(missing_docs)]

pub mod args;
pub mod cfg;
pub mod items;
pub mod legacy;
mod lexer;
pub mod outline;
pub mod owner;
pub mod render;
pub mod serial;
pub mod site;

pub use args::{Limits, TrackedArgs};
pub use owner::Owner;
pub use serial::Serial;
