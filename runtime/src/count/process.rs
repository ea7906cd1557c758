//! What a snapshot says about the process: service, version, build revision, instance, start.
use std::collections::hash_map::RandomState;
use std::hash::{BuildHasher, Hasher};
use std::sync::OnceLock;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, SystemTime};

/// The service a program belongs to, as snapshots (and exporters) report it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Service {
    /// Service name; by default `OTEL_SERVICE_NAME`, else the executable's name.
    pub name: String,
    /// Version of the program, e.g. `CARGO_PKG_VERSION`.
    pub version: String,
    /// Git revision the program was built from, if known.
    pub revision: Option<String>,
}

impl Service {
    /// A service with a name and version.
    pub fn new(name: impl Into<String>, version: impl Into<String>) -> Service {
        Service { name: name.into(), version: version.into(), revision: None }
    }

    /// Sets the build's git revision (ignored when `None` or empty).
    pub fn with_revision(mut self, revision: Option<&str>) -> Service {
        self.revision = revision.filter(|r| !r.is_empty()).map(str::to_owned);
        self
    }
}

/// The calling crate's [`Service`]: its package name and version, and the git revision that
/// [`build::git_revision`](crate::build::git_revision) recorded in its build script, if any.
#[macro_export]
macro_rules! service {
    () => {
        $crate::Service::new(::core::env!("CARGO_PKG_NAME"), ::core::env!("CARGO_PKG_VERSION"))
            .with_revision(::core::option_env!("WEAR_GIT_REVISION"))
    };
}

static SERVICE: OnceLock<Service> = OnceLock::new();
/// When wear first saw this process, in nanoseconds since the Unix epoch; 0 until then. An
/// atomic rather than a `OnceLock` so that a forked child can start afresh (`fork`).
static STARTED: AtomicU64 = AtomicU64::new(0);
/// This process run's random id; 0 until first asked for. Reset in a forked child.
static INSTANCE: AtomicU64 = AtomicU64::new(0);

/// Names the service for every later snapshot. The first call wins; returns `false` if a
/// service was already set.
pub fn set_service(service: Service) -> bool {
    SERVICE.set(service).is_ok()
}

/// Notes that wear has seen the process: fixes its start time and the tick anchor, and
/// watches for forks.
pub(crate) fn touch() {
    started_at();
    crate::count::clock::start();
    #[cfg(unix)]
    crate::count::fork::watch();
}

fn now_nanos() -> u64 {
    let since = SystemTime::now().duration_since(SystemTime::UNIX_EPOCH).unwrap_or_default();
    // Past the year 2554 a start time saturates; 1 keeps it apart from "not yet".
    u64::try_from(since.as_nanos()).unwrap_or(u64::MAX).max(1)
}

/// When wear first saw the process: its first tracked call, snapshot or recorder (in a forked
/// child: the fork).
pub(crate) fn started_at() -> SystemTime {
    let mut nanos = STARTED.load(Ordering::Relaxed);
    if nanos == 0 {
        // Relaxed: a lone value; the first thread to store it wins and everyone reads that.
        nanos = match STARTED.compare_exchange(0, now_nanos(), Ordering::Relaxed, Ordering::Relaxed) {
            Ok(_) => STARTED.load(Ordering::Relaxed),
            Err(first) => first,
        };
    }
    SystemTime::UNIX_EPOCH + Duration::from_nanos(nanos)
}

/// A random id for this process run, 16 hex digits.
pub(crate) fn instance() -> String {
    let mut id = INSTANCE.load(Ordering::Relaxed);
    if id == 0 {
        // RandomState is seeded from the OS's randomness; mixing in the pid and time keeps
        // ids apart even where it is not (a forked child inherits its parent's seeds).
        let mut hasher = RandomState::new().build_hasher();
        hasher.write_u32(std::process::id());
        hasher.write_u64(now_nanos());
        let fresh = hasher.finish().max(1);
        // Relaxed: as for `STARTED`.
        id = match INSTANCE.compare_exchange(0, fresh, Ordering::Relaxed, Ordering::Relaxed) {
            Ok(_) => fresh,
            Err(first) => first,
        };
    }
    format!("{id:016x}")
}

/// In a child process just forked: it is a new instance, started now. Only atomic stores and
/// a clock read, as a `pthread_atfork` child handler may do.
#[cfg(unix)]
pub(crate) fn forked() {
    STARTED.store(now_nanos(), Ordering::Relaxed);
    INSTANCE.store(0, Ordering::Relaxed);
}

/// Makes sure the default service is looked up, so that no fork can happen while another
/// thread is half-way through looking it up (the child would wait for it forever).
#[cfg(unix)]
pub(crate) fn settle() {
    if SERVICE.get().is_none() {
        DEFAULT.get_or_init(default_service);
    }
}

static DEFAULT: OnceLock<Service> = OnceLock::new();

/// The service, from [`set_service`], or from the environment and executable name (looked up
/// once: a recorder snapshots periodically and need not ask the OS each time).
pub(crate) fn service() -> Service {
    SERVICE.get().unwrap_or_else(|| DEFAULT.get_or_init(default_service)).clone()
}

fn default_service() -> Service {
    let name = std::env::var("OTEL_SERVICE_NAME")
        .ok()
        .filter(|n| !n.trim().is_empty())
        .or_else(|| {
            std::env::current_exe().ok().and_then(|p| p.file_stem().map(|s| s.to_string_lossy().into_owned()))
        })
        .unwrap_or_else(|| "unknown".to_owned());
    let revision = std::env::var("WEAR_GIT_REVISION").ok();
    Service::new(name, "").with_revision(revision.as_deref())
}
