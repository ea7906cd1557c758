//! Settings resolved from the command line and the workspace: where the ledger, the age cache,
//! the policy and the logbook are, which instant the report is made at, and whether to colour.
use std::io::IsTerminal;
use std::path::PathBuf;

use crate::cli::{ColorChoice, FleetArgs, UsageArgs};
use crate::error::{Error, Result};
use crate::scan::Scan;
use crate::time::{Secs, parse_instant};
use crate::usage::prometheus::{self, FleetQuery};
use crate::usage::{Ledger, Reading, UsageSet};

/// The ledger used when `--ledger` is not given.
pub fn default_ledger(scan: &Scan) -> PathBuf {
    scan.target_dir.join("wear").join("ledger.sqlite")
}

/// Where the git age cache lives.
pub fn age_cache(scan: &Scan) -> PathBuf {
    scan.target_dir.join("wear").join("age-cache")
}

/// `--now`, or the clock.
pub fn now(pinned: Option<&str>) -> Result<Secs> {
    match pinned {
        Some(text) => parse_instant(text).map_err(|e| e.help("give --now a date like 2026-11-21")),
        None => Ok(jiff::Timestamp::now().as_second()),
    }
}

/// Whether to colour standard output.
pub fn color(choice: ColorChoice) -> bool {
    match choice {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => {
            std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()) && std::io::stdout().is_terminal()
        }
    }
}

/// The usage the arguments name: the ledger (given, or the default one when it exists), the
/// `--usage` files and, with `--prometheus`, the fleet's totals over the window ending at `now`.
/// Local sources are read first, so that a bad file is reported before any network wait.
pub fn usage(scan: &Scan, args: &UsageArgs, now: Secs) -> Result<UsageSet> {
    let fleet = fleet_query(&args.fleet, now)?;
    let mut set = UsageSet::new();
    if !args.no_ledger {
        let path = args.ledger.clone().unwrap_or_else(|| default_ledger(scan));
        // An explicit ledger must exist; the default one is read when something was ingested.
        if args.ledger.is_some() || path.exists() {
            match Ledger::open_existing(&path)? {
                Some(ledger) => {
                    let live = fleet.as_ref().map(|q| q.backend.identity());
                    let (readings, notes) = prometheus::supersede(ledger.latest_readings()?, live.as_deref());
                    for note in notes {
                        eprintln!("note: {}", crate::safe_text::escape(&note));
                    }
                    readings.into_iter().for_each(|reading| set.add_reading(reading));
                }
                None if args.ledger.is_some() => {
                    return Err(Error::in_file(&path, "no such ledger").help(
                        "record snapshots in it first with `cargo wear ingest --ledger PATH FILES...`",
                    ));
                }
                None => {}
            }
        }
    }
    if !args.usage.is_empty() {
        set.add_files(&args.usage)?;
    }
    if let Some(query) = &fleet {
        set.add_reading(read_fleet(query)?);
    }
    Ok(set)
}

/// The fleet query `--prometheus` asks for, if any, with credentials from the environment.
pub fn fleet_query(args: &FleetArgs, end: Secs) -> Result<Option<FleetQuery>> {
    let Some(url) = &args.prometheus else { return Ok(None) };
    prometheus::fleet_query(
        url,
        &args.prometheus_header,
        &args.window,
        args.prometheus_timeout,
        end,
        |name| std::env::var(name).ok(),
    )
    .map(Some)
}

/// Runs a fleet query, printing its warnings (retries, the backend's own) to standard error.
pub fn read_fleet(query: &FleetQuery) -> Result<Reading> {
    prometheus::read_fleet(query, &mut |warning| eprintln!("warning: {}", crate::safe_text::escape(&warning)))
}
