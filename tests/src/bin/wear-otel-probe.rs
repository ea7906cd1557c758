//! An instrumented program for the OpenTelemetry tests: it exports over OTLP with
//! `wear::otel::install()` (as the `OTEL_*` variables say), does a known amount of work, and
//! prints what it counted so the test can compare it with what the receiver got.
//!
//! Usage: `wear-otel-probe CALLS SLEEP_MS EXPORT` where EXPORT is `otlp`, `otlp-own` (also
//! counts 42 `probe.orders`, a metric of its own, on `OtlpGuard::provider()`) or `none`. It calls
//! `work` CALLS times (timed: the `work_ms` line), `timed_work` 200 times, `fallible` 100
//! times (50 failures) and each of the 2,150 generated `many::oA::iB::part` (index
//! `k = 43 A + B`) `k % 4` times, sleeps SLEEP_MS, drops the export guard (timed: the
//! `shutdown_ms` line) and prints `part` lines from `wear::export::collect()` (path, file,
//! line, serial, calls, failures, latency `+Inf` count; `-` when not counted).
use std::time::{Duration, Instant};

#[wear::tracked]
fn work(i: u64) -> u64 {
    i.wrapping_mul(31) ^ (i >> 3)
}

#[wear::tracked(timed)]
fn timed_work(i: u64) -> u64 {
    std::hint::black_box(i).wrapping_add(1)
}

#[wear::tracked(failures)]
fn fallible(i: u64) -> Result<u64, String> {
    if i % 2 == 1 { Err(format!("odd {i}")) } else { Ok(i) }
}

/// Never called: it must still be exported, at zero.
#[expect(dead_code, reason = "a part in storage, on purpose")]
#[wear::tracked]
fn never_called() {}

/// Expands to `pub mod OUTER { pub mod INNER { #[wear::tracked] pub fn part() {} } }` for
/// every pair, and `ALL`, every generated part in order.
macro_rules! grid {
    ([$($outer:ident)*] $inner:tt) => {
        $( grid!(@one $outer $inner); )*
        pub const ALL: &[&[fn()]] = &[$($outer::FNS),*];
    };
    (@one $outer:ident [$($inner:ident)*]) => {
        pub mod $outer {
            $(
                pub mod $inner {
                    #[wear::tracked]
                    pub fn part() {}
                }
            )*
            pub const FNS: &[fn()] = &[$($inner::part),*];
        }
    };
}

/// 50 × 43 = 2,150 parts: more than the SDK's default cardinality limit of 2,000.
mod many {
    grid!([o0 o1 o2 o3 o4 o5 o6 o7 o8 o9 o10 o11 o12 o13 o14 o15 o16 o17 o18 o19 o20 o21 o22 o23 o24 o25 o26 o27 o28 o29 o30 o31 o32 o33 o34 o35 o36 o37 o38 o39 o40 o41 o42 o43 o44 o45 o46 o47 o48 o49] [i0 i1 i2 i3 i4 i5 i6 i7 i8 i9 i10 i11 i12 i13 i14 i15 i16 i17 i18 i19 i20 i21 i22 i23 i24 i25 i26 i27 i28 i29 i30 i31 i32 i33 i34 i35 i36 i37 i38 i39 i40 i41 i42]);
}

fn main() {
    wear::set_service(
        wear::Service::new("wear-otel-probe", env!("CARGO_PKG_VERSION")).with_revision(Some("0123abcd")),
    );
    let mut args = std::env::args().skip(1);
    let calls: u64 = args.next().and_then(|a| a.parse().ok()).unwrap_or(0);
    let sleep_ms: u64 = args.next().and_then(|a| a.parse().ok()).unwrap_or(0);
    let export = args.next().unwrap_or_else(|| "otlp".to_owned());
    let guard = match export.as_str() {
        "otlp" | "otlp-own" => match wear::otel::install() {
            Ok(guard) => Some(guard.with_shutdown_timeout(Duration::from_millis(1000))),
            Err(error) => {
                eprintln!("{error}");
                std::process::exit(3);
            }
        },
        _ => None,
    };
    if export == "otlp-own" {
        use opentelemetry::metrics::MeterProvider as _;
        let provider = guard.as_ref().and_then(|g| g.provider()).expect("the guard's provider");
        let orders = provider.meter("probe").u64_counter("probe.orders").with_unit("{order}").build();
        orders.add(40, &[opentelemetry::KeyValue::new("shop", "main")]);
        orders.add(2, &[opentelemetry::KeyValue::new("shop", "main")]);
    }

    let started = Instant::now();
    let mut acc = 0u64;
    for i in 0..calls {
        acc = acc.wrapping_add(work(i));
    }
    let work_ms = started.elapsed().as_secs_f64() * 1e3;
    for i in 0..200 {
        acc = acc.wrapping_add(timed_work(i));
    }
    for i in 0..100 {
        acc = acc.wrapping_add(fallible(i).unwrap_or(0));
    }
    for (k, part) in many::ALL.iter().flat_map(|fns| fns.iter()).enumerate() {
        for _ in 0..k % 4 {
            part();
        }
    }
    std::thread::sleep(Duration::from_millis(sleep_ms));

    let stopping = Instant::now();
    drop(guard);
    let shutdown_ms = stopping.elapsed().as_secs_f64() * 1e3;

    println!("acc\t{acc}");
    println!("instance\t{}", wear::snapshot().process.instance);
    println!("work_ms\t{work_ms:.1}");
    println!("shutdown_ms\t{shutdown_ms:.1}");
    for r in wear::export::collect() {
        let failures = r.failures.map_or("-".to_owned(), |f| f.to_string());
        // The last latency bucket: the calls the timings stand for (sampled, see `timed`).
        let timed = r.latency.and_then(|l| l.last().copied()).map_or("-".to_owned(), |n| n.to_string());
        println!(
            "part\t{}\t{}\t{}\t{}\t{}\t{failures}\t{timed}",
            r.path,
            r.file,
            r.line,
            r.serial_hex(),
            r.calls
        );
    }
}
