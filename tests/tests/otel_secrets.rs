//! Credentials given to `wear::otel::install()` (a password in the endpoint's URL, a token in
//! `OTEL_EXPORTER_OTLP_HEADERS`) never appear in what the instrumented program prints: not when
//! the collector is down, not when it answers 401 or 500 with a body that echoes the request's
//! headers back, not when the URL is unusable. Each case runs the real `wear-otel-probe` with
//! a short export interval, so that several exports fail before it exits, and reads its
//! standard output and error.
mod otel_receiver;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

use otel_receiver::probe;

const SECRET: &str = "S3CR3T-never-shown";

/// A collector on 127.0.0.1 that answers every request with `status` and a body holding the
/// request's whole head (its headers, credentials included), as a careless proxy might.
struct Echo {
    addr: String,
    requests: Arc<AtomicUsize>,
    stop: Arc<AtomicBool>,
}

impl Echo {
    fn start(status: u16) -> Echo {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
        listener.set_nonblocking(true).expect("nonblocking");
        let addr = listener.local_addr().expect("addr").to_string();
        let (requests, stop) = (Arc::new(AtomicUsize::new(0)), Arc::new(AtomicBool::new(false)));
        let (seen, stopping) = (Arc::clone(&requests), Arc::clone(&stop));
        std::thread::spawn(move || {
            while !stopping.load(Ordering::Relaxed) {
                match listener.accept() {
                    Ok((stream, _)) => {
                        stream.set_nonblocking(false).expect("blocking");
                        if answer(stream, status).is_ok() {
                            seen.fetch_add(1, Ordering::Relaxed);
                        }
                    }
                    Err(_) => std::thread::sleep(std::time::Duration::from_millis(5)),
                }
            }
        });
        Echo { addr, requests, stop }
    }
}

impl Drop for Echo {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
    }
}

/// Reads one request (head and body) and answers `status` with the head as the body.
fn answer(stream: std::net::TcpStream, status: u16) -> std::io::Result<()> {
    let mut reader = BufReader::new(stream.try_clone()?);
    let mut head = String::new();
    let mut length = 0usize;
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line)? == 0 || line == "\r\n" {
            break;
        }
        if let Some(v) = line.to_ascii_lowercase().strip_prefix("content-length:") {
            length = v.trim().parse().unwrap_or(0);
        }
        head.push_str(&line);
    }
    let mut body = vec![0; length];
    reader.read_exact(&mut body)?;
    let echo = format!("{{\"error\":\"you sent {}\"}}", head.replace(['\r', '\n'], " "));
    let mut stream = stream;
    write!(
        stream,
        "HTTP/1.1 {status} Nope\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{echo}",
        echo.len()
    )?;
    stream.flush()
}

/// Runs the probe against `endpoint` with the secret in the headers variable, and checks that
/// it ran to the end and printed no secret.
fn run(name: &str, endpoint: &str) -> String {
    let headers = format!("authorization=Bearer {SECRET},x-api-key={SECRET}");
    let env = [
        ("OTEL_EXPORTER_OTLP_ENDPOINT", endpoint),
        ("OTEL_EXPORTER_OTLP_HEADERS", headers.as_str()),
        ("OTEL_METRIC_EXPORT_INTERVAL", "50"),
        ("OTEL_EXPORTER_OTLP_TIMEOUT", "200"),
    ];
    let run = probe(10_000, 400, "otlp", &env, None);
    assert!(run.status.success(), "{name}: exit {}\n{}", run.status, run.stderr);
    for (stream, text) in [("stdout", &run.stdout), ("stderr", &run.stderr)] {
        assert!(
            !text.contains(SECRET) && !text.contains("S3CR3T"),
            "{name}: the secret is on {stream}:\n{text}"
        );
    }
    run.stderr
}

#[test]
fn a_collector_that_echoes_the_headers_back_shows_no_secret() {
    for status in [401, 500] {
        let echo = Echo::start(status);
        let endpoint = format!("http://ops:{SECRET}@{}", echo.addr);
        let stderr = run(&format!("HTTP {status}"), &endpoint);
        assert!(echo.requests.load(Ordering::Relaxed) > 0, "HTTP {status}: the probe exported: {stderr}");
        println!("HTTP {status}: {} requests; stderr: {stderr}", echo.requests.load(Ordering::Relaxed));
    }
}

#[test]
fn a_collector_that_is_down_shows_no_secret() {
    let port = TcpListener::bind("127.0.0.1:0").expect("bind").local_addr().expect("addr").port();
    let stderr = run("down", &format!("http://ops:{SECRET}@127.0.0.1:{port}"));
    println!("down: stderr: {stderr}");
}

#[test]
fn an_unusable_url_is_a_warning_without_the_secret() {
    for bad in [
        format!("http://ops:{SECRET}@127.0.0.1:99999"),
        format!("http://ops:{SECRET}@127.0.0.1 :4318"),
        format!("http://ops:S3CR3T/{SECRET}@127.0.0.1:4318x"),
    ] {
        let stderr = run(&bad, &bad);
        assert!(stderr.contains("ignoring OTEL_EXPORTER_OTLP_ENDPOINT=\"http://***@"), "{bad}: {stderr}");
    }
}
