//! The progress bar of a long walk over history: on stderr, only when it is a terminal, and
//! only once the walk has taken a while, so that quick runs and CI logs stay quiet.
use std::io::IsTerminal;
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

/// How long a walk runs before its bar appears.
const SHOW_AFTER: Duration = Duration::from_millis(800);

/// Progress in lines attributed out of all lines pending.
#[derive(Debug)]
pub(super) struct Progress {
    wanted: bool,
    started: Instant,
    bar: Option<ProgressBar>,
}

impl Progress {
    /// A bar that may appear when `wanted` and stderr is a terminal.
    pub(crate) fn new(wanted: bool) -> Progress {
        Progress { wanted: wanted && std::io::stderr().is_terminal(), started: Instant::now(), bar: None }
    }

    /// `done` of `total` lines are attributed.
    pub(crate) fn update(&mut self, done: u64, total: u64) {
        if !self.wanted {
            return;
        }
        if self.bar.is_none() && self.started.elapsed() >= SHOW_AFTER {
            let bar = ProgressBar::with_draw_target(Some(total), ProgressDrawTarget::stderr());
            if let Ok(style) = ProgressStyle::with_template("{msg} [{bar:30}] {pos}/{len} lines ({elapsed})")
            {
                bar.set_style(style.progress_chars("=> "));
            }
            bar.set_message("git history");
            self.bar = Some(bar);
        }
        if let Some(bar) = &self.bar {
            bar.set_position(done);
        }
    }

    /// Removes the bar.
    pub(crate) fn finish(&mut self) {
        if let Some(bar) = self.bar.take() {
            bar.finish_and_clear();
        }
    }
}
