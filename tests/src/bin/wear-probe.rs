//! A tiny instrumented program for tests that need a real process: it records snapshots as
//! `WEAR_SNAPSHOT` says, calls `work` N times (first argument) and sleeps M milliseconds
//! (second argument) before exiting.
use std::time::Duration;

#[wear::tracked]
fn work(i: u64) -> u64 {
    i.wrapping_mul(31)
}

/// Never called: it must still be listed, with zero calls.
#[expect(dead_code, reason = "a part in storage, on purpose")]
#[wear::tracked]
fn never_called() {}

fn main() {
    wear::set_service(wear::service!());
    let _wear = wear::Recorder::from_env().map(wear::Recorder::start);
    let mut args = std::env::args().skip(1);
    let calls: u64 = args.next().and_then(|a| a.parse().ok()).unwrap_or(0);
    let sleep_ms: u64 = args.next().and_then(|a| a.parse().ok()).unwrap_or(0);
    let mut acc = 0u64;
    for i in 0..calls {
        acc = acc.wrapping_add(work(i));
    }
    std::thread::sleep(Duration::from_millis(sleep_ms));
    println!("{acc}");
}
