//! Long output on a terminal goes through the user's pager, as `git` does: `$PAGER` (run by
//! the shell; empty or `cat` means none), else `less`, with `LESS=FRX` unless `LESS` is set
//! (quit when the text fits a screen, keep colours, leave it on the screen). Never when standard
//! output is not a terminal, and never for text shorter than the terminal: piped output and
//! short output are written as they are.
use std::io::{IsTerminal, Write};
use std::process::{Command, Stdio};

use crate::error::Result;
use crate::output::emit;

/// Rows assumed when the terminal does not say (as `less` does).
const DEFAULT_ROWS: usize = 24;

/// Writes `text` to standard output, through the pager when it is longer than the terminal.
pub(crate) fn emit_paged(text: &str) -> Result<()> {
    let stdout = std::io::stdout();
    if !stdout.is_terminal() {
        return emit(text);
    }
    let rows = terminal_size::terminal_size_of(&stdout)
        .map(|(_, h)| usize::from(h.0))
        .filter(|&rows| rows > 0)
        .unwrap_or(DEFAULT_ROWS);
    if text.lines().count() < rows {
        return emit(text);
    }
    let pager = std::env::var("PAGER").unwrap_or_else(|_| "less".to_owned());
    if pager.trim().is_empty() || pager.trim() == "cat" {
        return emit(text);
    }
    let mut command = Command::new("sh");
    command.arg("-c").arg(&pager).stdin(Stdio::piped());
    if std::env::var_os("LESS").is_none() {
        command.env("LESS", "FRX");
    }
    if std::env::var_os("LV").is_none() {
        command.env("LV", "-c");
    }
    // A pager that cannot start is no reason to lose the output.
    let Ok(mut child) = command.spawn() else { return emit(text) };
    if let Some(mut input) = child.stdin.take() {
        // The user may quit the pager before reading everything: not an error.
        let _ = input.write_all(text.as_bytes());
    }
    let _ = child.wait();
    Ok(())
}
