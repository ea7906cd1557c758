//! `cargo wear report` and `cargo wear check`: the due list in a format, and the CI gate on it.
use super::Outcome;
use crate::cli::{CheckArgs, DueArgs, ReportArgs};
use crate::due::{DueList, Status};
use crate::error::Result;
use crate::output::{color, emit, write_named};
use crate::pipeline;
use crate::report::{Format, RenderOptions, render, render_page};
use crate::scan::Functions;

/// `cargo wear report`.
pub(super) fn report(args: &ReportArgs) -> Result<Outcome> {
    print(&args.due, Status::Overdue)?;
    Ok(Outcome::Clean)
}

/// `cargo wear check`.
pub(super) fn check(args: &CheckArgs) -> Result<Outcome> {
    let fail_on = args.fail_on.status();
    let list = print(&args.due, fail_on)?;
    let failing = list.parts.iter().filter(|p| p.status <= fail_on).count();
    if failing > 0 {
        eprintln!("cargo wear check: {failing} parts are {} or worse", fail_on.as_str());
        Ok(Outcome::Found)
    } else {
        Ok(Outcome::Clean)
    }
}

/// Makes the due list and writes it where and as the arguments say.
fn print(args: &DueArgs, fail_on: Status) -> Result<DueList> {
    let request = args.inputs.request(Functions::Tracked)?;
    let (scan, list) = pipeline::scan_and_due_list(&request)?;
    let color = args.format == Format::Table && args.output.is_none() && color(args.inputs.color);
    let opts = RenderOptions::of_this_tool(color, fail_on);
    let text = match args.format {
        Format::Html => render_page(&list, &opts, &pipeline::page_options(&scan, None)?),
        format => render(&list, format, &opts),
    };
    match &args.output {
        Some(path) => write_named(path, &text, &pipeline::inputs(&scan, &request))?,
        None => emit(&text)?,
    }
    Ok(list)
}
