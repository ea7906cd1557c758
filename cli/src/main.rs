//! `cargo wear`: a placeholder until scan, blame, usage, policy and reports land (issue 3).
use std::process::ExitCode;

fn main() -> ExitCode {
    eprintln!(
        "cargo wear {}: the due list is not built yet.\n\
         Try the demo instead: cargo run -p wear-example-shop",
        env!("CARGO_PKG_VERSION")
    );
    ExitCode::from(2)
}
