//! What the Prometheus tests share: a minimal HTTP/1.1 client over `std::net` (so the tests
//! see exactly the bytes the endpoint sends) and a parser of the text exposition format that
//! reads samples back with their labels unescaped.
#![allow(dead_code, reason = "each test file uses a different part of the support module")]

use std::collections::BTreeMap;
use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::time::Duration;

/// One HTTP response.
#[derive(Debug)]
pub struct Response {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: String,
}

impl Response {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }
}

/// Sends `request` as is and reads the response to the end of the connection.
pub fn exchange(addr: SocketAddr, request: &[u8]) -> Response {
    let mut stream = TcpStream::connect_timeout(&addr, Duration::from_secs(5)).expect("connect");
    stream.set_read_timeout(Some(Duration::from_secs(30))).expect("timeout");
    stream.write_all(request).expect("send request");
    read_response(&mut stream)
}

/// Reads a whole response (the endpoint closes every connection after answering).
pub fn read_response(stream: &mut TcpStream) -> Response {
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).expect("read response");
    parse_response(&raw)
}

pub fn parse_response(raw: &[u8]) -> Response {
    let text = String::from_utf8(raw.to_vec()).expect("UTF-8 response");
    let (head, body) = text.split_once("\r\n\r\n").unwrap_or_else(|| panic!("no end of head in {text:?}"));
    let mut lines = head.split("\r\n");
    let status_line = lines.next().unwrap_or_default();
    let mut words = status_line.splitn(3, ' ');
    assert_eq!(words.next(), Some("HTTP/1.1"), "status line {status_line:?}");
    let status =
        words.next().and_then(|s| s.parse().ok()).unwrap_or_else(|| panic!("status in {status_line:?}"));
    let headers = lines
        .map(|line| {
            let (name, value) = line.split_once(": ").unwrap_or_else(|| panic!("header {line:?}"));
            (name.to_owned(), value.to_owned())
        })
        .collect();
    let response = Response { status, headers, body: body.to_owned() };
    let length: usize =
        response.header("Content-Length").and_then(|l| l.parse().ok()).expect("Content-Length");
    assert_eq!(length, response.body.len(), "Content-Length matches the body");
    response
}

/// `GET path`, as a scraper sends it.
pub fn get(addr: SocketAddr, path: &str) -> Response {
    let request = format!(
        "GET {path} HTTP/1.1\r\nHost: {addr}\r\nUser-Agent: wear-test\r\nAccept: text/plain;version=0.0.4\r\n\r\n"
    );
    exchange(addr, request.as_bytes())
}

/// One sample of the exposition.
#[derive(Debug, Clone, PartialEq)]
pub struct Sample {
    pub name: String,
    pub labels: BTreeMap<String, String>,
    pub value: f64,
}

/// A parsed exposition: samples in order, and the `# TYPE` and `# HELP` of each family.
#[derive(Debug, Default)]
pub struct Exposition {
    pub samples: Vec<Sample>,
    pub types: BTreeMap<String, String>,
    pub helps: BTreeMap<String, String>,
}

impl Exposition {
    /// Samples of one family.
    pub fn family<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a Sample> + 'a {
        self.samples.iter().filter(move |s| s.name == name)
    }

    /// The one sample of `name` whose labels include all of `labels`.
    pub fn one<'a>(&'a self, name: &'a str, labels: &[(&str, &str)]) -> &'a Sample {
        let found: Vec<&Sample> = self
            .family(name)
            .filter(|s| labels.iter().all(|(k, v)| s.labels.get(*k).map(String::as_str) == Some(*v)))
            .collect();
        assert_eq!(found.len(), 1, "exactly one {name} with {labels:?}, found {found:?}");
        found[0]
    }
}

/// Parses the text format strictly: every sample's family has a `# TYPE` line before it, label
/// values unescape, values parse as floats.
pub fn parse_exposition(text: &str) -> Exposition {
    let mut out = Exposition::default();
    assert!(text.ends_with('\n'), "the exposition ends with a line feed");
    for line in text.lines() {
        if let Some(rest) = line.strip_prefix("# HELP ") {
            let (name, help) = rest.split_once(' ').unwrap_or((rest, ""));
            assert!(out.helps.insert(name.to_owned(), help.to_owned()).is_none(), "one HELP for {name}");
        } else if let Some(rest) = line.strip_prefix("# TYPE ") {
            let (name, kind) = rest.split_once(' ').unwrap_or_else(|| panic!("TYPE line {line:?}"));
            assert!(out.types.insert(name.to_owned(), kind.to_owned()).is_none(), "one TYPE for {name}");
        } else {
            assert!(!line.starts_with('#') && !line.is_empty(), "unexpected line {line:?}");
            let sample = parse_sample(line);
            assert!(
                out.types.contains_key(&sample.name),
                "{} has a TYPE line before its samples",
                sample.name
            );
            out.samples.push(sample);
        }
    }
    out
}

fn parse_sample(line: &str) -> Sample {
    let name_end = line.find(['{', ' ']).unwrap_or_else(|| panic!("sample {line:?}"));
    let name = line[..name_end].to_owned();
    let mut labels = BTreeMap::new();
    let mut rest = &line[name_end..];
    if let Some(after) = rest.strip_prefix('{') {
        rest = after;
        loop {
            if let Some(after) = rest.strip_prefix('}') {
                rest = after;
                break;
            }
            let (key, after) = rest.split_once("=\"").unwrap_or_else(|| panic!("label in {line:?}"));
            assert!(
                key.chars().all(|c| c.is_ascii_alphanumeric() || c == '_'),
                "label name {key:?} in {line:?}"
            );
            let mut value = String::new();
            let mut chars = after.char_indices();
            let end = loop {
                match chars.next() {
                    Some((_, '\\')) => match chars.next() {
                        Some((_, '\\')) => value.push('\\'),
                        Some((_, '"')) => value.push('"'),
                        Some((_, 'n')) => value.push('\n'),
                        other => panic!("bad escape {other:?} in {line:?}"),
                    },
                    Some((i, '"')) => break i,
                    Some((_, '\n')) | None => panic!("unterminated label value in {line:?}"),
                    Some((_, c)) => value.push(c),
                }
            };
            assert!(labels.insert(key.to_owned(), value).is_none(), "label {key} twice in {line:?}");
            rest = &after[end + 1..];
            rest = rest.strip_prefix(',').unwrap_or(rest);
        }
    }
    let value = rest.strip_prefix(' ').unwrap_or_else(|| panic!("space before the value in {line:?}"));
    let value = match value {
        "+Inf" => f64::INFINITY,
        "-Inf" => f64::NEG_INFINITY,
        v => v.parse().unwrap_or_else(|_| panic!("value {v:?} in {line:?}")),
    };
    Sample { name, labels, value }
}
