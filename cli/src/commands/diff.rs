//! `cargo wear diff`: the parts a change touches, with their usage before it, and a gate on
//! how much production leans on them.
use std::path::{Path, PathBuf};

use super::Outcome;
use crate::cli::DiffArgs;
use crate::diff::{self, Change, Diff, Kind};
use crate::error::{Error, Result};
use crate::output::{emit, write_named};
use crate::pipeline::{self, History, Request};
use crate::scan::{CompiledOut, Functions, load_workspace, scan_targets_for};
use crate::usage::sources::{LedgerChoice, default_ledger};

/// `cargo wear diff`.
pub(super) fn run(args: &DiffArgs) -> Result<Outcome> {
    let request = args.inputs.request(Functions::Tracked)?;
    let (scan, head_list) = pipeline::scan_and_due_list(&request)?;
    let repo = git2::Repository::discover(&scan.root).map_err(|_| {
        Error::in_file(&scan.root, "not inside a git repository, so there is no change to measure")
            .help("run `cargo wear diff` in the git work tree of the workspace")
    })?;
    let work_tree = repo.workdir().map(Path::to_owned).ok_or_else(|| {
        Error::in_file(repo.path(), "a bare repository has no work tree to compare")
            .help("run `cargo wear diff` in a checkout")
    })?;
    let base = diff::resolve(&repo, args.base.as_deref())?;
    let touched = diff::touched(&repo, base.commit)?;

    // The base's sources, scanned as the work tree is, with their own caches.
    let folder = scan.target_dir.join("wear").join("diff-base");
    let copy = diff::export(&repo, base.commit, &folder.join("tree"))?;
    let manifest = copy.join(relative_to(&scan.root.join("Cargo.toml"), &work_tree));
    if !manifest.is_file() {
        return Err(Error::new(format!(
            "the base {} ({}) has no workspace manifest at {}",
            base.named,
            base.commit,
            relative_to(&scan.root.join("Cargo.toml"), &work_tree).display()
        ))
        .help("give a --base that already holds the workspace"));
    }
    let mut loaded = load_workspace(Some(&manifest), &request.scan.build)
        .map_err(|e| e.help(format!("the base {} does not load as a workspace", base.named)))?;
    loaded.target_dir = folder.join("target");
    let base_scan = scan_targets_for(&loaded, Functions::Tracked, CompiledOut::Skip, request.scan.cache);

    // Usage before the change: the base's serials, in the workspace's own ledger.
    let mut usage = request.usage.clone();
    if matches!(usage.ledger, LedgerChoice::Default) {
        let ledger = default_ledger(&scan.target_dir);
        usage.ledger = if ledger.is_file() { LedgerChoice::At(ledger) } else { LedgerChoice::Skip };
    }
    let base_request = Request { usage, history: History::None, ..request.clone() };
    let base_list = pipeline::due_list_of(&base_scan, &base_request)?;

    let canonical = |p: &Path| p.canonicalize().unwrap_or_else(|_| p.to_owned());
    let changes = diff::compare(
        (&scan.parts, &head_list, &canonical(&work_tree)),
        (&base_scan.parts, &base_list, &canonical(&copy)),
        &touched,
    );
    let total_calls = base_list.parts.iter().filter_map(|p| p.calls_since_new).sum();
    let result = Diff {
        base,
        head: head_list.head.clone(),
        now: request.now,
        changes,
        total_calls,
        files: touched.files,
    };
    let text = diff::render(&result, args.format);
    match &args.output {
        Some(path) => write_named(path, &text, &pipeline::inputs(&scan, &request))?,
        None => emit(&text)?,
    }
    Ok(gate(&result, args))
}

/// `path` relative to `root` when under it.
fn relative_to(path: &Path, root: &Path) -> PathBuf {
    let canonical = |p: &Path| p.canonicalize().unwrap_or_else(|_| p.to_owned());
    canonical(path).strip_prefix(canonical(root)).map(Path::to_owned).unwrap_or_else(|_| path.to_owned())
}

/// Whether a change needs an inspection before it lands: its tokens changed (or it is gone)
/// and its new serial has no sign-off. Moves, renames and comment edits keep the code.
fn needs_inspection(change: &Change) -> bool {
    matches!(change.kind, Kind::Changed | Kind::Removed) && !change.signed_off()
}

/// Exit 1 when the change crosses `--fail-on-calls` or `--fail-on-share`, saying why.
fn gate(result: &Diff, args: &DiffArgs) -> Outcome {
    let mut failing = Vec::new();
    if let Some(n) = args.fail_on_calls {
        for change in result.changes.iter().filter(|c| needs_inspection(c) && c.calls() >= n) {
            failing.push(format!(
                "{} ({}) was called {} times before this change and its new serial has no sign-off",
                change.path,
                change.kind.as_str(),
                change.calls()
            ));
        }
    }
    if let Some(p) = args.fail_on_share {
        let share = result.share() * 100.0;
        if share >= p && result.changes.iter().any(needs_inspection) {
            failing.push(format!(
                "the change touches parts that took {share:.1}% of the base's calls (--fail-on-share {p}), \
                 not all signed off"
            ));
        }
    }
    for why in &failing {
        eprintln!("cargo wear diff: {}", crate::safe_text::escape(why));
    }
    if failing.is_empty() {
        Outcome::Clean
    } else {
        eprintln!("  help: inspect the parts and sign them off (`cargo wear inspect PART`), then run again");
        Outcome::Found
    }
}
