//! `cargo wear scan`: the tracked parts found in the sources, as a table or JSON.
use serde::Serialize;

use super::Outcome;
use crate::cli::{ScanArgs, ScanFormat};
use crate::error::Result;
use crate::output::{color, emit};
use crate::pipeline;
use crate::present::text;
use crate::report::PartId;
use crate::safe_text::{self, escape};
use crate::scan::{CompiledOut, Functions};

/// `cargo wear scan`.
pub(super) fn run(args: &ScanArgs) -> Result<Outcome> {
    let listed = if args.compiled_out { CompiledOut::List } else { CompiledOut::Skip };
    let scan = pipeline::scan(&args.workspace.scan_request(Functions::Tracked, listed))?;
    let mut out = String::new();
    match args.format {
        ScanFormat::Table => {
            let width = scan.parts.iter().map(|p| text::width(&escape(&p.path))).max().unwrap_or(4).max(4);
            // With --compiled-out, a column says which parts the build compiles.
            let built = |compiled_out: bool| match (args.compiled_out, compiled_out) {
                (false, _) => "",
                (true, false) => "compiled      ",
                (true, true) => "compiled out  ",
            };
            let header = format!(
                "{:<width$}  {:<16}  {}location",
                "part",
                "serial",
                if args.compiled_out { "build         " } else { "" }
            );
            match color(args.color) {
                true => {
                    let bold = anstyle::Style::new().bold();
                    out.push_str(&format!("{}{}{}\n", bold.render(), header.trim_end(), bold.render_reset()));
                }
                false => out.push_str(&format!("{header}\n")),
            }
            for p in &scan.parts {
                // Padded by terminal columns, not characters: `{:<width$}` counts a CJK
                // character as one column where a terminal shows two.
                let path = escape(&p.path);
                out.push_str(&format!(
                    "{path}{}  {}  {}{}:{}-{}\n",
                    text::pad_to(&path, width),
                    p.serial,
                    built(p.compiled_out),
                    escape(&p.rel_file),
                    p.lines.0,
                    p.lines.1
                ));
            }
        }
        ScanFormat::Json => {
            let serials: Vec<String> = scan.parts.iter().map(|p| p.serial.to_string()).collect();
            let parts: Vec<_> = scan
                .parts
                .iter()
                .zip(&serials)
                .map(|(p, serial)| ScannedPart {
                    id: PartId { path: &p.path, serial, file: &p.rel_file, lines: [p.lines.0, p.lines.1] },
                    package: &p.package,
                    compiled_out: p.compiled_out,
                })
                .collect();
            out = safe_text::json(serde_json::to_string_pretty(&parts).unwrap_or_default());
            out.push('\n');
        }
    }
    emit(&out)?;
    Ok(Outcome::Clean)
}

/// A part as `scan --format json` lists it: who it is, as in every JSON output, and where.
#[derive(Serialize)]
struct ScannedPart<'a> {
    #[serde(flatten)]
    id: PartId<'a>,
    package: &'a str,
    compiled_out: bool,
}
