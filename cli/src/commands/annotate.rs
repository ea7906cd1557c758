//! `cargo wear annotate`: `#[wear::tracked]` put on (or taken off) every function, then a
//! summary; with `--check`, the CI gate on it.
use std::path::Path;

use super::Outcome;
use crate::annotate::{Mode, Options, Run, plan, summary};
use crate::cli::AnnotateArgs;
use crate::error::Result;
use crate::output::emit;
use crate::safe_text::escape;

/// `cargo wear annotate`.
pub(super) fn run(args: &AnnotateArgs) -> Result<Outcome> {
    let options = Options {
        manifest_path: args.manifest_path.clone(),
        packages: args.package.clone(),
        paths: args.paths.clone(),
        mode: if args.remove { Mode::Remove } else { Mode::Add },
        cwd: std::env::current_dir().unwrap_or_else(|_| Path::new(".").to_owned()),
    };
    let run = match (args.dry_run, args.check) {
        (_, true) => Run::Check,
        (true, false) => Run::DryRun,
        (false, false) => Run::Write,
    };
    let plan = plan(&options)?;
    for warning in &plan.warnings {
        eprintln!("warning: {warning}");
    }
    if run == Run::Write {
        plan.write()?;
    }
    emit(&summary(&plan, run, args.verbose))?;
    for note in &plan.notes {
        eprintln!("note: {}", escape(note));
    }
    let changing = plan.changing();
    if run == Run::Check && changing > 0 {
        let (what, fix) = match plan.mode {
            Mode::Add => ("functions are not tracked", "cargo wear annotate"),
            Mode::Remove => {
                ("functions still have a bare `#[wear::tracked]`", "cargo wear annotate --remove")
            }
        };
        eprintln!("cargo wear annotate --check: {changing} {what}; run `{fix}` to change them");
        return Ok(Outcome::Found);
    }
    Ok(Outcome::Clean)
}
