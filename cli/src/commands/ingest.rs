//! `cargo wear ingest`: snapshot files, and a fleet's totals, recorded in the ledger.
use std::path::Path;

use super::Outcome;
use crate::cli::{IngestArgs, now};
use crate::error::Result;
use crate::pipeline;
use crate::safe_text::{self, escape};
use crate::scan::{CompiledOut, Functions};
use crate::usage::Ledger;
use crate::usage::sources::{default_ledger, fleet_query, read_fleet};

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

/// `ingest --prometheus URL [FILES...]`: the fleet's totals (and any files) are read first and
/// recorded in one transaction, so a failing backend leaves the ledger as it was.
fn ingest_fleet(args: &IngestArgs, path: &Path) -> Result<Outcome> {
    let end = now(args.now.as_deref())?;
    let Some(fleet) = args.fleet.fleet() else { return Ok(Outcome::Clean) };
    let query = fleet_query(&fleet, end)?;
    let files = if args.files.is_empty() { Vec::new() } else { crate::usage::files::expand(&args.files)? };
    let mut readings = crate::usage::files::read_all(&files)?;
    let reading = read_fleet(&query)?;
    let parts = reading.parts.len();
    readings.push(reading);
    let summary = Ledger::open(path)?.record(&readings)?;
    eprintln!(
        "ingested the fleet totals of {} ({parts} parts, processes that reported in the {} before {}){} \
         into {}: {} new readings, {} already known",
        escape(&query.backend.url),
        escape(&args.fleet.window),
        crate::time::format_instant(end),
        if files.is_empty() { String::new() } else { format!(" and {} files", files.len()) },
        safe_text::path(path),
        summary.new_readings,
        summary.already_known,
    );
    Ok(Outcome::Clean)
}
