//! The one-call OTLP setup (feature `otlp`): a thread of wear's own that pushes every part
//! over OTLP/HTTP (protobuf) every interval ([`push`](super::push)), configured by the
//! standard `OTEL_*` variables, and the guard that runs the last export at exit within a
//! bounded time. The host program needs no async runtime: the HTTP client is reqwest's
//! blocking one, built and run on that thread.
use std::sync::{Mutex, PoisonError, mpsc};
use std::time::Duration;

use opentelemetry::KeyValue;
use opentelemetry_sdk::Resource;
use opentelemetry_sdk::metrics::{Instrument, SdkMeterProvider, Stream};
use opentelemetry_sdk::resource::{EnvResourceDetector, TelemetryResourceDetector};

use super::env::{self, DEFAULT_ENDPOINT, Settings};
use super::program_metrics::ProgramMetrics;
use super::push::{self, Push, Stop};
use super::request::Request;
use super::tls;
use crate::exporters::export::{self, LATENCY_BOUNDS, names};
use crate::exporters::say::say;

/// How long [`OtlpGuard`] waits at drop for the last export, unless told otherwise.
pub const DEFAULT_SHUTDOWN_TIMEOUT: Duration = Duration::from_secs(5);

/// The SDK's default cardinality limit, kept as a floor.
const SDK_DEFAULT_LIMIT: usize = 2000;

/// Starts exporting every part over OTLP/HTTP (protobuf), as the standard variables say:
///
/// - `OTEL_EXPORTER_OTLP_METRICS_ENDPOINT` (used as is), else `OTEL_EXPORTER_OTLP_ENDPOINT`
///   (+ `/v1/metrics`), else `http://localhost:4318/v1/metrics`;
/// - `OTEL_EXPORTER_OTLP_[METRICS_]HEADERS`, `OTEL_EXPORTER_OTLP_[METRICS_]TIMEOUT` (ms, default
///   10000), `OTEL_EXPORTER_OTLP_[METRICS_]COMPRESSION` (`gzip`);
/// - `OTEL_EXPORTER_OTLP_[METRICS_]CERTIFICATE`, `..._CLIENT_CERTIFICATE` and `..._CLIENT_KEY`
///   for an `https://` endpoint;
/// - `OTEL_METRIC_EXPORT_INTERVAL` (ms, default 60000);
/// - `OTEL_SERVICE_NAME` and `OTEL_RESOURCE_ATTRIBUTES`.
///
/// The resource carries `service.name` (`OTEL_SERVICE_NAME`, else `service.name` from
/// `OTEL_RESOURCE_ATTRIBUTES`, else [`set_service`](crate::set_service)'s, else the
/// executable's name), `service.version`, `vcs.ref.head.revision` (when known),
/// `telemetry.sdk.*` and `service.instance.id`, always wear's instance id (the one in
/// snapshots), so that each process run is its own series. Temporality is cumulative whatever
/// the environment says.
///
/// Exports run on a thread of wear's own (`wear-otlp`), which reads wear's counters and
/// writes them into a request encoded once, and POSTs it: a few milliseconds for 10,000
/// parts. A failed export is said once on stderr and not retried: the next one carries the
/// counts again (they are cumulative). A value that cannot be used is a warning on stderr and
/// its default, never an error. A collector that is down, failing or hanging costs the program
/// nothing but that thread's time. Keep the guard until the program ends: its drop exports the
/// last counts, waiting at most [`DEFAULT_SHUTDOWN_TIMEOUT`].
///
/// ```no_run
/// wear::set_service(wear::service!());
/// let _otel = wear::otel::install();
/// // ... the program ...
/// ```
pub fn install() -> Result<OtlpGuard, InstallError> {
    let (settings, mut warnings) = env::settings(|name| std::env::var(name).ok());
    let tls = tls::client_config(&settings, &mut warnings);
    for warning in warnings {
        say!("wear: {warning}");
    }
    let endpoint = match reqwest::Url::parse(&settings.endpoint) {
        Ok(url) => url,
        Err(error) if settings.endpoint != DEFAULT_ENDPOINT => {
            let message = format!(
                "wear: cannot export to {:?} ({error}); using the default endpoint {DEFAULT_ENDPOINT}",
                settings.endpoint
            );
            say!("{}", env::scrub(&message, &settings.endpoint));
            reqwest::Url::parse(DEFAULT_ENDPOINT).map_err(|e| InstallError(e.to_string()))?
        }
        Err(error) => return Err(InstallError(error.to_string())),
    };
    let resource = resource(&settings);
    let start = crate::count::read::started_at().duration_since(std::time::UNIX_EPOCH).unwrap_or_default();
    let request = Request::new(
        &export::collect(),
        &opentelemetry_proto::tonic::resource::v1::Resource::from(&resource),
        u64::try_from(start.as_nanos()).unwrap_or(u64::MAX),
    );
    let program = ProgramMetrics::new(resource);
    let provider = program.provider().clone();
    let push = Push {
        endpoint,
        headers: settings.headers,
        gzip: settings.gzip,
        timeout: settings.timeout,
        interval: settings.interval,
        tls,
        request,
        program,
    };
    let stop = push::start(push).map_err(InstallError)?;
    Ok(OtlpGuard {
        pipeline: Mutex::new(Some(Pipeline { stop, provider })),
        shutdown_timeout: DEFAULT_SHUTDOWN_TIMEOUT,
        pid: std::process::id(),
    })
}

fn resource(settings: &Settings) -> Resource {
    let service = crate::count::read::service();
    let mut wear = vec![KeyValue::new("service.name", service.name)];
    if !service.version.is_empty() {
        wear.push(KeyValue::new("service.version", service.version));
    }
    if let Some(revision) = service.revision {
        wear.push(KeyValue::new("vcs.ref.head.revision", revision));
    }
    let mut builder = Resource::builder_empty()
        .with_attributes(wear)
        .with_detectors(&[Box::new(TelemetryResourceDetector), Box::new(EnvResourceDetector::new())]);
    if let Some(name) = &settings.service_name {
        builder = builder.with_service_name(name.clone());
    }
    builder.with_attribute(KeyValue::new("service.instance.id", crate::count::read::instance())).build()
}

/// A view for `SdkMeterProviderBuilder::with_view` that raises the cardinality limit of
/// each of wear's instruments to the number of series it reports (never below the SDK's
/// default of 2,000), so that none is folded into the overflow series. Add it to a pipeline of
/// your own that [`register`](super::register)s wear's instruments ([`install`] needs none: it
/// does not go through the SDK).
pub fn view() -> impl Fn(&Instrument) -> Option<Stream> + Send + Sync + 'static {
    let census = crate::count::read::census();
    let limits = [
        (names::CALLS, census.parts),
        (names::FAILURES, census.counting_failures),
        (names::BUSY_TIME, census.timed),
        (names::LATENCY_BUCKET, census.timed * (LATENCY_BOUNDS.len() + 1)),
    ];
    move |instrument: &Instrument| {
        let (_, series) = limits.iter().find(|(name, _)| *name == instrument.name())?;
        Stream::builder().with_cardinality_limit((*series).max(SDK_DEFAULT_LIMIT)).build().ok()
    }
}

/// What [`install`] started: the export thread, and the provider of the program's own
/// metrics.
#[derive(Debug)]
struct Pipeline {
    /// Tells the export thread to run the last export.
    stop: mpsc::Sender<Stop>,
    /// A clone of the export thread's provider of the program's metrics; the thread shuts
    /// it down after the last export.
    provider: SdkMeterProvider,
}

/// The pipeline [`install`] started. Dropping it exports the last counts and shuts the
/// pipeline down, waiting at most its shutdown timeout (then the program goes on, or exits,
/// and whatever was not sent is lost).
#[must_use = "dropping the guard stops the export"]
#[derive(Debug)]
pub struct OtlpGuard {
    pipeline: Mutex<Option<Pipeline>>,
    shutdown_timeout: Duration,
    /// The process that installed the pipeline; another one is a forked child.
    pid: u32,
}

impl OtlpGuard {
    /// Waits at most `timeout` for the last export at drop or [`shutdown`](Self::shutdown).
    pub fn with_shutdown_timeout(mut self, timeout: Duration) -> OtlpGuard {
        self.shutdown_timeout = timeout;
        self
    }

    /// A meter provider for metrics of your own: each export collects it and sends its
    /// metrics in the same request as wear's, with the same resource (cumulative). wear's
    /// instruments are not on it (wear's counts are read without the SDK). It is not
    /// installed globally: a global provider is never dropped, so never flushed. `None` after
    /// shutdown.
    pub fn provider(&self) -> Option<SdkMeterProvider> {
        self.lock().as_ref().map(|pipeline| pipeline.provider.clone())
    }

    /// Exports the last counts and shuts the pipeline down, waiting at most the shutdown
    /// timeout.
    pub fn shutdown(self) -> Result<(), ShutdownError> {
        self.shutdown_within()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Option<Pipeline>> {
        self.pipeline.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Asks the export thread for the last export and waits for it at most
    /// `shutdown_timeout` (an export in flight to a hanging collector holds the thread for the
    /// export timeout). Past that, the thread is left to finish on its own.
    fn shutdown_within(&self) -> Result<(), ShutdownError> {
        let Some(Pipeline { stop, provider: _ }) = self.lock().take() else { return Ok(()) };
        let (answer, answered) = mpsc::sync_channel(1);
        match stop.send(Stop(answer)) {
            Ok(()) => match answered.recv_timeout(self.shutdown_timeout) {
                Ok(Ok(())) => Ok(()),
                Ok(Err(error)) => Err(ShutdownError::Failed(error)),
                Err(mpsc::RecvTimeoutError::Timeout) => Err(ShutdownError::TimedOut(self.shutdown_timeout)),
                Err(mpsc::RecvTimeoutError::Disconnected) => {
                    Err(ShutdownError::Failed("the export thread ended without an answer".to_owned()))
                }
            },
            Err(_) => Err(ShutdownError::Failed("the export thread is gone".to_owned())),
        }
    }
}

impl Drop for OtlpGuard {
    fn drop(&mut self) {
        if std::process::id() != self.pid {
            // A forked child has a copy of the pipeline but not the export thread (and the
            // provider's locks may have been held at the fork): shutting it down would wait
            // for a thread that is not there. The child exports nothing; the parent's pipeline
            // goes on.
            std::mem::forget(std::mem::take(&mut self.pipeline));
            return;
        }
        if let Err(error) = self.shutdown_within() {
            say!("wear: the last OpenTelemetry export at exit did not complete: {error}");
        }
    }
}

/// Why [`install`] could not start the pipeline.
#[derive(Debug)]
pub struct InstallError(String);

impl std::fmt::Display for InstallError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "cannot start the OpenTelemetry export: {}", self.0)
    }
}

impl std::error::Error for InstallError {}

/// Why the last export at shutdown did not complete.
#[derive(Debug)]
pub enum ShutdownError {
    /// It was still running when the shutdown timeout passed; it was abandoned.
    TimedOut(Duration),
    /// The export failed, e.g. the collector refused it or could not be reached.
    Failed(String),
}

impl std::fmt::Display for ShutdownError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ShutdownError::TimedOut(t) => write!(f, "gave up after {} ms", t.as_millis()),
            ShutdownError::Failed(why) => write!(f, "{why}"),
        }
    }
}

impl std::error::Error for ShutdownError {}
