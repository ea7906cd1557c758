//! Reading the policy: `wear.toml` at the workspace root, or `[workspace.metadata.wear]` in the
//! root `Cargo.toml` (same schema, one or the other). Every mistake is reported with the file,
//! the line and what to write instead, so that a policy can never be half understood.
//!
//! ```toml
//! [defaults]                 # every part
//! calls = 1_000_000_000      # whole number, or "none"
//! busy = "100h"              # duration, or "none"
//! age = "365d"               # duration, or "none"
//! due_soon = 90              # percent of any limit, above 0 and at most 100
//!
//! [[rule]]                   # later rules win, limit by limit
//! parts = "shop::checkout::**"
//! files = "examples/shop/src/legacy/**"
//! calls = 1_000_000
//!
//! [report]                   # the HTML report's links to the source
//! source_url = "https://github.com/owner/repo/blob/{rev}/{file}#L{line}"
//! ```
use std::path::Path;

use globset::{GlobBuilder, GlobMatcher};
use serde::Deserialize;
use toml::Spanned;
use wear_identity::args::parse_duration_text;

use super::limits::{duration_ns, duration_secs};
use super::rules::{Policy, Rule, Setting, Settings};
use crate::bounded;
use crate::error::{Error, Result};

/// The policy file's name, at the workspace root.
pub const POLICY_FILE: &str = "wear.toml";

/// The keys a policy section takes.
const KEYS: &str = "`parts`, `files` (rules only), `calls`, `busy`, `age` and `due_soon`";

/// The whole policy as written, before checking values.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPolicy {
    defaults: Option<RawSection>,
    #[serde(default, rename = "rule")]
    rules: Vec<Spanned<RawSection>>,
    report: Option<RawReport>,
}

/// `[report]`: how reports present what they show.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawReport {
    source_url: Option<Spanned<String>>,
}

/// What `source_url` fills in: the commit, the file (relative to the repository's work tree,
/// as its host names it) and the part's first line.
const URL_FIELDS: [&str; 3] = ["{rev}", "{file}", "{line}"];

/// `[defaults]` or one `[[rule]]`; values are checked by hand for precise messages.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSection {
    parts: Option<Spanned<String>>,
    files: Option<Spanned<String>>,
    calls: Option<Spanned<toml::Value>>,
    busy: Option<Spanned<toml::Value>>,
    age: Option<Spanned<toml::Value>>,
    due_soon: Option<Spanned<toml::Value>>,
}

/// The part of `Cargo.toml` that can hold a policy; everything else in it is ignored.
#[derive(Debug, Deserialize)]
struct CargoManifest {
    workspace: Option<CargoWorkspace>,
}

#[derive(Debug, Deserialize)]
struct CargoWorkspace {
    metadata: Option<CargoMetadata>,
}

#[derive(Debug, Deserialize)]
struct CargoMetadata {
    wear: Option<Spanned<RawPolicy>>,
}

/// Reads the policy of the workspace at `workspace_root`: `wear.toml`, or
/// `[workspace.metadata.wear]` in `Cargo.toml`, or the built-in defaults when there is neither.
/// Both at once is an error, so that nobody edits the one that is not read.
pub fn load_policy(workspace_root: &Path) -> Result<Policy> {
    let policy_path = workspace_root.join(POLICY_FILE);
    let manifest_path = workspace_root.join("Cargo.toml");
    let from_file = read_optional(&policy_path)?;
    let from_manifest = match read_optional(&manifest_path)? {
        Some(text) => manifest_policy(&manifest_path, &text)?,
        None => None,
    };
    match (from_file, from_manifest) {
        (Some(_), Some((line, _))) => Err(Error::in_file(
            &manifest_path,
            format!("the policy is given twice: in `{POLICY_FILE}` and in `[workspace.metadata.wear]`"),
        )
        .at_line(line)
        .help(format!(
            "keep one of them: move these settings into `{POLICY_FILE}`, or delete `{POLICY_FILE}`"
        ))),
        (Some(text), None) => parse_policy_text(&policy_path, &text),
        (None, Some((_, policy))) => Ok(policy),
        (None, None) => Ok(Policy::default()),
    }
}

/// The policy in `[workspace.metadata.wear]` of a `Cargo.toml`, with the line of that table.
fn manifest_policy(path: &Path, text: &str) -> Result<Option<(usize, Policy)>> {
    let manifest: CargoManifest = toml::from_str(text).map_err(|e| toml_error(path, text, &e))?;
    let Some(wear) = manifest.workspace.and_then(|w| w.metadata).and_then(|m| m.wear) else {
        return Ok(None);
    };
    let line = line_of(text, wear.span().start);
    let policy = check(path, text, wear.into_inner())?;
    Ok(Some((line, Policy { source: Some(path.to_owned()), ..policy })))
}

/// Parses the text of a `wear.toml`; `path` names it in messages and in [`Policy::source`].
pub fn parse_policy_text(path: &Path, text: &str) -> Result<Policy> {
    let raw: RawPolicy = toml::from_str(text).map_err(|e| toml_error(path, text, &e))?;
    let policy = check(path, text, raw)?;
    Ok(Policy { source: Some(path.to_owned()), ..policy })
}

/// Reads a file that may be missing, bounded by [`bounded::SETTINGS`]; any other failure (a
/// folder, a FIFO, a file too large) is an error naming it.
pub(super) fn read_optional(path: &Path) -> Result<Option<String>> {
    match bounded::read(path, bounded::SETTINGS) {
        Ok(bytes) => String::from_utf8(bytes).map(Some).map_err(|e| {
            let line = line_of_bytes(e.as_bytes(), e.utf8_error().valid_up_to());
            Error::in_file(path, "the file is not valid UTF-8").at_line(line).help("save it as UTF-8")
        }),
        Err(why) if why.is_missing() => Ok(None),
        Err(why) => Err(why.into_error(path, bounded::SETTINGS)),
    }
}

/// Checks every value of a parsed policy.
fn check(path: &Path, text: &str, raw: RawPolicy) -> Result<Policy> {
    let at = |offset: usize| line_of(text, offset);
    let err = |offset: usize, message: String, help: &str| {
        Error::in_file(path, message).at_line(at(offset)).help(help.to_owned())
    };
    let mut policy = Policy::default();
    if let Some(defaults) = raw.defaults {
        if let Some(key) = defaults.parts.as_ref().or(defaults.files.as_ref()) {
            return Err(err(
                key.span().start,
                "`[defaults]` applies to every part and takes no `parts` or `files`".to_owned(),
                "move the pattern and its limits into a `[[rule]]` table",
            ));
        }
        policy.defaults = settings(path, text, &defaults)?;
    }
    for rule in raw.rules {
        let span = rule.span();
        let rule = rule.into_inner();
        if rule.parts.is_none() && rule.files.is_none() {
            return Err(err(
                span.start,
                "this `[[rule]]` says neither which `parts` nor which `files` it covers".to_owned(),
                "add `parts = \"crate::module::**\"` or `files = \"src/module/**\"`",
            ));
        }
        let parts = rule.parts.as_ref().map(|g| glob(path, text, g, GlobKind::Parts)).transpose()?;
        let files = rule.files.as_ref().map(|g| glob(path, text, g, GlobKind::Files)).transpose()?;
        policy.rules.push(Rule { parts, files, settings: settings(path, text, &rule)? });
    }
    if let Some(url) = raw.report.and_then(|r| r.source_url) {
        policy.source_url = Some(source_url(path, text, &url)?);
    }
    Ok(policy)
}

/// `source_url`: an http(s) URL with `{file}`, and `{rev}` and `{line}` where the host wants
/// them; no other `{...}`.
fn source_url(path: &Path, text: &str, url: &Spanned<String>) -> Result<String> {
    let written = url.get_ref().trim();
    let fail = |why: String| {
        Error::in_file(path, format!("invalid `source_url` {written:?}: {why}"))
            .at_line(line_of(text, url.span().start))
            .help(
                "write an http(s) URL with `{file}`, and `{rev}` and `{line}` if the host takes them, like \
                 `source_url = \"https://github.com/owner/repo/blob/{rev}/{file}#L{line}\"`"
                    .to_owned(),
            )
    };
    if !(written.starts_with("https://") || written.starts_with("http://")) {
        return Err(fail("it must start with `https://` or `http://`".to_owned()));
    }
    if written.chars().any(char::is_whitespace) {
        return Err(fail("a URL has no spaces".to_owned()));
    }
    let mut rest = written;
    while let Some(open) = rest.find('{') {
        let field = rest[open..].find('}').map(|close| &rest[open..=open + close]);
        match field {
            Some(field) if URL_FIELDS.contains(&field) => rest = &rest[open + field.len()..],
            Some(field) => {
                return Err(fail(format!("`{field}` is not one of `{{rev}}`, `{{file}}`, `{{line}}`")));
            }
            None => return Err(fail("a `{` is not closed".to_owned())),
        }
    }
    if !written.contains("{file}") {
        return Err(fail("it has no `{file}`, so every part would link to the same page".to_owned()));
    }
    Ok(written.to_owned())
}

/// The limits one section sets.
fn settings(path: &Path, text: &str, raw: &RawSection) -> Result<Settings> {
    let err = |value: &Spanned<toml::Value>, message: String, help: &str| {
        Error::in_file(path, message).at_line(line_of(text, value.span().start)).help(help.to_owned())
    };
    let calls = match &raw.calls {
        None => None,
        Some(value) => Some(calls(value).map_err(|message| {
            err(
                value,
                message,
                "write a whole number of calls, like `calls = 1_000_000`, or `calls = \"none\"`",
            )
        })?),
    };
    let duration = |value: &Option<Spanned<toml::Value>>,
                    key: &str|
     -> Result<Setting<std::time::Duration>> {
        match value {
            None => Ok(None),
            Some(value) => duration(value, key).map(Some).map_err(|message| {
                err(
                    value,
                    message,
                    &format!(
                        "write a number and a unit in a string, like `{key} = \"100h\"`, `\"365d\"` or \"1y 6months\", or `{key} = \"none\"`"
                    ),
                )
            }),
        }
    };
    let busy_ns = duration(&raw.busy, "busy")?.map(|d| d.map(duration_ns));
    let age = match (duration(&raw.age, "age")?, &raw.age) {
        (Some(Some(d)), Some(value)) if d.as_secs() == 0 => {
            return Err(err(
                value,
                "`age` must be at least one second".to_owned(),
                "write an age like `age = \"365d\"`",
            ));
        }
        (setting, _) => setting.map(|d| d.map(duration_secs)),
    };
    let due_soon = match &raw.due_soon {
        None => None,
        Some(value) => Some(
            percent(value.get_ref()).map_err(|message| {
                err(value, message, "write a percent above 0 and at most 100, like `due_soon = 90`")
            })? / 100.0,
        ),
    };
    Ok(Settings { calls, busy_ns, age, due_soon })
}

/// `calls = 1_000_000`, `calls = 1e9` or `calls = "none"`.
fn calls(value: &Spanned<toml::Value>) -> Result<Option<u64>, String> {
    match value.get_ref() {
        toml::Value::Integer(n) if *n >= 1 => Ok(Some(n.unsigned_abs())),
        toml::Value::Integer(n) => Err(format!("`calls` must be at least 1, not {n}")),
        // 2^64 as f64: anything below it fits in a u64.
        toml::Value::Float(f) if f.fract() == 0.0 && *f >= 1.0 && *f < 18_446_744_073_709_551_616.0 => {
            // Exact: `f` is a whole number in range, checked above.
            Ok(Some(*f as u64))
        }
        toml::Value::String(s) if s.trim() == "none" => Ok(None),
        other => Err(format!("`calls` expects a whole number of calls, not {}", describe(other))),
    }
}

/// `busy = "100h"`, `age = "365d"` or `"none"`, checked like the macro's arguments.
fn duration(value: &Spanned<toml::Value>, key: &str) -> Result<Option<std::time::Duration>, String> {
    match value.get_ref() {
        toml::Value::String(s) if s.trim() == "none" => Ok(None),
        toml::Value::String(s) => parse_duration_text(s)
            .map(Some)
            .map_err(|why| format!("invalid duration {s:?} for `{key}`: {why}")),
        other => Err(format!("`{key}` expects a duration in a string, not {}", describe(other))),
    }
}

/// `due_soon = 90`, `90.5` or `"90%"`, as a percent in (0, 100].
fn percent(value: &toml::Value) -> Result<f64, String> {
    let number = match value {
        toml::Value::Integer(n) => *n as f64,
        toml::Value::Float(f) => *f,
        toml::Value::String(s) => match s.trim().strip_suffix('%').map(|n| n.trim().parse::<f64>()) {
            Some(Ok(n)) => n,
            _ => return Err(format!("`due_soon` expects a percent, not the string {s:?}")),
        },
        other => return Err(format!("`due_soon` expects a percent, not {}", describe(other))),
    };
    if number > 0.0 && number <= 100.0 {
        Ok(number)
    } else {
        Err(format!("`due_soon` must be above 0 and at most 100, not {number}"))
    }
}

/// The two kinds of pattern a rule takes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum GlobKind {
    Parts,
    Files,
}

/// Compiles a rule's pattern. `*` stays within one segment, `**` spans any number of them and
/// must be a whole segment.
fn glob(path: &Path, text: &str, pattern: &Spanned<String>, kind: GlobKind) -> Result<GlobMatcher> {
    let written = pattern.get_ref().trim();
    let (key, separator, example) = match kind {
        GlobKind::Parts => ("parts", "::", "parts = \"shop::checkout::**\""),
        GlobKind::Files => ("files", "/", "files = \"src/legacy/**\""),
    };
    let fail = |why: String| {
        Error::in_file(path, format!("invalid pattern {written:?} for `{key}`: {why}"))
            .at_line(line_of(text, pattern.span().start))
            .help(format!(
                "segments are separated by `{separator}`; `*` matches within one segment, `**` any number of segments, like `{example}`"
            ))
    };
    if written.is_empty() {
        return Err(fail("the pattern is empty".to_owned()));
    }
    let translated = match kind {
        GlobKind::Parts => written.replace("::", "/"),
        GlobKind::Files => {
            if written.starts_with('/') || written.contains('\\') || Path::new(written).is_absolute() {
                return Err(fail(
                    "file patterns are relative to the workspace root, with `/` separators".to_owned(),
                ));
            }
            written.strip_prefix("./").unwrap_or(written).to_owned()
        }
    };
    for segment in translated.split('/') {
        if segment.is_empty() {
            return Err(fail(format!("empty segment (two `{separator}` in a row, or one at an end)")));
        }
        if segment.contains("**") && segment != "**" {
            return Err(fail(format!(
                "`**` must be a whole segment, like `a{separator}**{separator}b`; use `*` within a segment"
            )));
        }
    }
    GlobBuilder::new(&translated)
        .literal_separator(true)
        .backslash_escape(true)
        .build()
        .map(|g| g.compile_matcher())
        .map_err(|e| fail(e.kind().to_string()))
}

/// What a TOML value is, for messages.
fn describe(value: &toml::Value) -> String {
    match value {
        toml::Value::String(s) => format!("the string {s:?}"),
        toml::Value::Integer(n) => format!("the number {n}"),
        toml::Value::Float(f) => format!("the number {f}"),
        toml::Value::Boolean(b) => format!("`{b}`"),
        toml::Value::Datetime(d) => format!("the date {d}"),
        toml::Value::Array(_) => "a list".to_owned(),
        toml::Value::Table(_) => "a table".to_owned(),
    }
}

/// A TOML syntax or schema error at its line.
fn toml_error(path: &Path, text: &str, error: &toml::de::Error) -> Error {
    let mut e = Error::in_file(path, error.message().trim().to_owned()).help(help_for(error.message()));
    if let Some(span) = error.span() {
        e = e.at_line(line_of(text, span.start));
    }
    e
}

/// What to do about a TOML error, by its kind.
fn help_for(message: &str) -> String {
    if message.contains("unknown field") {
        format!(
            "a policy has a `[defaults]` table and `[[rule]]` tables, which take {KEYS}, and a `[report]` \
             table, which takes `source_url`"
        )
    } else if message.contains("invalid type") {
        format!(
            "check the value's type: {KEYS} take strings, numbers or \"none\" as in the starter from `cargo wear init`"
        )
    } else {
        "fix the TOML syntax at this line (see https://toml.io)".to_owned()
    }
}

/// The 1-based line of a byte offset in `text`.
pub(super) fn line_of(text: &str, offset: usize) -> usize {
    line_of_bytes(text.as_bytes(), offset)
}

fn line_of_bytes(bytes: &[u8], offset: usize) -> usize {
    let end = offset.min(bytes.len());
    bytes[..end].iter().filter(|&&b| b == b'\n').count() + 1
}
