//! A real OTLP/HTTP receiver on 127.0.0.1 for the OpenTelemetry tests: it accepts
//! `POST /v1/metrics`, decodes the protobuf body (gunzipped when its `content-encoding` says
//! `gzip`) with the official definitions (`opentelemetry-proto`) and records what arrived,
//! with the request's headers; or it misbehaves as told (answers 500 or
//! 429, hangs, closes the connection), over plain HTTP or HTTPS (rustls). Also runs
//! `wear-otel-probe` against it.
#![allow(dead_code, reason = "each test file uses part of it")]

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use opentelemetry_proto::tonic::collector::metrics::v1::ExportMetricsServiceRequest;
use opentelemetry_proto::tonic::common::v1::{AnyValue, KeyValue, any_value};
use opentelemetry_proto::tonic::metrics::v1::{metric, number_data_point};
use prost::Message;

/// How the receiver answers.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Behaviour {
    /// Decodes and records, answers 200.
    Ok,
    /// Reads the request, answers 500.
    Fail500,
    /// Reads the request, answers 429 Too Many Requests with `Retry-After: 1`.
    Fail429,
    /// Reads the request and never answers (holds the connection until the receiver stops).
    Hang,
    /// Reads the request head and closes the connection.
    Close,
}

/// A running receiver. Stops (and releases every held connection) when dropped.
pub struct Receiver {
    pub addr: String,
    pub requests: Arc<Mutex<Vec<ExportMetricsServiceRequest>>>,
    /// The headers of each decoded request (names lowercased, values as sent), in order.
    pub headers: Arc<Mutex<Vec<BTreeMap<String, String>>>>,
    /// Requests seen, whatever the behaviour.
    pub hits: Arc<Mutex<usize>>,
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

impl Receiver {
    pub fn start(behaviour: Behaviour) -> Receiver {
        Receiver::start_with(behaviour, None)
    }

    /// An HTTPS receiver with `tls` (its certificate, and whether it asks for the client's).
    pub fn start_tls(behaviour: Behaviour, tls: Arc<rustls::ServerConfig>) -> Receiver {
        Receiver::start_with(behaviour, Some(tls))
    }

    fn start_with(behaviour: Behaviour, tls: Option<Arc<rustls::ServerConfig>>) -> Receiver {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1");
        listener.set_nonblocking(true).expect("nonblocking listener");
        let scheme = if tls.is_some() { "https" } else { "http" };
        let addr = format!("{scheme}://{}", listener.local_addr().expect("local addr"));
        let requests = Arc::new(Mutex::new(Vec::new()));
        let headers = Arc::new(Mutex::new(Vec::new()));
        let hits = Arc::new(Mutex::new(0));
        let stop = Arc::new(AtomicBool::new(false));
        let r = Received { requests: Arc::clone(&requests), headers: Arc::clone(&headers) };
        let (h, s) = (Arc::clone(&hits), Arc::clone(&stop));
        let thread = std::thread::spawn(move || {
            let mut held = Vec::new();
            while !s.load(Ordering::Relaxed) {
                match listener.accept() {
                    Ok((stream, _)) => {
                        let (r, h, s) = (r.clone(), Arc::clone(&h), Arc::clone(&s));
                        let _ = stream.set_nonblocking(false);
                        let _ = stream.set_read_timeout(Some(Duration::from_millis(100)));
                        let tls = tls.clone();
                        held.push(std::thread::spawn(move || match tls {
                            Some(config) => {
                                let connection =
                                    rustls::ServerConnection::new(config).expect("a TLS session");
                                let stream = rustls::StreamOwned::new(connection, stream);
                                serve(stream, behaviour, &r, &h, &s)
                            }
                            None => serve(stream, behaviour, &r, &h, &s),
                        }));
                    }
                    Err(_) => std::thread::sleep(Duration::from_millis(5)),
                }
            }
            for t in held {
                let _ = t.join();
            }
        });
        Receiver { addr, requests, headers, hits, stop, thread: Some(thread) }
    }

    /// Every data point received, latest value per metric and attribute set.
    pub fn points(&self) -> Points {
        let requests = self.requests.lock().expect("requests");
        Points::from_requests(&requests)
    }
}

impl Drop for Receiver {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

/// Where the receiver records what it decoded.
#[derive(Clone)]
struct Received {
    requests: Arc<Mutex<Vec<ExportMetricsServiceRequest>>>,
    headers: Arc<Mutex<Vec<BTreeMap<String, String>>>>,
}

/// Whether a read error is the read timeout (wait on) rather than a broken connection.
fn timed_out(error: &std::io::Error) -> bool {
    matches!(error.kind(), std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut)
}

fn serve(
    stream: impl Read + Write,
    behaviour: Behaviour,
    received: &Received,
    hits: &Mutex<usize>,
    stop: &AtomicBool,
) {
    let mut reader = BufReader::new(stream);
    loop {
        // Request line and headers.
        let mut head = Vec::new();
        let mut line = String::new();
        loop {
            line.clear();
            match reader.read_line(&mut line) {
                Ok(0) => return,
                Ok(_) if line == "\r\n" => break,
                Ok(_) => head.push(line.trim_end().to_owned()),
                Err(_) if stop.load(Ordering::Relaxed) => return,
                Err(e) if timed_out(&e) => {}
                // A TLS handshake the client gave up on, a reset: the connection is over.
                Err(_) => return,
            }
        }
        *hits.lock().expect("hits") += 1;
        if behaviour == Behaviour::Close {
            // Dropping the stream closes the connection.
            return;
        }
        let length = head
            .iter()
            .find_map(|h| h.to_ascii_lowercase().strip_prefix("content-length:").map(|v| v.trim().to_owned()))
            .and_then(|v| v.parse::<usize>().ok())
            .unwrap_or(0);
        let mut body = vec![0u8; length];
        let mut read = 0;
        let deadline = Instant::now() + Duration::from_secs(10);
        while read < length && Instant::now() < deadline {
            match reader.read(&mut body[read..]) {
                Ok(0) => return,
                Ok(n) => read += n,
                Err(_) => {}
            }
        }
        match behaviour {
            Behaviour::Ok => {
                assert!(head[0].starts_with("POST /v1/metrics "), "request line {:?}", head[0]);
                let headers: BTreeMap<String, String> = head[1..]
                    .iter()
                    .filter_map(|h| h.split_once(':'))
                    .map(|(name, value)| (name.trim().to_ascii_lowercase(), value.trim().to_owned()))
                    .collect();
                if headers.get("content-encoding").is_some_and(|e| e == "gzip") {
                    let mut plain = Vec::new();
                    flate2::read::GzDecoder::new(body.as_slice())
                        .read_to_end(&mut plain)
                        .expect("a gzip body");
                    body = plain;
                }
                let request = ExportMetricsServiceRequest::decode(body.as_slice()).expect("a protobuf body");
                received.requests.lock().expect("requests").push(request);
                received.headers.lock().expect("headers").push(headers);
                let _ = reader.get_mut().write_all(
                    b"HTTP/1.1 200 OK\r\ncontent-type: application/x-protobuf\r\ncontent-length: 0\r\n\r\n",
                );
                let _ = reader.get_mut().flush();
            }
            Behaviour::Fail500 => {
                let _ = reader.get_mut().write_all(
                    b"HTTP/1.1 500 Internal Server Error\r\ncontent-type: text/plain\r\ncontent-length: 4\r\n\r\nboom",
                );
                let _ = reader.get_mut().flush();
            }
            Behaviour::Fail429 => {
                let _ = reader.get_mut().write_all(
                    b"HTTP/1.1 429 Too Many Requests\r\nretry-after: 1\r\ncontent-length: 0\r\n\r\n",
                );
                let _ = reader.get_mut().flush();
            }
            Behaviour::Hang => {
                while !stop.load(Ordering::Relaxed) {
                    std::thread::sleep(Duration::from_millis(20));
                }
                return;
            }
            Behaviour::Close => unreachable!("handled above"),
        }
    }
}

/// A data point's value.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Value {
    U(u64),
    F(f64),
}

impl Value {
    pub fn u(self) -> u64 {
        match self {
            Value::U(v) => v,
            Value::F(v) => panic!("expected an integer, got {v}"),
        }
    }
    pub fn f(self) -> f64 {
        match self {
            Value::F(v) => v,
            Value::U(v) => panic!("expected a double, got {v}"),
        }
    }
}

/// One received series: its metric, unit and attributes (sorted).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Series {
    pub metric: String,
    pub attributes: Vec<(String, String)>,
}

impl Series {
    pub fn attribute(&self, key: &str) -> Option<&str> {
        self.attributes.iter().find(|(k, _)| k == key).map(|(_, v)| v.as_str())
    }
}

/// What arrived, folded.
#[derive(Debug, Default)]
pub struct Points {
    /// The latest value of each series.
    pub latest: BTreeMap<Series, Value>,
    /// Resource attributes (of the last request).
    pub resource: BTreeMap<String, String>,
    /// Metric name → (unit, monotonic, cumulative).
    pub metrics: BTreeMap<String, (String, bool, bool)>,
    /// Instrumentation scope names.
    pub scopes: Vec<String>,
    pub requests: usize,
}

fn text(value: &Option<AnyValue>) -> String {
    match value.as_ref().and_then(|v| v.value.as_ref()) {
        Some(any_value::Value::StringValue(s)) => s.clone(),
        Some(any_value::Value::IntValue(i)) => i.to_string(),
        Some(any_value::Value::DoubleValue(d)) => d.to_string(),
        Some(any_value::Value::BoolValue(b)) => b.to_string(),
        other => format!("{other:?}"),
    }
}

fn pairs(attributes: &[KeyValue]) -> Vec<(String, String)> {
    let mut out: Vec<_> = attributes.iter().map(|kv| (kv.key.clone(), text(&kv.value))).collect();
    out.sort();
    out
}

impl Points {
    pub fn from_requests(requests: &[ExportMetricsServiceRequest]) -> Points {
        let mut points = Points { requests: requests.len(), ..Points::default() };
        for request in requests {
            for rm in &request.resource_metrics {
                if let Some(resource) = &rm.resource {
                    points.resource = pairs(&resource.attributes).into_iter().collect();
                }
                for sm in &rm.scope_metrics {
                    let scope = sm.scope.as_ref().map(|s| s.name.clone()).unwrap_or_default();
                    if !points.scopes.contains(&scope) {
                        points.scopes.push(scope);
                    }
                    for m in &sm.metrics {
                        let Some(metric::Data::Sum(sum)) = &m.data else {
                            panic!("{} is not a sum: {:?}", m.name, m.data);
                        };
                        points.metrics.insert(
                            m.name.clone(),
                            (m.unit.clone(), sum.is_monotonic, sum.aggregation_temporality == 2),
                        );
                        for dp in &sum.data_points {
                            let value = match dp.value {
                                Some(number_data_point::Value::AsInt(i)) => Value::U(i as u64),
                                Some(number_data_point::Value::AsDouble(d)) => Value::F(d),
                                None => panic!("a data point without a value"),
                            };
                            let series = Series { metric: m.name.clone(), attributes: pairs(&dp.attributes) };
                            points.latest.insert(series, value);
                        }
                    }
                }
            }
        }
        points
    }

    /// Series of one metric.
    pub fn of<'a>(&'a self, metric: &'a str) -> impl Iterator<Item = (&'a Series, Value)> + 'a {
        self.latest.iter().filter(move |(s, _)| s.metric == metric).map(|(s, v)| (s, *v))
    }
}

/// One `part` line the probe printed: what it counted itself.
#[derive(Clone, Debug)]
pub struct Counted {
    pub path: String,
    pub file: String,
    pub line: String,
    pub serial: String,
    pub calls: u64,
    pub failures: Option<u64>,
    /// The calls the latency buckets stand for (`timed` parts only).
    pub timed: Option<u64>,
}

/// What a run of the probe did.
#[derive(Debug)]
pub struct Run {
    pub status: std::process::ExitStatus,
    pub stdout: String,
    pub stderr: String,
    pub elapsed: Duration,
    pub work_ms: f64,
    pub shutdown_ms: f64,
    pub instance: String,
    pub parts: Vec<Counted>,
    /// VmRSS samples (kB) taken while it ran, when asked for.
    pub rss_kb: Vec<u64>,
}

/// Runs `wear-otel-probe CALLS SLEEP_MS EXPORT` with `env`, sampling its VmRSS every
/// `sample` if given.
pub fn probe(calls: u64, sleep_ms: u64, export: &str, env: &[(&str, &str)], sample: Option<Duration>) -> Run {
    let mut command = Command::new(env!("CARGO_BIN_EXE_wear-otel-probe"));
    command.args([calls.to_string(), sleep_ms.to_string(), export.to_owned()]);
    for var in ["OTEL_EXPORTER_OTLP_ENDPOINT", "OTEL_EXPORTER_OTLP_METRICS_ENDPOINT", "OTEL_SERVICE_NAME"] {
        command.env_remove(var);
    }
    command.envs(env.iter().copied()).stdout(Stdio::piped()).stderr(Stdio::piped());
    let started = Instant::now();
    let mut child = command.spawn().expect("start wear-otel-probe");
    // Drain the pipes while sampling: the probe writes more than a pipe holds.
    let drain = |pipe: Option<Box<dyn Read + Send>>| {
        std::thread::spawn(move || {
            let mut text = String::new();
            if let Some(mut pipe) = pipe {
                let _ = pipe.read_to_string(&mut text);
            }
            text
        })
    };
    let stdout = drain(child.stdout.take().map(|p| Box::new(p) as Box<dyn Read + Send>));
    let stderr = drain(child.stderr.take().map(|p| Box::new(p) as Box<dyn Read + Send>));
    let mut rss_kb = Vec::new();
    let status_file = format!("/proc/{}/status", child.id());
    let status = loop {
        if let Some(status) = child.try_wait().expect("try_wait") {
            break status;
        }
        if let Some(every) = sample {
            if let Ok(status) = std::fs::read_to_string(&status_file)
                && let Some(kb) = status
                    .lines()
                    .find_map(|l| l.strip_prefix("VmRSS:"))
                    .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
            {
                rss_kb.push(kb);
            }
            std::thread::sleep(every);
        } else {
            std::thread::sleep(Duration::from_millis(5));
        }
    };
    let elapsed = started.elapsed();
    let stdout = stdout.join().expect("stdout reader");
    let stderr = stderr.join().expect("stderr reader");
    let field = |name: &str| {
        stdout
            .lines()
            .find_map(|l| l.strip_prefix(name).and_then(|r| r.strip_prefix('\t')))
            .unwrap_or_else(|| panic!("no {name} line in:\n{stdout}\nstderr:\n{stderr}"))
            .to_owned()
    };
    let parts = stdout
        .lines()
        .filter_map(|l| l.strip_prefix("part\t"))
        .map(|l| {
            let f: Vec<&str> = l.split('\t').collect();
            Counted {
                path: f[0].to_owned(),
                file: f[1].to_owned(),
                line: f[2].to_owned(),
                serial: f[3].to_owned(),
                calls: f[4].parse().expect("calls"),
                failures: f[5].parse().ok(),
                timed: f.get(6).and_then(|t| t.parse().ok()),
            }
        })
        .collect();
    Run {
        status,
        work_ms: field("work_ms").parse().expect("work_ms"),
        shutdown_ms: field("shutdown_ms").parse().expect("shutdown_ms"),
        instance: field("instance"),
        stdout,
        stderr,
        elapsed,
        parts,
        rss_kb,
    }
}

/// Every part of `run` arrived at `receiver` with exactly the calls the probe counted, and
/// `work` with the `work_calls` it was asked for.
pub fn assert_every_part_arrived(receiver: &Receiver, run: &Run, work_calls: u64) {
    let points = receiver.points();
    let calls: BTreeMap<&str, u64> = points
        .of("wear.part.calls")
        .map(|(s, v)| (s.attribute("code.function.name").expect("code.function.name"), v.u()))
        .collect();
    assert_eq!(calls.len(), run.parts.len(), "one series per part");
    for counted in &run.parts {
        assert_eq!(calls.get(counted.path.as_str()), Some(&counted.calls), "{}", counted.path);
    }
    assert_eq!(calls["wear_otel_probe::work"], work_calls);
}
