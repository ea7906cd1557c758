//! The due list as SARIF 2.1.0 for GitHub code scanning: one run of `cargo-wear` whose results
//! are the parts that need a look, each located at its function's lines.
//!
//! Only overdue parts (rule `part-overdue`, level `error`) and due-soon parts (rule
//! `part-due-soon`, level `warning`) are results: serviceable parts need nothing, and making
//! an alert of every part in storage or of unknown status would bury the ones that are due.
//! Both rules are always listed so rule indices never move. A result's partial fingerprint is
//! the part path and serial: it follows the part when lines above it move, and a changed part
//! (a new serial, an overhaul) is a new alert.
use serde::Serialize;

use super::{INFORMATION_URI, RenderOptions, finding_text, is_finding};
use crate::due::{DueItem, DueList, Status};
use crate::time::format_instant;

/// The schema the log names; GitHub and editors look it up by this address.
const SARIF_SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";

/// The rules, in `ruleIndex` order.
const RULES: [(Status, &str, &str, &str, &str); 2] = [
    (
        Status::Overdue,
        "part-overdue",
        "PartOverdue",
        "A part reached a limit of its maintenance policy.",
        "The function reached a limit of its policy in calls, busy time or calendar age since it last \
         changed or was signed off. Inspect it, then sign it off with `cargo wear inspect PART --note \
         \"...\"`, or change it: a new serial restarts its intervals.",
    ),
    (
        Status::DueSoon,
        "part-due-soon",
        "PartDueSoon",
        "A part is past the due-soon threshold of a limit.",
        "The function is past the due-soon threshold (90% by default) of a limit of its policy. Plan \
         an inspection before it is overdue; `cargo wear inspect PART --note \"...\"` signs it off.",
    ),
];

/// The log.
#[derive(Serialize)]
struct Log<'a> {
    #[serde(rename = "$schema")]
    schema: &'static str,
    version: &'static str,
    runs: [Run<'a>; 1],
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Run<'a> {
    tool: Tool,
    results: Vec<SarifResult<'a>>,
    properties: RunProperties<'a>,
}

/// What the report was made at and from.
#[derive(Serialize)]
struct RunProperties<'a> {
    now: String,
    head: Option<&'a str>,
    shallow: bool,
}

#[derive(Serialize)]
struct Tool {
    driver: Driver,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Driver {
    name: &'static str,
    version: &'static str,
    semantic_version: &'static str,
    information_uri: &'static str,
    rules: Vec<Rule>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Rule {
    id: &'static str,
    name: &'static str,
    short_description: Message,
    full_description: Message,
    help: Message,
    default_configuration: Configuration,
}

#[derive(Serialize)]
struct Configuration {
    level: &'static str,
}

#[derive(Serialize)]
struct Message {
    text: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifResult<'a> {
    rule_id: &'static str,
    rule_index: usize,
    level: &'static str,
    message: Message,
    locations: [Location<'a>; 1],
    partial_fingerprints: Fingerprints,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Location<'a> {
    physical_location: PhysicalLocation,
    logical_locations: [LogicalLocation<'a>; 1],
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct PhysicalLocation {
    artifact_location: ArtifactLocation,
    region: Region,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ArtifactLocation {
    uri: String,
    uri_base_id: &'static str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Region {
    start_line: u32,
    end_line: u32,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct LogicalLocation<'a> {
    fully_qualified_name: &'a str,
    kind: &'static str,
}

/// The fingerprint, under a versioned key as SARIF suggests, so a later scheme can differ.
#[derive(Serialize)]
struct Fingerprints {
    #[serde(rename = "wearPartSerial/v1")]
    part_serial: String,
}

/// Renders the SARIF log, pretty-printed, with a trailing newline.
pub(super) fn render(list: &DueList, opts: &RenderOptions) -> String {
    let rules = RULES
        .iter()
        .map(|&(status, id, name, short, full)| Rule {
            id,
            name,
            short_description: Message { text: short.to_owned() },
            full_description: Message { text: full.to_owned() },
            help: Message { text: full.to_owned() },
            default_configuration: Configuration { level: level(status) },
        })
        .collect();
    let results =
        list.parts.iter().filter(|p| is_finding(p.status)).filter_map(|p| result(p, list.now)).collect();
    let log = Log {
        schema: SARIF_SCHEMA,
        version: "2.1.0",
        runs: [Run {
            tool: Tool {
                driver: Driver {
                    name: "cargo-wear",
                    version: opts.tool_version,
                    semantic_version: opts.tool_version,
                    information_uri: INFORMATION_URI,
                    rules,
                },
            },
            results,
            properties: RunProperties {
                now: format_instant(list.now),
                head: list.head.as_deref(),
                shallow: list.shallow,
            },
        }],
    };
    let mut text = crate::safe_text::json(
        serde_json::to_string_pretty(&log)
            .expect("the SARIF log has string keys only, so it always serializes"),
    );
    text.push('\n');
    text
}

/// The result for an overdue or due-soon part (`None` for other statuses).
fn result(item: &DueItem, now: i64) -> Option<SarifResult<'_>> {
    let rule_index = RULES.iter().position(|rule| rule.0 == item.status)?;
    let start_line = item.lines[0].max(1);
    Some(SarifResult {
        rule_id: RULES[rule_index].1,
        rule_index,
        level: level(item.status),
        message: Message { text: plain_text(&finding_text(item, now)) },
        locations: [Location {
            physical_location: PhysicalLocation {
                artifact_location: ArtifactLocation { uri: uri(&item.file), uri_base_id: "%SRCROOT%" },
                region: Region { start_line, end_line: item.lines[1].max(start_line) },
            },
            logical_locations: [LogicalLocation { fully_qualified_name: &item.part, kind: "function" }],
        }],
        partial_fingerprints: Fingerprints { part_serial: format!("{}@{}", item.part, item.serial) },
    })
}

/// The SARIF level of a status's results.
fn level(status: Status) -> &'static str {
    match status {
        Status::Overdue => "error",
        Status::DueSoon => "warning",
        _ => "note",
    }
}

/// A result's message as SARIF plain text (§3.11.6): `[` and `]` (and a backslash before one)
/// backslash-escaped, so no part of it reads as an embedded link `[text](id)` in a SARIF viewer
/// or as a Markdown link or image where the text is shown as Markdown. Control characters and
/// bidi overrides are already visible escapes ([`finding_text`] is one line).
fn plain_text(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '[' | ']' => out.push('\\'),
            '\\' if matches!(chars.peek(), Some('[' | ']')) => out.push('\\'),
            _ => {}
        }
        out.push(c);
    }
    out
}

/// A relative path as a URI reference: `/` kept, unreserved characters kept, everything else
/// (spaces, `%`, `:` that would read as a scheme, non-ASCII) percent-encoded as UTF-8.
pub(super) fn uri(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for byte in path.replace('\\', "/").bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' | b'/' => {
                out.push(char::from(byte))
            }
            _ => out.push_str(&format!("%{byte:02X}")),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_have_no_embedded_links() {
        assert_eq!(
            plain_text("<[u8; 3] as T>::f [x](1) ![i](http://h/p.png)"),
            "<\\[u8; 3\\] as T>::f \\[x\\](1) !\\[i\\](http://h/p.png)"
        );
        assert_eq!(plain_text("a\\[b \\u{1b}"), "a\\\\\\[b \\u{1b}");
    }

    #[test]
    fn uris_are_percent_encoded_relative_references() {
        assert_eq!(uri("src/cart.rs"), "src/cart.rs");
        assert_eq!(uri("src/my file%.rs"), "src/my%20file%25.rs");
        assert_eq!(uri("c:odd/é.rs"), "c%3Aodd/%C3%A9.rs");
        assert_eq!(uri("src\\win.rs"), "src/win.rs");
    }
}
