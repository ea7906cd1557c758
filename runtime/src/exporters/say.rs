//! Telling the program's user something on stderr, from inside their program.
//!
//! `eprintln!` panics when stderr cannot be written (a pipe nobody reads any more), and writes
//! a line in several pieces, which lines written at the same moment by other processes (forked
//! children) can cut apart. [`say!`] formats the whole line first and writes it with one
//! `write_all`: one `write` call for a line under the pipe buffer size, so a line stays whole,
//! and a failed write is dropped, as is the line.
use std::io::Write;

/// `eprintln!` that never panics and writes each line whole.
macro_rules! say {
    ($($arg:tt)*) => {
        $crate::exporters::say::line(::std::format!($($arg)*))
    };
}
pub(crate) use say;

/// Writes `text` and a newline to stderr in one call, ignoring failure.
pub(crate) fn line(mut text: String) {
    text.push('\n');
    let _ = std::io::stderr().lock().write_all(text.as_bytes());
}
