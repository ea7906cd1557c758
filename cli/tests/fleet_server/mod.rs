//! A real HTTP server on 127.0.0.1 for the fleet tests: it answers like a Prometheus query API
//! with canned but realistic JSON (or fails the ways backends fail: 5xx, 4xx, garbage, no
//! answer) and records every request (path, decoded query parameters, headers, arrival time).
#![allow(dead_code, reason = "each test file uses a different subset")]

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// One request as it arrived.
#[derive(Clone, Debug)]
pub struct Request {
    pub at: Instant,
    pub path: String,
    pub params: BTreeMap<String, String>,
    pub headers: BTreeMap<String, String>,
}

impl Request {
    pub fn query(&self) -> &str {
        self.params.get("query").map(String::as_str).unwrap_or("")
    }
}

/// What the server does with a request.
pub enum Reply {
    /// A status and a body (sent as JSON).
    Status(u16, String),
    /// A status, extra headers and a body.
    WithHeaders(u16, Vec<(String, String)>, String),
    /// Read the request and never answer (until the server is dropped, at most 30 s).
    Hang,
    /// These bytes as the whole answer, status line and headers included, then close.
    Raw(Vec<u8>),
}

type Handler = dyn Fn(&Request, usize) -> Reply + Send + Sync;

/// The running server; stops accepting when dropped.
pub struct Server {
    pub url: String,
    requests: Arc<Mutex<Vec<Request>>>,
    stop: Arc<AtomicBool>,
}

impl Server {
    /// Starts a server whose `handler` gets each request and its 0-based number.
    pub fn start(handler: impl Fn(&Request, usize) -> Reply + Send + Sync + 'static) -> Server {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
        let url = format!("http://{}", listener.local_addr().expect("addr"));
        let requests = Arc::new(Mutex::new(Vec::new()));
        let stop = Arc::new(AtomicBool::new(false));
        let handler: Arc<Handler> = Arc::new(handler);
        let (recorded, stopping) = (Arc::clone(&requests), Arc::clone(&stop));
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                if stopping.load(Ordering::SeqCst) {
                    break;
                }
                let Ok(stream) = stream else { continue };
                let (recorded, handler, stopping) =
                    (Arc::clone(&recorded), Arc::clone(&handler), Arc::clone(&stopping));
                std::thread::spawn(move || serve(stream, &recorded, &*handler, &stopping));
            }
        });
        Server { url, requests, stop }
    }

    /// The requests so far.
    pub fn requests(&self) -> Vec<Request> {
        self.requests.lock().expect("lock").clone()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        let _ = TcpStream::connect(self.url.trim_start_matches("http://"));
    }
}

fn serve(stream: TcpStream, recorded: &Mutex<Vec<Request>>, handler: &Handler, stop: &AtomicBool) {
    let mut reader = BufReader::new(stream.try_clone().expect("clone"));
    let mut line = String::new();
    if reader.read_line(&mut line).is_err() || line.is_empty() {
        return;
    }
    let target = line.split_whitespace().nth(1).unwrap_or("").to_owned();
    let mut headers = BTreeMap::new();
    loop {
        let mut header = String::new();
        if reader.read_line(&mut header).is_err() || header.trim().is_empty() {
            break;
        }
        if let Some((name, value)) = header.split_once(':') {
            headers.insert(name.trim().to_ascii_lowercase(), value.trim().to_owned());
        }
    }
    let (path, query) = target.split_once('?').unwrap_or((&target, ""));
    let params = query
        .split('&')
        .filter_map(|pair| pair.split_once('='))
        .map(|(k, v)| (decode(k), decode(v)))
        .collect();
    let request = Request { at: Instant::now(), path: path.to_owned(), params, headers };
    let number = {
        let mut all = recorded.lock().expect("lock");
        all.push(request.clone());
        all.len() - 1
    };
    let (status, extra, body) = match handler(&request, number) {
        Reply::Status(status, body) => (status, Vec::new(), body),
        Reply::WithHeaders(status, extra, body) => (status, extra, body),
        Reply::Raw(bytes) => {
            let mut out = stream;
            let _ = out.write_all(&bytes);
            return;
        }
        Reply::Hang => {
            let until = Instant::now() + Duration::from_secs(30);
            while Instant::now() < until && !stop.load(Ordering::SeqCst) {
                std::thread::sleep(Duration::from_millis(20));
            }
            return;
        }
    };
    let mut out = stream;
    let mut head = format!(
        "HTTP/1.1 {status} X\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n",
        body.len()
    );
    for (name, value) in extra {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    head.push_str("\r\n");
    let _ = out.write_all(head.as_bytes()).and_then(|()| out.write_all(body.as_bytes()));
}

/// Percent-decoding of a query parameter (`+` is a space).
fn decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' if i + 2 < bytes.len() => {
                let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).unwrap_or("");
                match u8::from_str_radix(hex, 16) {
                    Ok(b) => {
                        out.push(b);
                        i += 2;
                    }
                    Err(_) => out.push(b'%'),
                }
            }
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// One part's fleet totals as the canned answers give them.
#[derive(Clone, Debug)]
pub struct Total {
    pub path: String,
    pub serial: String,
    pub calls: u64,
    pub failures: Option<u64>,
    pub busy_seconds: Option<f64>,
}

/// A Prometheus answer: an instant vector of `(labels, value)` at `time`.
pub fn vector(time: &str, samples: &[(Vec<(&str, &str)>, String)]) -> String {
    let result: Vec<serde_json::Value> = samples
        .iter()
        .map(|(labels, value)| {
            let metric: serde_json::Map<String, serde_json::Value> =
                labels.iter().map(|(k, v)| ((*k).to_owned(), serde_json::Value::from(*v))).collect();
            let t: f64 = time.parse().unwrap_or(0.0);
            serde_json::json!({"metric": metric, "value": [t, value]})
        })
        .collect();
    serde_json::json!({"status": "success", "data": {"resultType": "vector", "result": result}}).to_string()
}

/// The answer to a presence check `count(...)[Ps:Ss]` at `time` of a fleet that reported
/// throughout: a point at every step.
pub fn present_throughout(time: &str, range: &str) -> String {
    let secs = |text: &str| text.trim_end_matches(']').trim_end_matches('s').parse::<i64>().unwrap_or(60);
    let (period, step) = range.split_once(':').map(|(p, s)| (secs(p), secs(s))).unwrap_or((3600, 60));
    let end: i64 = time.parse::<f64>().map(|t| t as i64).unwrap_or(0);
    let mut t = (end - period).div_euclid(step) * step;
    let mut points = Vec::new();
    while t <= end {
        points.push(serde_json::json!([t, "1"]));
        t += step;
    }
    serde_json::json!({"status": "success", "data": {"resultType": "matrix", "result": [{"metric": {}, "values": points}]}})
        .to_string()
}

/// The answer a Prometheus holding `totals` gives to `request` (one of the four fleet queries).
pub fn answer(request: &Request, totals: &[Total], resets: u64) -> Reply {
    let time = request.params.get("time").cloned().unwrap_or_default();
    let query = request.query();
    if let Some(range) = query.strip_prefix("count(max_over_time(").and_then(|q| q.rsplit_once(")[")) {
        return Reply::Status(200, present_throughout(&time, range.1));
    }
    let samples: Vec<(Vec<(&str, &str)>, String)> = if query.starts_with("count(resets(") {
        if resets == 0 { Vec::new() } else { vec![(Vec::new(), resets.to_string())] }
    } else {
        totals
            .iter()
            .filter_map(|t| {
                let value = if query.contains("wear_part_calls_total") {
                    Some(t.calls.to_string())
                } else if query.contains("wear_part_failures_total") {
                    t.failures.map(|f| f.to_string())
                } else if query.contains("wear_part_busy_time_seconds_total") {
                    t.busy_seconds.map(|b| b.to_string())
                } else {
                    None
                }?;
                Some((
                    vec![("code_function_name", t.path.as_str()), ("wear_part_serial", t.serial.as_str())],
                    value,
                ))
            })
            .collect()
    };
    Reply::Status(200, vector(&time, &samples))
}
