//! Count the calls of your functions in production, nearly for free.
//!
//! `wear` tracks the wear of code the way aviation tracks the wear of aircraft parts. Every
//! function marked `#[wear::tracked]` is a **part**: it counts its calls (and, opt-in, its
//! failures and busy time), and `cargo wear` joins those counts with the age of the
//! function's lines in git to say which parts are due for inspection.
//!
//! # Getting started
//!
//! ```
//! #[wear::tracked]
//! fn add_item(cart: &mut Vec<u32>, item: u32) {
//!     cart.push(item);
//! }
//!
//! #[wear::tracked(timed, failures)]
//! fn parse(text: &str) -> Result<u32, std::num::ParseIntError> {
//!     text.parse()
//! }
//!
//! let mut cart = Vec::new();
//! add_item(&mut cart, 7);
//! let _ = parse("x");
//!
//! let snapshot = wear::snapshot();
//! let add = snapshot.parts.iter().find(|p| p.path.ends_with("::add_item")).unwrap();
//! assert_eq!(add.calls, 1);
//! let parse = snapshot.parts.iter().find(|p| p.path.ends_with("::parse")).unwrap();
//! assert_eq!(parse.failures, Some(1));
//! ```
//!
//! One call costs a thread-local load, an add and an increment of a counter that only the
//! calling thread writes: no lock, no allocation, no shared cache line, and no count lost when
//! threads exit. Every tracked function linked into the program is listed by
//! [`snapshot()`], including those never called: an unused part is a finding, not a gap.
//!
//! # Exporting
//!
//! Write snapshots (`wear-snapshot/2` JSON, see [`snapshot`](mod@snapshot)) for `cargo wear`:
//!
//! ```no_run
//! wear::set_service(wear::service!());
//! // Every 30 s and at exit, atomically; `WEAR_SNAPSHOT=path` does the same via
//! // `wear::Recorder::from_env()`.
//! let _wear = wear::Recorder::to_file("usage/{service}-{instance}.json")
//!     .every(std::time::Duration::from_secs(30))
//!     .start();
//! // ... the program ...
//! ```
//!
//! # Turning it off
//!
//! With the `off` feature, `#[wear::tracked]` emits every function exactly as written.
#![deny(missing_docs)]

// Two layers: `count`, the counting core (parts, the registry, the hot path's counters),
// and `exporters`, which read what the core publishes (`count::read`) and take it out of the
// process. The public modules of both are re-exported here under the names users know.
pub mod build;
mod count;
mod exporters;

pub use count::{Service, set_service};
#[cfg(feature = "otel")]
pub use exporters::otel;
#[cfg(feature = "prometheus")]
pub use exporters::prometheus;
pub use exporters::recorder::{ENV_INTERVAL, ENV_PATH, Recorder, SnapshotGuard};
pub use exporters::snapshot::{Snapshot, snapshot};
pub use exporters::{export, snapshot};
/// Marks a function, or every function of an `impl`, `trait` or inline `mod`, as a part.
///
/// See the crate documentation, and the user guide in the repository (`docs/src/annotating.md`,
/// `docs/src/identity.md`), for the arguments (`timed`, `failures`, `skip`, `limit_calls`,
/// `limit_busy`, `interval`) and the part path of each shape.
pub use wear_macros::tracked;

/// Used by the code `#[wear::tracked]` generates. Not public API.
#[doc(hidden)]
pub mod __private {
    pub use crate::count::generated::{
        EXTRAS, Extra, FailureGuard, OtherFailure, PARTS, Part, Probe, ResultFailure, TIMINGS, Timer,
        TimingSlot, hit, run,
    };
    pub use crate::{__wear_in_slice as in_slice, __wear_part as part};
    pub use core::sync::atomic::AtomicU64;
    pub use linkme;
}

/// How many per-thread counter blocks exist: the peak number of threads that counted at once.
/// Memory used by counters is this times the number of parts times 8 bytes.
pub fn counter_blocks() -> usize {
    count::read::counter_blocks()
}

#[cfg(test)]
mod layers {
    use std::path::Path;

    /// The compiler keeps the core's modules private; what it cannot stop is an exporter going
    /// through the items generated code needs (`__private`, `count::generated`) to reach the
    /// registry or a timing slot. This test does.
    #[test]
    fn exporters_read_only_what_the_core_publishes() {
        fn check(dir: &Path, found: &mut Vec<String>) {
            let entries = std::fs::read_dir(dir).unwrap_or_else(|e| panic!("reading {}: {e}", dir.display()));
            for entry in entries.flatten() {
                let path = entry.path();
                if path.is_dir() {
                    check(&path, found);
                    continue;
                }
                let text = std::fs::read_to_string(&path).unwrap_or_default();
                for (number, line) in text.lines().enumerate() {
                    let reaches_in = line.contains("__private")
                        || line.match_indices("count::").any(|(at, _)| !line[at + 7..].starts_with("read"));
                    if reaches_in && !line.trim_start().starts_with("//") {
                        found.push(format!("{}:{}: {}", path.display(), number + 1, line.trim()));
                    }
                }
            }
        }
        let mut found = Vec::new();
        check(&Path::new(env!("CARGO_MANIFEST_DIR")).join("src/exporters"), &mut found);
        assert!(found.is_empty(), "exporters reaching past `count::read`:\n{}", found.join("\n"));
    }
}
