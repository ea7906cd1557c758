//! The four asynchronous instruments wear registers on a `Meter`, and the one reading of
//! every counter they share within a collection, so that a collection reads the counters
//! once, not once per instrument.
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use opentelemetry::metrics::{AsyncInstrument, Meter, ObservableCounter};
use opentelemetry::{KeyValue, StringValue};

use crate::exporters::export::{self, ExportReading, LATENCY_BOUNDS, le_label, names};

/// A reading older than this is never reused, even by an instrument that has not seen it yet
/// (e.g. when a view drops one of the instruments and its callback never runs).
const FRESH_FOR: Duration = Duration::from_millis(500);

/// Which instrument a callback observes; indexes [`Cache::seen`].
#[derive(Clone, Copy, Debug)]
enum Kind {
    Calls = 0,
    Failures = 1,
    BusyTime = 2,
    Latency = 3,
}

/// The reading the instruments of one collection share.
#[derive(Debug, Default)]
struct Cache {
    reading: Option<(Instant, Arc<Vec<ExportReading>>)>,
    /// Which instruments have observed `reading`; when all four have, it is dropped.
    seen: [bool; 4],
}

/// What the callbacks share: the attributes of every part, built once, and the cache.
#[derive(Debug)]
pub(crate) struct Shared {
    active: AtomicBool,
    cache: Mutex<Cache>,
    /// `code.function.name`, `code.file.path`, `code.line.number`, `wear.part.serial` of
    /// each part, in registry order (the order of [`export::collect`]).
    attributes: Vec<[KeyValue; 4]>,
    /// `le` of each published bucket, `+Inf` last.
    le: Vec<KeyValue>,
}

impl Shared {
    fn new(first: &[ExportReading]) -> Shared {
        let attributes = first
            .iter()
            .map(|r| {
                [
                    KeyValue::new(names::FUNCTION, r.path),
                    KeyValue::new(names::FILE, r.file),
                    KeyValue::new(names::LINE, i64::from(r.line)),
                    KeyValue::new(names::SERIAL, StringValue::from(Arc::<str>::from(r.serial_hex()))),
                ]
            })
            .collect();
        let le = LATENCY_BOUNDS
            .iter()
            .chain([&f64::INFINITY])
            .map(|&b| le_label(b))
            .map(|b| KeyValue::new(names::LE, b))
            .collect();
        Shared { active: AtomicBool::new(true), cache: Mutex::new(Cache::default()), attributes, le }
    }

    /// The reading for `kind` in this collection: the one another instrument took moments ago
    /// if `kind` has not observed it yet, else a new one.
    fn reading_for(&self, kind: Kind) -> Option<Arc<Vec<ExportReading>>> {
        if !self.active.load(Ordering::Acquire) {
            return None;
        }
        let mut cache = self.cache.lock().unwrap_or_else(PoisonError::into_inner);
        let fresh = match &cache.reading {
            Some((at, _)) => !cache.seen[kind as usize] && at.elapsed() < FRESH_FOR,
            None => false,
        };
        if !fresh {
            cache.reading = Some((Instant::now(), Arc::new(export::collect())));
            cache.seen = [false; 4];
        }
        cache.seen[kind as usize] = true;
        let reading = cache.reading.as_ref().map(|(_, r)| Arc::clone(r));
        if cache.seen.iter().all(|s| *s) {
            cache.reading = None;
        }
        reading
    }

    /// Observes `kind` for every part that has it. Never panics into the SDK's collecting
    /// thread (a panicking callback stops its `PeriodicReader` for good).
    fn observe<T>(
        &self,
        kind: Kind,
        observer: &dyn AsyncInstrument<T>,
        value: impl Fn(&ExportReading) -> Option<T>,
    ) {
        let _ = catch_unwind(AssertUnwindSafe(|| {
            let Some(reading) = self.reading_for(kind) else { return };
            for (r, attributes) in reading.iter().zip(&self.attributes) {
                if let Some(v) = value(r) {
                    observer.observe(v, attributes);
                }
            }
        }));
    }

    fn observe_latency(&self, observer: &dyn AsyncInstrument<u64>) {
        let _ = catch_unwind(AssertUnwindSafe(|| {
            let Some(reading) = self.reading_for(Kind::Latency) else { return };
            for (r, [function, file, line, serial]) in reading.iter().zip(&self.attributes) {
                let Some(latency) = &r.latency else { continue };
                for (&calls, le) in latency.iter().zip(&self.le) {
                    let attributes =
                        [function.clone(), file.clone(), line.clone(), serial.clone(), le.clone()];
                    observer.observe(calls, &attributes);
                }
            }
        }));
    }

    /// How many parts each collection reports.
    pub(crate) fn parts(&self) -> usize {
        self.attributes.len()
    }

    pub(crate) fn stop(&self) {
        self.active.store(false, Ordering::Release);
        self.cache.lock().unwrap_or_else(PoisonError::into_inner).reading = None;
    }
}

/// The instruments, kept alive by a [`Registration`](super::Registration).
#[derive(Debug)]
pub(crate) struct Instruments {
    pub(crate) shared: Arc<Shared>,
    _calls: ObservableCounter<u64>,
    _failures: ObservableCounter<u64>,
    _busy_time: ObservableCounter<f64>,
    _latency: ObservableCounter<u64>,
}

/// Registers the four instruments on `meter`.
pub(crate) fn register(meter: &Meter) -> Instruments {
    let shared = Arc::new(Shared::new(&export::collect()));
    let s = Arc::clone(&shared);
    let calls = meter
        .u64_observable_counter(names::CALLS)
        .with_unit("{call}")
        .with_description("Calls of each wear part since the process started")
        .with_callback(move |o| s.observe(Kind::Calls, o, |r| Some(r.calls)))
        .build();
    let s = Arc::clone(&shared);
    let failures = meter
        .u64_observable_counter(names::FAILURES)
        .with_unit("{failure}")
        .with_description("Calls that returned Err or unwound, for parts tracked with `failures`")
        .with_callback(move |o| s.observe(Kind::Failures, o, |r| r.failures))
        .build();
    let s = Arc::clone(&shared);
    let busy_time = meter
        .f64_observable_counter(names::BUSY_TIME)
        .with_unit("s")
        .with_description("Time spent inside each `timed` part")
        .with_callback(move |o| s.observe(Kind::BusyTime, o, |r| r.busy_seconds))
        .build();
    let s = Arc::clone(&shared);
    let latency = meter
        .u64_observable_counter(names::LATENCY_BUCKET)
        .with_unit("{call}")
        .with_description("Calls of each `timed` part that took at most `le` seconds (cumulative buckets)")
        .with_callback(move |o| s.observe_latency(o))
        .build();
    Instruments { shared, _calls: calls, _failures: failures, _busy_time: busy_time, _latency: latency }
}

/// The number of series the largest wear instrument needs: one per part for calls, one per
/// `timed` part and bucket for latency.
pub(crate) fn series_needed() -> usize {
    let census = crate::count::read::census();
    census.parts.max(census.timed * (LATENCY_BOUNDS.len() + 1))
}
