//! Reading a `wear-snapshot/1` file back into `wear::Snapshot` for the end-to-end tests,
//! through `serde_json::Value` (the runtime's structs have no serde derives, see
//! `runtime/src/exporters/snapshot.rs`). Strict on purpose: a missing field, a field of the wrong type or
//! one the format does not define fails the test, so every test that reads a snapshot also
//! checks what the runtime's JSON writer wrote.
#![allow(dead_code, reason = "each test file uses a different part of the support module")]

use std::path::Path;

use serde_json::{Map, Value};
use wear::snapshot::{Latency, PartLimits, PartReading, ProcessInfo, Snapshot};

/// The snapshot in the file at `path`.
pub fn read(path: &Path) -> Snapshot {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    parse(&text)
}

/// The snapshot `text` holds; panics, saying what is wrong, when it is not one.
pub fn parse(text: &str) -> Snapshot {
    let value: Value = serde_json::from_str(text).unwrap_or_else(|e| panic!("not JSON ({e}): {text}"));
    let top = object(&value, "the snapshot", &["format", "process", "parts"], &[]);
    let process = object(
        &top["process"],
        "process",
        &["service", "version", "instance", "pid", "started_at", "taken_at", "collect_us"],
        &["revision"],
    );
    let parts = top["parts"].as_array().unwrap_or_else(|| panic!("parts is not an array: {}", top["parts"]));
    Snapshot {
        format: string(&top["format"]),
        process: ProcessInfo {
            service: string(&process["service"]),
            version: string(&process["version"]),
            revision: process.get("revision").map(string),
            instance: string(&process["instance"]),
            pid: u32::try_from(number(&process["pid"])).expect("pid fits a u32"),
            started_at: string(&process["started_at"]),
            taken_at: string(&process["taken_at"]),
            collect_us: number(&process["collect_us"]),
        },
        parts: parts.iter().map(part).collect(),
    }
}

fn part(value: &Value) -> PartReading {
    let part = object(
        value,
        "a part",
        &["path", "file", "lines", "serial", "calls"],
        &["failures", "busy_ns", "latency_ns", "limits"],
    );
    let lines: Vec<u32> = part["lines"]
        .as_array()
        .unwrap_or_else(|| panic!("lines is not an array: {value}"))
        .iter()
        .map(|line| u32::try_from(number(line)).expect("a line fits a u32"))
        .collect();
    let lines: [u32; 2] = lines.try_into().unwrap_or_else(|_| panic!("lines is not two numbers: {value}"));
    PartReading {
        path: string(&part["path"]),
        file: string(&part["file"]),
        lines,
        serial: string(&part["serial"]),
        calls: number(&part["calls"]),
        failures: part.get("failures").map(number),
        busy_ns: part.get("busy_ns").map(number),
        latency_ns: part.get("latency_ns").map(|latency| {
            let latency = object(latency, "latency_ns", &["count", "mean", "p50", "p90", "p99", "max"], &[]);
            Latency {
                count: number(&latency["count"]),
                mean: number(&latency["mean"]),
                p50: number(&latency["p50"]),
                p90: number(&latency["p90"]),
                p99: number(&latency["p99"]),
                max: number(&latency["max"]),
            }
        }),
        limits: part.get("limits").map(|limits| {
            let limits = object(limits, "limits", &[], &["calls", "busy", "interval"]);
            PartLimits {
                calls: limits.get("calls").map(number),
                busy: limits.get("busy").map(string),
                interval: limits.get("interval").map(string),
            }
        }),
    }
}

/// `value` as an object with every `required` key and no key outside `required` and `optional`.
fn object<'a>(value: &'a Value, what: &str, required: &[&str], optional: &[&str]) -> &'a Map<String, Value> {
    let fields = value.as_object().unwrap_or_else(|| panic!("{what} is not an object: {value}"));
    for key in required {
        assert!(fields.contains_key(*key), "{what} has no `{key}`: {value}");
    }
    for key in fields.keys() {
        assert!(
            required.contains(&key.as_str()) || optional.contains(&key.as_str()),
            "{what} has `{key}`: {value}"
        );
    }
    fields
}

fn string(value: &Value) -> String {
    value.as_str().unwrap_or_else(|| panic!("not a string: {value}")).to_owned()
}

fn number(value: &Value) -> u64 {
    value.as_u64().unwrap_or_else(|| panic!("not a whole number from 0 to u64::MAX: {value}"))
}
