//! `cargo wear ingest`: snapshot files, and a fleet's totals, recorded in the ledger.
use std::path::Path;

use super::Outcome;
use crate::cli::{IngestArgs, now};
use crate::error::Result;
use crate::pipeline;
use crate::safe_text::{self, escape};
use crate::scan::{CompiledOut, Functions};
use crate::usage::Ledger;
use crate::usage::prometheus::{Since, Window};
use crate::usage::sources::{default_ledger, fleet_query, read_fleet, warn_gap};

/// How far behind the clock a fleet period ends when `--now` is not given, in seconds.
const SETTLE_SECS: i64 = 300;

/// `cargo wear ingest`.
pub(super) fn run(args: &IngestArgs) -> Result<Outcome> {
    let path = match &args.ledger {
        Some(path) => path.clone(),
        None => {
            let scan = pipeline::scan(&args.workspace.scan_request(Functions::Tracked, CompiledOut::Skip))?;
            default_ledger(&scan.target_dir)
        }
    };
    if args.fleet.prometheus.is_some() {
        return ingest_fleet(args, &path);
    }
    let mut ledger = Ledger::open(&path)?;
    let summary = ledger.ingest(&args.files)?;
    eprintln!(
        "ingested {} files into {}: {} new readings, {} already known, {} series in all",
        summary.files,
        safe_text::path(&path),
        summary.new_readings,
        summary.already_known,
        summary.series
    );
    Ok(Outcome::Clean)
}

/// `ingest --prometheus URL [FILES...]`: what the fleet counted since the ledger's last period
/// of it (or over `--window`, the first time), and any files, recorded in one transaction: a
/// failing backend leaves the ledger as it was, and a run that finds nothing new records nothing.
fn ingest_fleet(args: &IngestArgs, path: &Path) -> Result<Outcome> {
    // Samples reach a backend late (scrape intervals, VictoriaMetrics hides the last 30 s): a
    // period that ended at the clock would miss those of its last moments for good.
    let end = match args.now.as_deref() {
        Some(_) => now(args.now.as_deref())?,
        None => now(None)?.saturating_sub(SETTLE_SECS),
    };
    let Some(fleet) = args.fleet.fleet() else { return Ok(Outcome::Clean) };
    let mut query = fleet_query(&fleet, end)?;
    let identity = query.backend.identity();
    let files = if args.files.is_empty() { Vec::new() } else { crate::usage::files::expand(&args.files)? };
    let readings = crate::usage::files::read_all(&files)?;
    // Opened, not created: a backend that fails must leave no new ledger behind.
    let existing = Ledger::open_existing(path)?;
    let last = match &existing {
        Some(ledger) => ledger.last_period_end(&identity)?,
        None => None,
    };
    let since = match last {
        Some(at) => Since { at, continues: true },
        None => Since { at: end.saturating_sub(Window::parse(&fleet.window)?.secs), continues: false },
    };
    if since.at >= end && readings.is_empty() {
        eprintln!(
            "nothing to ingest: {} holds the usage of {} up to {}, not before {}",
            safe_text::path(path),
            escape(&query.backend.url),
            crate::time::format_instant(since.at),
            crate::time::format_instant(end)
        );
        return Ok(Outcome::Clean);
    }
    let period = if since.at < end {
        query.since = Some(since);
        Some(read_fleet(&query)?)
    } else {
        None
    };
    let mut ledger = match existing {
        Some(ledger) => ledger,
        None => Ledger::open(path)?,
    };
    let summary = match &period {
        Some(period) => ledger.record_period(
            &identity,
            period,
            &readings,
            since.continues,
            end.saturating_mul(1000),
            || {},
        )?,
        None => ledger.record(&readings)?,
    };
    if let Some(period) = &period {
        for gap in &period.gaps {
            warn_gap(
                &format!(
                    "the usage of {} ingested into {}",
                    escape(&query.backend.url),
                    safe_text::path(path)
                ),
                gap,
            );
        }
        let calls: u64 = period.reading.parts.values().map(|c| c.calls).sum();
        eprintln!(
            "ingested the usage of {} from {} to {} ({} parts, {calls} calls{}){} into {}",
            escape(&query.backend.url),
            crate::time::format_instant(since.at),
            crate::time::format_instant(end),
            period.reading.parts.len(),
            if period.gaps.is_empty() { String::new() } else { format!(", {} gaps", period.gaps.len()) },
            if files.is_empty() { String::new() } else { format!(" and {} files", files.len()) },
            safe_text::path(path),
        );
    }
    if !files.is_empty() {
        eprintln!(
            "ingested {} files into {}: {} new readings, {} already known",
            files.len(),
            safe_text::path(path),
            summary.new_readings,
            summary.already_known
        );
    }
    Ok(Outcome::Clean)
}
