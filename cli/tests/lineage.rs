//! A part that moves keeps its history: usage recorded and ingested under its old path, and a
//! sign-off made there, count for the same code at its new path, end to end (snapshot → ingest
//! → sign-off → move committed in git → report). Two parts with the same code are not guessed
//! at: their old usage stays unmatched, with its warning.
mod support;

use support::{Fixture, Reading, snapshot};

const NOW: &str = "2026-11-21";

const CART: &str = "\
#[wear::tracked]
pub fn add(n: u32) -> u32 {
    n + 1
}

#[wear::tracked]
pub fn helper() -> u32 {
    7
}
";

const CART_AFTER: &str = "\
#[wear::tracked]
pub fn add(n: u32) -> u32 {
    n + 1
}
";

const PRICING_AFTER: &str = "\
#[wear::tracked]
pub fn helper() -> u32 {
    7
}
";

fn report(fx: &Fixture) -> (serde_json::Value, String) {
    let out = fx.wear(&["report", "--now", NOW, "--format", "json"]).output().expect("runs");
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    (serde_json::from_slice(&out.stdout).expect("json"), String::from_utf8_lossy(&out.stderr).into_owned())
}

fn part<'a>(doc: &'a serde_json::Value, path: &str) -> &'a serde_json::Value {
    doc["parts"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["path"] == path)
        .unwrap_or_else(|| panic!("{path}: {doc}"))
}

/// The shop with `helper` in `cart`, its usage ingested and `helper` signed off after 300 of
/// its 400 calls.
fn shop() -> Fixture {
    let fx = Fixture::new("shop");
    fx.write("src/lib.rs", "pub mod cart;\npub mod pricing;\n");
    fx.write("src/cart.rs", CART);
    fx.write("src/pricing.rs", "");
    fx.commit("the shop", "Ana", "2025-03-01");
    let serials = fx.serials();
    let reading = |path, calls| Reading { path, serial: &serials[path], calls, busy_ns: None };
    let first = snapshot(
        "pod-1",
        "2026-10-01T00:00:00Z",
        "2026-10-10T00:00:00Z",
        &[reading("shop::cart::helper", 300), reading("shop::cart::add", 5)],
    );
    fx.write("usage/first.json", &first);
    let ingest = fx.wear(&["ingest", "usage/first.json"]).output().expect("runs");
    assert!(ingest.status.success(), "{}", String::from_utf8_lossy(&ingest.stderr));
    let inspect = fx
        .wear(&[
            "inspect",
            "shop::cart::helper",
            "--note",
            "looked at it",
            "--by",
            "Ana",
            "--now",
            "2026-10-11",
        ])
        .output()
        .expect("runs");
    assert!(inspect.status.success(), "{}", String::from_utf8_lossy(&inspect.stderr));
    let second = snapshot(
        "pod-1",
        "2026-10-01T00:00:00Z",
        "2026-11-01T00:00:00Z",
        &[reading("shop::cart::helper", 400), reading("shop::cart::add", 9)],
    );
    fx.write("usage/second.json", &second);
    let ingest = fx.wear(&["ingest", "usage/second.json"]).output().expect("runs");
    assert!(ingest.status.success(), "{}", String::from_utf8_lossy(&ingest.stderr));
    fx.commit("sign-off", "Ana", "2026-10-11");
    fx
}

#[test]
fn a_moved_part_keeps_its_calls_and_its_sign_off() {
    let fx = shop();
    let (before, _) = report(&fx);
    let old = part(&before, "shop::cart::helper");
    assert_eq!(old["calls_since_new"], 400);
    assert_eq!(old["calls_since_overhaul"], 100, "400 calls, 300 of them before the sign-off");
    assert!(!old["signed_off_at"].is_null());

    fx.write("src/cart.rs", CART_AFTER);
    fx.write("src/pricing.rs", PRICING_AFTER);
    fx.commit("helper belongs with pricing", "Bo", "2026-11-02");
    let (after, stderr) = report(&fx);
    let moved = part(&after, "shop::pricing::helper");
    assert_eq!(moved["serial"], old["serial"], "the same code");
    assert_eq!(moved["calls_since_new"], 400);
    assert_eq!(moved["calls_since_overhaul"], 100);
    assert_eq!(moved["signed_off_at"], old["signed_off_at"]);
    let remarks = moved["remarks"].to_string();
    assert!(remarks.contains("moved from shop::cart::helper"), "{remarks}");
    assert!(!stderr.contains("does not have"), "the old path's usage is matched: {stderr}");
    assert_eq!(part(&after, "shop::cart::add")["calls_since_new"], 9, "the part that stayed is untouched");
}

#[test]
fn two_parts_with_the_moved_code_are_not_guessed_at() {
    let fx = shop();
    fx.write("src/cart.rs", CART_AFTER);
    fx.write("src/pricing.rs", &format!("{PRICING_AFTER}\npub mod again {{\n{PRICING_AFTER}}}\n"));
    fx.commit("helper, twice", "Bo", "2026-11-02");
    let (after, stderr) = report(&fx);
    for path in ["shop::pricing::helper", "shop::pricing::again::helper"] {
        assert!(part(&after, path)["calls_since_new"].is_null(), "{path}");
    }
    assert!(stderr.contains("the usage names 1 part that this workspace does not have"), "{stderr}");
}
