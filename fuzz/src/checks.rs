//! One check per parser of outside input, shared by the libFuzzer targets (`fuzz/fuzz_targets/`)
//! and the stable replay of their corpora (`cli/tests/fuzz_corpus.rs`, which includes this file
//! by `#[path]`, so the checks stay out of the shipped `wear_cli` library and need no nightly).
//!
//! Each check feeds arbitrary bytes to the parser exactly as `cargo wear` does and panics when
//! the parser panics or when a cheap invariant fails: a refusal names the file (or backend) and
//! a line that exists; an accepted document read again in another layout, or written afresh
//! from what was read, reads the same; a serial does not move when whitespace and comments are
//! put between the tokens of a source file. One check goes the other way: `snapshot_writer`
//! builds a snapshot from the bytes and checks that what the runtime writes reads back.
use std::collections::BTreeMap;
use std::path::Path;

use proc_macro2::{TokenStream, TokenTree};
use serde_json::{Value, json};
use wear::snapshot::{Latency, PartLimits, PartReading, ProcessInfo, Snapshot};
use wear_cli::Error;
use wear_cli::policy::{Logbook, append_signoff, parse_policy_text};
use wear_cli::usage::prometheus::response;
use wear_cli::usage::{Counts, PartSerial, Reading, SeriesKey, otlp, snapshot};
use wear_identity::args::Limits;
use wear_identity::serial::serial_of_source;
use wear_identity::site::{FnSite, sites_in_source};

/// The name every document is read under, so that messages can be checked for it.
pub const FILE: &str = "fuzzed-input";
/// The backend URL Prometheus answers are attributed to.
pub const URL: &str = "http://prometheus.fuzz:9090";

/// A check: panics when the parser panics or breaks an invariant on these bytes.
pub type Check = fn(&[u8]);

/// Every check by the name of its fuzz target (and corpus folder).
pub const TARGETS: &[(&str, Check)] = &[
    ("snapshot", snapshot),
    ("snapshot_writer", snapshot_writer),
    ("otlp", otlp),
    ("prometheus", prometheus),
    ("policy", policy),
    ("logbook", logbook),
    ("source", source),
];

/// A refusal of `text` must name the file and, if it gives a line, one the text has.
fn names_file(error: &Error, text: &[u8]) {
    assert_eq!(error.file.as_deref(), Some(Path::new(FILE)), "the error does not name the file: {error}");
    if let Some(line) = error.line {
        let lines = 1 + text.iter().filter(|&&b| b == b'\n').count();
        assert!((1..=lines).contains(&line), "line {line} of a text of {lines} lines: {error}");
    }
    assert!(error.to_string().starts_with(FILE), "the message does not start with the file: {error}");
}

/// What a reading says, without where it was read from.
fn usage_of(reading: &Reading) {
    assert!(!reading.series.instance.trim().is_empty(), "a reading without an instance");
    assert!(reading.taken_ms >= reading.series.started_ms, "a reading taken before its start");
    for part in reading.parts.keys() {
        assert!(!part.path.is_empty(), "a part without a path");
        assert!(
            part.serial.len() == 16 && part.serial.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f')),
            "serial {:?} is not 16 lowercase hex digits",
            part.serial
        );
    }
}

/// A snapshot file (`wear-snapshot/1` JSON).
pub fn snapshot(data: &[u8]) {
    let path = Path::new(FILE);
    let reading = match snapshot::parse(path, data) {
        Ok(reading) => reading,
        Err(e) => return names_file(&e, data),
    };
    usage_of(&reading);
    // The same JSON laid out another way reads the same.
    let value: Value = serde_json::from_slice(data).expect("a snapshot that was read is JSON");
    let pretty = serde_json::to_vec_pretty(&value).expect("JSON serialises");
    assert_eq!(
        snapshot::parse(path, &pretty).as_ref(),
        Ok(&reading),
        "re-laid out snapshot reads differently"
    );
    // A snapshot written afresh from the reading reads the same; unless entries of one part
    // added up past `i64::MAX`, which one entry may not hold (`cargo wear ingest` refuses such a
    // reading with an error naming the file).
    let most = i64::MAX as u64;
    let fits = |n: Option<u64>| n.is_none_or(|n| n <= most);
    if !reading.parts.values().all(|c| fits(Some(c.calls)) && fits(c.failures) && fits(c.busy_ns)) {
        return;
    }
    let instant =
        |ms: i64| jiff::Timestamp::from_millisecond(ms).expect("an instant that was read").to_string();
    let parts: Vec<Value> = reading
        .parts
        .iter()
        .map(|(part, counts)| {
            let mut entry = json!({"path": part.path, "serial": part.serial, "calls": counts.calls});
            if let Some(failures) = counts.failures {
                entry["failures"] = json!(failures);
            }
            if let Some(busy) = counts.busy_ns {
                entry["busy_ns"] = json!(busy);
            }
            entry
        })
        .collect();
    let fresh = json!({
        "format": snapshot::FORMAT,
        "process": {
            "service": reading.service,
            "instance": reading.series.instance,
            "started_at": instant(reading.series.started_ms),
            "taken_at": instant(reading.taken_ms),
        },
        "parts": parts,
    });
    let fresh = serde_json::to_vec(&fresh).expect("JSON serialises");
    assert_eq!(
        snapshot::parse(path, &fresh).as_ref(),
        Ok(&reading),
        "a snapshot written afresh reads differently"
    );
}

/// The bytes read as the values of a snapshot: each value takes what it needs from the front,
/// and an input that runs out reads as zeros and empty strings, so every input is a snapshot.
struct Bytes<'a>(&'a [u8]);

impl Bytes<'_> {
    fn byte(&mut self) -> u8 {
        let Some((&first, rest)) = self.0.split_first() else { return 0 };
        self.0 = rest;
        first
    }

    fn flag(&mut self) -> bool {
        self.byte() & 1 == 1
    }

    fn u64(&mut self) -> u64 {
        match self.byte() % 8 {
            0 => 0,
            1 => u64::MAX,
            2 => i64::MAX as u64,
            3 => i64::MAX as u64 + 1,
            4 | 5 => u64::from(self.byte()),
            _ => u64::from_le_bytes(std::array::from_fn(|_| self.byte())),
        }
    }

    fn u32(&mut self) -> u32 {
        u32::from_le_bytes(std::array::from_fn(|_| self.byte()))
    }

    fn option<T>(&mut self, value: impl FnOnce(&mut Self) -> T) -> Option<T> {
        self.flag().then(|| value(self))
    }

    /// Up to 31 characters: a byte below 0x80 is that ASCII character (control characters,
    /// quotes and backslashes included); above, the next three bytes pick any code point.
    fn text(&mut self) -> String {
        let len = self.byte() % 32;
        (0..len)
            .map(|_| match self.byte() {
                ascii @ 0..=0x7f => char::from(ascii),
                _ => {
                    let code = u32::from_le_bytes([self.byte(), self.byte(), self.byte(), 0]) % 0x11_0000;
                    char::from_u32(code).unwrap_or('\u{fffd}')
                }
            })
            .collect()
    }

    /// An instant as the runtime writes it, or (now and then) any text.
    fn instant(&mut self) -> String {
        if self.byte().is_multiple_of(8) {
            return self.text();
        }
        // Up to 9999-12-30T22:00:00Z, the last instant jiff reads.
        let ms = self.u64() % 253_402_207_200_001;
        let time = jiff::Timestamp::from_millisecond(ms as i64).expect("within jiff's range");
        time.strftime("%Y-%m-%dT%H:%M:%S%.3fZ").to_string()
    }

    fn snapshot(&mut self) -> Snapshot {
        let format = if self.byte().is_multiple_of(8) { self.text() } else { snapshot::FORMAT.to_owned() };
        let process = ProcessInfo {
            service: self.text(),
            version: self.text(),
            revision: self.option(Self::text),
            instance: self.text(),
            pid: self.u32(),
            started_at: self.instant(),
            taken_at: self.instant(),
            collect_us: self.u64(),
        };
        let parts = (0..self.byte() % 8).map(|_| self.part()).collect();
        Snapshot { format, process, parts }
    }

    fn part(&mut self) -> PartReading {
        PartReading {
            path: self.text(),
            file: self.text(),
            lines: [self.u32(), self.u32()],
            // A few serials, so that parts share one now and then.
            serial: format!("{:016x}", self.byte() % 4),
            calls: self.u64(),
            failures: self.option(Self::u64),
            busy_ns: self.option(Self::u64),
            latency_ns: self.option(|b| Latency {
                count: b.u64(),
                mean: b.u64(),
                p50: b.u64(),
                p90: b.u64(),
                p99: b.u64(),
                max: b.u64(),
            }),
            limits: self.option(|b| PartLimits {
                calls: b.option(Self::u64),
                busy: b.option(Self::text),
                interval: b.option(Self::text),
            }),
        }
    }
}

/// The JSON value a snapshot stands for, built field by field.
fn value_of(s: &Snapshot) -> Value {
    let p = &s.process;
    let mut process = json!({
        "service": p.service, "version": p.version, "instance": p.instance, "pid": p.pid,
        "started_at": p.started_at, "taken_at": p.taken_at, "collect_us": p.collect_us,
    });
    if let Some(revision) = &p.revision {
        process["revision"] = json!(revision);
    }
    let parts: Vec<Value> = s
        .parts
        .iter()
        .map(|part| {
            let mut entry = json!({
                "path": part.path, "file": part.file, "lines": part.lines, "serial": part.serial,
                "calls": part.calls,
            });
            if let Some(failures) = part.failures {
                entry["failures"] = json!(failures);
            }
            if let Some(busy) = part.busy_ns {
                entry["busy_ns"] = json!(busy);
            }
            if let Some(l) = part.latency_ns {
                entry["latency_ns"] =
                    json!({"count": l.count, "mean": l.mean, "p50": l.p50, "p90": l.p90, "p99": l.p99, "max": l.max});
            }
            if let Some(limits) = &part.limits {
                let mut out = json!({});
                if let Some(calls) = limits.calls {
                    out["calls"] = json!(calls);
                }
                if let Some(busy) = &limits.busy {
                    out["busy"] = json!(busy);
                }
                if let Some(interval) = &limits.interval {
                    out["interval"] = json!(interval);
                }
                entry["limits"] = out;
            }
            entry
        })
        .collect();
    json!({"format": s.format, "process": process, "parts": parts})
}

/// What `cargo wear` must read from a snapshot, or `None` when one of its rules refuses it.
fn reading_of(s: &Snapshot) -> Option<Reading> {
    let instant = |text: &str| text.parse::<jiff::Timestamp>().ok().map(|t| t.as_millisecond());
    let started = instant(&s.process.started_at)?;
    let taken = instant(&s.process.taken_at)?;
    let fits = |n: Option<u64>| n.is_none_or(|n| n <= i64::MAX as u64);
    let readable = s.format == snapshot::FORMAT
        && !s.process.instance.trim().is_empty()
        && taken >= started
        && s.parts
            .iter()
            .all(|p| !p.path.trim().is_empty() && fits(Some(p.calls)) && fits(p.failures) && fits(p.busy_ns));
    if !readable {
        return None;
    }
    let mut parts: BTreeMap<PartSerial, Counts> = BTreeMap::new();
    for p in &s.parts {
        let counts = Counts { calls: p.calls, failures: p.failures, busy_ns: p.busy_ns };
        parts.entry(PartSerial { path: p.path.clone(), serial: p.serial.clone() }).or_default().add(&counts);
    }
    Some(Reading {
        series: SeriesKey { instance: s.process.instance.clone(), started_ms: started },
        service: s.process.service.clone(),
        taken_ms: taken,
        source: Path::new(FILE).to_owned(),
        parts,
    })
}

/// The runtime's snapshot writer (`wear::snapshot::Snapshot::to_json`) on a snapshot made of the
/// bytes: serde_json reads back the value of every field, and `cargo wear` reads the snapshot
/// (or refuses it, naming the file, exactly when one of its rules is broken).
pub fn snapshot_writer(data: &[u8]) {
    let written = Bytes(data).snapshot();
    let json = written.to_json();
    let value: Value = serde_json::from_str(&json).unwrap_or_else(|e| panic!("not JSON ({e}): {json}"));
    assert_eq!(value, value_of(&written), "the JSON does not hold the snapshot's values: {json}");
    let path = Path::new(FILE);
    match (snapshot::parse(path, json.as_bytes()), reading_of(&written)) {
        (Ok(reading), Some(expected)) => {
            assert_eq!(reading, expected, "cargo wear read something else: {json}")
        }
        (Err(e), None) => names_file(&e, json.as_bytes()),
        (Ok(_), None) => panic!("cargo wear read a snapshot it must refuse: {json}"),
        (Err(e), Some(_)) => panic!("cargo wear refused a good snapshot: {e}\n{json}"),
    }
}

/// An OTLP JSON file (one `ExportMetricsServiceRequest` per line).
pub fn otlp(data: &[u8]) {
    let path = Path::new(FILE);
    let readings = match otlp::parse(path, data) {
        Ok(readings) => readings,
        Err(e) => return names_file(&e, data),
    };
    assert!(!readings.is_empty(), "an OTLP file read as no readings at all");
    for reading in &readings {
        usage_of(reading);
        assert!(!reading.parts.is_empty(), "a series without parts");
    }
    assert!(readings.windows(2).all(|w| w[0].series < w[1].series), "series not sorted or repeated");
    // Cumulative points: reading the file twice over changes nothing, nor do CRLF line ends.
    let mut twice = data.to_vec();
    twice.push(b'\n');
    twice.extend_from_slice(data);
    assert_eq!(otlp::parse(path, &twice).as_ref(), Ok(&readings), "the file twice over reads differently");
    let crlf: Vec<u8> =
        data.iter().flat_map(|&b| if b == b'\n' { vec![b'\r', b'\n'] } else { vec![b] }).collect();
    assert_eq!(otlp::parse(path, &crlf).as_ref(), Ok(&readings), "CRLF line ends read differently");
}

/// An answer of the Prometheus query API.
pub fn prometheus(data: &[u8]) {
    let body = String::from_utf8_lossy(data);
    let answer = match response::parse(URL, "wear_part_calls_total", &body) {
        Ok(answer) => answer,
        Err(e) => {
            assert!(e.to_string().contains(URL), "the error does not name the backend: {e}");
            return;
        }
    };
    assert!(answer.samples.iter().all(|s| s.value.is_finite()), "a sample value that is not finite");
    // The answer written afresh reads the same.
    let result: Vec<Value> = answer
        .samples
        .iter()
        .map(|s| json!({"metric": s.labels, "value": [1_763_715_600.5, s.value.to_string()]}))
        .collect();
    let fresh = json!({
        "status": "success",
        "data": {"resultType": "vector", "result": result},
        "warnings": answer.warnings,
    });
    let fresh = serde_json::to_string_pretty(&fresh).expect("JSON serialises");
    assert_eq!(
        response::parse(URL, "q", &fresh).as_ref(),
        Ok(&answer),
        "an answer written afresh reads differently"
    );
}

/// A `wear.toml` policy.
pub fn policy(data: &[u8]) {
    let path = Path::new(FILE);
    let text = String::from_utf8_lossy(data);
    let policy = match parse_policy_text(path, &text) {
        Ok(policy) => policy,
        Err(e) => return names_file(&e, text.as_bytes()),
    };
    for settings in std::iter::once(&policy.defaults).chain(policy.rules.iter().map(|r| &r.settings)) {
        assert!(settings.due_soon.is_none_or(|d| d > 0.0 && d <= 1.0), "due_soon out of (0, 1]");
        assert!(settings.age.is_none_or(|age| age.is_none_or(|s| s >= 1)), "an age under a second");
        assert!(settings.calls.is_none_or(|calls| calls.is_none_or(|c| c >= 1)), "a calls limit of 0");
    }
    for (part, file) in [("shop::cart::Cart::add", "src/cart.rs"), ("", ""), ("a", "b/c/d.rs")] {
        let limits = policy.limits_for(part, file, &Limits::default());
        assert!(limits.due_soon > 0.0 && limits.due_soon <= 1.0, "effective due_soon out of (0, 1]");
    }
    // A comment after the last line changes nothing.
    let commented = format!("{text}\n# fuzz\n");
    let again = parse_policy_text(path, &commented).expect("a policy with a comment added reads");
    assert_eq!(policy_facts(&again), policy_facts(&policy), "a comment changed the policy");
}

/// What a policy says: its defaults and each rule's patterns and settings.
fn policy_facts(policy: &wear_cli::policy::Policy) -> String {
    let rules: Vec<_> = policy
        .rules
        .iter()
        .map(|r| {
            let parts = r.parts.as_ref().map(|g| g.glob().glob());
            (parts, r.files.as_ref().map(|g| g.glob().glob()), &r.settings)
        })
        .collect();
    format!("{:?} {:?} {rules:?}", policy.source, policy.defaults)
}

/// A `wear-logbook.toml`.
pub fn logbook(data: &[u8]) {
    let path = Path::new(FILE);
    let text = String::from_utf8_lossy(data);
    let logbook = match Logbook::parse(path, &text) {
        Ok(logbook) => logbook,
        Err(e) => return names_file(&e, text.as_bytes()),
    };
    for entry in logbook.entries() {
        assert!(!entry.part.trim().is_empty(), "a sign-off without a part");
        assert!(entry.serial.parse::<wear_identity::Serial>().is_ok(), "a sign-off without a serial");
        let latest = logbook.latest(&entry.part, &entry.serial).expect("the part's latest sign-off");
        assert!(latest.part == entry.part && latest.date >= entry.date, "latest() is not the latest");
    }
    let commented = format!("{text}\n# fuzz\n");
    let again = Logbook::parse(path, &commented).expect("a logbook with a comment added reads");
    assert_eq!(again, logbook, "a comment changed the logbook");
    // `cargo wear inspect` appends to a logbook it reads: the first entry again, as a new block
    // after the text, reads back as the old entries plus that one. Only sign-offs written as an
    // inline array (`signoff = [...]`) take no block after them: then the error says so, names
    // the file and leaves it as it was, and the entry alone still makes a logbook.
    let Some(entry) = logbook.entries().first().filter(|e| !e.by.trim().is_empty()) else { return };
    let dir = tempfile::tempdir().expect("a temporary folder");
    let file = dir.path().join("wear-logbook.toml");
    std::fs::write(&file, text.as_bytes()).expect("writes the logbook");
    match append_signoff(&file, entry) {
        Ok(()) => {
            let after = Logbook::load(&file).expect("the appended logbook reads");
            assert_eq!(after.entries().len(), logbook.entries().len() + 1);
            assert_eq!(&after.entries()[..logbook.entries().len()], logbook.entries());
            assert_eq!(after.entries().last(), Some(entry));
        }
        Err(e) => {
            assert!(e.message.contains("cannot be appended"), "cannot append {entry:?}: {e}");
            assert_eq!(e.file.as_deref(), Some(file.as_path()), "{e}");
            assert_eq!(std::fs::read(&file).expect("reads"), text.as_bytes(), "a refused append wrote");
            let alone = dir.path().join("alone.toml");
            append_signoff(&alone, entry).unwrap_or_else(|e| panic!("{entry:?} alone: {e}"));
            assert_eq!(Logbook::load(&alone).expect("reads").entries(), std::slice::from_ref(entry));
        }
    }
}

/// What a site says, for comparing two scans of the same code (the spans of the attribute's
/// flags are left out: they are offsets into proc-macro2's table of every text it has parsed).
fn site_facts(site: &FnSite, with_lines: bool) -> String {
    let tracked = site.tracked.as_ref().map(|args| {
        args.as_ref().map(|a| (a.timed.is_some(), a.failures.is_some(), a.skip.is_some(), a.limits))
    });
    let lines = if with_lines { format!("{} {:?}", site.name_line, site.lines) } else { String::new() };
    format!(
        "{} {:?} {:?} {:?} {lines} {} {} {:?}",
        site.name, site.owner, site.within, site.inline_modules, site.serial, site.is_const, tracked
    )
}

/// Whether a text holds doc comments (or what a lexer could take for them).
fn has_doc_comments(text: &str) -> bool {
    ["///", "//!", "/**", "/*!"].iter().any(|doc| text.contains(doc))
}

fn all_facts(sites: &[FnSite], with_lines: bool) -> Vec<String> {
    sites.iter().map(|s| site_facts(s, with_lines)).collect()
}

/// Writes `tokens` back as text with `gap` between every two tokens that are not joined (a
/// joined punctuation character is part of an operator such as `->` or of a lifetime).
fn render(tokens: TokenStream, gap: &str, out: &mut String) {
    for tree in tokens {
        match tree {
            TokenTree::Group(group) => {
                let (open, close) = match group.delimiter() {
                    proc_macro2::Delimiter::Parenthesis => ("(", ")"),
                    proc_macro2::Delimiter::Brace => ("{", "}"),
                    proc_macro2::Delimiter::Bracket => ("[", "]"),
                    proc_macro2::Delimiter::None => ("", ""),
                };
                out.push_str(open);
                out.push_str(gap);
                render(group.stream(), gap, out);
                out.push_str(close);
            }
            TokenTree::Ident(ident) => out.push_str(&ident.to_string()),
            TokenTree::Literal(literal) => out.push_str(&literal.to_string()),
            TokenTree::Punct(punct) => {
                out.push(punct.as_char());
                if punct.spacing() == proc_macro2::Spacing::Joint {
                    continue;
                }
            }
        }
        out.push_str(gap);
    }
}

/// `text`'s tokens written back with a space, and with a comment, between every two; `None`
/// when the text does not tokenize or starts with what `syn` strips (a byte order mark, `#!`
/// not followed by `[`). Doc comments come back as `#[doc = "..."]`, which is what they are.
fn rewritten(text: &str) -> Option<(String, String)> {
    if text.starts_with('\u{feff}') || (text.starts_with("#!") && !text[2..].trim_start().starts_with('[')) {
        return None;
    }
    let tokens: TokenStream = text.parse().ok()?;
    let (mut spaced, mut commented) = (String::new(), String::new());
    render(tokens.clone(), " ", &mut spaced);
    render(tokens, " /* c */ ", &mut commented);
    Some((spaced, commented))
}

/// Whether proc-macro2 gives line numbers: not when built with `cfg(fuzzing)`, as cargo-fuzz
/// builds, so lines are checked when the corpus is replayed on stable (`cli/tests/fuzz_corpus.rs`).
#[allow(unexpected_cfgs)]
fn spans_have_lines() -> bool {
    !cfg!(fuzzing)
}

/// A Rust source file: the functions `wear_identity::site` finds in it (what the macro and
/// `cargo wear scan` use), the serial of the text as one function, and `cargo wear`'s module
/// walk from it as a crate root.
pub fn source(data: &[u8]) {
    check_source(data);
    // The parses above record every file in proc-macro2's span table, which lives as long as
    // the thread; a scan parses each file once, but a fuzzer parses millions.
    proc_macro2::extra::invalidate_current_thread_spans();
}

fn check_source(data: &[u8]) {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let root = dir.path().join("lib.rs");
    std::fs::write(&root, data).expect("writes the source");
    let mut warnings = Vec::new();
    let modules = wear_cli::scan::module_files(&root, "fuzz", &mut warnings);
    let spans = spans_have_lines();
    for warning in &warnings {
        assert!(!warning.message.is_empty(), "a warning that says nothing");
        if spans
            && warning.file == root
            && let Some(line) = warning.line
        {
            let lines = 1 + data.iter().filter(|&&b| b == b'\n').count();
            assert!((1..=lines).contains(&line), "warning at line {line} of {lines}: {warning}");
        }
    }
    let Ok(text) = std::str::from_utf8(data) else {
        assert!(modules.is_empty(), "a file that is not UTF-8 was read");
        assert!(warnings.iter().any(|w| w.file == root), "no warning for a file that is not UTF-8");
        return;
    };

    let sites = sites_in_source(text);
    match &modules.first() {
        Some(first) => {
            assert_eq!(first.file, root, "the crate root is not the first module");
            let sites = sites.as_ref().expect("the scan parsed a file that syn refuses");
            let scanned = wear_identity::site::sites_in_file(&first.syntax);
            assert_eq!(all_facts(&scanned, spans), all_facts(sites, spans));
        }
        None => assert!(sites.is_err(), "a crate root that parses was not scanned"),
    }

    if let Ok(sites) = &sites {
        let lines = 1 + text.matches('\n').count();
        for site in sites {
            assert!(site.lines.0 <= site.name_line && site.name_line <= site.lines.1, "lines {site:?}");
            assert!(site.lines.1 <= lines, "a site past the last line: {site:?}");
            assert!(!spans || site.lines.0 >= 1, "a site before the first line: {site:?}");
        }
        // The same tokens laid out another way, with comments between them: the same
        // functions, owners and serials (lines move, so they are not compared). Doc comments
        // come back as `#[doc = "..."]` attributes, which are code to the serial, not comments.
        if !has_doc_comments(text)
            && let Some((spaced, commented)) = rewritten(text)
        {
            for other in [spaced, commented] {
                let again =
                    sites_in_source(&other).unwrap_or_else(|e| panic!("{other:?} no longer parses: {e}"));
                assert_eq!(all_facts(&again, false), all_facts(sites, false), "layout changed {other:?}");
            }
        }
    }

    if let Ok(serial) = serial_of_source(text) {
        // The text is one function: a file of it holds that function first (and the functions
        // declared in its body after it), with that serial.
        let sites = sites.as_ref().expect("a function that parses is a file that parses");
        assert!(sites.first().is_some_and(|s| s.within.is_empty()), "one function first: {sites:?}");
        assert!(sites[1..].iter().all(|s| !s.within.is_empty()), "only nested functions after it: {sites:?}");
        assert_eq!(sites[0].serial, serial, "the serial of the text and of its site differ");
        if !has_doc_comments(text)
            && let Some((_, commented)) = rewritten(text)
        {
            let again = serial_of_source(&commented).expect("the function with comments parses");
            assert_eq!(again, serial, "comments changed the serial of {text:?}");
        }
    }
}
