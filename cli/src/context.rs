//! Settings resolved from the command line and the workspace: where the ledger, the age cache,
//! the policy and the logbook are, which instant the report is made at, and whether to colour.
use std::io::IsTerminal;
use std::path::PathBuf;

use crate::cli::{ColorChoice, UsageArgs};
use crate::error::{Error, Result};
use crate::scan::Scan;
use crate::time::{Secs, parse_instant};
use crate::usage::{Ledger, UsageSet};

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

/// The usage the arguments name: the ledger (given, or the default one when it exists) and
/// the `--usage` files.
pub fn usage(scan: &Scan, args: &UsageArgs) -> Result<UsageSet> {
    let mut set = UsageSet::new();
    if !args.no_ledger {
        let path = args.ledger.clone().unwrap_or_else(|| default_ledger(scan));
        // An explicit ledger must exist; the default one is read when something was ingested.
        if args.ledger.is_some() || path.exists() {
            match Ledger::open_existing(&path)? {
                Some(ledger) => set.add_ledger(&ledger)?,
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
    Ok(set)
}
