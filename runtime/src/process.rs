//! What a snapshot says about the process: service, version, build revision, instance, start.
use std::collections::hash_map::RandomState;
use std::hash::{BuildHasher, Hasher};
use std::sync::OnceLock;
use std::time::SystemTime;

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
static STARTED: OnceLock<SystemTime> = OnceLock::new();
static INSTANCE: OnceLock<String> = OnceLock::new();

/// Names the service for every later snapshot. The first call wins; returns `false` if a
/// service was already set.
pub fn set_service(service: Service) -> bool {
    SERVICE.set(service).is_ok()
}

/// Notes that wear has seen the process: fixes its start time and the tick anchor.
pub(crate) fn touch() {
    STARTED.get_or_init(SystemTime::now);
    crate::clock::start();
}

/// When wear first saw the process: its first tracked call, snapshot or recorder.
pub(crate) fn started_at() -> SystemTime {
    *STARTED.get_or_init(SystemTime::now)
}

/// A random id for this process run, 16 hex digits.
pub(crate) fn instance() -> &'static str {
    INSTANCE.get_or_init(|| {
        // RandomState is seeded from the OS's randomness; mixing in the pid and time keeps
        // ids apart even where it is not.
        let mut hasher = RandomState::new().build_hasher();
        hasher.write_u32(std::process::id());
        if let Ok(d) = SystemTime::now().duration_since(SystemTime::UNIX_EPOCH) {
            hasher.write_u128(d.as_nanos());
        }
        format!("{:016x}", hasher.finish())
    })
}

/// The service, from [`set_service`], or from the environment and executable name (looked up
/// once: a recorder snapshots periodically and need not ask the OS each time).
pub(crate) fn service() -> Service {
    static DEFAULT: OnceLock<Service> = OnceLock::new();
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
