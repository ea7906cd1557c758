//! Reading one `wear-snapshot/2` (or `/1`) file (written by `wear::snapshot()`, see
//! `runtime/src/exporters/snapshot.rs`) into a [`Reading`], with an error naming the file, the line and
//! what to do for every way the file can be wrong.
//!
//! The file is read twice: once as plain JSON, to report syntax errors and to check the format
//! tag before anything else (a file that is not a snapshot at all should say so, not complain
//! about a missing field), then into the structs below, whose field types validate counts,
//! serials and instants so that serde_json reports the line of the offending value. Fields
//! this version does not use (latency, limits, pid, …) are ignored.
use std::collections::BTreeMap;
use std::fmt;
use std::path::Path;

use serde::Deserialize;
use serde::de::{Deserializer, Visitor};

use crate::bounded;
use crate::error::{Error, Result};
use crate::usage::series::{Counts, PartSerial, Reading, SeriesKey};

/// The format tag this version reads, and writes through `wear`.
pub const FORMAT: &str = wear::snapshot::FORMAT;

/// The format before `wear-serial/2`, still read: the same fields, serials of `wear-serial/1` (the join
/// counts them for the same code, see `assemble::current_usage`).
pub(crate) const FORMAT_1: &str = "wear-snapshot/1";

/// How to make a good snapshot file, for help texts.
const REGENERATE: &str = "take a new snapshot: run the program with WEAR_SNAPSHOT=PATH set, \
                          or call `wear::snapshot().write_to(path)`";

/// The bytes of the usage file at `path` (a snapshot or OTLP JSON), bounded by
/// [`bounded::USAGE`]; every way it cannot be read is an error naming it.
pub(crate) fn read_bytes(path: &Path) -> Result<Vec<u8>> {
    bounded::read(path, bounded::USAGE).map_err(|why| match why {
        why if why.is_folder() => Error::in_file(path, "is a folder, not a snapshot file")
            .help("give the path of a wear snapshot file (`*.json`)"),
        why => why.into_error(path, bounded::USAGE),
    })
}

/// Parses the bytes of a snapshot file; `path` is used for messages and as the reading's source.
pub fn parse(path: &Path, bytes: &[u8]) -> Result<Reading> {
    let probe: serde_json::Value = serde_json::from_slice(bytes).map_err(|e| json_error(path, &e))?;
    let format = probe.as_object().map(|fields| fields.get("format"));
    match format {
        Some(Some(serde_json::Value::String(tag))) if tag == FORMAT || tag == FORMAT_1 => {}
        Some(Some(serde_json::Value::String(tag))) if tag.starts_with("wear-snapshot/") => {
            return Err(at_key(
                Error::in_file(
                    path,
                    format!("snapshot format `{tag}` is newer than this cargo-wear reads ({FORMAT})"),
                ),
                bytes,
                "format",
            )
            .help("update cargo-wear to the version of the `wear` crate that wrote the file"));
        }
        Some(Some(other)) => {
            return Err(at_key(
                Error::in_file(path, format!("this is not a wear snapshot: \"format\" is {other}")),
                bytes,
                "format",
            )
            .help(format!("expected \"format\": \"{FORMAT}\"; {REGENERATE}")));
        }
        _ => {
            return Err(Error::in_file(path, "this is not a wear snapshot: it has no \"format\" field")
                .help(format!("expected a JSON object with \"format\": \"{FORMAT}\"; {REGENERATE}")));
        }
    }
    drop(probe);

    let raw: RawSnapshot = serde_json::from_slice(bytes).map_err(|e| json_error(path, &e))?;
    if raw.process.taken_at.0 < raw.process.started_at.0 {
        return Err(at_key(
            Error::in_file(
                path,
                "the snapshot was taken (`taken_at`) before its process started (`started_at`)",
            ),
            bytes,
            "taken_at",
        )
        .help(format!("the file was edited or damaged; {REGENERATE}")));
    }
    let mut parts: BTreeMap<PartSerial, Counts> = BTreeMap::new();
    for part in raw.parts {
        let counts = Counts {
            calls: part.calls.0,
            failures: part.failures.map(|n| n.0),
            busy_ns: part.busy_ns.map(|n| n.0),
        };
        // The same part and serial twice (the same function linked twice) are two counters.
        parts.entry(PartSerial { path: part.path.0, serial: part.serial.0 }).or_default().add(&counts);
    }
    Ok(Reading {
        series: SeriesKey { instance: raw.process.instance.0, started_ms: raw.process.started_at.0 },
        service: raw.process.service,
        taken_ms: raw.process.taken_at.0,
        source: path.to_owned(),
        parts,
    })
}

/// A JSON error as the user needs it: the line, what is wrong, and what to do.
fn json_error(path: &Path, e: &serde_json::Error) -> Error {
    // serde_json's message ends with " at line L column C": keep the column, the line goes
    // into the error's own field.
    let full = e.to_string();
    let suffix = format!(" at line {} column {}", e.line(), e.column());
    let message = full.strip_suffix(&suffix).unwrap_or(&full);
    let error = Error::in_file(path, format!("{message} (column {})", e.column()));
    let error = if e.line() > 0 { error.at_line(e.line()) } else { error };
    use serde_json::error::Category;
    match e.classify() {
        Category::Eof => {
            let message = format!("the file ends in the middle of the JSON (column {})", e.column());
            Error { message, ..error }.help(format!(
                "the snapshot was cut short (copied while being written, or a full disk?); {REGENERATE}"
            ))
        }
        Category::Syntax => {
            let message = format!("invalid JSON: {}", error.message);
            Error { message, ..error }.help(format!(
                "this is not a wear snapshot, or it was damaged; \
                 expected JSON with \"format\": \"{FORMAT}\"; {REGENERATE}"
            ))
        }
        Category::Data => {
            let message = format!("not a valid {FORMAT} snapshot: {}", error.message);
            Error { message, ..error }.help(format!("fix the file at that line, or {REGENERATE}"))
        }
        Category::Io => error.help("check that the file can be read"),
    }
}

/// Points `error` at the first line where `"key":` occurs (the top-level keys this is used for
/// are written once per file).
fn at_key(error: Error, bytes: &[u8], key: &str) -> Error {
    let needle = format!("\"{key}\"");
    let needle = needle.as_bytes();
    let found = bytes.windows(needle.len()).enumerate().find(|(at, window)| {
        *window == needle
            && bytes[at + needle.len()..]
                .iter()
                .find(|b| !b.is_ascii_whitespace())
                .is_some_and(|&b| b == b':')
    });
    match found {
        Some((at, _)) => {
            let line = 1 + bytes[..at].iter().filter(|&&b| b == b'\n').count();
            error.at_line(line)
        }
        None => error,
    }
}

#[derive(Deserialize)]
struct RawSnapshot {
    process: RawProcess,
    parts: Vec<RawPart>,
}

#[derive(Deserialize)]
struct RawProcess {
    #[serde(default)]
    service: String,
    instance: NonEmpty,
    started_at: Instant,
    taken_at: Instant,
}

#[derive(Deserialize)]
struct RawPart {
    path: NonEmpty,
    serial: Serial,
    calls: Count,
    #[serde(default)]
    failures: Option<Count>,
    #[serde(default)]
    busy_ns: Option<Count>,
}

// The checks below run inside serde_json's `visit_*` calls, so that it reports the position of
// the offending value itself (an error raised after deserializing would point at the end of
// the enclosing object).

/// A count: a whole number from 0 to `i64::MAX` (what the ledger can store; no real counter
/// gets near it, so a larger one means a damaged file).
struct Count(u64);

impl<'de> Deserialize<'de> for Count {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Count, D::Error> {
        deserializer.deserialize_any(CountVisitor)
    }
}

struct CountVisitor;

impl Visitor<'_> for CountVisitor {
    type Value = Count;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "a count (a whole number from 0 to {})", i64::MAX)
    }

    fn visit_u64<E: serde::de::Error>(self, n: u64) -> Result<Count, E> {
        if i64::try_from(n).is_ok() {
            Ok(Count(n))
        } else {
            Err(E::custom(format!("the count {n} is too large to be real (at most {})", i64::MAX)))
        }
    }

    fn visit_i64<E: serde::de::Error>(self, n: i64) -> Result<Count, E> {
        u64::try_from(n).map(Count).map_err(|_| E::custom(format!("a count cannot be negative, found {n}")))
    }

    fn visit_f64<E: serde::de::Error>(self, n: f64) -> Result<Count, E> {
        Err(E::custom(format!("a count is a whole number from 0 to {}, found {n}", i64::MAX)))
    }
}

/// A string value turned into a `T` by `check`, which says why when it cannot.
fn checked_str<'de, D: Deserializer<'de>, T>(
    deserializer: D,
    expecting: &'static str,
    check: fn(&str) -> std::result::Result<T, String>,
) -> Result<T, D::Error> {
    struct Checked<T> {
        expecting: &'static str,
        check: fn(&str) -> std::result::Result<T, String>,
    }
    impl<T> Visitor<'_> for Checked<T> {
        type Value = T;
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str(self.expecting)
        }
        fn visit_str<E: serde::de::Error>(self, text: &str) -> Result<T, E> {
            (self.check)(text).map_err(E::custom)
        }
    }
    deserializer.deserialize_str(Checked { expecting, check })
}

/// A serial: 16 hex digits, kept in lowercase.
struct Serial(String);

impl<'de> Deserialize<'de> for Serial {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Serial, D::Error> {
        checked_str(deserializer, "a serial (16 hex digits)", |text| {
            if text.len() == 16 && text.bytes().all(|b| b.is_ascii_hexdigit()) {
                Ok(text.to_ascii_lowercase())
            } else {
                Err(format!("a serial is 16 hex digits, found {text:?}"))
            }
        })
        .map(Serial)
    }
}

/// An RFC 3339 instant, in milliseconds since the Unix epoch.
struct Instant(i64);

impl<'de> Deserialize<'de> for Instant {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Instant, D::Error> {
        checked_str(deserializer, "an RFC 3339 instant", |text| match text.parse::<jiff::Timestamp>() {
            Ok(ts) => Ok(Instant(ts.as_millisecond())),
            Err(_) => Err(format!("{text:?} is not an RFC 3339 instant like \"2026-11-21T09:00:00.000Z\"")),
        })
    }
}

/// A string that is not empty.
struct NonEmpty(String);

impl<'de> Deserialize<'de> for NonEmpty {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<NonEmpty, D::Error> {
        checked_str(deserializer, "a string that is not empty", |text| {
            if text.trim().is_empty() {
                Err("this value must not be empty".to_owned())
            } else {
                Ok(text.to_owned())
            }
        })
        .map(NonEmpty)
    }
}
