//! What `annotate` says it did: a line per crate (functions annotated, already tracked,
//! skipped by reason; or attributes removed and kept), totals, and with `--verbose` every
//! function with its file and line. Outside text (file names) goes through
//! [`crate::safe_text`].
use std::collections::BTreeMap;

use super::Plan;
use super::walk::{Found, Mode, Place, Verdict};
use crate::safe_text::escape;

/// How the run was asked for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[allow(clippy::enum_variant_names, reason = "`Run::DryRun` says `--dry-run` as cargo does")]
pub(crate) enum Run {
    /// Files are written.
    Write,
    /// `--dry-run`: nothing is written.
    DryRun,
    /// `--check`: nothing is written; what would change is the finding.
    Check,
}

/// The summary, and with `verbose` the list.
pub(crate) fn render(plan: &Plan, run: Run, verbose: bool) -> String {
    let mut out = String::new();
    let changing = plan.changing();
    let files = plan.changes.len();
    let files_word = if files == 1 { "file" } else { "files" };
    out.push_str(&match (plan.mode, run, changing) {
        (Mode::Add, Run::Write, 0) => {
            "nothing to annotate: every function is tracked or left out on purpose\n".to_owned()
        }
        (Mode::Add, Run::Write, n) => format!("annotated {n} {} in {files} {files_word}\n", functions(n)),
        (Mode::Add, Run::DryRun, 0) => "nothing to annotate (dry run: nothing written)\n".to_owned(),
        (Mode::Add, Run::DryRun, n) => {
            format!(
                "would annotate {n} {} in {files} {files_word} (dry run: nothing written)\n",
                functions(n)
            )
        }
        (Mode::Add, Run::Check, 0) => "every function is tracked or left out on purpose\n".to_owned(),
        (Mode::Add, Run::Check, n) => format!("{n} {} not tracked, in {files} {files_word}:\n", are(n)),
        (Mode::Remove, Run::Write, 0) => {
            "nothing to remove: no bare `#[wear::tracked]` on a function\n".to_owned()
        }
        (Mode::Remove, Run::Write, n) => {
            format!("removed {n} `#[wear::tracked]` from {files} {files_word}\n")
        }
        (Mode::Remove, Run::DryRun, 0) => "nothing to remove (dry run: nothing written)\n".to_owned(),
        (Mode::Remove, Run::DryRun, n) => {
            format!(
                "would remove {n} `#[wear::tracked]` from {files} {files_word} (dry run: nothing written)\n"
            )
        }
        (Mode::Remove, Run::Check, 0) => "no bare `#[wear::tracked]` on a function\n".to_owned(),
        (Mode::Remove, Run::Check, n) => {
            format!("{n} bare `#[wear::tracked]` still on functions, in {files} {files_word}:\n")
        }
    });
    if run == Run::Check && !verbose {
        for (file, found) in plan.crates.iter().flat_map(|c| &c.found) {
            if found.edit.is_some() {
                out.push_str(&format!("  {}:{}: {}\n", escape(file), found.line, escape(&found.name)));
            }
        }
    }
    let mut totals = BTreeMap::new();
    for krate in &plan.crates {
        let counts = count(krate.found.iter().map(|(_, f)| f));
        for (verdict, n) in &counts {
            *totals.entry(*verdict).or_insert(0) += n;
        }
        let root = escape(&krate.krate.root);
        out.push_str(&format!("{} ({root}): {}\n", escape(&krate.krate.name), line(&counts, plan.mode, run)));
        if verbose {
            for (file, found) in &krate.found {
                out.push_str(&listed(file, found, run));
            }
        }
    }
    for package in &plan.proc_macros {
        out.push_str(&format!(
            "{}: skipped, a proc-macro crate (its functions run in the compiler, not in your program)\n",
            escape(package)
        ));
    }
    if plan.crates.len() > 1 {
        out.push_str(&format!("total: {}\n", line(&totals, plan.mode, run)));
    }
    out
}

fn functions(n: usize) -> &'static str {
    if n == 1 { "function" } else { "functions" }
}

fn are(n: usize) -> &'static str {
    if n == 1 { "function is" } else { "functions are" }
}

/// Functions per verdict (a macro's functions count one by one).
fn count<'a>(found: impl Iterator<Item = &'a Found>) -> BTreeMap<Verdict, usize> {
    let mut counts = BTreeMap::new();
    for f in found {
        *counts.entry(f.verdict).or_insert(0) += f.count;
    }
    counts
}

/// `10 annotated, 3 already tracked; skipped: 1 const fn, 4 tests`.
fn line(counts: &BTreeMap<Verdict, usize>, mode: Mode, run: Run) -> String {
    let mut labels: Vec<(&str, usize)> = Vec::new();
    for (verdict, n) in counts {
        let label = action(*verdict, run);
        match labels.iter_mut().find(|(l, _)| *l == label) {
            Some((_, total)) => *total += n,
            None => labels.push((label, *n)),
        }
    }
    let (done, rest): (Vec<_>, Vec<_>) = labels.into_iter().partition(|(label, _)| {
        [action(Verdict::Annotate, run), action(Verdict::Removed, run), Verdict::Tracked.label()]
            .contains(label)
    });
    let join =
        |items: &[(&str, usize)]| items.iter().map(|(l, n)| counted(*n, l)).collect::<Vec<_>>().join(", ");
    let mut text = join(&done);
    if !rest.is_empty() {
        let word = if mode == Mode::Add { "skipped" } else { "kept" };
        if !text.is_empty() {
            text.push_str("; ");
        }
        text.push_str(&format!("{word}: {}", join(&rest)));
    }
    if text.is_empty() {
        text = match mode {
            Mode::Add => "no functions".to_owned(),
            Mode::Remove => "no `#[wear::tracked]`".to_owned(),
        };
    }
    text
}

/// `3 tests`, `1 test`.
fn counted(n: usize, label: &str) -> String {
    match (n, label) {
        (1, "tests") => "1 test".to_owned(),
        _ => format!("{n} {label}"),
    }
}

/// A verdict's label, in the future for a run that writes nothing.
fn action(verdict: Verdict, run: Run) -> &'static str {
    match (verdict, run) {
        (Verdict::Annotate, Run::DryRun) => "to annotate",
        (Verdict::Annotate, Run::Check) => "not tracked",
        (Verdict::Removed, Run::DryRun | Run::Check) => "to remove",
        (verdict, _) => verdict.label(),
    }
}

/// One line of the `--verbose` list.
fn listed(file: &str, found: &Found, run: Run) -> String {
    let label = match found.verdict {
        Verdict::TrackedByContainer => "tracked by its impl, trait or mod",
        Verdict::InMacros => "in macros",
        Verdict::Test => "test",
        verdict => action(verdict, run),
    };
    let count = if found.count > 1 { format!(" ({} functions)", found.count) } else { String::new() };
    let nested = match found.place {
        Place::Item => "",
        Place::Body => " (nested)",
        Place::Initialiser => " (in an initialiser)",
    };
    format!("  {}:{}: {}{nested}{count}: {label}\n", escape(file), found.line, escape(&found.name))
}
