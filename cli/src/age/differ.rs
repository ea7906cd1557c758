//! Line diffs on a second thread, in the order they were asked for.
//!
//! The walk needs a diff's answer (which lines pass to the parent) only when it next changes
//! that file or attributes its lines, usually many commits later; until then it goes on with
//! the trees of the next commits while this thread runs xdiff (a fifth of a cold walk's time,
//! `docs/src/benchmarks.md`). Answers come back in the order of the requests, so the walk
//! applies them in that order. Without a thread (it could not start), diffs run at once.
use std::collections::VecDeque;
use std::sync::mpsc::{self, Receiver, Sender};
use std::thread::JoinHandle;

use super::blobs::Content;
use super::hunks::{self, Hunk};

/// How many diffs may wait for the thread: their contents stay alive until it has run them.
const IN_FLIGHT: usize = 256;

type Answer = Result<Vec<Hunk>, git2::Error>;

/// Runs diffs, on a thread when one could start.
pub(super) struct Differ {
    thread: Option<Thread>,
    /// Answers computed at once, when there is no thread (or it stopped): they come after
    /// every answer the thread still owes.
    done: VecDeque<Answer>,
    /// Questions sent to the thread and not yet answered.
    owed: usize,
    asked: usize,
}

struct Thread {
    jobs: Option<Sender<(Content, Content)>>,
    answers: Receiver<Answer>,
    handle: Option<JoinHandle<()>>,
}

impl Differ {
    /// A differ with a thread of its own (`threaded`, and if it starts), else one that runs
    /// each diff when asked.
    pub(super) fn new(threaded: bool) -> Differ {
        let thread = threaded.then(Thread::start).flatten();
        Differ { thread, done: VecDeque::new(), owed: 0, asked: 0 }
    }

    /// Asks for the hunks that turn `old` into `new`; [`Differ::next`] gives the answers in order.
    pub(super) fn ask(&mut self, old: Content, new: Content) {
        self.asked += 1;
        let sent = match self.thread.as_ref().and_then(|t| t.jobs.as_ref()) {
            Some(jobs) => jobs.send((old.clone(), new.clone())).is_ok(),
            None => false,
        };
        if sent {
            self.owed += 1;
            return;
        }
        // No thread (or it ended): diff here.
        self.done.push_back(hunks::between(old.bytes(), new.bytes(), &mut hunks::blame_diff_options()));
    }

    /// The answer to the oldest question not yet answered: waits for it if `wait`, else
    /// `None` when it is not ready. `None` too when nothing is asked.
    pub(super) fn next(&mut self, wait: bool) -> Option<Answer> {
        if self.asked == 0 {
            return None;
        }
        let answer = if self.owed > 0 {
            let thread = self.thread.as_ref()?;
            let answer = if wait { thread.answers.recv().ok()? } else { thread.answers.try_recv().ok()? };
            self.owed -= 1;
            answer
        } else {
            self.done.pop_front()?
        };
        self.asked -= 1;
        Some(answer)
    }

    /// Too many questions wait: the caller should take an answer before asking more.
    pub(super) fn full(&self) -> bool {
        self.asked >= IN_FLIGHT
    }
}

impl Thread {
    fn start() -> Option<Thread> {
        let (jobs, inbox) = mpsc::channel::<(Content, Content)>();
        let (outbox, answers) = mpsc::channel();
        let handle = std::thread::Builder::new()
            .name("diff".into())
            .spawn(move || {
                let mut opts = hunks::blame_diff_options();
                for (old, new) in inbox {
                    if outbox.send(hunks::between(old.bytes(), new.bytes(), &mut opts)).is_err() {
                        break;
                    }
                }
            })
            .ok()?;
        Some(Thread { jobs: Some(jobs), answers, handle: Some(handle) })
    }
}

impl Drop for Thread {
    fn drop(&mut self) {
        // Closing the queue ends the thread's loop.
        self.jobs = None;
        if let Some(handle) = self.handle.take() {
            let _ = handle.join();
        }
    }
}

#[cfg(test)]
mod tests {
    use git2::Repository;

    use super::super::blobs::{BUDGET, Blobs};
    use super::*;

    #[test]
    fn answers_come_in_the_order_asked_with_or_without_a_thread() {
        let dir = tempfile::tempdir().unwrap();
        let repo = Repository::init(dir.path()).unwrap();
        let ids: Vec<_> =
            [&b"a\nb\n"[..], b"a\nx\nb\n", b"b\n"].iter().map(|b| repo.blob(b).unwrap()).collect();
        let mut blobs = Blobs::new(&repo, None, BUDGET);
        let c: Vec<Content> = ids.iter().map(|&id| blobs.content(id, None).unwrap()).collect();
        for threaded in [true, false] {
            let mut differ = Differ::new(threaded);
            assert!(differ.next(true).is_none(), "nothing asked");
            differ.ask(c[0].clone(), c[1].clone());
            differ.ask(c[0].clone(), c[2].clone());
            let first = differ.next(true).unwrap().unwrap();
            assert_eq!(first, [Hunk { old_start: 1, old_len: 0, new_start: 1, new_len: 1 }]);
            let second = differ.next(true).unwrap().unwrap();
            assert_eq!(second, [Hunk { old_start: 0, old_len: 1, new_start: 0, new_len: 0 }]);
            assert!(differ.next(true).is_none());
        }
    }
}
