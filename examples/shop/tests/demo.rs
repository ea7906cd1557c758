//! The demo program, run for real: it writes a snapshot whose parts are exactly the parts a
//! source scan of this crate finds (contract 1), with the counts its workload implies.
use std::path::Path;
use std::process::Command;

use wear::Snapshot;
use wear_identity::site::sites_in_source;

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

/// (path, serial, lines) of every tracked function in the crate's sources.
fn scanned_parts() -> Vec<(String, String, [u32; 2])> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut parts = Vec::new();
    for entry in std::fs::read_dir(&src).expect("src") {
        let path = entry.expect("entry").path();
        let stem = path.file_stem().and_then(|s| s.to_str()).expect("file name").to_owned();
        if stem == "main" {
            continue;
        }
        let mut module = vec!["wear_example_shop".to_owned()];
        if stem != "lib" {
            module.push(stem);
        }
        let sites = sites_in_source(&std::fs::read_to_string(&path).expect("source")).expect("parses");
        for site in sites.iter().filter(|s| matches!(s.tracked, Some(Ok(_)))) {
            let mut m = module.clone();
            m.extend(site.inline_modules.iter().cloned());
            let lines = [site.lines.0 as u32, site.lines.1 as u32];
            parts.push((site.owner.part_path(&m.join("::"), &site.name), site.serial.to_string(), lines));
        }
    }
    parts.sort();
    parts
}

#[test]
fn every_part_runs_is_scanned_and_counted() {
    let snapshot = run_demo("2000");
    let mut registered: Vec<(String, String, [u32; 2])> =
        snapshot.parts.iter().map(|p| (p.path.clone(), p.serial.clone(), p.lines)).collect();
    registered.sort();
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
