//! An instrumented program that forks, for `tests/fork.rs`: a parent that records snapshots
//! every 10 ms (and, with `otlp`, exports every 10 ms), keeps a thread counting all along,
//! and forks N children at whatever moment those threads are at, each of which counts calls
//! of its own and exits through the normal end of `main` (dropping the inherited guards).
//!
//! Usage: `wear-fork-probe FORKS CALLS DIR [otlp|shared]`. Snapshots go to
//! `DIR/fork-{pid}.json` (with `shared`: `DIR/fork.json`, no placeholder).
//! The parent calls `before` CALLS times, forks FORKS children (child `i` calls `in_child`
//! `i + 1` times), waits for each at most 10 s (killing it if it hangs: a deadlock), calls
//! `after` CALLS times, stops its background thread, and prints what it counted itself:
//! `background N`, `child PID STATUS` per child (`hung` if it had to be killed), `parent PID`.
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

#[wear::tracked]
fn before(i: u64) -> u64 {
    i ^ 7
}

#[wear::tracked]
fn after(i: u64) -> u64 {
    i ^ 11
}

#[wear::tracked(timed, failures)]
fn in_child(i: u64) -> Result<u64, u64> {
    if i.is_multiple_of(3) { Err(i) } else { Ok(i) }
}

#[wear::tracked(timed)]
fn background(i: u64) -> u64 {
    i.rotate_left(5)
}

/// What one process (the parent or a child) does before its guards drop at the end of `main`.
enum Role {
    Parent,
    Child,
}

fn main() {
    wear::set_service(wear::Service::new("wear-fork-probe", "1"));
    let args: Vec<String> = std::env::args().skip(1).collect();
    let forks: u64 = args.first().and_then(|a| a.parse().ok()).unwrap_or(1);
    let calls: u64 = args.get(1).and_then(|a| a.parse().ok()).unwrap_or(100);
    let dir = args.get(2).cloned().unwrap_or_else(|| ".".to_owned());
    let otlp = args.get(3).is_some_and(|a| a == "otlp");
    // One file for every process: the children must leave the parent's alone.
    let shared = args.get(3).is_some_and(|a| a == "shared");
    let path = if shared { format!("{dir}/fork.json") } else { format!("{dir}/fork-{{pid}}.json") };

    let _snapshots = wear::Recorder::to_file(path).every(Duration::from_millis(10)).start();
    let _otel = otlp.then(|| wear::otel::install().expect("install the OTLP pipeline"));
    match run(forks, calls) {
        Role::Parent => println!("parent\t{}", std::process::id()),
        // The child's guards drop here, as the parent's do: the end of `main`.
        Role::Child => {}
    }
}

fn run(forks: u64, calls: u64) -> Role {
    let stop = Arc::new(AtomicBool::new(false));
    let counted = Arc::new(AtomicU64::new(0));
    let worker = {
        let (stop, counted) = (Arc::clone(&stop), Arc::clone(&counted));
        std::thread::spawn(move || {
            let mut n = 0;
            while !stop.load(Ordering::Relaxed) {
                std::hint::black_box(background(n));
                n += 1;
            }
            counted.store(n, Ordering::Relaxed);
        })
    };
    for i in 0..calls {
        std::hint::black_box(before(i));
    }
    let mut children = Vec::new();
    for i in 0..forks {
        // Let the recorder and the exporter run between forks, so forks land at every point
        // of their work.
        std::thread::sleep(Duration::from_micros(500 + (i * 1_337) % 9_000));
        // SAFETY: the child only counts calls, takes a snapshot and leaves `main`; what it
        // inherits from threads that do not exist in it is what this test is about.
        match unsafe { libc::fork() } {
            -1 => panic!("fork failed: {}", std::io::Error::last_os_error()),
            0 => {
                for n in 0..=i {
                    let _ = in_child(n);
                }
                return Role::Child;
            }
            pid => children.push(pid),
        }
    }
    for pid in children {
        println!("child\t{pid}\t{}", wait(pid));
    }
    for i in 0..calls {
        std::hint::black_box(after(i));
    }
    stop.store(true, Ordering::Relaxed);
    worker.join().expect("the background thread");
    println!("background\t{}", counted.load(Ordering::Relaxed));
    Role::Parent
}

/// The child's exit status, or `hung` if it did not exit within 10 s (then it is killed).
fn wait(pid: libc::pid_t) -> String {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let mut status = 0;
        // SAFETY: `pid` is a child of this process; `status` is a valid out-pointer.
        let done = unsafe { libc::waitpid(pid, &mut status, libc::WNOHANG) };
        if done == pid {
            return if libc::WIFEXITED(status) {
                format!("exit {}", libc::WEXITSTATUS(status))
            } else {
                format!("signal {}", libc::WTERMSIG(status))
            };
        }
        if done == -1 {
            return format!("waitpid failed: {}", std::io::Error::last_os_error());
        }
        if Instant::now() > deadline {
            // SAFETY: as above; the child is then reaped so it does not linger.
            unsafe {
                libc::kill(pid, libc::SIGKILL);
                libc::waitpid(pid, &mut status, 0);
            }
            return "hung".to_owned();
        }
        std::thread::sleep(Duration::from_millis(2));
    }
}
