//! A small shop service annotated with `#[wear::tracked]`, used by the wear demo and tests:
//! parsing, a catalog, pricing, carts, stock and checkout, about forty parts.
pub mod cart;
pub mod catalog;
pub mod checkout;
pub mod parsing;
pub mod pricing;
pub mod storage;
pub mod workload;
