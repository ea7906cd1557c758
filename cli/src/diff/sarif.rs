//! `cargo wear diff` as SARIF 2.1.0, for code scanning on a pull request: a result per touched
//! part that production called before the change, at its lines. A change to the code of such a
//! part without a sign-off for its new serial is a `warning` (rule `changed-part-in-use`); a
//! move, rename or comment edit of one is a `note` (rule `moved-part-in-use`). A result's
//! fingerprint is the part's path and serial after the change, so it follows the part.
use serde_json::{Value, json};

use super::{Change, Diff, Kind};
use crate::present::words::count;
use crate::report::INFORMATION_URI;
use crate::time::format_instant;

const SARIF_SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";

/// The rules, in `ruleIndex` order: id, name, level, short and full description.
const RULES: [(&str, &str, &str, &str, &str); 2] = [
    (
        "changed-part-in-use",
        "ChangedPartInUse",
        "warning",
        "The change alters code that production uses.",
        "The function's code changes (or it is removed) and production called it before the change. \
         Review it with its usage in mind; `cargo wear inspect PART --note \"...\"` signs the new \
         serial off.",
    ),
    (
        "moved-part-in-use",
        "MovedPartInUse",
        "note",
        "The change moves, renames or re-comments code that production uses.",
        "The function's code is the same, at another path or with other comments; production called \
         it before the change.",
    ),
];

fn rule_of(change: &Change) -> usize {
    match change.kind {
        Kind::Changed | Kind::Removed if !change.signed_off() => 0,
        _ => 1,
    }
}

/// The SARIF log, pretty-printed, with a trailing newline.
pub(super) fn render(diff: &Diff, version: &str) -> String {
    let rules: Vec<Value> = RULES
        .iter()
        .map(|&(id, name, level, short, full)| {
            json!({
                "id": id,
                "name": name,
                "shortDescription": { "text": short },
                "fullDescription": { "text": full },
                "help": { "text": full },
                "defaultConfiguration": { "level": level },
            })
        })
        .collect();
    let results: Vec<Value> = diff
        .changes
        .iter()
        .filter(|c| c.calls() > 0)
        .map(|c| {
            let rule = rule_of(c);
            let from = c.from.as_deref().map_or_else(String::new, |f| format!(" from {f}"));
            let text = format!(
                "{} ({}{}): {} calls before this change",
                c.path,
                c.kind.as_str(),
                from,
                count(c.calls())
            );
            let serial = c.after.as_ref().or(c.before.as_ref()).map_or("", |i| i.serial.as_str());
            json!({
                "ruleId": RULES[rule].0,
                "ruleIndex": rule,
                "level": RULES[rule].2,
                "message": { "text": text },
                "locations": [{
                    "physicalLocation": {
                        "artifactLocation": { "uri": c.file, "uriBaseId": "%SRCROOT%" },
                        "region": { "startLine": c.lines[0].max(1), "endLine": c.lines[1].max(c.lines[0]).max(1) },
                    },
                    "logicalLocations": [{ "fullyQualifiedName": c.path, "kind": "function" }],
                }],
                "partialFingerprints": { "wearPartSerial/v1": format!("{}:{serial}", c.path) },
            })
        })
        .collect();
    let log = json!({
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": { "driver": {
                "name": "cargo-wear",
                "version": version,
                "semanticVersion": version,
                "informationUri": INFORMATION_URI,
                "rules": rules,
            }},
            "results": results,
            "properties": {
                "now": format_instant(diff.now),
                "head": diff.head,
                "base": diff.base.commit.to_string(),
            },
        }],
    });
    let mut text = crate::safe_text::json(serde_json::to_string_pretty(&log).unwrap_or_default());
    text.push('\n');
    text
}
