//! The arguments of `cargo wear heatmap`, and the checks of the ones clap cannot type: a
//! positive `--top`, a `--width` a picture fits in.
use clap::Args;

use super::layout::Grouping;
use super::measure::Measure;
use crate::cli::DueInputArgs;

/// `cargo wear heatmap`.
#[derive(Debug, Args)]
pub struct HeatmapArgs {
    #[command(flatten)]
    pub inputs: DueInputArgs,
    /// What colours a cell (default: wear; age with --all).
    #[arg(long, value_enum)]
    pub by: Option<Measure>,
    /// Group cells by module or by source file.
    #[arg(long, value_enum, default_value_t = Grouping::Module)]
    pub group: Grouping,
    /// Show only the N parts with the highest value (still grouped).
    #[arg(long, value_name = "N", value_parser = parse_top)]
    pub top: Option<usize>,
    /// Show only parts whose path or file starts with this prefix (`shop::cart`, `src/cart.rs`)
    /// or matches this glob (`shop::*::parse*`, `crates/engine/**`).
    #[arg(long, value_name = "GLOB")]
    pub filter: Option<String>,
    /// Columns to fit in (default: the terminal's width, else $COLUMNS, else 80).
    #[arg(long, value_name = "COLUMNS", value_parser = parse_width)]
    pub width: Option<usize>,
    /// Two characters a part behind the group's name, even when the parts are few (the
    /// default above 100 parts).
    #[arg(long)]
    pub compact: bool,
    /// Every function of the workspace is a part, tracked or not: a map of age before
    /// anything is instrumented.
    #[arg(long)]
    pub all: bool,
    /// Also write the HTML report (treemap, wear map, due list) to this file, atomically.
    #[arg(long, value_name = "FILE")]
    pub html: Option<std::path::PathBuf>,
}

/// `--top`: a whole number of parts, 1 or more.
fn parse_top(text: &str) -> Result<usize, String> {
    match text.trim().parse::<usize>() {
        Ok(0) => Err("--top 0 shows nothing: give 1 or more parts".to_owned()),
        Ok(n) => Ok(n),
        Err(_) => Err(format!("`{text}` is not a number of parts: give a whole number like 20")),
    }
}

/// `--width`: at least [`super::MIN_WIDTH`] columns.
pub fn parse_width(text: &str) -> Result<usize, String> {
    let min = super::MIN_WIDTH;
    match text.trim().parse::<usize>() {
        Ok(n) if n >= min => Ok(n),
        Ok(n) => Err(format!("{n} columns is too narrow: give {min} or more")),
        Err(_) => Err(format!("`{text}` is not a number of columns: give a whole number like 100")),
    }
}
