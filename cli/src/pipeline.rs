//! From a [`Request`] to a due list, the one way every command makes one (`report`, `check`,
//! `heatmap`, `map`, `demo`): scan the sources, read the policy, the logbook and the usage, walk
//! git for the ages, and join them ([`crate::assemble`]).
//!
//! A request says what to scan, where usage comes from, which instant it is, and whether ages
//! come from git; it holds no command-line type, so the command layer above turns arguments
//! into one and nothing below it knows about arguments.
use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use crate::age::{AgeOptions, Ages, FileRanges, LineOrigins, ages_given, line_origins};
use crate::assemble::{Inputs, due_list as join};
use crate::due::DueList;
use crate::error::Result;
use crate::policy::{Policy, load_logbook, load_policy, logbook_files};
use crate::scan::cfg::BuildOptions;
use crate::scan::{CompiledOut, Functions, Scan, likely_sources, load_workspace, scan_targets_for};
use crate::time::Secs;
use crate::usage::Usage;
use crate::usage::sources::{self, UsageSources};

/// Everything a due list is made from.
#[derive(Clone, Debug)]
pub(crate) struct Request {
    /// What to scan.
    pub(crate) scan: ScanRequest,
    /// Where usage comes from.
    pub(crate) usage: UsageSources,
    /// The instant the due list is made at.
    pub(crate) now: Secs,
    /// Where the ages of the parts' lines come from.
    pub(crate) history: History,
}

/// Which workspace is scanned, as which build, for which functions.
#[derive(Clone, Debug)]
pub(crate) struct ScanRequest {
    /// The workspace's (or a member's) `Cargo.toml`; the one cargo finds from here when `None`.
    pub(crate) manifest_path: Option<PathBuf>,
    /// The build whose compiled functions are parts.
    pub(crate) build: BuildOptions,
    /// Tracked functions, or every function (`heatmap --all`).
    pub(crate) functions: Functions,
    /// Whether tracked functions the build leaves out are listed too (`scan --compiled-out`).
    pub(crate) compiled_out: CompiledOut,
    /// Read and write the scan cache, `<target-dir>/wear/scan-cache`.
    pub(crate) cache: bool,
}

/// Where ages come from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum History {
    /// The workspace's git repository, with the age cache unless `cache` is false.
    Git {
        /// Read and write `<target-dir>/wear/age-cache`.
        cache: bool,
    },
    /// Nothing (a copy without `.git`): parts have no age, and the due list goes by usage.
    None,
}

/// Scans the workspace `request` names, as the build it describes compiles it, and prints the
/// scan's warnings.
pub(crate) fn scan(request: &ScanRequest) -> Result<Scan> {
    let loaded = load_workspace(request.manifest_path.as_deref(), &request.build)?;
    let scan = scan_targets_for(&loaded, request.functions, request.compiled_out, request.cache);
    print_warnings(&scan);
    Ok(scan)
}

fn print_warnings(scan: &Scan) {
    for warning in &scan.warnings {
        eprintln!("warning: {warning}"); // `Warning` shows itself escaped
    }
}

/// The stack of the thread that walks history beside the scan: the walk keeps its state on
/// the heap, so this is the main thread's size, for the libraries it calls.
const WALK_STACK: usize = 8 << 20;

/// Scans as `request.scan` says and makes the due list of every part found. For every
/// function (`heatmap --all`), the walk over history runs beside the scan, on the files the
/// scan will most likely read ([`likely_sources`]): the walk needs its files up front, and on
/// the 40,000-commit benchmark the scan took 4.7 s of a 12.8 s cold run before it. When the
/// scan then reads far fewer files than guessed ([`guess_pays`]), the walk is stopped and
/// runs again on the scan's files, so that a poor guess costs at most the scan's time.
pub(crate) fn scan_and_due_list(request: &Request) -> Result<(Scan, DueList)> {
    let History::Git { cache } = request.history else { return scanned_then_listed(request) };
    if request.scan.functions != Functions::Every {
        // Tracked parts are a few files of many: guessing them all would cost more.
        return scanned_then_listed(request);
    }
    let asked = &request.scan;
    let loaded = load_workspace(asked.manifest_path.as_deref(), &asked.build)?;
    let guess = likely_sources(&loaded);
    let stop = Arc::new(AtomicBool::new(false));
    let opts = AgeOptions { stop: Some(Arc::clone(&stop)), ..age_options_in(&loaded.target_dir, cache) };
    let (scan, early) = std::thread::scope(|scope| {
        let walk = guess.and_then(|files| {
            let guessed: HashSet<PathBuf> = files.iter().cloned().collect();
            let (root, opts) = (&loaded.root, &opts);
            let thread = std::thread::Builder::new().name("walk".to_owned()).stack_size(WALK_STACK);
            let thread = thread.spawn_scoped(scope, move || line_origins(root, &files, opts)).ok()?;
            Some((guessed, thread))
        });
        let scan = scan_targets_for(&loaded, asked.functions, asked.compiled_out, asked.cache);
        // A walk that failed or was stopped runs again on the scan's files, which also reports
        // what is wrong in the usual order.
        let early = walk.and_then(|(guessed, thread)| {
            let needed: HashSet<&Path> = scan.parts.iter().map(|part| part.file.as_path()).collect();
            if !guess_pays(&guessed, &needed) {
                stop.store(true, Ordering::Relaxed);
            }
            thread.join().ok()?.ok()
        });
        (scan, early)
    });
    print_warnings(&scan);
    let list = due_list_given(&scan, request, early)?;
    Ok((scan, list))
}

/// Whether a walk over the `guessed` files is worth finishing for the `needed` ones (the files
/// of the scan's parts):
/// if the guessed files the parts are not in weigh at most a quarter of those they are in
/// (bytes stand for lines, which the walk's cost follows; files the guess lacks are walked
/// after the scan anyway). A guess far too wide is a crate whose modules are mostly left out
/// by `cfg` or features, whose whole history it would walk: libc 0.2.191 has 442 `.rs` files
/// under `src/`, of which 7 have functions the build compiles.
fn guess_pays(guessed: &HashSet<PathBuf>, needed: &HashSet<&Path>) -> bool {
    let size = |file: &Path| std::fs::metadata(file).map_or(0, |m| m.len());
    let (mut useful, mut extra) = (0, 0);
    for file in guessed {
        if needed.contains(file.as_path()) {
            useful += size(file);
        } else {
            extra += size(file);
        }
    }
    extra * EXTRA_SHARE <= useful
}

/// The guess pays while its extra files weigh at most 1/EXTRA_SHARE of the files needed.
const EXTRA_SHARE: u64 = 4;

fn scanned_then_listed(request: &Request) -> Result<(Scan, DueList)> {
    let scan = scan(&request.scan)?;
    let list = due_list_of(&scan, request)?;
    Ok((scan, list))
}

/// The due list of the parts of `scan`, with usage, instant and ages as `request` says
/// (`request.scan` is not read: the caller scanned, and may have narrowed the parts). The
/// policy and logbook come from the scan's root; ages are walked last, so that a bad policy
/// or usage file is reported before the walk over history.
pub(crate) fn due_list_of(scan: &Scan, request: &Request) -> Result<DueList> {
    due_list_given(scan, request, None)
}

/// [`due_list_of`], with the origins of lines already attributed for a guess at the files.
fn due_list_given(scan: &Scan, request: &Request, early: Option<LineOrigins>) -> Result<DueList> {
    let policy = load_policy(&scan.root)?;
    let logbook = load_logbook(&scan.root)?;
    let usage = sources::load(&request.usage, &scan.target_dir, request.now)?.usage();
    let moves = crate::lineage::moves(scan, &usage);
    for warning in unmatched(scan, &policy, &usage, &moves) {
        eprintln!("warning: {}", crate::safe_text::escape(&warning));
    }
    let ages = match request.history {
        History::Git { cache } => ages_given(
            &scan.root,
            &file_ranges(scan),
            &age_options_in(&scan.target_dir, cache),
            request.now,
            early,
        )?,
        History::None => Ages::without_history(&scan.root),
    };
    for warning in future_commits(scan, &ages, request.now) {
        eprintln!("warning: {}", crate::safe_text::escape(&warning));
        eprintln!(
            "  help: pass a later --now, or fix the commit's author date (its machine's clock was wrong)"
        );
    }
    Ok(join(&Inputs {
        scan,
        ages: &ages,
        usage: &usage,
        policy: &policy,
        logbook: &logbook,
        now: request.now,
        moves: &moves,
    }))
}

/// Every file a due list of `scan` under `request` reads: the manifests and sources, the
/// policy, the logbook, the usage files and the ledger. An output must never replace one.
pub(crate) fn inputs(scan: &Scan, request: &Request) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = scan.read.iter().cloned().collect();
    files.push(scan.root.join(crate::policy::POLICY_FILE));
    files.extend(logbook_files(&scan.root).unwrap_or_default());
    // The patterns were expanded once already to read them; a pattern that fails now names
    // nothing that could be replaced.
    files.extend(crate::usage::files::matched(&request.usage.files).unwrap_or_default());
    match &request.usage.ledger {
        sources::LedgerChoice::At(path) => files.push(path.clone()),
        sources::LedgerChoice::Default => files.push(sources::default_ledger(&scan.target_dir)),
        sources::LedgerChoice::Skip => {}
    }
    files
}

/// What the policy and the usage name that no part of `scan` is: a rule that matches nothing
/// and usage of unknown parts (a renamed crate, module or function) would otherwise leave a
/// gate green without a word.
fn unmatched(scan: &Scan, policy: &Policy, usage: &Usage, moves: &crate::lineage::Moves) -> Vec<String> {
    let mut warnings = Vec::new();
    let source =
        policy.source.as_deref().map_or_else(|| "the policy".to_owned(), |p| p.display().to_string());
    for (i, rule) in policy.rules.iter().enumerate() {
        if !scan.parts.is_empty() && !scan.parts.iter().any(|p| rule.matches(&p.path, &p.rel_file)) {
            warnings.push(format!(
                "{source}: [[rule]] number {} matches no part, so its limits apply to nothing; check its \
                 `parts` and `files` globs against `cargo wear scan`",
                i + 1
            ));
        }
    }
    let known: HashSet<&str> =
        scan.parts.iter().map(|p| p.path.as_str()).chain(moves.values().map(String::as_str)).collect();
    let unknown: Vec<&str> = usage.parts.keys().map(String::as_str).filter(|p| !known.contains(p)).collect();
    if let Some(first) = unknown.first() {
        warnings.push(format!(
            "the usage names {} part{} that this workspace does not have (first: {first}); their calls \
             count for no part: was a crate, module or function renamed?",
            unknown.len(),
            if unknown.len() == 1 { "" } else { "s" }
        ));
    }
    warnings
}

/// How many commits dated after `now` are named one by one; the rest are counted in one line,
/// so that a history whose dates run ahead (an imported or generated one) does not bury the
/// report under a warning per commit.
const FUTURE_COMMITS_NAMED: usize = 5;

/// One sentence per commit dated after `now`, naming the first part it changed, for the first
/// [`FUTURE_COMMITS_NAMED`] commits, then one that counts the others: such lines count as
/// changed at `now` (age 0), and a gate says so rather than trust the date.
fn future_commits(scan: &Scan, ages: &Ages, now: Secs) -> Vec<String> {
    let dated = scan.parts.iter().filter_map(|part| {
        let age = ages.by_range.get(&(part.file.clone(), part.lines))?;
        let (id, time) = age.future_commit.as_ref()?;
        Some((id.as_str(), (*time, part.path.as_str())))
    });
    let commits: Vec<(&str, Secs, &str, usize)> = crate::group::in_first_seen_order(dated)
        .into_iter()
        .map(|(id, parts)| (id, parts[0].0, parts[0].1, parts.len()))
        .collect();
    let mut warnings: Vec<String> = commits
        .iter()
        .take(FUTURE_COMMITS_NAMED)
        .map(|&(id, time, part, n)| {
            let more = if n > 1 { format!(" (and {} more parts)", n - 1) } else { String::new() };
            format!("{part}{more}: {}", crate::assemble::future_commit(id, time, now))
        })
        .collect();
    if let Some(rest) = commits.get(FUTURE_COMMITS_NAMED..).filter(|rest| !rest.is_empty()) {
        let parts: usize = rest.iter().map(|c| c.3).sum();
        warnings.push(format!(
            "{} more commits are dated after the report's instant ({}), in the lines of {parts} more parts: \
             each part's remarks name its commit",
            rest.len(),
            crate::time::format_instant(now)
        ));
    }
    warnings
}

/// The parts' line ranges grouped by file, files in the order their first part comes.
fn file_ranges(scan: &Scan) -> Vec<FileRanges> {
    crate::group::in_first_seen_order(scan.parts.iter().map(|part| (part.file.as_path(), part.lines)))
        .into_iter()
        .map(|(file, ranges)| FileRanges { file: file.to_owned(), ranges })
        .collect()
}

fn age_options_in(target_dir: &Path, cache: bool) -> AgeOptions {
    AgeOptions {
        cache_dir: cache.then(|| target_dir.join("wear").join("age-cache")),
        progress: std::io::IsTerminal::is_terminal(&std::io::stderr()),
        stop: None,
    }
}

/// How the HTML page of `scan`'s workspace opens and links: on `hue` (by default, as the page
/// decides), each location linked as `[report] source_url` says, else to its file.
pub(crate) fn page_options(
    scan: &Scan,
    hue: Option<crate::report::Hue>,
) -> Result<crate::report::PageOptions> {
    let policy = load_policy(&scan.root)?;
    // Files are named relative to the repository's work tree (as its host names them), which
    // is the workspace root unless the workspace sits in a subfolder; outside git, the root.
    let work_tree = git2::Repository::discover(&scan.root)
        .ok()
        .and_then(|repo| repo.workdir().map(|w| w.canonicalize().unwrap_or_else(|_| w.to_owned())));
    Ok(crate::report::PageOptions {
        hue,
        source_root: Some(work_tree.unwrap_or_else(|| scan.root.clone())),
        source_url: policy.source_url,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_guess_pays_while_its_extra_files_weigh_a_quarter_of_the_needed_ones() {
        let dir = tempfile::tempdir().unwrap();
        let file = |name: &str, bytes: usize| {
            let path = dir.path().join(name);
            std::fs::write(&path, "x".repeat(bytes)).unwrap();
            path
        };
        let (a, b, table) = (file("a.rs", 300), file("b.rs", 100), file("table.rs", 100));
        let needed: HashSet<&Path> = [a.as_path(), b.as_path()].into_iter().collect();
        let guessed = |files: &[&PathBuf]| files.iter().map(|f| (*f).clone()).collect::<HashSet<_>>();
        assert!(guess_pays(&guessed(&[&a, &b, &table]), &needed), "100 extra bytes for 400");
        let big = file("table.rs", 101);
        assert!(!guess_pays(&guessed(&[&a, &b, &big]), &needed), "101 extra bytes for 400");
        assert!(guess_pays(&guessed(&[&a]), &needed), "what the guess lacks is walked after it");
        let gone = dir.path().join("gone.rs");
        assert!(guess_pays(&guessed(&[&a, &b, &gone]), &needed), "a file gone since weighs nothing");
    }
}
