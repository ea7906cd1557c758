//! The program's own metrics in the one-call setup: [`OtlpGuard::provider`] is an SDK meter
//! provider whose periodic reader hands what it collects to wear's export thread instead of
//! sending it, so that the instruments the program creates on it leave in the same requests
//! as wear's counts. wear's own instruments are not on it: the export thread reads wear's
//! counters directly ([`super::request`]), which is what keeps an export cheap.
//!
//! The export thread asks for a collection at each export (`force_flush`); the reader's own
//! interval is a day, so it does not collect on its own in between. Only the latest collection
//! is kept.
//!
//! [`OtlpGuard::provider`]: super::OtlpGuard::provider
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use opentelemetry_proto::tonic::collector::metrics::v1::ExportMetricsServiceRequest;
use opentelemetry_sdk::Resource;
use opentelemetry_sdk::error::OTelSdkResult;
use opentelemetry_sdk::metrics::data::ResourceMetrics;
use opentelemetry_sdk::metrics::exporter::PushMetricExporter;
use opentelemetry_sdk::metrics::{PeriodicReader, SdkMeterProvider, Temporality};
use prost::Message;

/// How often the provider's reader would collect on its own (the export thread asks it at
/// each export instead).
const READER_INTERVAL: Duration = Duration::from_secs(24 * 60 * 60);

/// The latest collection, encoded as an `ExportMetricsServiceRequest`.
type Slot = Arc<Mutex<Option<Vec<u8>>>>;

/// The program's provider, and where its reader leaves what it collected.
#[derive(Clone, Debug)]
pub(crate) struct ProgramMetrics {
    provider: SdkMeterProvider,
    slot: Slot,
}

impl ProgramMetrics {
    /// A provider with `resource` (wear's), cumulative, whose collections wait in the slot.
    pub(crate) fn new(resource: Resource) -> ProgramMetrics {
        let slot = Slot::default();
        let reader =
            PeriodicReader::builder(ToSlot(Arc::clone(&slot))).with_interval(READER_INTERVAL).build();
        let provider = SdkMeterProvider::builder().with_resource(resource).with_reader(reader).build();
        ProgramMetrics { provider, slot }
    }

    /// The provider, for [`OtlpGuard::provider`](super::OtlpGuard::provider).
    pub(crate) fn provider(&self) -> &SdkMeterProvider {
        &self.provider
    }

    /// Collects the program's instruments and appends them to `body`, an encoded
    /// `ExportMetricsServiceRequest` (concatenated protobuf messages merge: the result is one
    /// request with a second `ResourceMetrics`). Appends nothing when the program has no
    /// metrics (the SDK then exports nothing), or once the provider is shut down.
    pub(crate) fn append_to(&self, body: &mut Vec<u8>) {
        if self.provider.force_flush().is_err() {
            return;
        }
        if let Some(encoded) = self.slot.lock().unwrap_or_else(PoisonError::into_inner).take() {
            body.extend_from_slice(&encoded);
        }
    }

    /// Shuts the provider down (its reader runs a last collection, which nobody reads).
    pub(crate) fn shutdown(&self) {
        let _ = self.provider.shutdown();
    }
}

/// The reader's exporter: encodes each collection and leaves it in the slot.
#[derive(Debug)]
struct ToSlot(Slot);

impl PushMetricExporter for ToSlot {
    async fn export(&self, metrics: &ResourceMetrics) -> OTelSdkResult {
        let request = ExportMetricsServiceRequest::from(metrics);
        let any =
            request.resource_metrics.iter().flat_map(|r| &r.scope_metrics).any(|s| !s.metrics.is_empty());
        let encoded = any.then(|| request.encode_to_vec());
        *self.0.lock().unwrap_or_else(PoisonError::into_inner) = encoded;
        Ok(())
    }

    fn force_flush(&self) -> OTelSdkResult {
        Ok(())
    }

    fn shutdown_with_timeout(&self, _timeout: Duration) -> OTelSdkResult {
        Ok(())
    }

    fn temporality(&self) -> Temporality {
        Temporality::Cumulative
    }
}
