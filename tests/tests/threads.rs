//! Counting under concurrency: exact totals with many threads on one function, no count lost
//! when threads exit (even from thread-local destructors), bounded memory for many short-lived
//! threads, and readings that never go backwards while threads count.
use std::sync::{Arc, Barrier};
use std::thread;

fn calls(path: &str) -> u64 {
    wear::snapshot().parts.into_iter().find(|p| p.path == path).map(|p| p.calls).expect("part exists")
}

#[wear::tracked]
fn hammered(x: u64) -> u64 {
    x ^ 0x5bd1_e995
}

#[test]
fn many_threads_on_one_function_count_exactly() {
    const THREADS: u64 = 8;
    const CALLS: u64 = 250_000;
    let barrier = Arc::new(Barrier::new(THREADS as usize + 1));
    let workers: Vec<_> = (0..THREADS)
        .map(|t| {
            let barrier = Arc::clone(&barrier);
            thread::spawn(move || {
                barrier.wait();
                let mut acc = 0;
                for i in 0..CALLS {
                    acc ^= hammered(i + t);
                }
                acc
            })
        })
        .collect();
    barrier.wait();
    // Read while they count: readings only grow.
    let mut last = 0;
    for _ in 0..20 {
        let now = calls("threads::hammered");
        assert!(now >= last, "reading went backwards: {now} < {last}");
        last = now;
    }
    for w in workers {
        w.join().expect("worker");
    }
    assert_eq!(calls("threads::hammered"), THREADS * CALLS);
}

#[wear::tracked]
fn short_lived(x: u64) -> u64 {
    x + 1
}

#[test]
fn exited_threads_keep_their_counts_and_blocks_are_reused() {
    const THREADS: u64 = 2_000;
    for t in 0..THREADS {
        thread::spawn(move || short_lived(t)).join().expect("thread");
    }
    assert_eq!(calls("threads::short_lived"), THREADS);
    // One block per thread alive at once, not per thread ever: other tests of this binary run
    // beside this one, so allow for them.
    let blocks = wear::counter_blocks();
    assert!(blocks <= 16, "{blocks} counter blocks for {THREADS} sequential threads");
}

#[wear::tracked]
fn called_from_a_destructor() {}

struct CallsOnDrop;

impl Drop for CallsOnDrop {
    fn drop(&mut self) {
        called_from_a_destructor();
    }
}

thread_local! {
    static LATE: CallsOnDrop = const { CallsOnDrop };
}

#[test]
fn calls_from_thread_local_destructors_are_counted() {
    for _ in 0..10 {
        thread::spawn(|| {
            // Register the destructor first, so it may run after wear's own lease is gone.
            LATE.with(|_| {});
            called_from_a_destructor();
        })
        .join()
        .expect("thread");
    }
    assert_eq!(calls("threads::called_from_a_destructor"), 20);
}
