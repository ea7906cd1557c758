//! Panics inside tracked functions: plain, `failures`, `timed` and `async`, caught with
//! `catch_unwind` or left to end their thread. The call is counted, the failure too (for
//! `failures` parts), the busy time is recorded (for `timed` parts), the panic reaches the
//! caller with the same payload, message and source location as without wear, and wear's
//! state is not poisoned: later calls, snapshots and recorders work as before.
mod snapshot_json;

use std::any::Any;
use std::future::Future;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::{Mutex, Once};
use std::task::{Context, Poll};
use std::time::Duration;

use wear::snapshot::PartReading;
use wear_tests::block_on;

/// A payload that is not a string, to show it reaches the caller as it was thrown.
#[derive(Debug, PartialEq)]
struct Payload(u64);

/// Where each panic's hook reported it (message, file:line), by message.
static SEEN: Mutex<Vec<(String, String)>> = Mutex::new(Vec::new());

fn record_panics() {
    static HOOK: Once = Once::new();
    HOOK.call_once(|| {
        std::panic::set_hook(Box::new(|info| {
            let message =
                message_of(info.payload()).unwrap_or_else(|| format!("{:?}", info.payload().type_id()));
            let location = info.location().map(|l| format!("{}:{}", l.file(), l.line())).unwrap_or_default();
            SEEN.lock().unwrap_or_else(std::sync::PoisonError::into_inner).push((message, location));
        }));
    });
}

fn message_of(payload: &(dyn Any + Send)) -> Option<String> {
    payload
        .downcast_ref::<&str>()
        .map(|s| (*s).to_owned())
        .or_else(|| payload.downcast_ref::<String>().cloned())
}

/// Where the hook saw the panic with `message`.
fn location_of(message: &str) -> String {
    let seen = SEEN.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
    seen.iter()
        .find(|(m, _)| m == message)
        .map(|(_, l)| l.clone())
        .unwrap_or_else(|| panic!("no panic {message:?}"))
}

fn part(name: &str) -> PartReading {
    let path = format!("panics::{name}");
    wear::snapshot().parts.into_iter().find(|p| p.path == path).unwrap_or_else(|| panic!("{path} is listed"))
}

/// The line of the `panic!` in each function, to compare with the hook's location.
const PLAIN_LINE: u32 = line!() + 4;
#[wear::tracked]
fn plain(fail: bool) -> u32 {
    if fail {
        panic!("plain panicked");
    }
    1
}

#[wear::tracked(failures)]
fn with_failures(fail: bool) -> Result<u32, String> {
    if fail {
        std::panic::panic_any(Payload(42));
    }
    Ok(2)
}

const TIMED_LINE: u32 = line!() + 5;
#[wear::tracked(timed, failures)]
fn timed(fail: bool) -> u32 {
    std::thread::sleep(Duration::from_millis(20));
    if fail {
        panic!("timed panicked after {} ms", 20);
    }
    3
}

#[wear::tracked(timed, failures)]
async fn asynchronous(fail: bool) -> u32 {
    wear_tests::outlast_sampling();
    Yield(false).await;
    if fail {
        panic!("async panicked");
    }
    4
}

/// Returns `Pending` once, so the panic comes on the second poll.
struct Yield(bool);

impl Future for Yield {
    type Output = ();
    fn poll(mut self: std::pin::Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        if self.0 {
            Poll::Ready(())
        } else {
            self.0 = true;
            cx.waker().wake_by_ref();
            Poll::Pending
        }
    }
}

#[test]
fn a_caught_panic_is_counted_and_reaches_the_caller_unchanged() {
    record_panics();
    assert_eq!(plain(false), 1);
    let payload = catch_unwind(|| plain(true)).expect_err("plain panics");
    assert_eq!(message_of(&*payload).as_deref(), Some("plain panicked"));
    assert_eq!(location_of("plain panicked"), format!("{}:{PLAIN_LINE}", file!()), "the user's line");
    for _ in 0..3 {
        assert_eq!(plain(false), 1);
    }
    assert_eq!(part("plain").calls, 5, "the panicking call and every later one");
}

#[test]
fn a_panic_is_a_failure_and_keeps_its_payload() {
    record_panics();
    assert_eq!(with_failures(false), Ok(2));
    let payload = catch_unwind(|| with_failures(true)).expect_err("panics");
    assert_eq!(payload.downcast_ref::<Payload>(), Some(&Payload(42)), "the very payload");
    let reading = part("with_failures");
    assert_eq!((reading.calls, reading.failures), (2, Some(1)));
    assert_eq!(with_failures(false), Ok(2));
    let reading = part("with_failures");
    assert_eq!((reading.calls, reading.failures), (3, Some(1)), "later calls counted, not failed");
}

#[test]
fn a_timed_panic_records_its_busy_time() {
    record_panics();
    let payload = catch_unwind(|| timed(true)).expect_err("panics");
    assert_eq!(message_of(&*payload).as_deref(), Some("timed panicked after 20 ms"));
    assert_eq!(location_of("timed panicked after 20 ms"), format!("{}:{TIMED_LINE}", file!()));
    let reading = part("timed");
    assert_eq!((reading.calls, reading.failures), (1, Some(1)));
    let busy = reading.busy_ns.expect("busy time");
    assert!(busy >= 19_000_000, "the 20 ms before the panic are busy time: {busy} ns");
    assert_eq!(reading.latency_ns.map(|l| l.count), Some(1));
    assert_eq!(timed(false), 3);
    let reading = part("timed");
    assert_eq!((reading.calls, reading.failures), (2, Some(1)));
    assert!(reading.busy_ns.expect("busy time") >= busy + 19_000_000);
}

#[test]
fn an_async_panic_on_a_later_poll_is_counted() {
    record_panics();
    assert_eq!(block_on(asynchronous(false)), 4);
    let payload = catch_unwind(AssertUnwindSafe(|| block_on(asynchronous(true)))).expect_err("panics");
    assert_eq!(message_of(&*payload).as_deref(), Some("async panicked"));
    let reading = part("asynchronous");
    assert_eq!((reading.calls, reading.failures), (2, Some(1)));
    assert_eq!(reading.latency_ns.map(|l| l.count), Some(2), "both calls timed");
    assert_eq!(block_on(asynchronous(false)), 4);
    assert_eq!(part("asynchronous").calls, 3);
}

#[wear::tracked(failures)]
fn ends_its_thread(i: u64) -> u64 {
    if i % 2 == 1 {
        panic!("thread {i} ends here");
    }
    i
}

#[test]
fn uncaught_panics_end_their_threads_and_nothing_else() {
    record_panics();
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("usage.json");
    let recorder = wear::Recorder::to_file(&path).every(Duration::from_millis(10)).start();
    let outcomes: Vec<Result<u64, String>> = (0..20)
        .map(|i| {
            std::thread::spawn(move || ends_its_thread(i))
                .join()
                .map_err(|payload| message_of(&*payload).expect("a message"))
        })
        .collect();
    for (i, outcome) in outcomes.iter().enumerate() {
        let i = i as u64;
        if i % 2 == 1 {
            assert_eq!(outcome, &Err(format!("thread {i} ends here")));
        } else {
            assert_eq!(outcome, &Ok(i));
        }
    }
    // The exited threads' counts survive (their blocks were handed back while unwinding).
    let reading = part("ends_its_thread");
    assert_eq!((reading.calls, reading.failures), (20, Some(10)));
    // The recorder thread was not disturbed: its final snapshot has the counts.
    assert_eq!(recorder.last_error(), None);
    drop(recorder);
    let written = snapshot_json::read(&path);
    let reading = written.parts.iter().find(|p| p.path == "panics::ends_its_thread").expect("listed");
    assert_eq!((reading.calls, reading.failures), (20, Some(10)));
    // New threads lease blocks and count as before.
    std::thread::spawn(|| ends_its_thread(0)).join().expect("no panic");
    assert_eq!(part("ends_its_thread").calls, 21);
}
