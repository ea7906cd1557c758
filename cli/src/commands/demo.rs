//! `cargo wear demo`: what a newcomer runs first, in a clone of the wear repository. The
//! example shop (`examples/shop`, package `wear-example-shop`) runs its skewed workload and
//! writes a snapshot of its counters; then the same code as `report` joins those calls with
//! the ages of the shop's lines in this repository's git history, under the repository's
//! `wear.toml`, and prints the due list and the heatmap, and writes the HTML report.
//!
//! A copy without git history still works: the parts then have no age, and the demo says so.
use std::path::{Path, PathBuf};
use std::process::Command;

use super::Outcome;
use crate::cli::{DemoArgs, now};
use crate::due::{DueList, Status};
use crate::error::{Error, Result};
use crate::heatmap::{self, Grouping, HeatmapOptions, Measure};
use crate::output::{color, palette, width};
use crate::pipeline::{self, History, Request, ScanRequest};
use crate::report::{Format, RenderOptions, render};
use crate::scan::{CompiledOut, Functions, Scan};
use crate::usage::sources::{LedgerChoice, UsageSources};

/// The package of the example the demo runs.
pub(crate) const SHOP: &str = "wear-example-shop";

/// Runs the demo.
pub(super) fn run(args: &DemoArgs) -> Result<Outcome> {
    // The shop's snapshot only (no ledger, no fleet); where it goes and whether there is git
    // history are known once the workspace is scanned.
    let mut request = Request {
        scan: ScanRequest {
            cache: !args.no_cache,
            ..args.workspace.scan_request(Functions::Tracked, CompiledOut::Skip)
        },
        usage: UsageSources { ledger: LedgerChoice::Skip, files: Vec::new(), fleet: None },
        now: now(args.now.as_deref())?,
        history: History::Git { cache: !args.no_cache },
    };
    let mut scan = pipeline::scan(&request.scan)?;
    // The demo is about the shop: the workspace's test probes would only add unknown parts.
    scan.parts.retain(|p| p.package == SHOP);
    if scan.parts.is_empty() {
        return Err(Error::new(format!(
            "cargo wear demo runs the example shop of the wear repository, and this workspace ({}) has \
             no package {SHOP}",
            scan.root.display()
        ))
        .help("run it in a clone of the wear repository; in your own workspace, run `cargo wear report`"));
    }
    let dir = scan.target_dir.join("wear-demo");
    std::fs::create_dir_all(&dir)
        .map_err(|e| Error::in_file(&dir, format!("cannot create the demo's folder: {e}")))?;
    let snapshot = dir.join("shop.json");
    println!("== the shop runs its workload ({} orders), writing {}", args.orders, snapshot.display());
    run_shop(&scan.root, args.orders, &snapshot)?;
    // Unpinned, the report is made now, after the shop ran: its snapshot, taken after the demo
    // started, would otherwise be a reading from after the report's instant, and not counted.
    if args.now.is_none() {
        request.now = now(None)?;
    }

    request.usage.files = vec![snapshot.display().to_string()];
    let list = due_list_of(&scan, request)?;
    let color = color(args.color);
    let opts = RenderOptions::of_this_tool(color, Status::Overdue);
    println!("\n== cargo wear report --usage {}", snapshot.display());
    print!("{}", render(&list, Format::Table, &opts));

    // By calls: the shop's parts are far apart in use, while in a young repository their wear
    // is mostly that of their calls anyway.
    println!("\n== cargo wear heatmap --by calls --usage {}", snapshot.display());
    let heat = HeatmapOptions {
        by: Measure::Calls,
        group: Grouping::Module,
        width: width(None),
        color: palette(args.color),
        top: None,
        filter: None,
        compact: false,
        depth: None,
    };
    print!("{}", heatmap::render(&list, &heat));

    let page = dir.join("report.html");
    let plain = RenderOptions { color: false, ..opts };
    let links = pipeline::page_options(&scan, None)?;
    crate::fs::write_output(&page, crate::report::render_page(&list, &plain, &links).as_bytes())?;
    println!("\n== the HTML report (treemap, wear map, due list): {}", page.display());
    Ok(Outcome::Clean)
}

/// Builds and runs the shop with cargo, which prints its summary line; its snapshot goes to
/// `snapshot`.
fn run_shop(root: &Path, orders: u32, snapshot: &Path) -> Result<()> {
    // Cargo sets CARGO for the commands it runs; `cargo` on the PATH otherwise.
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let output = Command::new(&cargo)
        .args(["run", "--quiet", "--package", SHOP, "--manifest-path"])
        .arg(root.join("Cargo.toml"))
        .arg("--")
        .arg(orders.to_string())
        .env("WEAR_SNAPSHOT", snapshot)
        .env_remove("OTEL_EXPORTER_OTLP_ENDPOINT")
        .env_remove("WEAR_PROMETHEUS_ADDR")
        .output()
        .map_err(|e| {
            Error::new(format!("cannot run {}: {e}", PathBuf::from(&cargo).display()))
                .help("cargo wear demo needs cargo on the PATH to build and run the example shop")
        })?;
    if !output.status.success() {
        // Its output has several lines, and an error is shown on one: print it first.
        eprintln!("{}", crate::safe_text::escape_lines(String::from_utf8_lossy(&output.stderr).trim_end()));
        return Err(Error::new(format!("the example shop failed ({}); its output is above", output.status))
            .help(format!("try `cargo run -p {SHOP}` to see why")));
    }
    let stdout = String::from_utf8_lossy(&output.stdout);
    if let Some(summary) = stdout.lines().next() {
        println!("{summary}");
    }
    Ok(())
}

/// The due list of the shop's run, with ages from git when there is a repository.
fn due_list_of(scan: &Scan, mut request: Request) -> Result<DueList> {
    if git2::Repository::discover(&scan.root).is_err() {
        println!(
            "note: {} is not in a git repository (a download without history?): the parts have no \
             age, so the due list goes by calls alone",
            scan.root.display()
        );
        request.history = History::None;
    }
    let list = pipeline::due_list_of(scan, &request)?;
    if list.shallow {
        println!("note: this clone's history is shallow: ages at its boundary are lower bounds");
    }
    Ok(list)
}
