//! The one place usage is loaded from: the ledger, `--usage` files and a fleet's query API,
//! named in the domain's words so that every command (and the demo) reads usage the same way.
use std::path::{Path, PathBuf};

use crate::error::{Error, Result};
use crate::time::Secs;
use crate::usage::prometheus::{self, FleetQuery};
use crate::usage::series::Disagreement;
use crate::usage::{Ledger, UsageSet};

/// Where a due list's usage comes from.
#[derive(Clone, Debug, Default)]
pub(crate) struct UsageSources {
    /// Which ledger is read.
    pub(crate) ledger: LedgerChoice,
    /// Snapshot and OTLP files: paths or globs.
    pub(crate) files: Vec<String>,
    /// A fleet's totals, read live.
    pub(crate) fleet: Option<Fleet>,
}

/// Which ledger is read.
#[derive(Clone, Debug, Default)]
pub(crate) enum LedgerChoice {
    /// `<target-dir>/wear/ledger.sqlite`, when something was ingested into it.
    #[default]
    Default,
    /// This one, which must exist.
    At(PathBuf),
    /// None.
    Skip,
}

/// A fleet's Prometheus-compatible query API, and how to ask it.
#[derive(Clone, Debug)]
pub(crate) struct Fleet {
    /// The API's base URL.
    pub(crate) url: String,
    /// Extra headers, `NAME: VALUE`.
    pub(crate) headers: Vec<String>,
    /// How far back a process counts, as written (`30d`).
    pub(crate) window: String,
    /// Seconds a request may take before it is tried again.
    pub(crate) timeout_secs: f64,
    /// Which series are read, as written (`raw`, `aggregated`).
    pub(crate) series: String,
}

/// The ledger used when none is named.
pub(crate) fn default_ledger(target_dir: &Path) -> PathBuf {
    target_dir.join("wear").join("ledger.sqlite")
}

/// The usage `sources` name, for a workspace whose target folder is `target_dir`, with the
/// fleet's totals over the window ending at `now`. Local sources are read first, so that a bad
/// file is reported before any network wait.
pub(crate) fn load(sources: &UsageSources, target_dir: &Path, now: Secs) -> Result<UsageSet> {
    let mut fleet = sources.fleet.as_ref().map(|fleet| fleet_query(fleet, now)).transpose()?;
    let mut set = UsageSet::until(now);
    let ledger = match &sources.ledger {
        LedgerChoice::Skip => None,
        // A named ledger must exist; the default one is read when something was ingested.
        LedgerChoice::At(path) => Some(Ledger::open_existing(path)?.ok_or_else(|| {
            Error::in_file(path, "no such ledger")
                .help("record snapshots in it first with `cargo wear ingest --ledger PATH FILES...`")
        })?),
        LedgerChoice::Default => {
            let path = default_ledger(target_dir);
            if path.exists() { Ledger::open_existing(&path)? } else { None }
        }
    };
    if let Some(ledger) = ledger {
        // A fleet with periods in the ledger is read from the end of the last one: the report
        // then reads the ledger plus the short stretch since, never the whole window.
        if let Some(query) = fleet.as_mut()
            && let Some(end) = ledger.last_period_end(&query.backend.identity())?
        {
            query.since = Some(prometheus::Since { at: end, continues: true });
        }
        for (identity, gap) in ledger.gaps()? {
            warn_gap(
                &format!("the ledger {} misses some of the usage of {identity}", ledger.path().display()),
                &gap,
            );
        }
        let live = fleet.as_ref().map(|q| q.backend.identity());
        for note in set.add_ledger(&ledger, live.as_deref())? {
            eprintln!("note: {}", crate::safe_text::escape(&note));
        }
    }
    if !sources.files.is_empty() {
        set.add_files(&sources.files)?;
    }
    if let Some(query) = &fleet {
        // A ledger whose periods reach `now` leaves nothing to read.
        if query.since.is_none_or(|since| since.at < now) {
            let read = read_fleet(query)?;
            for gap in &read.gaps {
                warn_gap(&format!("the live usage of {}", query.backend.identity()), gap);
            }
            set.add_reading(read.reading);
        }
    }
    for warning in future_warnings(&set, now) {
        eprintln!("warning: {}", crate::safe_text::escape(&warning));
        eprintln!("  help: pass a later --now, or fix the clock of the machine that wrote it");
    }
    for disagreement in set.disagreements() {
        match disagreement {
            Disagreement::WentDown(text) => eprintln!("warning: {}", crate::safe_text::escape(text)),
            // Which one to believe is not for wear to guess: a gate's verdict would hang on it.
            Disagreement::SameInstant(text) => {
                return Err(Error::new(text.clone())
                    .help("keep the file the process wrote and remove the other; nothing was written"));
            }
        }
    }
    Ok(set)
}

/// Prints a gap as a warning: usage that no source holds, left out rather than made up.
pub(crate) fn warn_gap(whose: &str, gap: &prometheus::Gap) {
    eprintln!(
        "warning: {whose} from {} to {}: {}",
        crate::time::format_instant(gap.from),
        crate::time::format_instant(gap.to),
        crate::safe_text::escape(&gap.why)
    );
    eprintln!("  help: calls made then are not counted; nothing fills them in");
}

/// One sentence per file (or ledger) with readings after `now`, naming the first of them: a
/// record from the future is left out, and said, so that a wrong clock never moves a verdict.
fn future_warnings(set: &UsageSet, now: Secs) -> Vec<String> {
    let future =
        set.future().iter().map(|(source, instance, at)| (source.as_path(), (instance.as_str(), *at)));
    let by_source: Vec<(&Path, &str, i64, usize)> = crate::group::in_first_seen_order(future)
        .into_iter()
        .map(|(source, readings)| (source, readings[0].0, readings[0].1, readings.len()))
        .collect();
    by_source
        .into_iter()
        .map(|(source, instance, at, n)| {
            let more = if n > 1 { format!(" (and {} more readings)", n - 1) } else { String::new() };
            format!(
                "{}: the reading of process run {instance}{more} is dated {}, after the report's instant \
                 ({}): its calls are not counted",
                source.display(),
                crate::time::format_instant(crate::usage::totals::secs_of(at)),
                crate::time::format_instant(now)
            )
        })
        .collect()
}

/// The query of a fleet's totals up to `end`, with credentials from the environment.
pub(crate) fn fleet_query(fleet: &Fleet, end: Secs) -> Result<FleetQuery> {
    let kind = prometheus::SeriesKind::parse(&fleet.series)?;
    prometheus::fleet_query(
        &fleet.url,
        &fleet.headers,
        &fleet.window,
        fleet.timeout_secs,
        kind,
        end,
        |name| std::env::var(name).ok(),
    )
}

/// Runs a fleet query, printing its warnings (retries, the backend's own) to standard error.
pub(crate) fn read_fleet(query: &FleetQuery) -> Result<prometheus::FleetReading> {
    prometheus::read_fleet(query, &mut |warning| eprintln!("warning: {}", crate::safe_text::escape(&warning)))
}
