//! The demo program, run for real: it writes a snapshot whose parts are exactly the parts a
//! source scan of this crate finds (contract 1), with the counts its workload implies.
use std::path::Path;
use std::process::Command;

use serde_json::Value;

/// A part of the demo's snapshot, as far as these tests look.
struct Part {
    path: String,
    serial: String,
    file: String,
    lines: [u32; 2],
    calls: u64,
    failures: Option<u64>,
}

/// Runs the demo and reads the parts of its `wear-snapshot/1` file.
fn run_demo(orders: &str) -> Vec<Part> {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("shop.json");
    let out = Command::new(env!("CARGO_BIN_EXE_wear-example-shop"))
        .arg(orders)
        .env("WEAR_SNAPSHOT", &path)
        .output()
        .expect("demo runs");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("snapshot written to"), "{stdout}");
    let snapshot: Value =
        serde_json::from_str(&std::fs::read_to_string(&path).expect("snapshot")).expect("wear-snapshot/1");
    let text = |v: &Value| v.as_str().expect("a string").to_owned();
    let line = |v: &Value| v.as_u64().and_then(|n| u32::try_from(n).ok()).expect("a line number");
    snapshot["parts"]
        .as_array()
        .expect("parts")
        .iter()
        .map(|p| Part {
            path: text(&p["path"]),
            serial: text(&p["serial"]),
            file: text(&p["file"]),
            lines: [line(&p["lines"][0]), line(&p["lines"][1])],
            calls: p["calls"].as_u64().expect("calls"),
            failures: p.get("failures").map(|n| n.as_u64().expect("failures")),
        })
        .collect()
}

/// (path, serial, file, lines) of every part of this package that `cargo wear`'s source scan
/// finds, starting from the workspace manifest as `cargo wear` does.
fn scanned_parts() -> Vec<(String, String, String, [u32; 2])> {
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../Cargo.toml");
    let scan = wear_cli::scan::scan_workspace(Some(&manifest)).expect("the workspace scans");
    assert!(scan.warnings.is_empty(), "{:?}", scan.warnings);
    let mut parts: Vec<_> = scan
        .parts
        .into_iter()
        .filter(|p| p.package == env!("CARGO_PKG_NAME"))
        .map(|p| (p.path, p.serial.to_string(), p.rel_file, [p.lines.0, p.lines.1]))
        .collect();
    parts.sort();
    parts
}

#[test]
fn every_part_runs_is_scanned_and_counted() {
    let parts = run_demo("2000");
    let mut registered: Vec<_> =
        parts.iter().map(|p| (p.path.clone(), p.serial.clone(), p.file.clone(), p.lines)).collect();
    registered.sort();
    // Exactly one scanned part for every runtime part and the other way round (contract 1).
    assert_eq!(registered, scanned_parts());
    assert!(registered.len() >= 30);

    let calls = |path: &str| {
        parts.iter().find(|p| p.path == format!("wear_example_shop::{path}")).map(|p| p.calls).expect("part")
    };
    assert_eq!(calls("checkout::checkout"), 2000);
    assert_eq!(calls("cart::Cart::lines"), 2000, "one per checkout");
    assert_eq!(calls("parsing::parse_sku"), calls("parsing::parse_line"), "every generated line has a sku");
    assert_eq!(calls("catalog::Catalog::with_products"), 1);
    assert_eq!(calls("catalog::Catalog::add"), 500);
    for unused in ["parsing::parse_csv_line", "pricing::convert_currency", "catalog::Catalog::search"] {
        assert_eq!(calls(unused), 0, "{unused} is in storage");
    }
    let hot = calls("cart::Cart::add_item");
    let cold = calls("checkout::refund");
    assert!(hot > 100 * cold.max(1), "a skewed workload: {hot} vs {cold}");
}

#[test]
fn the_same_work_gives_the_same_counts() {
    let counts =
        |parts: &[Part]| parts.iter().map(|p| (p.path.clone(), p.calls, p.failures)).collect::<Vec<_>>();
    assert_eq!(counts(&run_demo("300")), counts(&run_demo("300")));
}
