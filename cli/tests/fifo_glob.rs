//! A `--usage` glob that matches a FIFO (issue 18): the FIFO is skipped with a warning naming
//! it, the other matches are read, and nothing waits for a writer. Given by name, the same
//! FIFO is an error (`src/bounded.rs`): the user asked for that file.
#![cfg(unix)]
mod support;

use std::path::Path;
use std::time::{Duration, Instant};

use support::edge::{Row, record};
use support::{Fixture, Reading, snapshot};

const NOW: &str = "2026-11-21";

fn mkfifo(path: &Path) {
    let c = std::ffi::CString::new(path.as_os_str().as_encoded_bytes()).expect("no NUL");
    // SAFETY: `c` is a NUL-terminated path that lives for the call.
    assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o644) }, 0, "mkfifo {}", path.display());
}

#[test]
fn a_fifo_matched_by_a_glob_is_skipped_with_a_warning() {
    let fx = Fixture::new("globbed");
    fx.write("src/lib.rs", "#[wear::tracked]\npub fn hot() -> u32 {\n    1\n}\n");
    fx.commit("hot", "Ada", "2026-01-10");
    let reading = Reading { path: "globbed::hot", serial: "00000000000000aa", calls: 7, busy_ns: None };
    fx.write("usage/a.json", &snapshot("i1", "2026-11-01T00:00:00Z", "2026-11-20T00:00:00Z", &[reading]));
    mkfifo(&fx.path("usage/pipe.json"));
    let start = Instant::now();
    let out = fx
        .wear(&["report", "--now", NOW, "--usage", "usage/*.json", "--no-ledger", "--format", "json"])
        .output()
        .expect("runs");
    assert!(start.elapsed() < Duration::from_secs(20), "did not wait for a writer");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(
        stderr.contains(
            "warning: usage/pipe.json: matched by `usage/*.json` but not a regular file (a FIFO, socket or \
             device), skipped: reading it might never end"
        ),
        "{stderr}"
    );
    assert!(stderr.contains("help: save what it gives to a file first"), "{stderr}");
    assert_eq!(stderr.matches("pipe.json: matched").count(), 1, "said once: {stderr}");
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(report["parts"][0]["calls_since_new"], 7, "a.json was read: {}", report["parts"][0]);

    // Named, the FIFO is an error; a glob that matches nothing else is one too.
    let named = fx
        .wear(&["report", "--now", NOW, "--usage", "usage/pipe.json", "--no-ledger"])
        .output()
        .expect("runs");
    assert_eq!(named.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&named.stderr).contains("usage/pipe.json: is a FIFO (named pipe)"));
    let only =
        fx.wear(&["report", "--now", NOW, "--usage", "usage/pipe*", "--no-ledger"]).output().expect("runs");
    assert_eq!(only.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&only.stderr).contains("no snapshot file matches `usage/pipe*`"));
    assert!(start.elapsed() < Duration::from_secs(20), "nothing waited for a writer");
    record(Row {
        id: "I1",
        situation: "a `--usage` glob matches a FIFO (named pipe) among the snapshot files",
        command: "report --now 2026-11-21 --usage 'usage/*.json' --format json",
        output: &out,
        proof: "the other files are read and nothing waits; the FIFO named alone is an error (exit 2)",
    });
}
