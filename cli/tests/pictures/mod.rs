//! The workspace the heatmap and wear map tests draw: two modules of tracked parts written by
//! Ana on 2024-01-10 and partly reworked by Bo on 2026-06-01, untracked functions and a test
//! module beside them, a policy with an age limit of four years, and one snapshot file with hot, lukewarm,
//! idle and unrecorded parts. Shared by `cli/tests/heatmap.rs` and `cli/tests/map.rs`.
#![allow(dead_code, reason = "each test file uses a different subset")]

use std::collections::BTreeMap;

use serde_json::Value;

use crate::support::{Fixture, Reading, snapshot};

/// The instant every picture is drawn at.
pub const NOW: &str = "2026-11-21";

const LIB: &str = "\
pub mod cart;
pub mod pricing;

pub fn helper() -> u32 {
    7
}

#[cfg(test)]
mod tests {
    fn only_in_tests() {}
}
";

const CART: &str = "\
#[wear::tracked]
pub fn add() -> u32 {
    1
}

#[wear::tracked]
pub fn remove() {}

#[wear::tracked]
pub fn total() -> u32 {
    3
}

pub fn format_line() -> String {
    String::new()
}
";

const PRICING_OLD: &str = "\
#[wear::tracked(limit_calls = 100)]
pub fn quote() -> u32 {
    1
}
";

const PRICING_NEW: &str = "\
#[wear::tracked(limit_calls = 100)]
pub fn quote() -> u32 {
    2
}

#[wear::tracked]
pub fn discount() -> u32 {
    5
}

pub struct Price;

impl Price {
    #[wear::tracked]
    pub fn round(&self) -> u32 {
        5
    }
}
";

/// Serial of every part, from `cargo wear scan --format json`.
pub fn serials(fx: &Fixture) -> BTreeMap<String, String> {
    let out = fx.wear(&["scan", "--format", "json"]).output().expect("scan runs");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let parts: Value = serde_json::from_slice(&out.stdout).expect("json");
    parts
        .as_array()
        .expect("array")
        .iter()
        .map(|p| (p["path"].as_str().unwrap_or("").to_owned(), p["serial"].as_str().unwrap_or("").to_owned()))
        .collect()
}

/// The workspace, with its usage in `usage/fleet.json`: `cart::add` 5000 calls,
/// `pricing::quote` 150 (over its limit of 100), `pricing::discount` 40, `Price::round` 9,
/// `cart::remove` none; `cart::total` is not in the snapshot.
pub fn fleet() -> Fixture {
    let fx = Fixture::new("fleet");
    fx.write("src/lib.rs", LIB);
    fx.write("src/cart.rs", CART);
    fx.write("src/pricing.rs", PRICING_OLD);
    fx.write("wear.toml", "[defaults]\nage = \"1460d\"\n");
    fx.commit("first parts", "Ana", "2024-01-10");
    fx.write("src/pricing.rs", PRICING_NEW);
    fx.commit("rework pricing", "Bo", "2026-06-01");
    let s = serials(&fx);
    let r = |path: &'static str, calls| Reading { path, serial: "", calls, busy_ns: None };
    let mut readings = vec![
        r("fleet::cart::add", 5000),
        r("fleet::cart::remove", 0),
        r("fleet::pricing::quote", 150),
        r("fleet::pricing::discount", 40),
        r("fleet::pricing::Price::round", 9),
    ];
    for reading in &mut readings {
        reading.serial = s[reading.path].as_str();
    }
    let doc = snapshot("a1", "2026-11-01T00:00:00Z", "2026-11-11T00:00:00Z", &readings);
    fx.write("usage/fleet.json", &doc);
    fx
}

/// `args` after the command, with the fixture's usage and `--now`, run in the fixture.
pub fn draw(fx: &Fixture, command: &str, args: &[&str]) -> std::process::Output {
    let mut all = vec![command, "--usage", "usage/fleet.json", "--now", NOW, "--no-cache"];
    all.extend_from_slice(args);
    fx.wear(&all).output().expect("cargo-wear runs")
}

/// Standard output of a command that must succeed.
pub fn stdout(out: &std::process::Output) -> String {
    assert!(out.status.success(), "failed: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout.clone()).expect("utf-8")
}

/// `s` without ANSI escape sequences.
pub fn strip_ansi(s: &str) -> String {
    let mut out = String::new();
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\x1b' {
            for c in chars.by_ref() {
                if c.is_ascii_alphabetic() {
                    break;
                }
            }
        } else {
            out.push(c);
        }
    }
    out
}

/// The widest line, in characters, escape codes left out.
pub fn widest(s: &str) -> usize {
    strip_ansi(s).lines().map(|l| l.chars().count()).max().unwrap_or(0)
}
