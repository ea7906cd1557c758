//! The command layer: one room per command, each with one entry function that turns its
//! arguments into a request, runs it, and writes the output. Below this layer nothing knows
//! about the command line.
mod annotate;
mod demo;
mod diff;
mod heatmap;
mod ingest;
mod init;
mod inspect;
mod map;
mod report;
mod scan;

use crate::cli::{Cli, Command};
use crate::error::Result;

/// How a command ended, when it did not fail.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// Nothing to report: exit 0.
    Clean,
    /// The gate found parts at or past `--fail-on`, or `annotate --check` found work: exit 1.
    Found,
}

/// Runs one command.
pub fn run(cli: Cli) -> Result<Outcome> {
    match cli.command {
        Command::Demo(args) => demo::run(&args),
        Command::Scan(args) => scan::run(&args),
        Command::Report(args) => report::report(&args),
        Command::Check(args) => report::check(&args),
        Command::Ingest(args) => ingest::run(&args),
        Command::Inspect(args) => inspect::run(&args),
        Command::Init(args) => init::run(&args),
        Command::Heatmap(args) => heatmap::run(&args),
        Command::Map(args) => map::run(&args),
        Command::Annotate(args) => annotate::run(&args),
        Command::Diff(args) => diff::run(&args),
    }
}
