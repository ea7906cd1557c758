//! Reading every counter: `wear::snapshot()` and the `wear-snapshot/2` JSON format.
//!
//! ```json
//! {
//!   "format": "wear-snapshot/2",
//!   "process": {
//!     "service": "shop", "version": "0.1.0", "revision": "3f2c…", "instance": "9b1e…",
//!     "pid": 4242, "started_at": "2026-11-21T09:00:00.000Z", "taken_at": "2026-11-21T09:05:00.000Z",
//!     "collect_us": 41
//!   },
//!   "parts": [
//!     { "path": "shop::cart::Cart::add_item", "file": "src/cart.rs", "lines": [12, 30],
//!       "serial": "a1b2c3d4e5f60718", "calls": 1200,
//!       "failures": 3,
//!       "busy_ns": 845000, "latency_ns": { "count": 1200, "mean": 704, "p50": 650, "p90": 900, "p99": 2100, "max": 5000 },
//!       "limits": { "calls": 1000000000, "busy": "100h", "interval": "180d" } }
//!   ]
//! }
//! ```
//!
//! `calls` are cumulative since the process started. `failures` is present for parts tracked
//! with `failures`; `busy_ns` and `latency_ns` for `timed` parts; `limits` when the attribute
//! sets any. Parts are sorted by path, then file and line, so equal counts give equal files.
//!
//! The JSON is written by wear itself (`json`), not by serde: the structs below have no serde
//! derives, so that `wear` adds no dependency that could change how its users' code
//! type-checks (see `runtime/DEPENDENCIES.md`). A program that wants to read snapshots parses
//! the JSON with the reader of its choice.
use std::path::Path;
use std::time::{Instant, SystemTime};

use crate::count::read::{self, Described};
use crate::exporters::duration::duration_text;
use crate::exporters::json::Pretty;
use crate::exporters::latency::latency;
use crate::exporters::rfc3339::rfc3339_millis;

/// The format tag of snapshots this version writes. Version 2 has the serials of
/// `wear-serial/2` (outer attributes no longer count); version 1 files stay readable by
/// `cargo wear`, whose join counts their serials for the same code.
pub const FORMAT: &str = "wear-snapshot/2";

/// Every part's counts at one moment, with the process they came from.
#[derive(Clone, Debug, PartialEq)]
pub struct Snapshot {
    /// Always [`FORMAT`].
    pub format: String,
    /// The process the counts come from.
    pub process: ProcessInfo,
    /// Every tracked function linked into the program, called or not.
    pub parts: Vec<PartReading>,
}

/// Where a snapshot's counts come from.
#[derive(Clone, Debug, PartialEq)]
pub struct ProcessInfo {
    /// Service name.
    pub service: String,
    /// Program version (may be empty).
    pub version: String,
    /// Git revision of the build, when known.
    pub revision: Option<String>,
    /// Random id of this process run: readings with the same instance are cumulative.
    pub instance: String,
    /// Operating-system process id.
    pub pid: u32,
    /// When wear first saw the process (RFC 3339, UTC).
    pub started_at: String,
    /// When the snapshot was taken (RFC 3339, UTC).
    pub taken_at: String,
    /// Microseconds spent reading the counters.
    pub collect_us: u64,
}

/// One part's counts.
#[derive(Clone, Debug, PartialEq)]
pub struct PartReading {
    /// The part's path, e.g. `shop::cart::Cart::add_item`.
    pub path: String,
    /// Source file, as the compiler named it.
    pub file: String,
    /// First and last line of the function.
    pub lines: [u32; 2],
    /// The serial (16 hex digits).
    pub serial: String,
    /// Calls since the process started.
    pub calls: u64,
    /// Calls that returned `Err` or unwound, when counted.
    pub failures: Option<u64>,
    /// Total time spent inside the part, in nanoseconds, when timed. Calls under about a
    /// microsecond are sampled (one in eight, at random, weighing eight): an unbiased estimate.
    pub busy_ns: Option<u64>,
    /// Latency distribution, when timed.
    pub latency_ns: Option<Latency>,
    /// Limits set in the attribute, overriding the project's policy.
    pub limits: Option<PartLimits>,
}

/// Latency quantiles in nanoseconds (from buckets at most 12.5% wide).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Latency {
    /// Number of calls the distribution stands for: every call of a slow part, an unbiased
    /// estimate of the calls for a fast one (see `busy_ns`); `calls` is the exact count.
    pub count: u64,
    /// Mean.
    pub mean: u64,
    /// Median.
    pub p50: u64,
    /// 90th percentile.
    pub p90: u64,
    /// 99th percentile.
    pub p99: u64,
    /// Longest call.
    pub max: u64,
}

/// Limits given in `#[wear::tracked(...)]`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PartLimits {
    /// Calls since overhaul or sign-off.
    pub calls: Option<u64>,
    /// Busy time, as a duration in the largest whole unit (`"100h"`).
    pub busy: Option<String>,
    /// Calendar interval, as a duration in the largest whole unit (`"180d"`).
    pub interval: Option<String>,
}

/// Reads every part's counters. Off the hot path: it never stops a tracked call.
pub fn snapshot() -> Snapshot {
    read::touch();
    // Calibrating the clock may wait a few milliseconds in a young process: not counted as
    // collection time.
    let nanos_per_tick = read::nanos_per_tick();
    let begun = Instant::now();
    let taken = SystemTime::now();

    let counts = read::counts(nanos_per_tick);
    let mut parts: Vec<PartReading> = counts
        .parts()
        .map(|part| {
            let about = part.about;
            PartReading {
                path: about.path.to_owned(),
                file: about.file.to_owned(),
                lines: [about.lines.0, about.lines.1],
                serial: format!("{:016x}", about.serial),
                calls: part.calls,
                failures: part.failures,
                busy_ns: part.timing.map(|t| t.busy_nanos() as u64),
                latency_ns: part.timing.map(|t| latency(t.buckets(), t.nanos_per_tick())),
                limits: limits_of(about),
            }
        })
        .collect();
    parts.sort_by(|a, b| (&a.path, &a.file, a.lines).cmp(&(&b.path, &b.file, b.lines)));

    let service = read::service();
    Snapshot {
        format: FORMAT.to_owned(),
        process: ProcessInfo {
            service: service.name,
            version: service.version,
            revision: service.revision,
            instance: read::instance(),
            pid: std::process::id(),
            started_at: rfc3339_millis(read::started_at()),
            taken_at: rfc3339_millis(taken),
            collect_us: u64::try_from(begun.elapsed().as_micros()).unwrap_or(u64::MAX),
        },
        parts,
    }
}

fn limits_of(part: &Described) -> Option<PartLimits> {
    let duration = |secs: u64| (secs > 0).then(|| duration_text(secs));
    let limits = PartLimits {
        calls: (part.limit_calls > 0).then_some(part.limit_calls),
        busy: duration(part.limit_busy_secs),
        interval: duration(part.interval_secs),
    };
    (limits != PartLimits::default()).then_some(limits)
}

/// Why a snapshot file could not be written.
#[derive(Debug)]
pub struct WriteError {
    path: std::path::PathBuf,
    source: std::io::Error,
}

impl std::fmt::Display for WriteError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "cannot write wear snapshot to {}: {}", self.path.display(), self.source)
    }
}

impl std::error::Error for WriteError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(&self.source)
    }
}

impl Snapshot {
    /// The snapshot as pretty-printed `wear-snapshot/2` JSON: fields in the order of the
    /// structs, optional ones left out when `None`.
    pub fn to_json(&self) -> String {
        // About 220 bytes a part (2,210,838 for the 10,002 parts of `benches/benches/collect.rs`):
        // one allocation instead of a doubling every so often made to_json() about 15% faster
        // there. The parts already hold about as much memory, so this asks for nothing out of scale.
        let mut json = Pretty::with_capacity(self.parts.len().saturating_mul(256).saturating_add(512));
        json.begin_object();
        json.str_member("format", &self.format);
        json.key("process");
        self.process.write_json(&mut json);
        json.key("parts");
        json.begin_array();
        for part in &self.parts {
            json.element();
            part.write_json(&mut json);
        }
        json.end_array();
        json.end_object();
        json.finish()
    }

    fn to_json_line(&self) -> String {
        let mut text = self.to_json();
        text.push('\n');
        text
    }

    /// Writes the snapshot to `path` atomically: into a temporary file beside it, flushed to
    /// disk, then renamed over `path`, so a reader or a crash never sees half a file. A `path`
    /// that exists and is a device or a pipe (`/dev/stdout`, `/dev/full`) is written into
    /// directly, never replaced; a folder is an error.
    pub fn write_to(&self, path: &Path) -> Result<(), WriteError> {
        let fail = |source| WriteError { path: path.to_owned(), source };
        if let Ok(meta) = std::fs::metadata(path)
            && !meta.is_file()
        {
            // The rename below would replace a folder's or a device's entry (as root, even
            // `/dev/full`): a folder is refused, a device or a pipe is written into.
            if meta.is_dir() {
                return Err(fail(std::io::Error::other(
                    "it is a folder; give the path of a file to write, e.g. usage/{service}-{instance}.json",
                )));
            }
            return write_into(path, &self.to_json_line()).map_err(fail);
        }
        crate::exporters::atomic_file::replace(path, self.to_json_line().as_bytes()).map_err(fail)
    }
}

impl ProcessInfo {
    fn write_json(&self, json: &mut Pretty) {
        json.begin_object();
        json.str_member("service", &self.service);
        json.str_member("version", &self.version);
        if let Some(revision) = &self.revision {
            json.str_member("revision", revision);
        }
        json.str_member("instance", &self.instance);
        json.u64_member("pid", u64::from(self.pid));
        json.str_member("started_at", &self.started_at);
        json.str_member("taken_at", &self.taken_at);
        json.u64_member("collect_us", self.collect_us);
        json.end_object();
    }
}

impl PartReading {
    fn write_json(&self, json: &mut Pretty) {
        json.begin_object();
        json.str_member("path", &self.path);
        json.str_member("file", &self.file);
        json.key("lines");
        json.begin_array();
        for line in self.lines {
            json.element();
            json.u64(u64::from(line));
        }
        json.end_array();
        json.str_member("serial", &self.serial);
        json.u64_member("calls", self.calls);
        if let Some(failures) = self.failures {
            json.u64_member("failures", failures);
        }
        if let Some(busy) = self.busy_ns {
            json.u64_member("busy_ns", busy);
        }
        if let Some(latency) = &self.latency_ns {
            json.key("latency_ns");
            json.begin_object();
            json.u64_member("count", latency.count);
            json.u64_member("mean", latency.mean);
            json.u64_member("p50", latency.p50);
            json.u64_member("p90", latency.p90);
            json.u64_member("p99", latency.p99);
            json.u64_member("max", latency.max);
            json.end_object();
        }
        if let Some(limits) = &self.limits {
            json.key("limits");
            json.begin_object();
            if let Some(calls) = limits.calls {
                json.u64_member("calls", calls);
            }
            if let Some(busy) = &limits.busy {
                json.str_member("busy", busy);
            }
            if let Some(interval) = &limits.interval {
                json.str_member("interval", interval);
            }
            json.end_object();
        }
        json.end_object();
    }
}

/// Writes `text` into an existing device or pipe. Opened non-blocking, so a pipe that no one
/// reads is an error (`ENXIO`), not a program stuck at exit.
fn write_into(path: &Path, text: &str) -> std::io::Result<()> {
    use std::io::Write;
    let mut options = std::fs::OpenOptions::new();
    options.write(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.custom_flags(libc::O_NONBLOCK);
    }
    let mut file = options.open(path).map_err(|e| {
        #[cfg(unix)]
        if e.raw_os_error() == Some(libc::ENXIO) {
            return std::io::Error::new(
                e.kind(),
                "it is a pipe that no program is reading, and wear does not wait for one",
            );
        }
        e
    })?;
    file.write_all(text.as_bytes())
}
