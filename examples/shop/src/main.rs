//! The wear demo: runs the shop's workload and shows what wear counted.
//!
//! The shop (this crate's library) parses orders, prices them, keeps carts and stock, and checks out, with a skewed
//! workload: a few parts are hot, most are warm or cold, and some are never called (in
//! storage). It prints the parts by calls and writes a `wear-snapshot/1` file, to the path in
//! `WEAR_SNAPSHOT` if set, else `target/wear-demo/shop.json`.
//!
//! It can also run as one instance of a fleet: with `OTEL_EXPORTER_OTLP_ENDPOINT` set it
//! pushes its counts over OTLP/HTTP (`wear::otel::install`), with `WEAR_PROMETHEUS_ADDR` set
//! it serves them for scraping (`wear::prometheus::serve`), and `WEAR_LINGER=2s` keeps it
//! alive that long after its work, so a scraper sees the final counts.
use std::path::PathBuf;

use wear_example_shop::workload;

fn main() {
    wear::set_service(wear::service!());
    let _otlp = std::env::var_os("OTEL_EXPORTER_OTLP_ENDPOINT").and_then(|_| match wear::otel::install() {
        Ok(guard) => Some(guard),
        Err(e) => {
            eprintln!("OTLP export is off: {e}");
            None
        }
    });
    let _endpoint =
        std::env::var("WEAR_PROMETHEUS_ADDR").ok().and_then(|addr| match wear::prometheus::serve(&addr) {
            Ok(endpoint) => Some(endpoint),
            Err(e) => {
                eprintln!("cannot serve metrics on {addr}: {e}");
                None
            }
        });
    let path = std::env::var_os("WEAR_SNAPSHOT")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("target/wear-demo/shop.json"));
    let orders: usize = std::env::args().nth(1).and_then(|n| n.parse().ok()).unwrap_or(20_000);

    let summary = workload::run(orders);
    println!("{summary}\n");

    let snapshot = wear::snapshot();
    println!("{:<64} {:>9} {:>8} {:>10}", "part", "calls", "failures", "p50 (ns)");
    let mut parts = snapshot.parts.clone();
    parts.sort_by(|a, b| b.calls.cmp(&a.calls).then_with(|| a.path.cmp(&b.path)));
    for part in &parts {
        let failures = part.failures.map_or("-".to_owned(), |f| f.to_string());
        let p50 = part.latency_ns.map_or("-".to_owned(), |l| l.p50.to_string());
        println!("{:<64} {:>9} {:>8} {:>10}", part.path, part.calls, failures, p50);
    }
    let unused = parts.iter().filter(|p| p.calls == 0).count();
    println!("\n{} parts, {} never called (in storage)", parts.len(), unused);

    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty())
        && let Err(e) = std::fs::create_dir_all(dir)
    {
        eprintln!("cannot create {}: {e}", dir.display());
    }
    match snapshot.write_to(&path) {
        Ok(()) => println!("snapshot written to {}", path.display()),
        Err(e) => {
            eprintln!("{e}");
            std::process::exit(1);
        }
    }
    if let Ok(text) = std::env::var("WEAR_LINGER") {
        match humantime::parse_duration(&text) {
            Ok(linger) => std::thread::sleep(linger),
            Err(e) => eprintln!("WEAR_LINGER={text:?} is not a duration ({e}); not lingering"),
        }
    }
}
