//! The cost per call of each variant of `work` (see the crate root), on one thread and on two
//! threads calling the same function at once, printed as one table.
//!
//! Samples are interleaved: each round takes one single-thread and one two-thread sample of
//! every variant in turn, so a slow moment of the machine spreads over all variants instead of
//! landing on one. Each figure is the median over the rounds.
//!
//! `cargo bench -p wear-benches` for the full run (about half a minute), and
//! `cargo bench -p wear-benches -- --quick` or `WEAR_BENCH_QUICK=1` for a smoke run.
use std::collections::HashMap;
use std::hint::black_box;
use std::sync::Barrier;
use std::time::{Duration, Instant};

use wear_benches::{VARIANTS, Variant, counted_calls, install_tracing};

/// How long each run takes.
#[derive(Debug, Clone, Copy)]
struct Plan {
    /// Time one sample should take.
    sample: Duration,
    /// Samples of each variant, in each mode.
    rounds: usize,
}

impl Plan {
    fn from_env() -> Plan {
        let quick = std::env::args().any(|a| a == "--quick")
            || std::env::var("WEAR_BENCH_QUICK").is_ok_and(|v| v == "1");
        if quick {
            Plan { sample: Duration::from_millis(4), rounds: 5 }
        } else {
            Plan { sample: Duration::from_millis(40), rounds: 21 }
        }
    }
}

/// Calls made through each variant, to compare with what the counters counted.
#[derive(Debug, Default)]
struct Made(HashMap<&'static str, u64>);

impl Made {
    fn run(&mut self, variant: &Variant, calls: u64) -> Duration {
        *self.0.entry(variant.name).or_default() += calls;
        let start = Instant::now();
        black_box((variant.run)(calls));
        start.elapsed()
    }
}

/// Calls per sample so that one sample takes about `plan.sample` on one thread.
fn calibrate(variant: &Variant, plan: Plan, made: &mut Made) -> u64 {
    *made.0.entry(variant.name).or_default() += 1;
    black_box((variant.once)(1));
    let mut calls = 1_000;
    loop {
        let took = made.run(variant, calls);
        if took >= plan.sample / 8 || calls >= 1 << 40 {
            let per_call = took.as_secs_f64() / calls as f64;
            return ((plan.sample.as_secs_f64() / per_call) as u64).max(1);
        }
        calls *= 4;
    }
}

/// One two-thread sample: both threads warm up, then call `work` `calls` times each, released
/// together by a barrier. Returns each thread's time.
fn two_threads(variant: &Variant, calls: u64, made: &mut Made) -> [Duration; 2] {
    let barrier = Barrier::new(2);
    let run = variant.run;
    let [a, b] = std::thread::scope(|scope| {
        let spawn = || {
            scope.spawn(|| {
                // The first calls on a new thread set up its counters, spans and registries.
                black_box(run(calls / 16 + 1));
                barrier.wait();
                let start = Instant::now();
                black_box(run(calls));
                start.elapsed()
            })
        };
        let workers = [spawn(), spawn()];
        workers.map(|w| w.join().expect("a bench thread panicked"))
    });
    *made.0.entry(variant.name).or_default() += 2 * (calls + calls / 16 + 1);
    [a, b]
}

/// Nanoseconds per call of each sample.
#[derive(Debug, Default)]
struct Samples {
    single: Vec<f64>,
    per_thread: Vec<f64>,
    /// Calls per nanosecond of both threads together: the sum of each one's throughput.
    pair_rate: Vec<f64>,
}

fn median(values: &[f64]) -> f64 {
    quantile(values, 0.5)
}

fn quantile(values: &[f64], q: f64) -> f64 {
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    let at = q * (sorted.len() - 1) as f64;
    let (lo, hi) = (at.floor() as usize, at.ceil() as usize);
    sorted[lo] + (sorted[hi] - sorted[lo]) * (at - lo as f64)
}

/// Half the interquartile range: the `±` shown beside a median.
fn spread(values: &[f64]) -> f64 {
    (quantile(values, 0.75) - quantile(values, 0.25)) / 2.0
}

fn main() {
    let plan = Plan::from_env();
    assert!(
        install_tracing(),
        "the tracing subscriber must enable INFO spans, or the tracing variant measures nothing"
    );
    let mut made = Made::default();
    let calls: Vec<u64> = VARIANTS.iter().map(|v| calibrate(v, plan, &mut made)).collect();
    let mut samples: Vec<Samples> = VARIANTS.iter().map(|_| Samples::default()).collect();
    let started = Instant::now();
    for _ in 0..plan.rounds {
        for ((variant, &calls), samples) in VARIANTS.iter().zip(&calls).zip(&mut samples) {
            let took = made.run(variant, calls);
            samples.single.push(took.as_nanos() as f64 / calls as f64);
            let mut pair_rate = 0.0;
            for took in two_threads(variant, calls, &mut made) {
                let ns = took.as_nanos() as f64 / calls as f64;
                samples.per_thread.push(ns);
                pair_rate += 1.0 / ns;
            }
            samples.pair_rate.push(pair_rate);
        }
    }
    let elapsed = started.elapsed();

    let base = median(&samples[0].single);
    println!(
        "\nwear overhead bench: {} rounds of {} ms samples, {} ({:.1} s)\n",
        plan.rounds,
        plan.sample.as_millis(),
        if plan.sample < Duration::from_millis(10) { "quick" } else { "full" },
        elapsed.as_secs_f64()
    );
    println!(
        "{:<12} {:<36} {:>15} {:>12} {:>17} {:>9}",
        "variant", "what", "1 thread ns", "overhead ns", "2 threads ns/th", "2T/1T"
    );
    let mut results = HashMap::new();
    for (variant, samples) in VARIANTS.iter().zip(&samples) {
        let single = median(&samples.single);
        let per_thread = median(&samples.per_thread);
        let scaling = single * median(&samples.pair_rate);
        results.insert(variant.name, (single - base, scaling));
        println!(
            "{:<12} {:<36} {:>8.2} ±{:<5.2} {:>12.2} {:>9.2} ±{:<6.2} {:>8.2}x",
            variant.name,
            variant.what,
            single,
            spread(&samples.single),
            single - base,
            per_thread,
            spread(&samples.per_thread),
            scaling,
        );
    }
    println!(
        "\nns are medians per call (± half the interquartile range), including the loop and the\n\
         call itself; overhead = variant - plain; 2T/1T = calls per second of both threads\n\
         together (each thread's own rate, summed) / calls per second of one thread alone\n\
         (2.00x = perfect scaling; plain's own figure is what this machine allows)."
    );

    let (_, plain_scaling) = results["plain"];
    let (tracked_ns, tracked_scaling) = results["tracked"];
    let (timed_ns, _) = results["timed"];
    println!("\ntargets:");
    check("#[wear::tracked] adds at most 0.5 ns per call", tracked_ns <= 0.5, format!("{tracked_ns:.2} ns"));
    check(
        "#[wear::tracked] on 2 threads reaches at least 1.8x one thread",
        tracked_scaling >= 1.8,
        format!("{tracked_scaling:.2}x (plain: {plain_scaling:.2}x)"),
    );
    check(
        "#[wear::tracked(timed)] adds at most 20 ns per call",
        timed_ns <= 20.0,
        format!("{timed_ns:.2} ns"),
    );

    println!("\ncounts (calls made = calls counted, on every thread):");
    for (name, counted) in counted_calls() {
        let expected = made.0[name];
        let verdict = if counted == expected { "exact" } else { "LOST" };
        println!("  {name:<8} made {expected:>13}  counted {counted:>13}  {verdict}");
    }
}

fn check(target: &str, met: bool, seen: String) {
    let verdict = if met { "met" } else { "MISSED" };
    println!("  {verdict:<6} {target}: {seen}");
}
