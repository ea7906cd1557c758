//! The host program under faults and under load, side by side with the same program without
//! wear: its throughput (calls per second of all workers) and its memory (VmRSS sampled every
//! second, VmHWM at the end) while the OTLP collector is down, hangs (accepts, never answers)
//! or answers 500 for minutes, while every snapshot write fails, and while threads come and go
//! by the ten thousand; then a load run: every core calling tracked functions for minutes with
//! an OTLP push and a snapshot every 100 ms, whose final counts must equal the workload's own
//! and whose memory must stay flat.
//!
//! Each run is a child process (this executable again, with `WEAR_BENCH_ROLE=host`), so its
//! memory is its own. The run "without wear" calls `wear_benches::plain`, the untracked twin of
//! `wear_benches::tracked` (same body, same `#[inline(never)]` call), and starts no exporter
//! and no recorder: what the program would be without `#[wear::tracked]`. Fault runs and
//! runs without wear alternate, and each fault run is compared with the mean of the runs
//! without wear just before and after it, so the machine's slow and fast moments cancel out.
//! Exports go every 100 ms with a 1 s export timeout: ten times the attempts of a 1 s
//! interval.
//!
//! ```text
//! cargo bench -p wear-benches --bench faults
//! ```
//!
//! Full mode: 3 minutes per exporter fault, 1 minute for the failing snapshot path and for the
//! thread churn, 30 s per run without wear, 3 minutes of load (about 17 minutes in all).
//! `WEAR_BENCH_QUICK=1` (or `-- --quick`): about 1 s each, for CI's smoke run.
use std::hint::black_box;
use std::io::Read;
use std::net::TcpListener;
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Barrier};
use std::time::{Duration, Instant};
use wear_benches::helper::{Answer, Helper, ROLE, receiver};

/// What a child process of this bench does, set in its environment.
/// How far VmRSS may rise after the warm-up (the first fifth of a run) before the bench fails.
const RSS_BOUND_KB: u64 = 4 * 1024;
/// Calls per short-lived thread in the churn workload.
const CHURN_CALLS: u64 = 1_000;
/// Threads alive at once in the churn workload.
const CHURN_AT_ONCE: usize = 50;

/// One run of the host program.
#[derive(Clone, Debug)]
struct Scenario {
    label: String,
    /// `loop` (one worker per core, calling in a loop), `churn` (short-lived threads) or
    /// `load` (every core, tracked and timed calls).
    workload: &'static str,
    /// Whether the workload calls the tracked functions or their untracked twin.
    tracked: bool,
    /// Environment of the run: the exporter's and the recorder's settings.
    env: Vec<(String, String)>,
    length: Duration,
}

/// What a run measured.
#[derive(Clone, Debug, Default)]
struct Outcome {
    rate: f64,
    /// Length of the workload, in seconds.
    seconds: f64,
    threads: u64,
    hwm_kb: u64,
    rss_kb: Vec<u64>,
    /// Standard output and error of the run.
    output: String,
}

fn main() {
    match std::env::var(ROLE).as_deref() {
        Ok("host") => return host(),
        Ok("receiver") => {
            return receiver(match std::env::var("WEAR_BENCH_BEHAVIOUR").as_deref() {
                Ok("hang") => Answer::Hang,
                Ok("500") => Answer::Fail,
                _ => Answer::Ok,
            });
        }
        _ => {}
    }
    let quick =
        std::env::args().any(|a| a == "--quick") || std::env::var("WEAR_BENCH_QUICK").is_ok_and(|v| v == "1");
    let (fault, short, base, load) = if quick {
        (Duration::from_secs(1), Duration::from_secs(1), Duration::from_millis(700), Duration::from_secs(3))
    } else {
        (Duration::from_secs(180), Duration::from_secs(60), Duration::from_secs(30), Duration::from_secs(180))
    };
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    println!(
        "wear faults bench{}: {cores} worker(s), one per core; runs without wear ({base:?} each) between fault runs",
        if quick { " (quick)" } else { "" }
    );

    let healthy = Helper::start("receiver", &[("WEAR_BENCH_BEHAVIOUR", "ok")]);
    let hanging = Helper::start("receiver", &[("WEAR_BENCH_BEHAVIOUR", "hang")]);
    let failing = Helper::start("receiver", &[("WEAR_BENCH_BEHAVIOUR", "500")]);
    let down = format!("http://127.0.0.1:{}", free_port());
    let dir = std::env::temp_dir().join(format!("wear-faults-bench-{}", std::process::id()));
    let missing = dir.join("missing").join("usage.json");
    let otlp = |endpoint: &str| {
        vec![
            ("WEAR_BENCH_EXPORT".to_owned(), "otlp".to_owned()),
            ("OTEL_EXPORTER_OTLP_ENDPOINT".to_owned(), endpoint.to_owned()),
            ("OTEL_METRIC_EXPORT_INTERVAL".to_owned(), "100".to_owned()),
            ("OTEL_EXPORTER_OTLP_TIMEOUT".to_owned(), "1000".to_owned()),
        ]
    };
    let snapshot_to = |path: &std::path::Path| {
        vec![
            ("WEAR_SNAPSHOT".to_owned(), path.display().to_string()),
            ("WEAR_SNAPSHOT_INTERVAL".to_owned(), "100ms".to_owned()),
        ]
    };
    let scenario = |label: &str, workload, tracked, env: Vec<(String, String)>, length| Scenario {
        label: label.to_owned(),
        workload,
        tracked,
        env,
        length,
    };
    let without = |workload| scenario("without wear", workload, false, Vec::new(), base);
    let faults = [
        (
            scenario("collector healthy", "loop", true, otlp(&format!("http://{}", healthy.addr)), short),
            without("loop"),
        ),
        (scenario("collector down", "loop", true, otlp(&down), fault), without("loop")),
        (
            scenario("collector hangs", "loop", true, otlp(&format!("http://{}", hanging.addr)), fault),
            without("loop"),
        ),
        (
            scenario("collector answers 500", "loop", true, otlp(&format!("http://{}", failing.addr)), fault),
            without("loop"),
        ),
        (scenario("snapshot path missing", "loop", true, snapshot_to(&missing), short), without("loop")),
        (scenario("thread churn", "churn", true, Vec::new(), short), without("churn")),
    ];

    println!(
        "\n{:<22} {:>13} {:>13} {:>8} {:>11} {:>11} {:>24}",
        "scenario", "calls/s", "without wear", "ratio", "VmHWM", "w/o wear", "VmRSS first/last/max"
    );
    let mut before = run(&faults[0].1);
    let mut failed = Vec::new();
    for (i, (faulty, baseline)) in faults.iter().enumerate() {
        if i > 0 && faults[i - 1].1.workload != baseline.workload {
            before = run(baseline);
        }
        let outcome = run(faulty);
        let after = run(baseline);
        let rate = (before.rate + after.rate) / 2.0;
        let hwm = before.hwm_kb.max(after.hwm_kb);
        let rss = &outcome.rss_kb;
        println!(
            "{:<22} {:>11.1} M {:>11.1} M {:>7.1}% {:>8} kB {:>8} kB {:>24}{}",
            faulty.label,
            outcome.rate / 1e6,
            rate / 1e6,
            outcome.rate / rate * 100.0,
            outcome.hwm_kb,
            hwm,
            format!(
                "{}/{}/{} kB",
                rss.first().copied().unwrap_or(0),
                rss.last().copied().unwrap_or(0),
                rss.iter().max().copied().unwrap_or(0)
            ),
            if faulty.workload == "churn" {
                let per_second = |o: &Outcome| o.threads as f64 / o.seconds;
                format!(
                    "  ({:.0} vs {:.0} threads/s)",
                    per_second(&outcome),
                    (per_second(&before) + per_second(&after)) / 2.0
                )
            } else {
                String::new()
            }
        );
        // Fault runs are minutes long in full mode: show that memory levels off.
        let chunk = if quick { rss.len().div_ceil(5).max(1) } else { 60 };
        let maxima: Vec<String> =
            rss.chunks(chunk).map(|c| c.iter().max().copied().unwrap_or(0).to_string()).collect();
        println!(
            "{:<22} VmRSS max per {}: {} kB",
            "",
            if quick { "fifth" } else { "minute" },
            maxima.join(" / ")
        );
        let lines = outcome.output.lines().filter(|l| l.starts_with("wear:")).count();
        if faulty.label.starts_with("snapshot") && lines != 1 {
            failed.push(format!("{}: {lines} stderr lines, expected one:\n{}", faulty.label, outcome.output));
        }
        if let Some(why) = growth(rss).filter(|_| !quick) {
            failed.push(format!("{}: {why}", faulty.label));
        }
        before = after;
    }
    drop((healthy, hanging, failing));

    let receiver = Helper::start("receiver", &[("WEAR_BENCH_BEHAVIOUR", "ok")]);
    let _ = std::fs::create_dir_all(&dir);
    let final_snapshot = dir.join("load.json");
    let mut env = otlp(&format!("http://{}", receiver.addr));
    env.extend(snapshot_to(&final_snapshot));
    let outcome = run(&scenario("load", "load", true, env, load));
    let received = receiver.finish();
    println!(
        "\nload: {cores} core(s) for {load:?}, OTLP push and snapshot every 100 ms: {:.1} M calls/s, \
         VmHWM {} kB; receiver: {received}",
        outcome.rate / 1e6,
        outcome.hwm_kb
    );
    let per_second = if load < Duration::from_secs(10) { 10 } else { 1 };
    println!("VmRSS per minute (min/median/max kB), {per_second} sample(s) a second:");
    for (minute, samples) in outcome.rss_kb.chunks(60 * per_second).enumerate() {
        let mut sorted = samples.to_vec();
        sorted.sort_unstable();
        println!(
            "  minute {}: {}/{}/{} ({} samples)",
            minute + 1,
            sorted[0],
            sorted[sorted.len() / 2],
            sorted[sorted.len() - 1],
            sorted.len()
        );
    }
    println!("  series: {:?}", outcome.rss_kb);
    if let Some(why) = growth(&outcome.rss_kb).filter(|_| !quick) {
        failed.push(format!("load: {why}"));
    }
    match check_final(&final_snapshot, &outcome.output) {
        Ok(summary) => println!("final counts: {summary}"),
        Err(why) => failed.push(format!("load: {why}")),
    }
    let _ = std::fs::remove_dir_all(&dir);
    println!(
        "\nbounds: VmRSS after the warm-up (the first fifth of a run) rises by at most {} MiB{}; one \
         stderr line for a failing snapshot path; final counts exact",
        RSS_BOUND_KB / 1024,
        if quick { " (not checked in quick mode: its runs are too short to warm up)" } else { "" }
    );
    if !failed.is_empty() {
        for why in &failed {
            eprintln!("FAILED: {why}");
        }
        std::process::exit(1);
    }
}

/// Whether VmRSS rose by more than the bound after the warm-up.
fn growth(rss: &[u64]) -> Option<String> {
    let warm = rss.len() / 5;
    let settled = rss.get(..warm.max(1))?.iter().max().copied()?;
    let peak = rss.get(warm..)?.iter().max().copied()?;
    (peak > settled + RSS_BOUND_KB)
        .then(|| format!("VmRSS rose from {settled} kB after the warm-up to {peak} kB"))
}

/// Compares the load run's final snapshot with the counts its workers kept.
fn check_final(path: &std::path::Path, report: &str) -> Result<String, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let snapshot: serde_json::Value = serde_json::from_str(&text).map_err(|e| e.to_string())?;
    let parts = snapshot["parts"].as_array().ok_or("the snapshot has no parts")?;
    let mut summary = Vec::new();
    for part in ["tracked", "timed"] {
        let own: u64 = field(report, &format!("own_{part}")).ok_or(format!("no own_{part} in {report}"))?;
        let path = format!("wear_benches::{part}");
        let counted = parts.iter().find(|p| p["path"] == path.as_str()).and_then(|p| p["calls"].as_u64());
        if counted != Some(own) {
            return Err(format!(
                "{path}: the workload made {own} calls, the final snapshot says {counted:?}"
            ));
        }
        summary.push(format!("{path} {own} = {own}"));
    }
    Ok(summary.join(", "))
}

fn field(report: &str, name: &str) -> Option<u64> {
    report.lines().find_map(|l| l.strip_prefix(name)?.strip_prefix('\t')?.trim().parse().ok())
}

/// Runs one scenario in a child process.
fn run(scenario: &Scenario) -> Outcome {
    let exe = std::env::current_exe().expect("this bench's executable");
    let mut command = Command::new(exe);
    command
        .env(ROLE, "host")
        .env("WEAR_BENCH_WORKLOAD", scenario.workload)
        .env("WEAR_BENCH_TRACKED", if scenario.tracked { "1" } else { "0" })
        .env("WEAR_BENCH_MILLIS", scenario.length.as_millis().to_string())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    for var in ["WEAR_SNAPSHOT", "WEAR_SNAPSHOT_INTERVAL", "OTEL_EXPORTER_OTLP_ENDPOINT", "WEAR_BENCH_EXPORT"]
    {
        command.env_remove(var);
    }
    for (key, value) in &scenario.env {
        command.env(key, value);
    }
    let mut child = command.spawn().expect("start a host process");
    let stdout = drain(child.stdout.take());
    let stderr = drain(child.stderr.take());
    let status = child.wait().expect("the host process ends");
    let stdout = stdout.join().expect("stdout reader");
    let stderr = stderr.join().expect("stderr reader");
    assert!(status.success(), "{}: exit {status}\n{stdout}\n{stderr}", scenario.label);
    assert!(!stderr.contains("panicked"), "{}: {stderr}", scenario.label);
    if scenario.tracked {
        let (own, wear) = (field(&stdout, "own_tracked"), field(&stdout, "wear_tracked"));
        assert_eq!(own, wear, "{}: counts lost or doubled\n{stdout}", scenario.label);
    }
    let calls = field(&stdout, "calls").expect("a calls line");
    let micros = field(&stdout, "micros").expect("a micros line");
    Outcome {
        rate: calls as f64 / (micros as f64 / 1e6),
        seconds: micros as f64 / 1e6,
        threads: field(&stdout, "threads").unwrap_or(0),
        hwm_kb: field(&stdout, "hwm_kb").unwrap_or(0),
        rss_kb: stdout
            .lines()
            .find_map(|l| l.strip_prefix("rss_kb\t"))
            .map(|l| l.split(',').filter_map(|v| v.trim().parse().ok()).collect())
            .unwrap_or_default(),
        output: format!("{stdout}\n{stderr}"),
    }
}

fn drain<R: Read + Send + 'static>(pipe: Option<R>) -> std::thread::JoinHandle<String> {
    std::thread::spawn(move || {
        let mut text = String::new();
        if let Some(mut pipe) = pipe {
            let _ = pipe.read_to_string(&mut text);
        }
        text
    })
}

fn kb(status: &str, key: &str) -> Option<u64> {
    status
        .lines()
        .find_map(|l| l.strip_prefix(key))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").and_then(|l| l.local_addr()).expect("a free port").port()
}

/// The host program: its workload for `WEAR_BENCH_MILLIS`, with the exporter or recorder its
/// environment asks for, then what it counted itself and what wear counted.
fn host() {
    let var = |name: &str| std::env::var(name).unwrap_or_default();
    let tracked = var("WEAR_BENCH_TRACKED") == "1";
    let length = Duration::from_millis(var("WEAR_BENCH_MILLIS").parse().unwrap_or(1000));
    let recorder = wear::Recorder::from_env().map(wear::Recorder::start);
    let otlp = (var("WEAR_BENCH_EXPORT") == "otlp").then(|| {
        wear::otel::install()
            .expect("install the OTLP pipeline")
            .with_shutdown_timeout(Duration::from_secs(1))
    });
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let work: fn(u64) -> u64 = if tracked { wear_benches::tracked } else { wear_benches::plain };
    let timed: fn(u64) -> u64 = if tracked { wear_benches::timed } else { wear_benches::plain };

    let stop = Arc::new(AtomicBool::new(false));
    let (calls, timed_calls, threads) = (AtomicU64::new(0), AtomicU64::new(0), AtomicU64::new(0));
    let started = Instant::now();
    let rss_kb = std::thread::scope(|s| {
        // VmRSS every second (every 100 ms in runs shorter than 10 s), while the workload runs.
        let sampler = s.spawn(|| {
            let every = if length < Duration::from_secs(10) {
                Duration::from_millis(100)
            } else {
                Duration::from_secs(1)
            };
            let mut samples = Vec::new();
            let mut next = Instant::now() + every;
            while !stop.load(Ordering::Relaxed) {
                if Instant::now() >= next {
                    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
                    samples.extend(kb(&status, "VmRSS:"));
                    next += every;
                }
                std::thread::sleep(Duration::from_millis(10));
            }
            samples
        });
        let workload = var("WEAR_BENCH_WORKLOAD");
        for _ in 0..if workload == "churn" { 1 } else { cores } {
            let (stop, calls, timed_calls, threads) = (&stop, &calls, &timed_calls, &threads);
            let workload = workload.clone();
            s.spawn(move || match workload.as_str() {
                "churn" => churn(work, stop, calls, threads),
                "load" => {
                    let (mut x, mut n, mut t) = (1u64, 0u64, 0u64);
                    while !stop.load(Ordering::Relaxed) {
                        for _ in 0..9_000 {
                            x = work(black_box(x));
                        }
                        for _ in 0..1_000 {
                            x = timed(black_box(x));
                        }
                        n += 9_000;
                        t += 1_000;
                    }
                    black_box(x);
                    calls.fetch_add(n, Ordering::Relaxed);
                    timed_calls.fetch_add(t, Ordering::Relaxed);
                }
                _ => {
                    let (mut x, mut n) = (1u64, 0u64);
                    while !stop.load(Ordering::Relaxed) {
                        for _ in 0..10_000 {
                            x = work(black_box(x));
                        }
                        n += 10_000;
                    }
                    black_box(x);
                    calls.fetch_add(n, Ordering::Relaxed);
                }
            });
        }
        std::thread::sleep(length);
        stop.store(true, Ordering::Relaxed);
        sampler.join().unwrap_or_default()
    });
    let elapsed = started.elapsed();
    let (calls, timed_calls) = (calls.load(Ordering::Relaxed), timed_calls.load(Ordering::Relaxed));
    println!("calls\t{}", calls + timed_calls);
    println!("micros\t{}", elapsed.as_micros());
    println!("threads\t{}", threads.load(Ordering::Relaxed));
    println!("own_tracked\t{calls}");
    println!("own_timed\t{timed_calls}");
    let rss: Vec<String> = rss_kb.iter().map(u64::to_string).collect();
    println!("rss_kb\t{}", rss.join(","));
    if tracked {
        let snapshot = wear::snapshot();
        let count = |path: &str| snapshot.parts.iter().find(|p| p.path == path).map_or(0, |p| p.calls);
        println!("wear_tracked\t{}", count("wear_benches::tracked"));
    }
    // The last export and the last snapshot, within their timeouts, as at a program's exit.
    drop(otlp);
    drop(recorder);
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    println!("hwm_kb\t{}", kb(&status, "VmHWM:").unwrap_or(0));
}

/// Short-lived threads, `CHURN_AT_ONCE` at a time, each making `CHURN_CALLS` calls.
fn churn(work: fn(u64) -> u64, stop: &AtomicBool, calls: &AtomicU64, threads: &AtomicU64) {
    while !stop.load(Ordering::Relaxed) {
        let barrier = Arc::new(Barrier::new(CHURN_AT_ONCE));
        let wave: Vec<_> = (0..CHURN_AT_ONCE)
            .map(|t| {
                let barrier = Arc::clone(&barrier);
                std::thread::spawn(move || {
                    let mut x = t as u64;
                    for _ in 0..CHURN_CALLS {
                        x = work(black_box(x));
                    }
                    barrier.wait();
                    black_box(x)
                })
            })
            .collect();
        for thread in wave {
            thread.join().expect("a short-lived thread");
        }
        calls.fetch_add(CHURN_AT_ONCE as u64 * CHURN_CALLS, Ordering::Relaxed);
        threads.fetch_add(CHURN_AT_ONCE as u64, Ordering::Relaxed);
    }
}
