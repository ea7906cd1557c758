//! The one-call OTLP setup (feature `otlp`): a meter provider of wear's own that pushes
//! every part over OTLP/HTTP (protobuf) from the SDK's `PeriodicReader` thread, configured by
//! the standard `OTEL_*` variables, and the guard that flushes it at exit within a bounded
//! time. The host program needs no async runtime: the HTTP client is reqwest's blocking one,
//! built and run on the SDK's threads.
use std::sync::{Arc, Mutex, PoisonError, mpsc};
use std::time::Duration;

use opentelemetry::metrics::MeterProvider as _;
use opentelemetry::{InstrumentationScope, KeyValue};
use opentelemetry_otlp::{MetricExporter, Protocol, WithExportConfig, WithHttpConfig};
use opentelemetry_sdk::Resource;
use opentelemetry_sdk::metrics::{Instrument, PeriodicReader, SdkMeterProvider, Stream, Temporality};
use opentelemetry_sdk::resource::{EnvResourceDetector, TelemetryResourceDetector};
use rustls::ClientConfig;

use super::env::{self, DEFAULT_ENDPOINT, Settings};
use super::tls;
use super::{Registration, register};
use crate::export::{LATENCY_BOUNDS, names};

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
/// - `OTEL_METRIC_EXPORT_INTERVAL` (ms, default 60000);
/// - `OTEL_SERVICE_NAME` and `OTEL_RESOURCE_ATTRIBUTES`.
///
/// The resource carries `service.name` (`OTEL_SERVICE_NAME`, else `service.name` from
/// `OTEL_RESOURCE_ATTRIBUTES`, else [`set_service`](crate::set_service)'s, else the
/// executable's name), `service.version`, `vcs.ref.head.revision` (when known) and
/// `service.instance.id`, always wear's instance id (the one in snapshots), so that each
/// process run is its own series. Temporality is cumulative whatever the environment says.
///
/// A value that cannot be used is a warning on stderr and its default, never an error.
/// Exports run on the SDK's own thread; a collector that is down, failing or hanging costs
/// the program nothing but that thread's time. Keep the guard until the program ends: its
/// drop exports the last counts, waiting at most [`DEFAULT_SHUTDOWN_TIMEOUT`].
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
        eprintln!("wear: {warning}");
    }
    let exporter = match exporter(&settings.endpoint, settings.timeout, tls.clone()) {
        Ok(exporter) => exporter,
        Err(error) if settings.endpoint != DEFAULT_ENDPOINT => {
            let message = format!(
                "wear: cannot export to {:?} ({error}); using the default endpoint {DEFAULT_ENDPOINT}",
                settings.endpoint
            );
            eprintln!("{}", env::scrub(&message, &settings.endpoint));
            exporter(DEFAULT_ENDPOINT, settings.timeout, tls).map_err(InstallError)?
        }
        Err(error) => return Err(InstallError(error)),
    };
    let reader = PeriodicReader::builder(exporter).with_interval(settings.interval).build();
    let provider = SdkMeterProvider::builder()
        .with_resource(resource(&settings))
        .with_view(view())
        .with_reader(reader)
        .build();
    let scope = InstrumentationScope::builder("wear").with_version(env!("CARGO_PKG_VERSION")).build();
    let registration = register(&provider.meter_with_scope(scope));
    Ok(OtlpGuard {
        pipeline: Arc::new(Mutex::new(Some((provider, registration)))),
        shutdown_timeout: DEFAULT_SHUTDOWN_TIMEOUT,
        pid: std::process::id(),
    })
}

fn exporter(endpoint: &str, timeout: Duration, tls: Option<ClientConfig>) -> Result<MetricExporter, String> {
    MetricExporter::builder()
        .with_http()
        .with_http_client(http_client(timeout, tls)?)
        .with_protocol(Protocol::HttpBinary)
        .with_endpoint(endpoint)
        .with_timeout(timeout)
        .with_temporality(Temporality::Cumulative)
        .build()
        .map_err(|e| e.to_string())
}

/// reqwest's blocking client with wear's TLS configuration. It is built on a thread of its
/// own, as the SDK does: building (or dropping) it inside an async runtime of the host program
/// would panic.
fn http_client(timeout: Duration, tls: Option<ClientConfig>) -> Result<reqwest::blocking::Client, String> {
    // Without a configuration of its own, reqwest would look for a process-wide provider.
    let tls = tls.ok_or("TLS is unavailable (see the warning above)")?;
    let build = move || {
        reqwest::blocking::Client::builder()
            .timeout(timeout)
            .tls_backend_preconfigured(tls)
            .build()
            .map_err(|e| format!("cannot build the HTTP client: {e}"))
    };
    std::thread::Builder::new()
        .name("wear-otel-client".to_owned())
        .spawn(build)
        .map_err(|e| format!("cannot start a thread to build the HTTP client: {e}"))?
        .join()
        .map_err(|_| "building the HTTP client panicked".to_owned())?
}

fn resource(settings: &Settings) -> Resource {
    let service = crate::process::service();
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
    builder.with_attribute(KeyValue::new("service.instance.id", crate::process::instance())).build()
}

/// A view for `SdkMeterProviderBuilder::with_view` that raises the cardinality limit of
/// each of wear's instruments to the number of series it reports (never below the SDK's
/// default of 2,000), so that none is folded into the overflow series. [`install`] uses it;
/// add it to a pipeline of your own.
pub fn view() -> impl Fn(&Instrument) -> Option<Stream> + Send + Sync + 'static {
    let parts = &crate::registry::PARTS;
    let timed = parts.iter().filter(|p| p.timing.is_some()).count();
    let failing = parts.iter().filter(|p| p.counts_failures).count();
    let limits = [
        (names::CALLS, parts.len()),
        (names::FAILURES, failing),
        (names::BUSY_TIME, timed),
        (names::LATENCY_BUCKET, timed * (LATENCY_BOUNDS.len() + 1)),
    ];
    move |instrument: &Instrument| {
        let (_, series) = limits.iter().find(|(name, _)| *name == instrument.name())?;
        Stream::builder().with_cardinality_limit((*series).max(SDK_DEFAULT_LIMIT)).build().ok()
    }
}

/// The pipeline [`install`] started. Dropping it exports the last counts and shuts the
/// pipeline down, waiting at most its shutdown timeout (then the program goes on, or exits,
/// and whatever was not sent is lost).
#[must_use = "dropping the guard stops the export"]
#[derive(Debug)]
pub struct OtlpGuard {
    pipeline: Arc<Mutex<Option<(SdkMeterProvider, Registration)>>>,
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

    /// The meter provider, to publish metrics of your own along with wear's (it is not
    /// installed globally: a global provider is never dropped, so never flushed).
    pub fn provider(&self) -> Option<SdkMeterProvider> {
        self.lock().as_ref().map(|(provider, _)| provider.clone())
    }

    /// Exports the last counts and shuts the pipeline down, waiting at most the shutdown
    /// timeout.
    pub fn shutdown(self) -> Result<(), ShutdownError> {
        self.shutdown_within()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Option<(SdkMeterProvider, Registration)>> {
        self.pipeline.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// The SDK's shutdown runs a last export whose HTTP request may hang for the export
    /// timeout, and ignores the timeout it is given: so it runs on a thread of its own, and
    /// this waits for it at most `shutdown_timeout`.
    fn shutdown_within(&self) -> Result<(), ShutdownError> {
        if self.lock().is_none() {
            return Ok(());
        }
        let (done, wait) = mpsc::sync_channel(1);
        let pipeline = Arc::clone(&self.pipeline);
        let spawned = std::thread::Builder::new().name("wear-otel-shutdown".to_owned()).spawn(move || {
            let taken = pipeline.lock().unwrap_or_else(PoisonError::into_inner).take();
            if let Some((provider, registration)) = taken {
                let result = provider.shutdown().map_err(|e| e.to_string());
                drop(registration);
                let _ = done.send(result);
            }
        });
        if let Err(error) = spawned {
            // Dropping the provider here would run the unbounded shutdown on this thread:
            // leave it to the end of the process instead.
            std::mem::forget(self.lock().take());
            return Err(ShutdownError::Failed(format!("cannot start a thread to shut down: {error}")));
        }
        match wait.recv_timeout(self.shutdown_timeout) {
            Ok(Ok(())) => Ok(()),
            Ok(Err(error)) => Err(ShutdownError::Failed(error)),
            Err(mpsc::RecvTimeoutError::Timeout) => Err(ShutdownError::TimedOut(self.shutdown_timeout)),
            Err(mpsc::RecvTimeoutError::Disconnected) => {
                Err(ShutdownError::Failed("the shutdown thread ended without an answer".to_owned()))
            }
        }
    }
}

impl Drop for OtlpGuard {
    fn drop(&mut self) {
        if std::process::id() != self.pid {
            // A forked child has a copy of the pipeline but none of the SDK's threads (and its
            // lock may have been held at the fork): shutting it down would wait for threads
            // that are not there. The child exports nothing; the parent's pipeline goes on.
            std::mem::forget(std::mem::take(&mut self.pipeline));
            return;
        }
        if let Err(error) = self.shutdown_within() {
            eprintln!("wear: the last OpenTelemetry export at exit did not complete: {error}");
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
    /// The SDK reported a failure, e.g. the collector refused or could not be reached.
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
