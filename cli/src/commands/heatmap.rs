//! `cargo wear heatmap`: every part as a coloured cell, and optionally the HTML report.
use super::Outcome;
use crate::cli::{HeatmapArgs, HeatmapFormat};
use crate::due::Status;
use crate::error::{Error, Result};
use crate::heatmap::{HeatmapOptions, Measure, PartFilter, drawn, render};
use crate::output::{emit, palette, width, write_named};
use crate::pipeline;
use crate::report::{self, Format, Hue, RenderOptions};
use crate::scan::Functions;

/// `cargo wear heatmap`.
pub(super) fn run(args: &HeatmapArgs) -> Result<Outcome> {
    let filter = args.open.as_deref().or(args.filter.as_deref()).map(PartFilter::new).transpose()?;
    let which = if args.all { Functions::Every } else { Functions::Tracked };
    let request = args.inputs.request(which)?;
    let (scan, list) = pipeline::scan_and_due_list(&request)?;
    if let Some(filter) = &filter
        && !list.parts.is_empty()
        && !list.parts.iter().any(|p| filter.matches(p))
    {
        let example = &list.parts[0];
        let asked = if args.open.is_some() { "" } else { "--filter " };
        return Err(Error::new(format!("no part matches {asked}`{}`", filter.pattern())).help(format!(
            "parts are named like `{}` and files like `{}`; a glob needs `*`",
            example.part, example.file
        )));
    }
    let opts = HeatmapOptions {
        by: args.by.unwrap_or(if args.all { Measure::Age } else { Measure::Wear }),
        group: args.group,
        width: width(args.width),
        color: palette(args.inputs.color),
        top: args.top,
        filter,
        compact: args.compact,
        depth: args.depth.map(usize::from),
    };
    if let Some(path) = &args.html {
        // The page shows what the terminal would: the parts drawn, coloured as asked.
        let plain = RenderOptions::of_this_tool(false, Status::Overdue);
        let hue = match opts.by {
            Measure::Age => Some(Hue::Age),
            Measure::Wear => Some(Hue::Wear),
            Measure::Calls | Measure::Busy => None,
        };
        let page = pipeline::page_options(&scan, hue)?;
        let inputs = pipeline::inputs(&scan, &request);
        write_named(path, &report::render_page(&drawn(&list, &opts), &plain, &page), &inputs)?;
    }
    // `--html -` puts the page on standard output, alone: a heatmap around it would break it.
    let html_to_stdout = args.html.as_deref() == Some(std::path::Path::new("-"));
    if !html_to_stdout {
        let plain = RenderOptions::of_this_tool(false, Status::Overdue);
        match args.format {
            HeatmapFormat::Text => crate::pager::emit_paged(&render(&list, &opts))?,
            HeatmapFormat::Json => emit(&report::render(&drawn(&list, &opts), Format::Json, &plain))?,
            HeatmapFormat::Csv => emit(&report::render(&drawn(&list, &opts), Format::Csv, &plain))?,
        }
    }
    if let Some(path) = args.html.as_ref().filter(|_| !html_to_stdout) {
        eprintln!("the HTML report is in {}", crate::safe_text::path(path));
    }
    Ok(Outcome::Clean)
}
