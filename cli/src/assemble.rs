//! Joins the stages into the due list: each scanned part with the age of its lines, its usage
//! by serial, its limits and its latest sign-off, assessed at one instant.
use std::collections::BTreeMap;

use crate::age::{Ages, RangeAge};
use crate::due::{DueItem, DueList, SCHEMA};
use crate::lineage::Moves;
use crate::policy::{Facts, Logbook, Policy, assess};
use crate::scan::{Part, Scan, relative};
use crate::time::{Secs, format_date, format_instant};
use crate::usage::{SerialUsage, Usage};

/// Everything a due list is made from.
#[derive(Debug)]
pub(crate) struct Inputs<'a> {
    /// The parts.
    pub(crate) scan: &'a Scan,
    /// Their ages in git (reports need a repository).
    pub(crate) ages: &'a Ages,
    /// Their usage.
    pub(crate) usage: &'a Usage,
    /// Limits.
    pub(crate) policy: &'a Policy,
    /// Sign-offs.
    pub(crate) logbook: &'a Logbook,
    /// The instant of the report.
    pub(crate) now: Secs,
    /// Parts that moved, with the old path whose usage and sign-offs they take over.
    pub(crate) moves: &'a Moves,
}

/// The due list, most urgent first.
pub(crate) fn due_list(inputs: &Inputs<'_>) -> DueList {
    // The scan already holds each part once.
    let parts: Vec<DueItem> = inputs.scan.parts.iter().map(|part| due_item(inputs, part)).collect();
    let mut list = DueList {
        schema: SCHEMA,
        now: inputs.now,
        head: inputs.ages.head.clone(),
        shallow: inputs.ages.shallow,
        usage_window: inputs.usage.window.map(|(a, b)| [a, b]),
        parts,
    };
    list.sort();
    list
}

fn due_item(inputs: &Inputs<'_>, part: &Part) -> DueItem {
    let serial = part.serial.to_string();
    let age = inputs.ages.by_range.get(&(part.file.clone(), part.lines));
    let moved_from = inputs.moves.get(&part.path);
    let by_serial = inputs.usage.parts.get(&part.path);
    let old_by_serial = moved_from.and_then(|old| inputs.usage.parts.get(old));
    let current = match (current_usage(inputs.usage, part), moved_from) {
        (here, Some(old)) => match (here, current_usage_at(inputs.usage, part, old)) {
            (Some(a), Some(b)) => Some(a.merged(&b)),
            (a, b) => a.or(b),
        },
        (here, None) => here,
    };
    let current = current.as_ref();
    let mut remarks = Vec::new();
    if let Some(old) = moved_from {
        remarks.push(format!(
            "moved from {old} with the same code: the usage and sign-offs recorded there count here"
        ));
    }

    let legacy = part.legacy_serial.to_string();
    let signoff_at = |path: &str| {
        inputs
            .logbook
            .latest_until(path, &serial, inputs.now)
            .or_else(|| inputs.logbook.latest_until(path, &legacy, inputs.now))
    };
    let signoff = signoff_at(&part.path).or_else(|| moved_from.and_then(|old| signoff_at(old)));
    if let Some(future) =
        inputs.logbook.latest(&part.path, &serial).or_else(|| inputs.logbook.latest(&part.path, &legacy))
        && future.date > inputs.now
    {
        remarks.push(format!(
            "the sign-off dated {} is after the report's instant ({}): it is not counted",
            format_date(future.date),
            format_date(inputs.now)
        ));
    }
    if signoff.is_none()
        && let Some(old) = inputs.logbook.latest_any_serial(&part.path)
        && !old.serial.eq_ignore_ascii_case(&serial)
        && !old.serial.eq_ignore_ascii_case(&legacy)
    {
        remarks.push(format!(
            "the sign-off of {} was for serial {}: it no longer applies",
            format_date(old.date),
            old.serial
        ));
    }

    let overhauled_at = age.map(|a| a.newest);
    let since = match (overhauled_at, signoff.map(|s| s.date)) {
        (Some(a), Some(b)) => Some(a.max(b)),
        (a, b) => a.or(b),
    };
    let calls_since_new = match (by_serial, old_by_serial) {
        (None, None) => None,
        (a, b) => Some(a.into_iter().chain(b).flat_map(|m| m.values()).map(|u| u.calls).sum::<u64>()),
    };
    let (calls, busy_ns) = match (current, signoff) {
        (Some(u), Some(s)) => (
            Some(u.calls.saturating_sub(s.calls)),
            u.busy_ns.map(|b| b.saturating_sub(s.busy_ns.unwrap_or(0))),
        ),
        (Some(u), None) => (Some(u.calls), u.busy_ns),
        (None, _) => (None, None),
    };
    if current.is_none() && calls_since_new.is_some() {
        remarks.push(format!(
            "no usage of the current serial yet ({} calls of older serials)",
            calls_since_new.unwrap_or(0)
        ));
    }
    if let Some(age) = age {
        remarks.extend(age_remarks(age, inputs.ages.shallow, inputs.now));
    }

    let facts = Facts {
        covered: current.is_some(),
        calls,
        busy_ns,
        since,
        calls_per_sec: current.and_then(|u| rate(u, u.calls)),
        busy_ns_per_sec: current.and_then(|u| u.busy_ns.and_then(|b| rate(u, b))),
    };
    let limits = inputs.policy.limits_for(&part.path, &part.rel_file, &part.limits);
    let assessment = assess(&facts, &limits, inputs.now);

    DueItem {
        part: part.path.clone(),
        status: assessment.status,
        serial,
        file: if inputs.ages.repo_root == inputs.scan.root {
            // The same path `relative` would make again, for each of tens of thousands of parts.
            part.rel_file.clone()
        } else {
            relative(&inputs.ages.repo_root, &part.file)
        },
        lines: [part.lines.0, part.lines.1],
        calls_since_overhaul: calls,
        calls_since_new,
        busy_ns,
        failures: current.and_then(|u| u.failures),
        overhauled_at,
        oldest_line_at: age.map(|a| a.oldest),
        signed_off_at: signoff.map(|s| s.date),
        signed_off_by: signoff.map(|s| s.by.clone()),
        signoff_note: signoff.map(|s| s.note.clone()),
        commits: age.map_or(0, |a| a.commits),
        authors: age.map(|a| a.authors.clone()).unwrap_or_default(),
        nearest: assessment.nearest,
        projected_due: assessment.projected_due,
        remarks,
    }
}

/// Units per second over the span the serial's usage covers.
fn rate(usage: &SerialUsage, amount: u64) -> Option<f64> {
    let span = usage.last - usage.first;
    (span > 0).then(|| amount as f64 / span as f64)
}

fn age_remarks(age: &RangeAge, shallow: bool, now: Secs) -> Vec<String> {
    let mut remarks = Vec::new();
    if let Some((commit, time)) = &age.future_commit {
        remarks.push(future_commit(commit, *time, now));
    }
    if age.uncommitted_lines > 0 {
        remarks.push(format!("{} lines not committed: counted as changed now", age.uncommitted_lines));
    }
    if shallow && age.boundary_lines > 0 {
        remarks.push(format!(
            "{} lines reach the shallow clone's boundary: their age is a lower bound",
            age.boundary_lines
        ));
    }
    remarks
}

/// What a commit dated after the report's instant means for a part's age.
pub(crate) fn future_commit(commit: &str, time: Secs, now: Secs) -> String {
    format!(
        "commit {} is dated {}, after the report's instant ({}): its lines count as changed at that \
         instant (age 0)",
        commit.get(..12).unwrap_or(commit),
        format_instant(time),
        format_instant(now)
    )
}

/// The usage of a part's current serial. Usage recorded under the old serial (`wear-serial/1`) of
/// the same code (`wear-serial/1`, see `wear_identity::legacy`) counts too: the code did not
/// change, only how its serial is computed.
pub(crate) fn current_usage(usage: &Usage, part: &Part) -> Option<SerialUsage> {
    current_usage_at(usage, part, &part.path)
}

/// [`current_usage`] of `part`'s serials as recorded under `path` (its old path, after a move).
fn current_usage_at(usage: &Usage, part: &Part, path: &str) -> Option<SerialUsage> {
    let by_serial: &BTreeMap<String, SerialUsage> = usage.parts.get(path)?;
    let current = by_serial.get(&part.serial.to_string());
    let legacy =
        (part.legacy_serial != part.serial).then(|| by_serial.get(&part.legacy_serial.to_string())).flatten();
    match (current, legacy) {
        (Some(a), Some(b)) => Some(a.merged(b)),
        (a, b) => a.or(b).cloned(),
    }
}
