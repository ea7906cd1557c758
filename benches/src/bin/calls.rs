//! Calls one variant of `work` a fixed number of times, for `callgrind.sh`: the calls all
//! happen inside `measured_loop`, so callgrind can collect that function's cost alone.
//!
//! Usage: `calls VARIANT [CALLS]` (CALLS defaults to 1,000,000); `calls --list` names the
//! variants.
use std::hint::black_box;
use std::process::ExitCode;

use wear_benches::{VARIANTS, install_tracing, variant};

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.first().map(String::as_str) == Some("--list") {
        for v in VARIANTS {
            println!("{}\t{}", v.name, v.what);
        }
        return ExitCode::SUCCESS;
    }
    let Some(variant) = args.first().and_then(|name| variant(name)) else {
        eprintln!("usage: calls VARIANT [CALLS]   (calls --list names the variants)");
        return ExitCode::from(2);
    };
    let calls = match args.get(1).map(|n| n.replace(['_', ','], "").parse::<u64>()) {
        None => 1_000_000,
        Some(Ok(n)) => n,
        Some(Err(e)) => {
            eprintln!("error: CALLS: {e}");
            return ExitCode::from(2);
        }
    };
    if !install_tracing() {
        eprintln!("error: the tracing subscriber does not enable INFO spans");
        return ExitCode::from(2);
    }
    // The first call sets up what each variant sets up once per thread or process (counter
    // blocks, span storage, metric families), outside the measured loop.
    black_box((variant.once)(black_box(0)));
    let result = (variant.run)(black_box(calls));
    println!("{} {calls} calls: {result:x}", variant.name);
    ExitCode::SUCCESS
}
