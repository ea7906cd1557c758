//! Writing snapshots to a file periodically and at exit, off the program's threads.
//!
//! A background thread takes and writes snapshots; the guard stops it when dropped, waiting at
//! most a bounded time so that a hung disk never holds up the program's exit. Write errors are
//! reported on stderr once per distinct error, never as panics.
use std::path::{Path, PathBuf};
use std::sync::mpsc::{self, RecvTimeoutError};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::Duration;

use crate::exporters::say::say;
use crate::exporters::snapshot::snapshot;

/// Environment variable naming the snapshot file (placeholders allowed, see [`Recorder`]).
pub const ENV_PATH: &str = "WEAR_SNAPSHOT";
/// Environment variable with the interval between snapshots, e.g. `30s` or `5m`.
pub const ENV_INTERVAL: &str = "WEAR_SNAPSHOT_INTERVAL";

/// Writes snapshots to a file: configure, then [`start`](Recorder::start).
///
/// The path may hold `{pid}`, `{instance}` and `{service}`, so that several processes writing
/// into one directory keep apart: `"usage/{service}-{instance}.json"`.
#[derive(Clone, Debug)]
pub struct Recorder {
    path: PathBuf,
    interval: Option<Duration>,
    exit_timeout: Duration,
}

impl Recorder {
    /// Snapshots to `path`, once at exit unless [`every`](Recorder::every) is set.
    pub fn to_file(path: impl Into<PathBuf>) -> Recorder {
        Recorder { path: path.into(), interval: None, exit_timeout: Duration::from_secs(2) }
    }

    /// Reads [`ENV_PATH`] and [`ENV_INTERVAL`]. `None` when `WEAR_SNAPSHOT` is unset or empty.
    /// An interval that does not parse is reported on stderr and ignored (snapshot at exit only).
    pub fn from_env() -> Option<Recorder> {
        let path = std::env::var_os(ENV_PATH).filter(|p| !p.is_empty())?;
        let mut recorder = Recorder::to_file(PathBuf::from(path));
        if let Some(text) = std::env::var_os(ENV_INTERVAL) {
            match parse_interval(&text.to_string_lossy()) {
                Ok(interval) => recorder.interval = Some(interval),
                Err(why) => say!(
                    "wear: ignoring {ENV_INTERVAL}={:?}: {why}; write a duration such as `30s` or `5m`. \
                     Snapshots are written at exit only.",
                    text
                ),
            }
        }
        Some(recorder)
    }

    /// Also writes a snapshot every `interval` (at least 10 ms).
    pub fn every(mut self, interval: Duration) -> Recorder {
        self.interval = Some(interval.max(Duration::from_millis(10)));
        self
    }

    /// How long dropping the guard may wait for the last snapshot to be written (default 2 s).
    pub fn exit_timeout(mut self, timeout: Duration) -> Recorder {
        self.exit_timeout = timeout;
        self
    }

    /// Starts recording; the final snapshot is written when the guard is dropped.
    pub fn start(self) -> SnapshotGuard {
        crate::count::read::touch();
        if let Some(unknown) = unknown_placeholder(&self.path) {
            say!(
                "wear: the snapshot path {} has {unknown}, which is not a placeholder ({{pid}}, \
                 {{instance}}, {{service}}); it is written as it stands",
                self.path.display()
            );
        }
        let path = expand(&self.path);
        let reporter = Arc::new(Reporter::default());
        let (stop_tx, stop_rx) = mpsc::channel::<()>();
        let (done_tx, done_rx) = mpsc::channel::<()>();
        let thread = {
            let path = path.clone();
            let reporter = Arc::clone(&reporter);
            let interval = self.interval;
            std::thread::Builder::new().name("wear-snapshot".to_owned()).spawn(move || {
                loop {
                    let stop = match interval {
                        Some(every) => match stop_rx.recv_timeout(every) {
                            Err(RecvTimeoutError::Timeout) => false,
                            Ok(()) | Err(RecvTimeoutError::Disconnected) => true,
                        },
                        None => {
                            let _ = stop_rx.recv();
                            true
                        }
                    };
                    reporter.write(&path);
                    if stop {
                        let _ = done_tx.send(());
                        return;
                    }
                }
            })
        };
        let thread = match thread {
            Ok(handle) => Some(handle),
            Err(e) => {
                say!("wear: cannot start the snapshot thread ({e}); the snapshot is written at exit only");
                None
            }
        };
        SnapshotGuard {
            path,
            template: self.path,
            pid: std::process::id(),
            stop: Some(stop_tx),
            done: done_rx,
            thread,
            exit_timeout: self.exit_timeout,
            reporter,
        }
    }
}

/// Keeps snapshots being written; writes the last one when dropped.
#[derive(Debug)]
#[must_use = "snapshots stop, and the final one is written, when this guard is dropped: bind it with `let _wear = ...`"]
pub struct SnapshotGuard {
    path: PathBuf,
    /// The path as given, placeholders and all: a forked child fills them in again.
    template: PathBuf,
    /// The process that started the recorder; another one is a forked child.
    pid: u32,
    stop: Option<mpsc::Sender<()>>,
    done: mpsc::Receiver<()>,
    thread: Option<JoinHandle<()>>,
    exit_timeout: Duration,
    reporter: Arc<Reporter>,
}

impl SnapshotGuard {
    /// The file snapshots are written to (placeholders filled in).
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Writes a snapshot now, on the calling thread.
    pub fn write_now(&self) -> Result<(), crate::exporters::snapshot::WriteError> {
        snapshot().write_to(&self.path)
    }

    /// The last write error, if the last write failed.
    pub fn last_error(&self) -> Option<String> {
        self.reporter.last.lock().ok().and_then(|last| last.clone())
    }
}

impl SnapshotGuard {
    /// Dropped in a forked child, which has a copy of the guard but not the recorder's thread:
    /// nothing to stop or wait for. The child writes its own counts (see `fork`) to its own
    /// file if the path has `{pid}` or `{instance}`; otherwise the file is the parent's, and
    /// the child leaves it alone.
    fn drop_in_forked_child(&mut self) {
        // The thread exists only in the parent: detaching its handle here would act on a
        // copy of the parent's thread record.
        std::mem::forget(self.thread.take());
        let template = self.template.to_string_lossy();
        if template.contains("{pid}") || template.contains("{instance}") {
            if let Err(error) = snapshot().write_to(&expand(&self.template)) {
                say!("wear: {error}");
            }
        } else {
            say!(
                "wear: process {} (forked from {}) does not write its snapshot to {}, its parent's file; \
                 put {{pid}} or {{instance}} in the path to give each process its own",
                std::process::id(),
                self.pid,
                self.path.display()
            );
        }
    }
}

impl Drop for SnapshotGuard {
    fn drop(&mut self) {
        if std::process::id() != self.pid {
            return self.drop_in_forked_child();
        }
        drop(self.stop.take());
        match self.thread.take() {
            Some(handle) => {
                // Bounded wait: a hung file system must not hang the program's exit.
                if self.done.recv_timeout(self.exit_timeout).is_ok() {
                    let _ = handle.join();
                }
            }
            None => self.reporter.write(&self.path),
        }
    }
}

/// Writes snapshots and reports each distinct failure once.
#[derive(Debug, Default)]
struct Reporter {
    last: Mutex<Option<String>>,
}

impl Reporter {
    fn write(&self, path: &Path) {
        let outcome = snapshot().write_to(path).err().map(|e| e.to_string());
        let Ok(mut last) = self.last.lock() else {
            return;
        };
        if let Some(message) = &outcome
            && last.as_deref() != Some(message.as_str())
        {
            say!("wear: {message}");
        }
        *last = outcome;
    }
}

fn parse_interval(text: &str) -> Result<Duration, String> {
    let interval = crate::exporters::duration::parse_duration(text.trim())?;
    if interval < Duration::from_millis(10) {
        return Err("the interval must be at least 10ms".to_owned());
    }
    Ok(interval)
}

/// The first `{word}` in a path that [`expand`] does not fill, if any.
fn unknown_placeholder(path: &Path) -> Option<String> {
    let text = path.to_string_lossy();
    let mut rest = text.as_ref();
    while let Some(open) = rest.find('{') {
        let after = &rest[open + 1..];
        let close = after.find('}')?;
        let word = &after[..close];
        if !matches!(word, "pid" | "instance" | "service") {
            return Some(format!("{{{word}}}"));
        }
        rest = &after[close + 1..];
    }
    None
}

/// Fills `{pid}`, `{instance}` and `{service}` in a path.
fn expand(path: &Path) -> PathBuf {
    let text = path.to_string_lossy();
    if !text.contains('{') {
        return path.to_owned();
    }
    let service: String = crate::count::read::service()
        .name
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() || c == '-' || c == '_' { c } else { '_' })
        .collect();
    PathBuf::from(
        text.replace("{pid}", &std::process::id().to_string())
            .replace("{instance}", &crate::count::read::instance())
            .replace("{service}", &service),
    )
}
