//! The Prometheus text exposition format (version 0.0.4) of a set of readings: `# HELP` and
//! `# TYPE` lines, one sample per part and family, label values escaped, and a `target_info`
//! gauge naming the process.
use std::fmt::Write;

use crate::Service;
use crate::exporters::export::{ExportReading, LATENCY_BOUNDS, le_label, names};

/// `Content-Type` of the text this module writes.
pub const CONTENT_TYPE: &str = "text/plain; version=0.0.4; charset=utf-8";

/// Label names of the process identity, on every series.
const SERVICE_NAME: &str = "service_name";
const SERVICE_VERSION: &str = "service_version";
const SERVICE_INSTANCE_ID: &str = "service_instance_id";
const VCS_REVISION: &str = "vcs_ref_head_revision";

/// The process the readings come from.
pub(crate) struct Identity<'a> {
    pub(crate) service: &'a Service,
    pub(crate) instance: &'a str,
}

/// The exposition of `readings`, in the order given. Families with no sample (no `timed` part,
/// no part counting failures) are left out entirely.
pub(crate) fn render(readings: &[ExportReading], identity: &Identity<'_>) -> String {
    // About 300 bytes per sample; timed parts have 25 samples.
    let samples: usize = readings
        .iter()
        .map(|r| 1 + usize::from(r.failures.is_some()) + 24 * usize::from(r.latency.is_some()))
        .sum();
    let mut out = String::with_capacity(1024 + samples.saturating_mul(300));
    let process = format!(
        "{SERVICE_NAME}=\"{}\",{SERVICE_INSTANCE_ID}=\"{}\"",
        escape(&identity.service.name),
        escape(identity.instance)
    );
    let labels: Vec<String> = readings.iter().map(|r| part_labels(r, &process)).collect();

    target_info(&mut out, identity);
    family(&mut out, names::PROM_CALLS, "Calls of each tracked function since the process started.");
    for (reading, labels) in readings.iter().zip(&labels) {
        sample(&mut out, names::PROM_CALLS, labels, "", reading.calls);
    }
    if readings.iter().any(|r| r.failures.is_some()) {
        family(
            &mut out,
            names::PROM_FAILURES,
            "Calls that returned Err or unwound, for parts tracked with `failures`.",
        );
        for (reading, labels) in readings.iter().zip(&labels) {
            if let Some(failures) = reading.failures {
                sample(&mut out, names::PROM_FAILURES, labels, "", failures);
            }
        }
    }
    if readings.iter().any(|r| r.busy_seconds.is_some()) {
        family(&mut out, names::PROM_BUSY_TIME, "Time spent inside each `timed` part, in seconds.");
        for (reading, labels) in readings.iter().zip(&labels) {
            if let Some(busy) = reading.busy_seconds {
                sample(&mut out, names::PROM_BUSY_TIME, labels, "", float(busy));
            }
        }
    }
    if readings.iter().any(|r| r.latency.is_some()) {
        family(
            &mut out,
            names::PROM_LATENCY_BUCKET,
            "Calls of each `timed` part that took at most `le` seconds (cumulative; `+Inf` counts every call; calls under a microsecond are sampled).",
        );
        let bounds: Vec<String> = LATENCY_BOUNDS
            .iter()
            .map(|&b| le_label(b))
            .chain(["+Inf".to_owned()])
            .map(|bound| format!(",{}=\"{bound}\"", names::LE))
            .collect();
        for (reading, labels) in readings.iter().zip(&labels) {
            if let Some(latency) = &reading.latency {
                for (le, count) in bounds.iter().zip(latency) {
                    sample(&mut out, names::PROM_LATENCY_BUCKET, labels, le, count);
                }
            }
        }
    }
    out
}

/// `target_info 1` with every resource attribute, as OpenTelemetry's Prometheus translation
/// writes it, so that `service_version` and the revision can be joined onto any series.
fn target_info(out: &mut String, identity: &Identity<'_>) {
    family_typed(out, "target_info", "Target metadata", "gauge");
    let service = identity.service;
    let _ = write!(
        out,
        "target_info{{{SERVICE_NAME}=\"{}\",{SERVICE_VERSION}=\"{}\",{SERVICE_INSTANCE_ID}=\"{}\"",
        escape(&service.name),
        escape(&service.version),
        escape(identity.instance)
    );
    if let Some(revision) = &service.revision {
        let _ = write!(out, ",{VCS_REVISION}=\"{}\"", escape(revision));
    }
    out.push_str("} 1\n");
}

/// A part's labels, then the process's, without braces.
fn part_labels(reading: &ExportReading, process: &str) -> String {
    format!(
        "{}=\"{}\",{}=\"{}\",{}=\"{}\",{}=\"{:016x}\",{process}",
        prom(names::FUNCTION),
        escape(reading.path),
        prom(names::FILE),
        escape(reading.file),
        prom(names::LINE),
        reading.line,
        prom(names::SERIAL),
        reading.serial,
    )
}

/// The Prometheus form of an attribute key: `.` becomes `_`.
fn prom(key: &str) -> String {
    key.replace('.', "_")
}

fn family(out: &mut String, name: &str, help: &str) {
    family_typed(out, name, help, "counter");
}

fn family_typed(out: &mut String, name: &str, help: &str, kind: &str) {
    let _ = writeln!(out, "# HELP {name} {}", escape_help(help));
    let _ = writeln!(out, "# TYPE {name} {kind}");
}

fn sample(out: &mut String, name: &str, labels: &str, extra: &str, value: impl std::fmt::Display) {
    // Writing to a String cannot fail.
    let _ = writeln!(out, "{name}{{{labels}{extra}}} {value}");
}

/// A label value with `\`, `"` and line feeds escaped, as the format requires.
pub(crate) fn escape(value: &str) -> std::borrow::Cow<'_, str> {
    if !value.contains(['\\', '"', '\n']) {
        return value.into();
    }
    let mut out = String::with_capacity(value.len() + 8);
    for c in value.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            '\n' => out.push_str("\\n"),
            c => out.push(c),
        }
    }
    out.into()
}

/// Help text with `\` and line feeds escaped (quotes stay as they are there).
fn escape_help(help: &str) -> String {
    help.replace('\\', "\\\\").replace('\n', "\\n")
}

/// A sample value: finite floats in Rust's shortest round-trip form (which Prometheus parses),
/// and the spellings the format uses for the others.
fn float(value: f64) -> String {
    if value.is_nan() {
        "NaN".to_owned()
    } else if value.is_infinite() {
        if value > 0.0 { "+Inf" } else { "-Inf" }.to_owned()
    } else {
        format!("{value:?}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn label_values_escape_backslash_quote_and_line_feed() {
        assert_eq!(escape("plain::path"), "plain::path");
        assert_eq!(escape(r#"a\b"c"#), r#"a\\b\"c"#);
        assert_eq!(escape("one\ntwo"), "one\\ntwo");
        assert_eq!(escape("tab\tstays"), "tab\tstays");
    }

    #[test]
    fn bounds_are_written_like_go_clients_write_them() {
        let written: Vec<String> = LATENCY_BOUNDS.iter().map(|&b| le_label(b)).collect();
        assert_eq!(
            written,
            [
                "1e-06", "2.5e-06", "5e-06", "1e-05", "2.5e-05", "5e-05", "0.0001", "0.00025", "0.0005",
                "0.001", "0.0025", "0.005", "0.01", "0.025", "0.05", "0.1", "0.25", "0.5", "1", "2.5", "5",
                "10"
            ]
        );
        assert_eq!(le_label(1e6), "1e+06");
        assert_eq!(le_label(123456.0), "123456");
        assert_eq!(le_label(f64::INFINITY), "+Inf");
    }

    #[test]
    fn sample_values_parse_back() {
        for value in [0.0, 1.5, 1e-9, 123456789.125, 1e300] {
            assert_eq!(float(value).parse::<f64>().ok(), Some(value));
        }
        assert_eq!(float(f64::NAN), "NaN");
    }

    #[test]
    fn empty_families_are_left_out_and_identity_is_on_every_sample() {
        let service = Service::new("shop \"eu\"", "1.2.3").with_revision(Some("abc"));
        let identity = Identity { service: &service, instance: "00ff" };
        let reading = ExportReading {
            path: "shop::add",
            file: "src/lib.rs",
            line: 7,
            serial: 0xab,
            calls: 3,
            failures: None,
            busy_seconds: None,
            latency: None,
        };
        let text = render(&[reading], &identity);
        assert_eq!(
            text,
            "# HELP target_info Target metadata\n\
             # TYPE target_info gauge\n\
             target_info{service_name=\"shop \\\"eu\\\"\",service_version=\"1.2.3\",service_instance_id=\"00ff\",vcs_ref_head_revision=\"abc\"} 1\n\
             # HELP wear_part_calls_total Calls of each tracked function since the process started.\n\
             # TYPE wear_part_calls_total counter\n\
             wear_part_calls_total{code_function_name=\"shop::add\",code_file_path=\"src/lib.rs\",code_line_number=\"7\",wear_part_serial=\"00000000000000ab\",service_name=\"shop \\\"eu\\\"\",service_instance_id=\"00ff\"} 3\n"
        );
    }
}
