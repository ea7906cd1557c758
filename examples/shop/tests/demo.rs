//! The demo program, run for real: it writes a snapshot whose parts are exactly the parts a
//! source scan of this crate finds (contract 1), with the counts its workload implies.
use std::path::Path;
use std::process::Command;

use wear::Snapshot;

fn run_demo(orders: &str) -> Snapshot {
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
    serde_json::from_str(&std::fs::read_to_string(&path).expect("snapshot")).expect("wear-snapshot/1")
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
    let snapshot = run_demo("2000");
    let mut registered: Vec<_> =
        snapshot.parts.iter().map(|p| (p.path.clone(), p.serial.clone(), p.file.clone(), p.lines)).collect();
    registered.sort();
    // Exactly one scanned part for every runtime part and the other way round (contract 1).
    assert_eq!(registered, scanned_parts());
    assert!(registered.len() >= 30);

    let calls = |path: &str| {
        snapshot
            .parts
            .iter()
            .find(|p| p.path == format!("wear_example_shop::{path}"))
            .map(|p| p.calls)
            .expect("part")
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
        |s: &Snapshot| s.parts.iter().map(|p| (p.path.clone(), p.calls, p.failures)).collect::<Vec<_>>();
    assert_eq!(counts(&run_demo("300")), counts(&run_demo("300")));
}
