//! The command line: `cargo wear <command>`, as cargo runs it (`cargo-wear wear <command>`)
//! or directly (`cargo-wear <command>`). Every command's arguments are here, with what clap
//! cannot check and how they become the domain's requests ([`crate::pipeline::Request`]); no
//! argument type goes below the command layer (`commands`).
use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::due::Status;
use crate::error::Result;
use crate::heatmap::{Grouping, MAX_WIDTH, MIN_WIDTH, Measure};
pub(crate) use crate::output::ColorChoice;
use crate::pipeline::{History, Request, ScanRequest};
use crate::report::Format;
use crate::scan::{CompiledOut, Functions};
use crate::time::{Secs, parse_instant};
use crate::usage::sources::{Fleet, LedgerChoice, UsageSources};

/// Which parts of your code are due for inspection: calls from production joined with the
/// age of each function's lines in git, under your policy.
#[derive(Debug, Parser)]
#[command(name = "cargo-wear", bin_name = "cargo wear", version, about, max_term_width = 100)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub(crate) command: Command,
}

/// The commands.
#[derive(Debug, Subcommand)]
pub(crate) enum Command {
    /// Run the example shop of the wear repository and show its due list: start here.
    Demo(DemoArgs),
    /// List every tracked part found in the workspace's sources.
    Scan(ScanArgs),
    /// Print the due list: every part's status, most urgent first.
    Report(ReportArgs),
    /// The CI gate: print the due list, exit 1 when a part is at or past `--fail-on`.
    Check(CheckArgs),
    /// Record snapshot files in the local ledger, so later reports include them.
    Ingest(IngestArgs),
    /// Sign a part off in `wear-logbook/` (one file per sign-off): its intervals restart from now.
    Inspect(InspectArgs),
    /// Write a commented starter `wear.toml` at the workspace root.
    Init(InitArgs),
    /// Draw every part as a coloured cell, grouped by module or file: wear, age, calls or
    /// busy time at a glance.
    Heatmap(HeatmapArgs),
    /// Draw the wear map: age since overhaul against calls, in four named quadrants.
    Map(MapArgs),
    /// Put `#[wear::tracked]` on every function with a body (or, with `--remove`, take the
    /// bare ones away), editing the sources in place.
    Annotate(AnnotateArgs),
    /// The parts a change touches (the work tree against a base commit), with the usage they
    /// had before it, highest traffic first.
    Diff(DiffArgs),
}

/// Where the workspace is, and which build of it is measured.
#[derive(Debug, Args)]
pub(crate) struct WorkspaceArgs {
    /// Path to the workspace's (or a member's) Cargo.toml.
    #[arg(long, value_name = "PATH")]
    pub(crate) manifest_path: Option<PathBuf>,
    #[command(flatten)]
    pub(crate) build: BuildArgs,
}

impl WorkspaceArgs {
    /// The build the scan models.
    pub(crate) fn build_options(&self) -> crate::scan::cfg::BuildOptions {
        let b = &self.build;
        crate::scan::cfg::BuildOptions {
            features: b.features.clone(),
            all_features: b.all_features,
            no_default_features: b.no_default_features,
            target: b.target.clone(),
            cfg: b.cfg.clone(),
        }
    }

    /// The scan of `functions` these arguments name, listing compiled-out parts or not.
    pub(crate) fn scan_request(&self, functions: Functions, compiled_out: CompiledOut) -> ScanRequest {
        ScanRequest {
            manifest_path: self.manifest_path.clone(),
            build: self.build_options(),
            functions,
            compiled_out,
            cache: true,
        }
    }
}

/// The heading of the build's flags in `--help` (on each flag: a `next_help_heading` on the
/// struct would also head the flags of the command that come after it).
const BUILD: &str = "Build (what the scan counts as compiled)";

/// The build being measured, in cargo's words: only the functions it compiles are parts. The
/// scan models a release build (no `debug_assertions`) of every package of the workspace.
#[derive(Debug, Args)]
pub(crate) struct BuildArgs {
    /// Features to turn on, as cargo takes them: `a,b`, `'a b'`, `package/feature`;
    /// repeatable.
    #[arg(long, short = 'F', value_name = "FEATURES", help_heading = BUILD)]
    pub(crate) features: Vec<String>,
    /// Turn on every feature of every package.
    #[arg(long, help_heading = BUILD)]
    pub(crate) all_features: bool,
    /// Do not turn on the packages' `default` features.
    #[arg(long, help_heading = BUILD)]
    pub(crate) no_default_features: bool,
    /// The target the build is for (default: the host): its cfg comes from `rustc --print cfg
    /// --target TRIPLE`, with the rustc cargo uses (RUSTC) and RUSTFLAGS.
    #[arg(long, value_name = "TRIPLE", env = "CARGO_BUILD_TARGET", help_heading = BUILD)]
    pub(crate) target: Option<String>,
    /// A cfg the build sets, `NAME` or `'NAME="VALUE"'`; repeatable. The scan models a release
    /// build, without `debug_assertions`: `--cfg debug_assertions` brings it back; `--cfg test`
    /// keeps `#[cfg(test)]` code (tests themselves are never parts).
    #[arg(long = "cfg", value_name = "SPEC", help_heading = BUILD)]
    pub(crate) cfg: Vec<String>,
}

/// Where usage comes from.
#[derive(Debug, Args)]
pub(crate) struct UsageArgs {
    /// Usage files to read: `wear-snapshot/2` (or `/1`) snapshots or OTLP JSON (the Collector's `file`
    /// exporter); globs are expanded.
    #[arg(long, value_name = "PATH", num_args = 1..)]
    pub(crate) usage: Vec<String>,
    /// The ledger to read (default: `<target-dir>/wear/ledger.sqlite`, when it exists).
    #[arg(long, value_name = "PATH")]
    pub(crate) ledger: Option<PathBuf>,
    /// Read no ledger, only `--usage` files.
    #[arg(long, conflicts_with = "ledger")]
    pub(crate) no_ledger: bool,
    #[command(flatten)]
    pub(crate) fleet: FleetArgs,
}

/// Where a fleet's usage comes from: a Prometheus-compatible query API.
#[derive(Debug, Args)]
pub(crate) struct FleetArgs {
    /// Read the fleet's totals from this Prometheus-compatible query API (Prometheus, Thanos,
    /// Mimir, VictoriaMetrics), e.g. `http://prometheus:9090`; credentials come from
    /// WEAR_PROMETHEUS_TOKEN, or WEAR_PROMETHEUS_USER and WEAR_PROMETHEUS_PASSWORD.
    #[arg(long, value_name = "URL")]
    pub(crate) prometheus: Option<String>,
    /// With --prometheus: count every process that reported within this long before `--now`
    /// (`30d`, `12h`, `1w`, `1d12h`), each with its calls since it started; with `ingest`, the
    /// length of the first period (later ones start where the ledger's last one ended).
    #[arg(long, value_name = "DURATION", default_value = crate::usage::prometheus::DEFAULT_WINDOW,
          requires = "prometheus")]
    pub(crate) window: String,
    /// With --prometheus: seconds each request may take before it is tried again (4 tries).
    #[arg(long, value_name = "SECS", default_value_t = crate::usage::prometheus::DEFAULT_TIMEOUT_SECS,
          requires = "prometheus", allow_negative_numbers = true)]
    pub(crate) prometheus_timeout: f64,
    /// With --prometheus: send this header with every query, e.g. a tenant for Mimir or Cortex
    /// (`'X-Scope-OrgID: team-a'`) or Thanos (`'THANOS-TENANT: team-a'`); repeatable. Not for
    /// secrets: headers name the fleet in the ledger.
    #[arg(long, value_name = "NAME: VALUE", requires = "prometheus")]
    pub(crate) prometheus_header: Vec<String>,
    /// With --prometheus: read each process's series (`raw`), or the one series per part that
    /// an aggregation in the backend keeps (`aggregated`: see the guide's "Fleets at scale").
    #[arg(long, value_name = "KIND", default_value = "raw", value_parser = ["raw", "aggregated"],
          requires = "prometheus")]
    pub(crate) prometheus_series: String,
}

impl UsageArgs {
    /// The usage sources these arguments name.
    pub(crate) fn sources(&self) -> UsageSources {
        let ledger = match (&self.ledger, self.no_ledger) {
            (_, true) => LedgerChoice::Skip,
            (Some(path), false) => LedgerChoice::At(path.clone()),
            (None, false) => LedgerChoice::Default,
        };
        UsageSources { ledger, files: self.usage.clone(), fleet: self.fleet.fleet() }
    }
}

impl FleetArgs {
    /// The fleet `--prometheus` names, if any.
    pub(crate) fn fleet(&self) -> Option<Fleet> {
        self.prometheus.as_ref().map(|url| Fleet {
            url: url.clone(),
            headers: self.prometheus_header.clone(),
            window: self.window.clone(),
            timeout_secs: self.prometheus_timeout,
            series: self.prometheus_series.clone(),
        })
    }
}

/// `--now`, or the clock. `--now` is a date from 1970-01-01 (before it, every commit would be
/// in the future) to 9999-12-30 (the last date whose every instant an RFC 3339 instant in UTC
/// can write, so that the report can say the instant it was made at).
pub(crate) fn now(pinned: Option<&str>) -> Result<Secs> {
    const LAST: &str = "9999-12-30";
    let Some(text) = pinned else { return Ok(jiff::Timestamp::now().as_second()) };
    let a_date = |e: crate::Error| e.help("give --now a date like 2026-11-21");
    let out_of_range = || {
        crate::Error::new(format!("--now `{}` is outside the dates wear works with", text.trim()))
            .help(format!("give --now a date from 1970-01-01 to {LAST}"))
    };
    match parse_instant(text) {
        Ok(secs) if secs < 0 || secs >= parse_instant(LAST).map_err(a_date)? + crate::time::DAY => {
            Err(out_of_range())
        }
        Ok(secs) => Ok(secs),
        // A date jiff reads but cannot place in UTC (9999-12-31, whose end is past its range).
        Err(_) if text.trim().parse::<jiff::civil::Date>().is_ok() => Err(out_of_range()),
        Err(e) => Err(a_date(e)),
    }
}

/// The request of a due list of `functions`, from the arguments every command that makes one
/// shares.
fn due_request(
    workspace: &WorkspaceArgs,
    usage: &UsageArgs,
    now: Option<&str>,
    no_cache: bool,
    functions: Functions,
) -> Result<Request> {
    Ok(Request {
        scan: ScanRequest { cache: !no_cache, ..workspace.scan_request(functions, CompiledOut::Skip) },
        usage: usage.sources(),
        now: self::now(now)?,
        history: History::Git { cache: !no_cache },
    })
}

/// Options of the commands that print a due list (`report`, `check`): its inputs, and where
/// and how it is written.
#[derive(Debug, Args)]
pub(crate) struct DueArgs {
    #[command(flatten)]
    pub(crate) inputs: DueInputArgs,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub(crate) format: Format,
    /// Write the report to this file (atomically) instead of standard output; `-` is standard
    /// output.
    #[arg(long, short, value_name = "FILE")]
    pub(crate) output: Option<PathBuf>,
}

/// `cargo wear demo`.
#[derive(Debug, Args)]
pub(crate) struct DemoArgs {
    #[command(flatten)]
    pub(crate) workspace: WorkspaceArgs,
    /// Orders the shop's workload runs.
    #[arg(long, default_value_t = 20_000, value_parser = clap::value_parser!(u32).range(1..=10_000_000))]
    pub(crate) orders: u32,
    /// Make the report as of this date or instant instead of the clock.
    #[arg(long, value_name = "DATE")]
    pub(crate) now: Option<String>,
    /// When to colour the output.
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
    pub(crate) color: ColorChoice,
    /// Don't read or write the caches (the git age cache and the scan cache).
    #[arg(long)]
    pub(crate) no_cache: bool,
}

/// The inputs of a due list, shared by every command that makes one (`report`, `check`,
/// `heatmap`, `map`).
#[derive(Debug, Args)]
pub(crate) struct DueInputArgs {
    #[command(flatten)]
    pub(crate) workspace: WorkspaceArgs,
    #[command(flatten)]
    pub(crate) usage: UsageArgs,
    /// Make the due list as of this date or instant (`2026-11-21`, `2026-11-21T12:00:00Z`)
    /// instead of the clock, so reports and pictures are reproducible.
    #[arg(long, value_name = "DATE")]
    pub(crate) now: Option<String>,
    /// When to colour (a report's table only on a terminal, and never in a file).
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
    pub(crate) color: ColorChoice,
    /// Don't read or write the caches (the git age cache and the scan cache).
    #[arg(long)]
    pub(crate) no_cache: bool,
}

impl DueInputArgs {
    /// The due list of `functions` these arguments ask for.
    pub(crate) fn request(&self, functions: Functions) -> Result<Request> {
        due_request(&self.workspace, &self.usage, self.now.as_deref(), self.no_cache, functions)
    }
}

/// `cargo wear heatmap`.
#[derive(Debug, Args)]
pub(crate) struct HeatmapArgs {
    #[command(flatten)]
    pub(crate) inputs: DueInputArgs,
    /// What colours a cell (default: wear; age with --all).
    #[arg(long, value_enum)]
    pub(crate) by: Option<Measure>,
    /// Group cells by module or by source file.
    #[arg(long, value_enum, default_value_t = Grouping::Module)]
    pub(crate) group: Grouping,
    /// Show only the N parts with the highest value (still grouped).
    #[arg(long, value_name = "N", value_parser = parse_top)]
    pub(crate) top: Option<usize>,
    /// Show only parts whose path or file starts with this prefix (`shop::cart`, `src/cart.rs`)
    /// or matches this glob (`shop::*::parse*`, `crates/engine/**`).
    #[arg(long, value_name = "GLOB")]
    pub(crate) filter: Option<String>,
    /// Open one module or file: its cells, as `--filter` gives them.
    #[arg(value_name = "MODULE_OR_FILE", conflicts_with = "filter")]
    pub(crate) open: Option<String>,
    /// The summary, a line per module this many segments deep (1: per crate). Without it the
    /// summary is drawn only when the cells would not fit a screen (50 lines).
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u16).range(1..=64), conflicts_with_all = ["top", "compact"])]
    pub(crate) depth: Option<u16>,
    /// Columns to fit in (default: the terminal's width, else $COLUMNS, else 80).
    #[arg(long, value_name = "COLUMNS", value_parser = parse_width)]
    pub(crate) width: Option<usize>,
    /// Two characters a part behind the group's name, even when the parts are few (the
    /// default above 100 parts).
    #[arg(long)]
    pub(crate) compact: bool,
    /// Every function of the workspace is a part, tracked or not: a map of age before
    /// anything is instrumented.
    #[arg(long)]
    pub(crate) all: bool,
    /// What goes to standard output: the picture, or the parts it draws (after --filter and
    /// --top; with --all, every function with its age) as `wear-report/2` JSON or CSV.
    #[arg(long, value_enum, default_value_t = HeatmapFormat::Text)]
    pub(crate) format: HeatmapFormat,
    /// Also write the HTML report (treemap, wear map, due list) to this file, atomically; `-`
    /// puts the page on standard output instead of the heatmap.
    #[arg(long, value_name = "FILE")]
    pub(crate) html: Option<PathBuf>,
}

/// What `cargo wear heatmap` prints.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub(crate) enum HeatmapFormat {
    /// The heatmap.
    Text,
    /// The parts drawn, as `report --format json` writes them.
    Json,
    /// The parts drawn, as `report --format csv` writes them.
    Csv,
}

/// `cargo wear map`.
#[derive(Debug, Args)]
pub(crate) struct MapArgs {
    #[command(flatten)]
    pub(crate) inputs: DueInputArgs,
    /// Columns to fit in (default: the terminal's width, else $COLUMNS, else 80).
    #[arg(long, value_name = "COLUMNS", value_parser = parse_width)]
    pub(crate) width: Option<usize>,
    /// Every function of the workspace is a part, tracked or not; with no usage data at all,
    /// the map is of age alone (no quadrants by calls).
    #[arg(long)]
    pub(crate) all: bool,
}

/// The most parts `--top` takes: more than any workspace has functions, so a larger number is
/// a typo (or a test of limits), not a wish.
const MAX_TOP: usize = 1_000_000;

/// `--top`: a whole number of parts, 1 to [`MAX_TOP`].
fn parse_top(text: &str) -> std::result::Result<usize, String> {
    let range = format!("give 1 to {MAX_TOP} parts");
    match text.trim().parse::<u128>() {
        Ok(0) => Err(format!("--top 0 shows nothing: {range}")),
        Ok(n) if n <= MAX_TOP as u128 => Ok(n as usize),
        Ok(n) => Err(format!("--top {n} is more parts than any workspace has: {range}")),
        Err(_) => Err(format!("`{text}` is not a number of parts: give a whole number like 20")),
    }
}

/// `--width`: [`MIN_WIDTH`] to [`MAX_WIDTH`] columns.
fn parse_width(text: &str) -> std::result::Result<usize, String> {
    let range = format!("give {MIN_WIDTH} to {MAX_WIDTH} columns");
    match text.trim().parse::<u128>() {
        Ok(n) if (MIN_WIDTH as u128..=MAX_WIDTH as u128).contains(&n) => Ok(n as usize),
        Ok(n) if n < MIN_WIDTH as u128 => Err(format!("{n} columns is too narrow: {range}")),
        Ok(n) => Err(format!("{n} columns is too wide: {range}")),
        Err(_) => Err(format!("`{text}` is not a number of columns: give a whole number like 100")),
    }
}

/// `cargo wear scan`.
#[derive(Debug, Args)]
pub(crate) struct ScanArgs {
    #[command(flatten)]
    pub(crate) workspace: WorkspaceArgs,
    /// When to colour (the table's header).
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
    pub(crate) color: ColorChoice,
    /// Output format: a table or JSON.
    #[arg(long, value_enum, default_value_t = ScanFormat::Table)]
    pub(crate) format: ScanFormat,
    /// Also list the tracked functions the build does not compile (a `cfg` that does not
    /// hold), marked "compiled out"; reports never include them.
    #[arg(long)]
    pub(crate) compiled_out: bool,
}

/// Formats of `scan`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub(crate) enum ScanFormat {
    /// One part per line.
    Table,
    /// A JSON array.
    Json,
}

/// `cargo wear report`.
#[derive(Debug, Args)]
pub(crate) struct ReportArgs {
    #[command(flatten)]
    pub(crate) due: DueArgs,
}

/// `cargo wear diff`.
#[derive(Debug, Args)]
pub(crate) struct DiffArgs {
    #[command(flatten)]
    pub(crate) inputs: DueInputArgs,
    /// The commit the change is measured from (a branch, tag or commit id); by default the
    /// merge base of HEAD with its upstream branch, else with origin/HEAD.
    #[arg(long, value_name = "REF")]
    pub(crate) base: Option<String>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = crate::diff::DiffFormat::Table)]
    pub(crate) format: crate::diff::DiffFormat,
    /// Write it to this file (atomically) instead of standard output.
    #[arg(long, short, value_name = "FILE")]
    pub(crate) output: Option<PathBuf>,
    /// Exit 1 when the change touches a part called at least N times before it whose new
    /// serial has no sign-off.
    #[arg(long, value_name = "N")]
    pub(crate) fail_on_calls: Option<u64>,
    /// Exit 1 when the parts the change touches took at least P percent of the base's calls
    /// and one of them has no sign-off for its new serial.
    #[arg(long, value_name = "P", value_parser = parse_share)]
    pub(crate) fail_on_share: Option<f64>,
}

/// A percentage from 0 to 100.
fn parse_share(s: &str) -> std::result::Result<f64, String> {
    let value: f64 = s.trim_end_matches('%').parse().map_err(|_| format!("`{s}` is not a percentage"))?;
    if (0.0..=100.0).contains(&value) { Ok(value) } else { Err(format!("{value} is not between 0 and 100")) }
}

/// `cargo wear check`.
#[derive(Debug, Args)]
pub(crate) struct CheckArgs {
    #[command(flatten)]
    pub(crate) due: DueArgs,
    /// The status that fails the check (or anything more urgent).
    #[arg(long, value_enum, default_value_t = FailOn::Overdue)]
    pub(crate) fail_on: FailOn,
}

/// What `check` fails on.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub(crate) enum FailOn {
    /// A part has reached a limit.
    Overdue,
    /// A part is past its due-soon threshold, or overdue.
    DueSoon,
}

impl FailOn {
    /// The least urgent status that fails.
    pub(crate) fn status(self) -> Status {
        match self {
            FailOn::Overdue => Status::Overdue,
            FailOn::DueSoon => Status::DueSoon,
        }
    }
}

/// `cargo wear ingest`.
#[derive(Debug, Args)]
pub(crate) struct IngestArgs {
    #[command(flatten)]
    pub(crate) workspace: WorkspaceArgs,
    /// When to colour (accepted by every command, as cargo does; this one prints plain status
    /// lines).
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
    pub(crate) color: ColorChoice,
    /// Snapshot or OTLP JSON files to record; globs are expanded.
    #[arg(required_unless_present = "prometheus", value_name = "FILE")]
    pub(crate) files: Vec<String>,
    /// The ledger to write (default: `<target-dir>/wear/ledger.sqlite`).
    #[arg(long, value_name = "PATH")]
    pub(crate) ledger: Option<PathBuf>,
    #[command(flatten)]
    pub(crate) fleet: FleetArgs,
    /// With --prometheus: the end of the period (`2026-11-21`, `2026-11-21T12:00:00Z`) instead
    /// of five minutes before the clock (samples reach a backend late).
    #[arg(long, value_name = "DATE", requires = "prometheus")]
    pub(crate) now: Option<String>,
}

/// `cargo wear inspect`.
#[derive(Debug, Args)]
pub(crate) struct InspectArgs {
    #[command(flatten)]
    pub(crate) workspace: WorkspaceArgs,
    /// When to colour (accepted by every command, as cargo does; this one prints plain status
    /// lines).
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
    pub(crate) color: ColorChoice,
    #[command(flatten)]
    pub(crate) usage: UsageArgs,
    /// The part's path, as the report shows it.
    #[arg(value_name = "PART")]
    pub(crate) part: String,
    /// What was looked at and found.
    #[arg(long)]
    pub(crate) note: String,
    /// Who signs (default: git's user.name, else $USER).
    #[arg(long, value_name = "NAME")]
    pub(crate) by: Option<String>,
    /// The date of the sign-off (default: the clock).
    #[arg(long, value_name = "DATE")]
    pub(crate) now: Option<String>,
}

/// `cargo wear init`.
#[derive(Debug, Args)]
pub(crate) struct InitArgs {
    #[command(flatten)]
    pub(crate) workspace: WorkspaceArgs,
    /// When to colour (accepted by every command, as cargo does; this one prints plain status
    /// lines).
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
    pub(crate) color: ColorChoice,
}

/// `cargo wear annotate`.
#[derive(Debug, Args)]
pub(crate) struct AnnotateArgs {
    /// Path to the workspace's (or a member's) Cargo.toml.
    #[arg(long, value_name = "PATH")]
    pub(crate) manifest_path: Option<PathBuf>,
    /// Only this package (repeatable), named as in its Cargo.toml.
    #[arg(short, long = "package", value_name = "NAME")]
    pub(crate) package: Vec<String>,
    /// Only these files, folders (their module files) or modules (`my_crate::net`,
    /// `crate::net`); everything when none is given.
    #[arg(value_name = "PATH|MODULE")]
    pub(crate) paths: Vec<String>,
    /// Take away the bare `#[wear::tracked]` on functions; those with arguments stay.
    #[arg(long)]
    pub(crate) remove: bool,
    /// Say what would change, and write nothing.
    #[arg(long)]
    pub(crate) dry_run: bool,
    /// For CI: write nothing, list what would change, and exit 1 if anything would.
    #[arg(long, conflicts_with = "dry_run")]
    pub(crate) check: bool,
    /// List every function and what was done with it.
    #[arg(short, long)]
    pub(crate) verbose: bool,
    /// When to colour (accepted by every command, as cargo does; this one prints plain lines).
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
    pub(crate) color: ColorChoice,
}

/// Parses the process's arguments, dropping the `wear` that cargo passes first.
pub fn parse() -> Cli {
    let mut args: Vec<std::ffi::OsString> = std::env::args_os().collect();
    if args.get(1).is_some_and(|a| a == "wear") {
        args.remove(1);
    }
    Cli::parse_from(args)
}
