//! Everyday code that compiles only because, at the point a type is inferred, exactly one trait
//! impl fits: comparisons with an empty array or `Default::default()`, `.into()` and
//! `From::from` whose type comes from the only `Add` or `From` impl, `collect()`, `sum()`,
//! `parse()` and `as_ref()` decided by the one impl there is. A dependency that adds an impl of
//! a std trait for a std type (serde_json's `impl PartialEq<Value> for u32`, humantime's
//! `impl From<humantime::Duration> for Duration`) makes some of it ambiguous: "type annotations
//! needed". With `wear` added it must compile and behave as written; a few of the functions are
//! tracked, so the macro's expansion is type-checked among them.
#![allow(
    clippy::comparison_to_empty,
    clippy::useless_conversion,
    reason = "written as such code is found in the wild, which is the point"
)]
use std::collections::{BTreeMap, HashSet};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

// What `tests/tests/inference.rs` adds to show that the fixture can fail (see Cargo.toml).
#[cfg(feature = "humantime")]
extern crate humantime as _;
#[cfg(feature = "serde_json")]
extern crate serde_json as _;

/// Expanded by a proc macro that runs serde_json (feature `proc-macro-with-serde-json`).
#[cfg(feature = "proc-macro-with-serde-json")]
pub const EXPANDED_WITH_SERDE_JSON: usize = wear_inference_host::json_len!("[1, 2, 3]");

/// Whether nothing was ordered: `u32: PartialEq<?>` has one impl in std.
#[wear::tracked]
pub fn nothing_ordered(quantities: &[u32]) -> bool {
    quantities == []
}

/// The same through a `Vec`: `Vec<u64>: PartialEq<Vec<?>>` leads to `u64: PartialEq<?>`.
#[wear::tracked(timed)]
pub fn no_prices(prices: &Vec<u64>) -> bool {
    *prices == Vec::new()
}

/// Whether the first reading is the default one: the right side's type comes from
/// `i64: PartialEq<?>` and `?: Default`.
#[wear::tracked(failures)]
pub fn starts_at_rest(readings: &[i64]) -> Result<bool, String> {
    let first = readings.first().ok_or("no readings")?;
    Ok(*first == Default::default())
}

/// Zero comparisons where the integer type comes from elsewhere (a length, a field, a sum).
pub fn all_zero(counts: &BTreeMap<String, u16>) -> bool {
    let total = counts.values().map(|&n| u32::from(n)).sum::<u32>();
    let empty = counts.len();
    total == 0 || empty == 0
}

/// `start + offset.into()`: `SystemTime: Add<?>` has one impl, `Add<Duration>`, so `into()`
/// converts into a `Duration`.
#[wear::tracked]
pub fn due(start: SystemTime, offset: Duration) -> SystemTime {
    start + offset.into()
}

/// `Duration::from(...)` of a value whose type is whatever `Duration: From<?>` allows: in std,
/// only `Duration` itself.
pub fn default_timeout() -> Duration {
    Duration::from(Default::default())
}

/// `parse()` decided by `collect()`: `Vec<u64>: FromIterator<?>` has one impl.
pub fn parse_all(text: &str) -> Vec<u64> {
    text.split(',').map(|part| part.trim().parse().unwrap_or(0)).collect()
}

/// `parse()` decided by `SocketAddr: From<([u8; 4], ?)>`.
pub fn local_port(text: &str) -> Option<SocketAddr> {
    let port = text.parse().ok()?;
    Some(SocketAddr::from(([127, 0, 0, 1], port)))
}

/// `sum()` and `collect()` into the only type that fits.
pub fn distinct_total(values: &[u32]) -> (u32, usize) {
    let distinct: HashSet<_> = values.iter().collect();
    (values.iter().sum(), distinct.len())
}

/// `as_ref()` on a `Box<str>`: `Box<T>: AsRef<T>` is its one `AsRef` impl, and the method
/// called on the result needs its type at once.
pub fn boxed_len(name: Box<str>) -> usize {
    let text = name.as_ref();
    text.len()
}

/// `as_ref()` into a `&Path` named by the signature; `into()` into a `PathBuf`.
pub fn config_path(dir: &str) -> PathBuf {
    let dir: &Path = dir.as_ref();
    dir.join("wear.toml").into()
}

/// `Default::default()` everywhere a type is known from the other side.
#[wear::tracked]
pub fn fresh() -> (Vec<u32>, String, Option<Duration>, BTreeMap<String, u16>) {
    (Default::default(), Default::default(), Default::default(), Default::default())
}

/// Methods of a tracked impl, with the same patterns inside.
#[derive(Debug, Default)]
pub struct Cart {
    items: Vec<u32>,
}

#[wear::tracked]
impl Cart {
    /// Adds an item; the cart was empty before if its items equalled `[]`.
    pub fn add(&mut self, item: u32) -> bool {
        let was_empty = self.items == [];
        self.items.push(item);
        was_empty
    }

    /// The items, as a slice.
    pub fn items(&self) -> &[u32] {
        self.items.as_ref()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn calls(name: &str) -> u64 {
        let path = format!("wear_inference_check::{name}");
        wear::snapshot().parts.iter().find(|p| p.path == path).map_or(0, |p| p.calls)
    }

    #[test]
    fn everything_behaves_as_written_and_tracked_parts_are_counted() {
        let v: Vec<u32> = Vec::new();
        assert_eq!(&v[..], &[]);
        assert!(v == []);
        assert!(nothing_ordered(&v));
        assert!(!nothing_ordered(&[1]));
        assert!(no_prices(&Vec::new()));
        assert!(!no_prices(&vec![3]));
        assert_eq!(starts_at_rest(&[0, 5]), Ok(true));
        assert_eq!(starts_at_rest(&[]), Err("no readings".to_owned()));
        assert!(all_zero(&BTreeMap::new()));
        assert!(!all_zero(&[("a".to_owned(), 2)].into_iter().collect()));
        let start = SystemTime::UNIX_EPOCH;
        assert_eq!(due(start, Duration::from_secs(5)), start + Duration::from_secs(5));
        assert_eq!(default_timeout(), Duration::ZERO);
        assert_eq!(parse_all("1, 2,x,40"), [1, 2, 0, 40]);
        assert_eq!(local_port("8080"), Some(SocketAddr::from(([127, 0, 0, 1], 8080))));
        assert_eq!(local_port("80000"), None);
        assert_eq!(distinct_total(&[1, 2, 2]), (5, 2));
        assert_eq!(boxed_len("shop".into()), 4);
        assert_eq!(config_path("etc"), Path::new("etc/wear.toml"));
        assert_eq!(fresh(), Default::default());
        let mut cart = Cart::default();
        assert!(cart.add(7));
        assert!(!cart.add(8));
        assert_eq!(cart.items(), [7, 8]);

        assert_eq!(calls("nothing_ordered"), 2);
        assert_eq!(calls("no_prices"), 2);
        assert_eq!(calls("starts_at_rest"), 2);
        assert_eq!(calls("due"), 1);
        assert_eq!(calls("fresh"), 1);
        assert_eq!(calls("Cart::add"), 2);
        assert_eq!(calls("Cart::items"), 1);
        let failures = wear::snapshot()
            .parts
            .iter()
            .find(|p| p.path.ends_with("::starts_at_rest"))
            .and_then(|p| p.failures);
        assert_eq!(failures, Some(1));
    }

    #[cfg(feature = "proc-macro-with-serde-json")]
    #[test]
    fn the_proc_macro_ran_serde_json() {
        assert_eq!(EXPANDED_WITH_SERDE_JSON, 3);
    }
}
