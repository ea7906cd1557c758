//! One error type for every bad input: it names the file and line when there is one, says
//! what to do, and always means exit code 2. It is shown through [`crate::safe_text`]: a
//! message quotes outside values (a file name, a label from a backend, a line of a usage
//! file), and none of them may act on the terminal or start a line of its own.
use std::fmt;
use std::path::{Path, PathBuf};

use crate::safe_text::escape;

/// A failure that stops the command. Printed as
/// `error: FILE:LINE: MESSAGE` followed by `  help: HINT`, each on one line with control
/// characters and bidi overrides as visible escapes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Error {
    /// The file at fault, when the error is about a file.
    pub file: Option<PathBuf>,
    /// The 1-based line in that file, when known.
    pub line: Option<usize>,
    /// What is wrong.
    pub message: String,
    /// What the user can do about it.
    pub help: Option<String>,
}

/// Result with [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    /// An error not tied to a file.
    pub(crate) fn new(message: impl Into<String>) -> Error {
        Error { file: None, line: None, message: message.into(), help: None }
    }

    /// An error in `file`.
    pub(crate) fn in_file(file: impl AsRef<Path>, message: impl Into<String>) -> Error {
        Error { file: Some(file.as_ref().to_owned()), ..Error::new(message) }
    }

    /// Sets the line.
    pub(crate) fn at_line(mut self, line: usize) -> Error {
        self.line = Some(line);
        self
    }

    /// Sets what to do about it.
    pub(crate) fn help(mut self, help: impl Into<String>) -> Error {
        self.help = Some(help.into());
        self
    }

    /// The exit code of a command that failed with this error.
    pub const EXIT_CODE: u8 = 2;
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let file = self.file.as_ref().map(|file| file.display().to_string());
        match (&file, self.line) {
            (Some(file), Some(line)) => write!(f, "{}:{line}: ", escape(file))?,
            (Some(file), None) => write!(f, "{}: ", escape(file))?,
            _ => {}
        }
        f.write_str(&escape(&self.message))?;
        if let Some(help) = &self.help {
            write!(f, "\n  help: {}", escape(help))?;
        }
        Ok(())
    }
}

impl std::error::Error for Error {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_file_line_and_help() {
        let e = Error::in_file("wear.toml", "unknown key `cals`").at_line(3).help("did you mean `calls`?");
        assert_eq!(e.to_string(), "wear.toml:3: unknown key `cals`\n  help: did you mean `calls`?");
        assert_eq!(Error::new("no repository").to_string(), "no repository");
        let hostile = Error::in_file("src/\x1b[2J.rs", "part `a\n::error::x`").help("see \u{202e}");
        assert_eq!(hostile.to_string(), "src/\\u{1b}[2J.rs: part `a\\n::error::x`\n  help: see \\u{202e}");
    }
}
