//! What exporting every second costs the instrumented program: its throughput with export off,
//! with an OTLP/HTTP push every second (`wear::otel::install()`: its export thread, protobuf, a
//! real HTTP receiver) and with a Prometheus scrape every second (`GET /metrics`
//! on `wear::prometheus::serve`), for a program of 10,002 parts.
//!
//! One worker per core calls a tracked function in a loop, so the export can only run by
//! taking time from the program. Two figures per mode:
//!
//! - **throughput**: calls per second of all workers, each round's rate against the same
//!   round's export-off rate (rounds interleave the modes, so the machine's slow and fast
//!   moments cancel out), the median and the spread of those ratios over the rounds. On a
//!   shared virtual machine the spread is a few percent, wider than the target.
//! - **export CPU**: the CPU time the process spent outside its workers during the sample
//!   (every other thread: the OTLP export thread and HTTP client, the scrape endpoint), read from
//!   `/proc/self/task/*/schedstat` in nanoseconds, as a share of the machine (wall time x
//!   cores). With every core busy, that is what the export can take from the program at most,
//!   and it does not depend on the machine's noise.
//!
//! The OTLP receiver and the Prometheus scraper run in child processes (this executable again,
//! with `WEAR_BENCH_ROLE`), so their own work is not counted against the program.
//!
//! ```text
//! cargo bench -p wear-benches --bench export
//! ```
//!
//! `-- --quick` or `WEAR_BENCH_QUICK=1` for a smoke run.
use std::collections::BTreeMap;
use std::hint::black_box;
use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};
use wear_benches::helper::{Answer, Helper, ROLE, receiver, watch_stdin};

/// What a child process of this bench does, set in its environment.

#[derive(Clone, Copy, Debug, PartialEq)]
enum Mode {
    Off,
    Otlp,
    Scrape,
}

impl Mode {
    fn label(self) -> &'static str {
        match self {
            Mode::Off => "export off",
            Mode::Otlp => "OTLP push every second",
            Mode::Scrape => "scrape every second",
        }
    }
}

#[derive(Clone, Copy, Debug)]
struct Plan {
    rounds: usize,
    sample: Duration,
}

/// One sample of one mode.
#[derive(Clone, Copy, Debug)]
struct Sample {
    /// Calls per second of all workers together.
    rate: f64,
    /// CPU time of every thread but the workers during the sample.
    export_cpu: Duration,
    /// Wall time of the sample.
    wall: Duration,
}

fn main() {
    match std::env::var(ROLE).as_deref() {
        Ok("receiver") => return receiver(Answer::Ok),
        Ok("scraper") => return scraper(),
        _ => {}
    }
    let quick =
        std::env::args().any(|a| a == "--quick") || std::env::var("WEAR_BENCH_QUICK").is_ok_and(|v| v == "1");
    let plan = if quick {
        Plan { rounds: 1, sample: Duration::from_millis(1500) }
    } else {
        Plan { rounds: 7, sample: Duration::from_secs(5) }
    };
    let workers = std::thread::available_parallelism().map_or(1, |n| n.get());
    wear_benches::generated::call_all();
    let parts = wear::export::collect().len();
    println!(
        "wear export bench: {parts} parts, {workers} worker(s) (one per core) calling a tracked function; \
         {} round(s) of {:?} per mode, interleaved{}",
        plan.rounds,
        plan.sample,
        if quick { " (quick)" } else { "" }
    );

    let receiver = Helper::start("receiver", &[]);
    set_otlp_env(&receiver.addr);
    let endpoint = wear::prometheus::serve("127.0.0.1:0").expect("serve on loopback");

    let modes = [Mode::Off, Mode::Otlp, Mode::Scrape];
    let mut scrapes = String::new();
    let mut samples: Vec<Vec<Sample>> = vec![Vec::new(); modes.len()];
    for _ in 0..plan.rounds {
        for (i, &mode) in modes.iter().enumerate() {
            samples[i].push(sample(mode, workers, plan.sample, endpoint.local_addr(), &mut scrapes));
        }
    }
    let received = receiver.finish();

    println!();
    println!(
        "{:>24} {:>12} {:>10} {:>16} {:>12} {:>16}",
        "", "median rate", "vs off", "spread (min/max)", "export CPU", "share of machine"
    );
    for (i, mode) in modes.iter().enumerate() {
        let mut rates: Vec<f64> = samples[i].iter().map(|s| s.rate).collect();
        let mut ratios: Vec<f64> =
            samples[i].iter().zip(&samples[0]).map(|(s, off)| s.rate / off.rate).collect();
        let cpu: Duration = samples[i].iter().map(|s| s.export_cpu).sum();
        let wall: Duration = samples[i].iter().map(|s| s.wall).sum();
        let share = cpu.as_secs_f64() / (wall.as_secs_f64() * workers as f64);
        let median = median_of(&mut ratios);
        println!(
            "{:>24} {:>8.1} M/s {:>+9.2}% {:>+7.2}/{:>+6.2}% {:>9.2} ms/s {:>15.3}%",
            mode.label(),
            median_of(&mut rates) / 1e6,
            (median - 1.0) * 100.0,
            (ratios.first().copied().unwrap_or(1.0) - 1.0) * 100.0,
            (ratios.last().copied().unwrap_or(1.0) - 1.0) * 100.0,
            cpu.as_secs_f64() * 1e3 / wall.as_secs_f64(),
            share * 100.0,
        );
    }
    println!("OTLP receiver: {received}; the last scraper: {scrapes}");
    println!(
        "target: throughput with export on within 1% of off. Export CPU is every thread's but the \
         workers' (schedstat); its share of the machine bounds what export takes from a program using \
         every core"
    );
}

/// Points `wear::otel::install()` at the receiver, exporting every second.
fn set_otlp_env(receiver: &str) {
    // SAFETY: called from `main` before any other thread of this process starts.
    unsafe {
        std::env::set_var("OTEL_EXPORTER_OTLP_ENDPOINT", format!("http://{receiver}"));
        std::env::set_var("OTEL_METRIC_EXPORT_INTERVAL", "1000");
        std::env::set_var("OTEL_SERVICE_NAME", "wear-export-bench");
    }
}

/// Runs `workers` threads calling a tracked function for `length`, with `mode`'s export
/// beside them.
fn sample(
    mode: Mode,
    workers: usize,
    length: Duration,
    endpoint: SocketAddr,
    scrapes: &mut String,
) -> Sample {
    let otlp = (mode == Mode::Otlp).then(|| wear::otel::install().expect("install the OTLP pipeline"));
    let scraper = (mode == Mode::Scrape)
        .then(|| Helper::start("scraper", &[("WEAR_BENCH_SCRAPE", &endpoint.to_string())]));
    // Let the pipeline start before measuring.
    std::thread::sleep(Duration::from_millis(100));

    let stop = AtomicBool::new(false);
    let calls = AtomicU64::new(0);
    let (wall, before, after, worker_tids) = std::thread::scope(|s| {
        let (tx, rx) = std::sync::mpsc::channel();
        let handles: Vec<_> = (0..workers)
            .map(|_| {
                let tx = tx.clone();
                let (stop, calls) = (&stop, &calls);
                s.spawn(move || {
                    tx.send(thread_id()).expect("send the worker's id");
                    let mut x = 1u64;
                    let mut n = 0u64;
                    while !stop.load(Ordering::Relaxed) {
                        for _ in 0..10_000 {
                            x = wear_benches::tracked(black_box(x));
                        }
                        n += 10_000;
                    }
                    black_box(x);
                    calls.fetch_add(n, Ordering::Relaxed);
                })
            })
            .collect();
        let tids: Vec<u32> = (0..workers).map(|_| rx.recv().expect("a worker's id")).collect();
        let before = task_cpu();
        let started = Instant::now();
        std::thread::sleep(length);
        stop.store(true, Ordering::Relaxed);
        let after = task_cpu();
        let wall = started.elapsed();
        for handle in handles {
            handle.join().expect("worker");
        }
        (wall, before, after, tids)
    });
    if let Some(guard) = otlp {
        guard.shutdown().expect("the OTLP pipeline shuts down");
    }
    if let Some(scraper) = scraper {
        *scrapes = scraper.finish();
    }
    let export_ns: u64 = after
        .iter()
        .filter(|(tid, _)| !worker_tids.contains(tid))
        .map(|(tid, ns)| ns.saturating_sub(before.get(tid).copied().unwrap_or(0)))
        .sum();
    Sample {
        rate: calls.load(Ordering::Relaxed) as f64 / wall.as_secs_f64(),
        export_cpu: Duration::from_nanos(export_ns),
        wall,
    }
}

/// The kernel's id of the calling thread (`/proc/thread-self` links to `<pid>/task/<tid>`).
fn thread_id() -> u32 {
    let link = std::fs::read_link("/proc/thread-self").expect("/proc/thread-self (Linux)");
    link.file_name().and_then(|n| n.to_str()).and_then(|n| n.parse().ok()).expect("a numeric thread id")
}

/// Nanoseconds on CPU of every thread of this process, by thread id.
fn task_cpu() -> BTreeMap<u32, u64> {
    let mut cpu = BTreeMap::new();
    for entry in std::fs::read_dir("/proc/self/task").expect("/proc/self/task (Linux)").flatten() {
        let Some(tid) = entry.file_name().to_str().and_then(|n| n.parse().ok()) else { continue };
        // A thread may end between the listing and the read.
        let Ok(text) = std::fs::read_to_string(entry.path().join("schedstat")) else { continue };
        if let Some(ns) = text.split_whitespace().next().and_then(|f| f.parse().ok()) {
            cpu.insert(tid, ns);
        }
    }
    cpu
}

fn median_of(values: &mut [f64]) -> f64 {
    values.sort_by(f64::total_cmp);
    values.get(values.len() / 2).copied().unwrap_or(0.0)
}

/// The scraper: `GET /metrics` every second until its standard input closes.
fn scraper() {
    let addr: SocketAddr =
        std::env::var("WEAR_BENCH_SCRAPE").ok().and_then(|a| a.parse().ok()).expect("WEAR_BENCH_SCRAPE");
    println!("ready");
    let done = watch_stdin();
    let (mut scrapes, mut bytes) = (0u64, 0usize);
    let mut next = Instant::now();
    while !done.load(Ordering::Relaxed) {
        if Instant::now() >= next {
            let mut stream = TcpStream::connect(addr).expect("connect to the endpoint");
            stream.write_all(b"GET /metrics HTTP/1.1\r\nHost: bench\r\n\r\n").expect("send");
            let mut body = Vec::new();
            stream.read_to_end(&mut body).expect("read the scrape");
            assert!(body.starts_with(b"HTTP/1.1 200 OK"), "scrape answered");
            scrapes += 1;
            bytes = body.len();
            next += Duration::from_secs(1);
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    println!("{scrapes} scrape(s) of {bytes} bytes");
}
