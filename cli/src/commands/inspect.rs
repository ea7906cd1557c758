//! `cargo wear inspect`: a part signed off in the logbook, with its usage at that moment.
use super::Outcome;
use crate::assemble::current_usage;
use crate::cli::{InspectArgs, now};
use crate::error::{Error, Result};
use crate::pipeline;
use crate::policy::{SignOff, load_logbook, sign_off};
use crate::safe_text::{self, escape};
use crate::scan::{CompiledOut, Functions};
use crate::usage::sources;

/// `cargo wear inspect`.
pub(super) fn run(args: &InspectArgs) -> Result<Outcome> {
    let date = now(args.now.as_deref())?;
    // A day of slack for time zones: a sign-off records an inspection that happened, and one
    // dated ahead would silence its part until then.
    let clock = now(None)?;
    if date > clock + crate::time::DAY {
        return Err(Error::new(format!(
            "--now {} is after today ({}): a sign-off records an inspection that was made",
            crate::time::format_instant(date),
            crate::time::format_instant(clock)
        ))
        .help("give the date of the inspection, today or earlier; nothing was written"));
    }
    let scan = pipeline::scan(&args.workspace.scan_request(Functions::Tracked, CompiledOut::Skip))?;
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
    let usage = sources::load(&args.usage.sources(), &scan.target_dir, date)?.usage();
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
    // A malformed logbook is said before a new sign-off joins it.
    load_logbook(&scan.root)?;
    let path = sign_off(&scan.root, &entry)?;
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
