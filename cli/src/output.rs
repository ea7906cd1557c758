//! Where a command's output goes and how it looks there: standard output or a file written
//! atomically, whether to colour, how wide a picture may be.
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};

use clap::ValueEnum;

use crate::error::{Error, Result};
use crate::heatmap::{MAX_WIDTH, MIN_WIDTH};
use crate::present::paint::Palette;

/// Colour choice, as `--color` takes it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub(crate) enum ColorChoice {
    /// On a terminal, unless `NO_COLOR` is set.
    Auto,
    /// Always.
    Always,
    /// Never.
    Never,
}

/// Writes `text` to standard output. A closed pipe is not an error.
pub(crate) fn emit(text: &str) -> Result<()> {
    let mut stdout = std::io::stdout().lock();
    match stdout.write_all(text.as_bytes()).and_then(|()| stdout.flush()) {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => {
            Err(Error::new(format!("cannot write to standard output: {e}")))
        }
        _ => Ok(()),
    }
}

/// Writes an output file the user named (`--output`, `--html`) with [`crate::fs::write_output`],
/// unless it is one of `inputs` (the files the output was made from), which it would replace.
/// `-` is standard output, as for most command-line tools.
pub(crate) fn write_named(path: &Path, text: &str, inputs: &[PathBuf]) -> Result<()> {
    if path == Path::new("-") {
        return emit(text);
    }
    if let Ok(target) = std::fs::canonicalize(path)
        && inputs.iter().any(|input| std::fs::canonicalize(input).is_ok_and(|input| input == target))
    {
        return Err(Error::in_file(path, "cannot write: it is one of the files this report is made from")
            .help("give another path for the output; nothing was written"));
    }
    crate::fs::write_output(path, text.as_bytes())
}

/// Whether to colour standard output.
pub(crate) fn color(choice: ColorChoice) -> bool {
    match choice {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => {
            std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()) && std::io::stdout().is_terminal()
        }
    }
}

/// The palette `--color` and the terminal ask for.
pub(crate) fn palette(choice: ColorChoice) -> Palette {
    Palette::detect(color(choice), std::env::var("COLORTERM").ok().as_deref())
}

/// The width to draw at: `--width`, else standard output's terminal's (only standard output:
/// a picture piped to a file must not take the width of the terminal it was typed in), else
/// `$COLUMNS`, else 80; never wider than [`MAX_WIDTH`], whatever a terminal or `$COLUMNS` says.
pub(crate) fn width(given: Option<usize>) -> usize {
    given
        .or_else(|| terminal_size::terminal_size_of(std::io::stdout()).map(|(w, _)| usize::from(w.0)))
        .or_else(|| std::env::var("COLUMNS").ok().and_then(|c| c.trim().parse().ok()))
        .unwrap_or(80)
        .clamp(MIN_WIDTH, MAX_WIDTH)
}
