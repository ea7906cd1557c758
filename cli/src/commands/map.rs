//! `cargo wear map`: the wear map in a terminal.
use super::Outcome;
use crate::cli::MapArgs;
use crate::error::Result;
use crate::map::{MapOptions, render};
use crate::output::{emit, palette, width};
use crate::pipeline;
use crate::scan::Functions;

/// `cargo wear map`.
pub(super) fn run(args: &MapArgs) -> Result<Outcome> {
    let which = if args.all { Functions::Every } else { Functions::Tracked };
    let (_, list) = pipeline::scan_and_due_list(&args.inputs.request(which)?)?;
    let opts = MapOptions { width: width(args.width), color: palette(args.inputs.color) };
    emit(&render(&list, &opts))?;
    Ok(Outcome::Clean)
}
