//! `cargo wear`: see the `wear_cli` library.
use std::process::ExitCode;

fn main() -> ExitCode {
    eprintln!("cargo wear {}: being built", env!("CARGO_PKG_VERSION"));
    ExitCode::from(2)
}
