//! `cargo wear`: the binary. Exit codes: 0 fine, 1 the gate found parts at or past
//! `--fail-on`, 2 any error (bad input, bad arguments).
use std::process::ExitCode;

use wear_cli::commands::{Outcome, run};

fn main() -> ExitCode {
    wear_cli::age::libgit2::tune();
    match run(wear_cli::cli::parse()) {
        Ok(Outcome::Clean) => ExitCode::SUCCESS,
        Ok(Outcome::Found) => ExitCode::from(1),
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(wear_cli::Error::EXIT_CODE)
        }
    }
}
