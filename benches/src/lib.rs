//! The variants that the overhead bench and the callgrind driver compare: one tiny function,
//! `work`, compiled once uninstrumented and once under each instrumentation, all
//! `#[inline(never)]` so that every variant pays the same call and only the instrumentation
//! differs. Each variant also has a loop that calls it directly (no function pointer per call),
//! so a measurement is "loop + call + work + instrumentation" and subtracting the uninstrumented
//! loop leaves the instrumentation alone.
use std::hint::black_box;
use std::sync::LazyLock;
use std::sync::atomic::{AtomicU64, Ordering};

use tracing::level_filters::LevelFilter;
use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::util::SubscriberInitExt;

pub mod generated;
pub mod helper;

/// The work every variant does: a multiply, a rotate and a xor.
#[inline(always)]
fn body(x: u64) -> u64 {
    x.wrapping_mul(0x9E37_79B9_7F4A_7C15).rotate_left(17) ^ x
}

/// (a) No instrumentation: the baseline.
#[inline(never)]
pub fn plain(x: u64) -> u64 {
    body(x)
}

/// (b) A wear part: counts its calls.
#[inline(never)]
#[wear::tracked]
pub fn tracked(x: u64) -> u64 {
    body(x)
}

/// (c) A timed wear part: counts its calls and records busy time and latency.
#[inline(never)]
#[wear::tracked(timed)]
pub fn timed(x: u64) -> u64 {
    body(x)
}

/// Calls of [`atomic`].
pub static ATOMIC_CALLS: AtomicU64 = AtomicU64::new(0);

/// (d) The hand-written floor for a shared exact counter: one `lock xadd` on a static.
#[inline(never)]
pub fn atomic(x: u64) -> u64 {
    // Relaxed: a plain count, as every counter compared here.
    ATOMIC_CALLS.fetch_add(1, Ordering::Relaxed);
    body(x)
}

/// (e) A tracing span, created and entered on every call (with [`install_tracing`] in effect).
#[inline(never)]
#[tracing::instrument(level = "info")]
pub fn traced(x: u64) -> u64 {
    body(x)
}

/// (f) metered's `HitCount`, the way metered 0.9 applies it: `#[metered]` on an `impl` whose
/// struct owns the registry.
#[derive(Debug, Default)]
pub struct Metered {
    /// The generated registry with one `HitCount` for `work`.
    metrics: MeteredMetrics,
}

#[metered::metered(registry = MeteredMetrics)]
impl Metered {
    /// The work, counted by a `HitCount`.
    #[measure(metered::HitCount)]
    #[inline(never)]
    pub fn work(&self, x: u64) -> u64 {
        body(x)
    }
}

/// The one instance the metered variant calls.
pub static METERED: LazyLock<Metered> = LazyLock::new(Metered::default);

/// (g) autometrics with its prometheus-client backend: a call counter and a latency histogram,
/// both labelled.
#[inline(never)]
#[autometrics::autometrics]
pub fn autometered(x: u64) -> u64 {
    body(x)
}

/// Installs a global tracing subscriber that is enabled at INFO: the registry with a `fmt`
/// layer writing to `io::sink`, so that spans are really created, recorded and entered.
/// Returns whether an INFO span is now enabled.
pub fn install_tracing() -> bool {
    let _ = tracing_subscriber::registry()
        .with(tracing_subscriber::fmt::layer().with_writer(std::io::sink))
        .with(LevelFilter::INFO)
        .try_init();
    !tracing::info_span!("probe").is_disabled()
}

/// Calls `work` `calls` times with distinct arguments and folds the results, so that no call
/// can be removed or hoisted. Every variant's loop is an instance of this function (the
/// callgrind driver collects costs inside it only).
#[inline(never)]
pub fn measured_loop<F: Fn(u64) -> u64>(work: F, calls: u64) -> u64 {
    let mut acc = 0u64;
    for i in 0..calls {
        acc = acc.wrapping_add(work(black_box(i)));
    }
    acc
}

/// One variant of `work`.
#[derive(Debug, Clone, Copy)]
pub struct Variant {
    /// Short name, also the driver's argument.
    pub name: &'static str,
    /// What the variant adds to `work`.
    pub what: &'static str,
    /// One call (warm-up: leases, lazy registries and subscribers are set up on first call).
    pub once: fn(u64) -> u64,
    /// `calls` calls through [`measured_loop`].
    pub run: fn(u64) -> u64,
}

/// Every variant, the baseline first.
pub const VARIANTS: [Variant; 7] = [
    Variant {
        name: "plain",
        what: "uninstrumented baseline",
        once: plain,
        run: |calls| measured_loop(plain, calls),
    },
    Variant {
        name: "tracked",
        what: "#[wear::tracked]",
        once: tracked,
        run: |calls| measured_loop(tracked, calls),
    },
    Variant {
        name: "timed",
        what: "#[wear::tracked(timed)]",
        once: timed,
        run: |calls| measured_loop(timed, calls),
    },
    Variant {
        name: "atomic",
        what: "static AtomicU64 fetch_add",
        once: atomic,
        run: |calls| measured_loop(atomic, calls),
    },
    Variant {
        name: "tracing",
        what: "#[tracing::instrument], fmt to sink",
        once: traced,
        run: |calls| measured_loop(traced, calls),
    },
    Variant {
        name: "metered",
        what: "metered 0.9 HitCount",
        once: |x| METERED.work(x),
        run: |calls| {
            let metered: &Metered = &METERED;
            measured_loop(|x| metered.work(x), calls)
        },
    },
    Variant {
        name: "autometrics",
        what: "#[autometrics], prometheus-client",
        once: autometered,
        run: |calls| measured_loop(autometered, calls),
    },
];

/// The variant named `name`.
pub fn variant(name: &str) -> Option<Variant> {
    VARIANTS.iter().copied().find(|v| v.name == name)
}

/// Calls of each counting variant as the variant itself counted them, for a sanity check that
/// the instrumentation ran: `(name, calls)`.
pub fn counted_calls() -> Vec<(&'static str, u64)> {
    let snapshot = wear::snapshot();
    let wear_calls =
        |suffix: &str| snapshot.parts.iter().find(|p| p.path.ends_with(suffix)).map_or(0, |p| p.calls);
    vec![
        ("tracked", wear_calls("::tracked")),
        ("timed", wear_calls("::timed")),
        ("atomic", ATOMIC_CALLS.load(Ordering::Relaxed)),
        ("metered", METERED.metrics.work.hit_count.get()),
    ]
}
