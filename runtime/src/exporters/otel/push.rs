//! The export thread of the one-call setup: every interval it reads wear's counters
//! ([`export::collect`]), writes them into the request encoded once ([`Request`]), adds the
//! program's own metrics if it has any, and POSTs the request to the collector with reqwest's
//! blocking client, on this thread alone. At shutdown it runs one last export and says how it
//! went.
//!
//! An export that fails is not retried and nothing is queued: the counts are cumulative, so
//! the next export carries everything the failed one would have. Each export holds one body
//! (the request, a few hundred bytes per data point), whatever the collector does; a collector
//! that hangs holds this thread for the export timeout, and then the next interval starts.
use std::io::Read as _;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, Sender, SyncSender};
use std::time::{Duration, Instant, SystemTime};

use reqwest::blocking::Client;
use reqwest::header::{CONTENT_ENCODING, CONTENT_TYPE, HeaderMap, HeaderName, HeaderValue, USER_AGENT};
use rustls::ClientConfig;

use super::env::{Headers, scrub};
use super::program_metrics::ProgramMetrics;
use super::request::Request;
use crate::exporters::export;
use crate::exporters::say::say;

/// The most of a collector's answer that is read (and thrown away) so the connection can be
/// used again; a bigger answer closes it.
const ANSWER_LIMIT: u64 = 64 * 1024;

/// What the export thread needs.
pub(crate) struct Push {
    pub(crate) endpoint: reqwest::Url,
    pub(crate) headers: Headers,
    pub(crate) gzip: bool,
    pub(crate) timeout: Duration,
    pub(crate) interval: Duration,
    pub(crate) tls: Option<ClientConfig>,
    pub(crate) request: Request,
    pub(crate) program: ProgramMetrics,
}

/// Tells the export thread to run its last export and end, answering how it went.
pub(crate) struct Stop(pub(crate) SyncSender<Result<(), String>>);

/// Starts the export thread; `Err` if its HTTP client cannot be built or the thread cannot
/// start. The thread ends after a [`Stop`], or when the sender is dropped.
pub(crate) fn start(push: Push) -> Result<Sender<Stop>, String> {
    let (stop, stops) = mpsc::channel();
    let (ready, started) = mpsc::sync_channel(1);
    std::thread::Builder::new()
        .name("wear-otlp".to_owned())
        .spawn(move || {
            // The client is built, used and dropped on this thread: reqwest's blocking client
            // must not be built or dropped inside an async runtime the program may run.
            let exporter = match Exporter::new(push) {
                Ok(exporter) => {
                    let _ = ready.send(Ok(()));
                    exporter
                }
                Err(error) => {
                    let _ = ready.send(Err(error));
                    return;
                }
            };
            exporter.run(&stops);
        })
        .map_err(|e| format!("cannot start the export thread: {e}"))?;
    match started.recv() {
        Ok(Ok(())) => Ok(stop),
        Ok(Err(error)) => Err(error),
        Err(_) => Err("the export thread ended while starting".to_owned()),
    }
}

struct Exporter {
    client: Client,
    endpoint: reqwest::Url,
    headers: HeaderMap,
    gzip: bool,
    interval: Duration,
    request: Request,
    program: ProgramMetrics,
    /// Whether a failed export was said already (it is said once).
    said_failure: bool,
}

impl Exporter {
    fn new(push: Push) -> Result<Exporter, String> {
        // Without a configuration of its own, reqwest would look for a process-wide provider.
        let tls = push.tls.ok_or("TLS is unavailable (see the warning above)")?;
        let client = Client::builder()
            .timeout(push.timeout)
            .tls_backend_preconfigured(tls)
            .build()
            .map_err(|e| format!("cannot build the HTTP client: {}", e.without_url()))?;
        let mut headers = HeaderMap::new();
        // Names or values HTTP cannot carry are skipped, as opentelemetry-otlp skips them.
        for (name, value) in &push.headers.0 {
            if let (Ok(name), Ok(value)) = (HeaderName::try_from(name), HeaderValue::try_from(value)) {
                headers.insert(name, value);
            }
        }
        headers.insert(CONTENT_TYPE, HeaderValue::from_static("application/x-protobuf"));
        headers.insert(USER_AGENT, HeaderValue::from_static(concat!("wear/", env!("CARGO_PKG_VERSION"))));
        if push.gzip {
            headers.insert(CONTENT_ENCODING, HeaderValue::from_static("gzip"));
        }
        Ok(Exporter {
            client,
            endpoint: push.endpoint,
            headers,
            gzip: push.gzip,
            interval: push.interval,
            request: push.request,
            program: push.program,
            said_failure: false,
        })
    }

    /// Exports every interval until told to stop; the last export answers the stop.
    fn run(mut self, stops: &Receiver<Stop>) {
        // `None`: an interval too long to add to the clock; only the last export runs.
        let mut next = Instant::now().checked_add(self.interval);
        loop {
            let stop = match next {
                Some(at) => stops.recv_timeout(at.saturating_duration_since(Instant::now())),
                None => stops.recv().map_err(|_| RecvTimeoutError::Disconnected),
            };
            match stop {
                Err(RecvTimeoutError::Timeout) => {
                    if let Err(why) = self.export() {
                        self.say_once(&why);
                    }
                    let now = Instant::now();
                    // An export that outlasted the interval skips the intervals it took.
                    next = next
                        .and_then(|at| at.checked_add(self.interval))
                        .filter(|at| *at > now)
                        .or_else(|| now.checked_add(self.interval));
                }
                Ok(Stop(answer)) => {
                    let _ = answer.send(self.export());
                    self.program.shutdown();
                    return;
                }
                Err(RecvTimeoutError::Disconnected) => {
                    self.program.shutdown();
                    return;
                }
            }
        }
    }

    fn say_once(&mut self, why: &str) {
        if !self.said_failure {
            self.said_failure = true;
            say!(
                "wear: an OpenTelemetry export failed: {why}; the next export, in {} ms, carries \
                 the counts again (said once)",
                self.interval.as_millis()
            );
        }
    }

    /// One export: read, encode, POST. Never panics out (a panic is a failed export).
    fn export(&mut self) -> Result<(), String> {
        catch_unwind(AssertUnwindSafe(|| self.try_export()))
            .unwrap_or_else(|_| Err("the export panicked".to_owned()))
    }

    fn try_export(&mut self) -> Result<(), String> {
        let readings = export::collect();
        let now = SystemTime::now().duration_since(SystemTime::UNIX_EPOCH).unwrap_or_default();
        let now = u64::try_from(now.as_nanos()).unwrap_or(u64::MAX);
        let mut body = self.request.fill(&readings, now).to_vec();
        drop(readings);
        self.program.append_to(&mut body);
        if self.gzip {
            body = gzip(&body).map_err(|e| format!("cannot compress the request: {e}"))?;
        }
        let answer = self
            .client
            .post(self.endpoint.clone())
            .headers(self.headers.clone())
            .body(body)
            .send()
            .map_err(|e| self.describe(e))?;
        let status = answer.status();
        // Read (a bounded part of) the answer so the connection can serve the next export.
        let _ = std::io::copy(&mut answer.take(ANSWER_LIMIT), &mut std::io::sink());
        if status.is_success() {
            Ok(())
        } else {
            // The answer's body is not quoted: a careless collector may echo the request's
            // headers, credentials included.
            Err(format!("the collector answered HTTP {status}"))
        }
    }

    /// A reqwest error without the URL (it may hold a password) and with its causes.
    fn describe(&self, error: reqwest::Error) -> String {
        let error = error.without_url();
        let mut text = error.to_string();
        let mut source = std::error::Error::source(&error);
        while let Some(cause) = source {
            text.push_str(&format!(": {cause}"));
            source = cause.source();
        }
        scrub(&text, self.endpoint.as_str())
    }
}

/// `body` gzip-compressed, at the fastest level: an export every interval should not cost
/// more than the little it saves on a loopback or LAN collector.
fn gzip(body: &[u8]) -> std::io::Result<Vec<u8>> {
    use std::io::Write as _;
    let mut encoder =
        flate2::write::GzEncoder::new(Vec::with_capacity(body.len() / 8), flate2::Compression::fast());
    encoder.write_all(body)?;
    encoder.finish()
}
