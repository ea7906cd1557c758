//! What each command does, from resolved arguments to output and an outcome.
use std::io::Write;
use std::path::Path;

use crate::age::{AgeOptions, Ages, FileRanges, ages};
use crate::assemble::{Inputs, current_usage, due_list};
use crate::cli::{
    CheckArgs, Cli, Command, DueArgs, IngestArgs, InitArgs, InspectArgs, ScanArgs, ScanFormat, UsageArgs,
    WorkspaceArgs,
};
use crate::context;
use crate::due::{DueList, Status};
use crate::error::{Error, Result};
use crate::policy::{Logbook, SignOff, append_signoff, load_policy, logbook_path, write_starter};
use crate::report::{Format, RenderOptions, render};
use crate::safe_text::{self, escape};
use crate::scan::{CompiledOut, Functions, Scan, load_workspace, scan_targets_for};
use crate::time::Secs;
use crate::usage::Ledger;

/// How a command ended, when it did not fail.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// Nothing to report: exit 0.
    Clean,
    /// The gate found parts at or past `--fail-on`: exit 1.
    Found,
}

/// Runs one command.
pub fn run(cli: Cli) -> Result<Outcome> {
    match cli.command {
        Command::Demo(args) => crate::demo::run(&args),
        Command::Scan(args) => scan(&args),
        Command::Report(args) => report(&args.due, Status::Overdue).map(|_| Outcome::Clean),
        Command::Check(args) => check(&args),
        Command::Ingest(args) => ingest(&args),
        Command::Inspect(args) => inspect(&args),
        Command::Init(args) => init(&args),
        Command::Heatmap(args) => crate::heatmap::run(&args),
        Command::Map(args) => crate::map::run(&args),
        Command::Annotate(args) => crate::annotate::run(&args),
    }
}

/// Scans the workspace the arguments name, as the build they describe compiles it, and prints
/// the scan's warnings.
pub(crate) fn load_scan(workspace: &WorkspaceArgs, which: Functions) -> Result<Scan> {
    load_scan_listing(workspace, which, CompiledOut::Skip)
}

fn load_scan_listing(workspace: &WorkspaceArgs, which: Functions, compiled_out: CompiledOut) -> Result<Scan> {
    let loaded = load_workspace(workspace.manifest_path.as_deref(), &workspace.build_options())?;
    let scan = scan_targets_for(&loaded, which, compiled_out);
    for warning in &scan.warnings {
        eprintln!("warning: {warning}"); // `Warning` shows itself escaped
    }
    Ok(scan)
}

fn scan(args: &ScanArgs) -> Result<Outcome> {
    let listed = if args.compiled_out { CompiledOut::List } else { CompiledOut::Skip };
    let scan = load_scan_listing(&args.workspace, Functions::Tracked, listed)?;
    let mut out = String::new();
    match args.format {
        ScanFormat::Table => {
            let width = scan.parts.iter().map(|p| escape(&p.path).chars().count()).max().unwrap_or(4).max(4);
            // With --compiled-out, a column says which parts the build compiles.
            let built = |compiled_out: bool| match (args.compiled_out, compiled_out) {
                (false, _) => "",
                (true, false) => "compiled      ",
                (true, true) => "compiled out  ",
            };
            let header = format!(
                "{:<width$}  {:<16}  {}location",
                "part",
                "serial",
                if args.compiled_out { "build         " } else { "" }
            );
            match context::color(args.color) {
                true => {
                    let bold = anstyle::Style::new().bold();
                    out.push_str(&format!("{}{}{}\n", bold.render(), header.trim_end(), bold.render_reset()));
                }
                false => out.push_str(&format!("{header}\n")),
            }
            for p in &scan.parts {
                out.push_str(&format!(
                    "{:<width$}  {}  {}{}:{}-{}\n",
                    escape(&p.path),
                    p.serial,
                    built(p.compiled_out),
                    escape(&p.rel_file),
                    p.lines.0,
                    p.lines.1
                ));
            }
        }
        ScanFormat::Json => {
            let parts: Vec<_> = scan
                .parts
                .iter()
                .map(|p| {
                    serde_json::json!({
                        "path": p.path, "serial": p.serial.to_string(), "file": p.rel_file,
                        "lines": [p.lines.0, p.lines.1], "package": p.package,
                        "compiled_out": p.compiled_out,
                    })
                })
                .collect();
            out = safe_text::json(serde_json::to_string_pretty(&parts).unwrap_or_default());
            out.push('\n');
        }
    }
    emit(&out, None)?;
    Ok(Outcome::Clean)
}

/// Makes the due list the arguments describe.
fn make_due_list(args: &DueArgs) -> Result<DueList> {
    due_list_from(&args.workspace, &args.usage, args.now.as_deref(), args.no_cache, Functions::Tracked)
}

/// Makes a due list of the tracked parts, or of every function (`heatmap --all`), from the
/// workspace, usage, `--now` and `--no-cache` arguments.
pub(crate) fn due_list_from(
    workspace: &WorkspaceArgs,
    usage: &UsageArgs,
    now: Option<&str>,
    no_cache: bool,
    which: Functions,
) -> Result<DueList> {
    let now = context::now(now)?;
    let scan = load_scan(workspace, which)?;
    assemble(&scan, usage, now, || ages(&scan.root, &file_ranges(&scan), &age_options(&scan, no_cache), now))
}

/// The due list of `scan`: policy and logbook from its root, usage as `usage` says, ages from
/// `ages`, which runs last so that a bad usage file is reported before the walk over history.
pub(crate) fn assemble(
    scan: &Scan,
    usage: &UsageArgs,
    now: Secs,
    ages: impl FnOnce() -> Result<Ages>,
) -> Result<DueList> {
    let policy = load_policy(&scan.root)?;
    let logbook = Logbook::load(&logbook_path(&scan.root))?;
    let usage = context::usage(scan, usage, now)?.usage();
    let ages = ages()?;
    Ok(due_list(&Inputs { scan, ages: &ages, usage: &usage, policy: &policy, logbook: &logbook, now }))
}

pub(crate) fn file_ranges(scan: &Scan) -> Vec<FileRanges> {
    let mut files: Vec<FileRanges> = Vec::new();
    for part in &scan.parts {
        match files.iter_mut().find(|f| f.file == part.file) {
            Some(f) => f.ranges.push(part.lines),
            None => files.push(FileRanges { file: part.file.clone(), ranges: vec![part.lines] }),
        }
    }
    files
}

pub(crate) fn age_options(scan: &Scan, no_cache: bool) -> AgeOptions {
    AgeOptions {
        cache_dir: (!no_cache).then(|| context::age_cache(scan)),
        progress: std::io::IsTerminal::is_terminal(&std::io::stderr()),
    }
}

fn report(args: &DueArgs, fail_on: Status) -> Result<DueList> {
    let list = make_due_list(args)?;
    let color = args.format == Format::Table && args.output.is_none() && context::color(args.color);
    let opts = RenderOptions { color, fail_on, tool_version: env!("CARGO_PKG_VERSION") };
    emit(&render(&list, args.format, &opts), args.output.as_deref())?;
    Ok(list)
}

fn check(args: &CheckArgs) -> Result<Outcome> {
    let fail_on = args.fail_on.status();
    let list = report(&args.due, fail_on)?;
    let failing = list.parts.iter().filter(|p| p.status <= fail_on).count();
    if failing > 0 {
        eprintln!("cargo wear check: {failing} parts are {} or worse", fail_on.as_str());
        Ok(Outcome::Found)
    } else {
        Ok(Outcome::Clean)
    }
}

fn ingest(args: &IngestArgs) -> Result<Outcome> {
    let path = match &args.ledger {
        Some(path) => path.clone(),
        None => context::default_ledger(&load_scan(&args.workspace, Functions::Tracked)?),
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
    let end = context::now(args.now.as_deref())?;
    let Some(query) = context::fleet_query(&args.fleet, end)? else { return Ok(Outcome::Clean) };
    let files = if args.files.is_empty() { Vec::new() } else { crate::usage::files::expand(&args.files)? };
    let mut readings = crate::usage::files::read_all(&files)?;
    let fleet = context::read_fleet(&query)?;
    let parts = fleet.parts.len();
    readings.push(fleet);
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

fn inspect(args: &InspectArgs) -> Result<Outcome> {
    let date = context::now(args.now.as_deref())?;
    let scan = load_scan(&args.workspace, Functions::Tracked)?;
    let Some(part) = scan.parts.iter().find(|p| p.path == args.part) else {
        let close: Vec<_> = scan
            .parts
            .iter()
            .filter(|p| p.path.ends_with(&args.part) || p.path.contains(&args.part))
            .map(|p| p.path.as_str())
            .take(5)
            .collect();
        let help = if close.is_empty() {
            "run `cargo wear scan` to list the parts".to_owned()
        } else {
            format!("did you mean {}?", close.join(", "))
        };
        return Err(Error::new(format!("no part `{}` in this workspace", args.part)).help(help));
    };
    if args.note.trim().is_empty() {
        return Err(Error::new("the note is empty").help("say what was inspected with --note \"...\""));
    }
    let usage = context::usage(&scan, &args.usage, date)?.usage();
    let current = current_usage(&usage, part);
    let current = current.as_ref();
    let by = match &args.by {
        Some(by) if !by.trim().is_empty() => by.trim().to_owned(),
        _ => default_signer()?,
    };
    let entry = SignOff {
        part: part.path.clone(),
        serial: part.serial.to_string(),
        date,
        calls: current.map_or(0, |u| u.calls),
        busy_ns: current.and_then(|u| u.busy_ns),
        by,
        note: args.note.trim().to_owned(),
    };
    let path = logbook_path(&scan.root);
    append_signoff(&path, &entry)?;
    eprintln!("signed off {} (serial {}) in {}", escape(&entry.part), entry.serial, safe_text::path(&path));
    Ok(Outcome::Clean)
}

/// git's `user.name`, else `$USER`.
fn default_signer() -> Result<String> {
    let from_git = git2::Config::open_default().ok().and_then(|c| c.get_string("user.name").ok());
    from_git
        .or_else(|| std::env::var("USER").ok())
        .map(|s| s.trim().to_owned())
        .filter(|s| !s.is_empty())
        .ok_or_else(|| Error::new("who signs is unknown").help("pass --by NAME, or set git's user.name"))
}

fn init(args: &InitArgs) -> Result<Outcome> {
    let workspace = load_workspace(args.workspace.manifest_path.as_deref(), &args.workspace.build_options())?;
    let path = write_starter(&workspace.root)?;
    eprintln!("wrote {}: edit its limits, then run `cargo wear report`", safe_text::path(&path));
    Ok(Outcome::Clean)
}

/// Writes `text` to the file atomically, or to standard output. A closed pipe is not an error.
pub(crate) fn emit(text: &str, output: Option<&Path>) -> Result<()> {
    match output {
        Some(path) => write_atomically(path, text.as_bytes()),
        None => {
            let mut stdout = std::io::stdout().lock();
            match stdout.write_all(text.as_bytes()).and_then(|()| stdout.flush()) {
                Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => {
                    Err(Error::new(format!("cannot write to standard output: {e}")))
                }
                _ => Ok(()),
            }
        }
    }
}

/// Temp file beside the target, flushed, renamed over it: readers see the old or the new file.
pub fn write_atomically(path: &Path, bytes: &[u8]) -> Result<()> {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    let fail = |e: std::io::Error| {
        // tempfile names its own temporary file in the message (` at path "dir/.tmpXXXX"`): a
        // name the user never gave, and never the same twice.
        let why = e.to_string();
        let why = why.split(" at path \"").next().unwrap_or(&why).to_owned();
        Error::in_file(path, format!("cannot write: {why}"))
            .help("check that the folder exists and is writable")
    };
    let mut tmp = tempfile::NamedTempFile::new_in(dir).map_err(fail)?;
    tmp.write_all(bytes).map_err(fail)?;
    tmp.as_file().sync_all().map_err(fail)?;
    tmp.persist(path).map_err(|e| fail(e.error))?;
    Ok(())
}
