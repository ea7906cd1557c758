//! Blob reads and line diffs on a second thread, in the order they were asked for.
//!
//! The walk needs a diff's answer (which lines pass to the parent) only when it next changes
//! that file or attributes its lines, usually many commits later; until then it goes on with
//! the trees of the next commits while this thread reads both blobs (through `git cat-file`,
//! waiting on it) and runs xdiff: together about half of a cold walk's time on the critical
//! path when the walk did the reading itself (`docs/src/benchmarks.md`). Answers come back in
//! the order of the requests, so the walk applies them in that order. Without a thread (it
//! could not start), each request runs at once.
use std::collections::VecDeque;
use std::path::Path;
use std::sync::mpsc::{self, Receiver, Sender};
use std::thread::JoinHandle;

use git2::Oid;

use super::blobs::{Blobs, Budget, Content, Later};
use super::cat_file::CatFile;
use super::hunks::{self, Hunk};

/// How many requests may wait for the thread: the contents they hold stay alive until it has
/// run them.
const IN_FLIGHT: usize = 256;

/// A blob to read: its id, and where the walk may already have its content.
pub(super) struct Want {
    pub(super) id: Oid,
    pub(super) kept: Option<Later>,
}

enum Job {
    /// Diff blob `old` into `new`, keeping `old`'s content in the `Later`.
    Diff {
        old: Oid,
        new: Want,
        keep_old: Later,
    },
    Read(Want),
}

/// What a job gives back.
pub(super) enum Reply {
    Hunks(Vec<Hunk>),
    Content(Content),
}

type Answer = Result<Reply, git2::Error>;

/// Runs jobs, on a thread when one could start.
pub(super) struct Differ {
    thread: Option<Thread>,
    /// Reads and diffs here, when there is no thread (or it stopped).
    inline: Option<Worker>,
    /// Answers computed at once, when there is no thread (or it stopped): they come after
    /// every answer the thread still owes.
    done: VecDeque<Answer>,
    /// Questions sent to the thread and not yet answered.
    owed: usize,
    asked: usize,
    budget: Budget,
    git_dir: std::path::PathBuf,
}

struct Thread {
    jobs: Option<Sender<Job>>,
    answers: Receiver<Answer>,
    handle: Option<JoinHandle<()>>,
}

/// What reads and diffs, on whichever thread.
struct Worker {
    blobs: Blobs,
    opts: git2::DiffOptions,
}

impl Worker {
    fn new(git_dir: &Path, with_git: bool, budget: Budget) -> Worker {
        let git = if with_git { CatFile::start(git_dir) } else { None };
        Worker { blobs: Blobs::new(git_dir, git, budget), opts: hunks::blame_diff_options() }
    }

    fn run(&mut self, job: Job) -> Answer {
        match job {
            Job::Diff { old, new, keep_old } => {
                let new = self.blobs.content(new.id, new.kept.as_ref())?;
                let old = self.blobs.content(old, None)?;
                self.blobs.keep(&old, &keep_old);
                Ok(Reply::Hunks(hunks::between(old.bytes(), new.bytes(), &mut self.opts)?))
            }
            Job::Read(want) => Ok(Reply::Content(self.blobs.content(want.id, want.kept.as_ref())?)),
        }
    }
}

impl Differ {
    /// A differ reading the repository at `git_dir` (through `git cat-file` if `with_git`),
    /// with a thread of its own (`threaded`, and if it starts), else one that runs each
    /// request when asked. Contents kept count against `budget`.
    pub(super) fn new(git_dir: &Path, with_git: bool, budget: Budget, threaded: bool) -> Differ {
        let thread = threaded.then(|| Thread::start(git_dir, with_git, budget.clone())).flatten();
        Differ {
            inline: None,
            thread,
            done: VecDeque::new(),
            owed: 0,
            asked: 0,
            budget,
            git_dir: git_dir.to_path_buf(),
        }
    }

    /// Asks for the hunks that turn blob `old` into `new`, and for `old`'s content kept in
    /// `keep_old`; [`Differ::next`] gives the answers in order.
    pub(super) fn ask(&mut self, old: Oid, new: Want, keep_old: Later) {
        self.send(Job::Diff { old, new, keep_old });
    }

    /// Reads a blob now. Every answer asked before must have been taken.
    pub(super) fn read(&mut self, want: Want) -> Result<Content, git2::Error> {
        self.send(Job::Read(want));
        match self.next(true) {
            Some(Ok(Reply::Content(content))) => Ok(content),
            Some(Err(e)) => Err(e),
            Some(Ok(Reply::Hunks(_))) => {
                Err(git2::Error::from_str("a diff answered a read: answers out of step"))
            }
            None => Err(git2::Error::from_str("the diff thread stopped")),
        }
    }

    /// `content`, kept in `later` if the budget allows.
    pub(super) fn keep(&self, content: &Content, later: &Later) {
        self.budget.keep(content, later);
    }

    fn send(&mut self, job: Job) {
        self.asked += 1;
        let job = match self.thread.as_ref().and_then(|t| t.jobs.as_ref()) {
            Some(jobs) => match jobs.send(job) {
                Ok(()) => {
                    self.owed += 1;
                    return;
                }
                Err(mpsc::SendError(job)) => job,
            },
            None => job,
        };
        // No thread (or it ended): run it here, reading through libgit2 (the thread's git
        // process, if any, went with it).
        let git_dir = &self.git_dir;
        let budget = &self.budget;
        let worker = self.inline.get_or_insert_with(|| Worker::new(git_dir, false, budget.clone()));
        self.done.push_back(worker.run(job));
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
    fn start(git_dir: &Path, with_git: bool, budget: Budget) -> Option<Thread> {
        let (jobs, inbox) = mpsc::channel::<Job>();
        let (outbox, answers) = mpsc::channel();
        let git_dir = git_dir.to_path_buf();
        let handle = std::thread::Builder::new()
            .name("diff".into())
            .spawn(move || {
                // Made here: libgit2's diff options cannot move between threads.
                let mut worker = Worker::new(&git_dir, with_git, budget);
                for job in inbox {
                    if outbox.send(worker.run(job)).is_err() {
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

    use super::super::blobs::BUDGET;
    use super::*;

    #[test]
    fn answers_come_in_the_order_asked_with_or_without_a_thread_or_git() {
        let dir = tempfile::tempdir().unwrap();
        let repo = Repository::init(dir.path()).unwrap();
        let ids: Vec<_> =
            [&b"a\nb\n"[..], b"a\nx\nb\n", b"b\n"].iter().map(|b| repo.blob(b).unwrap()).collect();
        for (threaded, with_git) in [(true, true), (true, false), (false, true), (false, false)] {
            let mut differ = Differ::new(repo.path(), with_git, Budget::new(BUDGET), threaded);
            assert!(differ.next(true).is_none(), "nothing asked");
            let kept = Later::default();
            differ.ask(ids[0], Want { id: ids[1], kept: None }, kept.clone());
            differ.ask(ids[0], Want { id: ids[2], kept: None }, Later::default());
            let Some(Ok(Reply::Hunks(first))) = differ.next(true) else { panic!("hunks") };
            assert_eq!(first, [Hunk { old_start: 1, old_len: 0, new_start: 1, new_len: 1 }]);
            assert_eq!(kept.get().unwrap().bytes(), b"a\nb\n", "the older side is kept");
            let Some(Ok(Reply::Hunks(second))) = differ.next(true) else { panic!("hunks") };
            assert_eq!(second, [Hunk { old_start: 0, old_len: 1, new_start: 0, new_len: 0 }]);
            assert!(differ.next(true).is_none());
            let read = differ.read(Want { id: ids[2], kept: None }).unwrap();
            assert_eq!(read.bytes(), b"b\n");
            let absent = Oid::from_str("0123456789012345678901234567890123456789").unwrap();
            let e = differ.read(Want { id: absent, kept: None }).unwrap_err();
            assert_eq!(e.code(), git2::ErrorCode::NotFound, "libgit2 says what is missing");
            assert!(differ.next(false).is_none(), "nothing left owed");
        }
    }
}
