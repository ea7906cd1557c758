//! Reading a file that comes from outside — a usage file, the policy, the logbook, a source
//! file, a build script's output — with a bound, so that no path makes `cargo wear` wait or
//! grow for ever: a FIFO is refused without waiting for a writer (it is opened with
//! `O_NONBLOCK`), a device, socket or folder is refused before a byte is read, and a file is
//! read to at most its kind's limit plus one byte, whatever its size claims to be (`/proc`
//! files say 0). Each refusal says what the path is and what to give instead.
use std::fmt;
use std::fs::{File, Metadata};
use std::io::Read;
use std::path::Path;

use crate::error::Error;

const MIB: u64 = 1024 * 1024;

/// A kind of input: the most bytes it may hold, and how the help texts name a good one.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Input {
    /// The most bytes a file of this kind may hold.
    pub(crate) limit: u64,
    /// A good file of this kind, after "give" in help texts.
    what: &'static str,
    /// What to do with a file over the limit.
    too_large: &'static str,
}

/// Usage files: a snapshot is a few KiB a thousand parts, but the Collector's `file` exporter
/// appends OTLP JSON lines and rotates at 100 MiB by default (`rotation.max_megabytes`); a
/// quarter of a GiB leaves room for a file rotated later without holding gigabytes in memory.
pub(crate) const USAGE: Input = Input {
    limit: 256 * MIB,
    what: "a wear snapshot or OTLP JSON file",
    too_large: "split it into smaller files and give them all (OTLP JSON lines can be split at any line, \
                e.g. `split -l 100000`), or rotate the Collector's file sooner",
};

/// `wear.toml`, `wear-logbook.toml` and the manifests (`Cargo.toml`): people write them, and a
/// logbook grows by about 200 bytes a sign-off, so 16 MiB is some 80,000 sign-offs.
pub(crate) const SETTINGS: Input = Input {
    limit: 16 * MIB,
    what: "a TOML file",
    too_large: "a file this large was not written by people or by `cargo wear`: check that the path names the right file",
};

/// Rust sources, read by the scan, `annotate` and the age of lines: the largest generated sources in common
/// crates (bindings, Unicode and lookup tables) are a few MiB to a few tens of MiB.
pub(crate) const SOURCE: Input = Input {
    limit: 64 * MIB,
    what: "a Rust source file",
    too_large: "generated tables this large hold no parts worth tracking: leave the module out of the scan",
};

/// The `output` file cargo keeps of a build script's run: its `cargo::` lines, usually a few
/// KiB; a script that prints more than the sources it describes is not one to trust.
pub(crate) const BUILD_OUTPUT: Input = Input {
    limit: 64 * MIB,
    what: "the `output` file cargo writes for a build script",
    too_large: "rebuild to refresh it",
};

/// Why a file was not read.
#[derive(Debug)]
pub(crate) enum Unreadable {
    /// Opening or reading it failed.
    Io(std::io::Error),
    /// It is not a regular file: what it is instead (`a FIFO (named pipe)`).
    NotAFile(&'static str),
    /// It holds more bytes than its kind's limit.
    TooLarge(Input),
}

impl Unreadable {
    /// Whether there is nothing at the path.
    pub(crate) fn is_missing(&self) -> bool {
        matches!(self, Unreadable::Io(e) if e.kind() == std::io::ErrorKind::NotFound)
    }

    /// Whether the path is a folder.
    pub(crate) fn is_folder(&self) -> bool {
        matches!(self, Unreadable::NotAFile(FOLDER))
    }

    /// Why, for a warning about a file that is skipped: `cannot be read (…)`, or what it is.
    pub(crate) fn reason(&self) -> String {
        match self {
            Unreadable::Io(e) => format!("cannot be read ({e})"),
            other => other.to_string(),
        }
    }

    /// The error of a command that needed the file at `path`, a file of kind `input`.
    pub(crate) fn into_error(self, path: &Path, input: Input) -> Error {
        let error = Error::in_file(path, self.to_string());
        match self {
            Unreadable::Io(_) => error.help("check that it is a readable file"),
            Unreadable::NotAFile(FOLDER) => error.help(format!("give {}, not a folder", input.what)),
            Unreadable::NotAFile(_) => error.help(format!(
                "give {}: save what a pipe or device gives to a file first (`cat PIPE > FILE`)",
                input.what
            )),
            Unreadable::TooLarge(input) => error.help(input.too_large),
        }
    }
}

impl fmt::Display for Unreadable {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Unreadable::Io(e) => write!(f, "cannot read: {e}"),
            Unreadable::NotAFile(FOLDER) => write!(f, "is a folder, not a file"),
            Unreadable::NotAFile(what) => {
                write!(f, "is {what}, not a regular file: reading it might never end")
            }
            Unreadable::TooLarge(input) => {
                write!(
                    f,
                    "is larger than {} MiB, the most cargo-wear reads of such a file",
                    input.limit / MIB
                )
            }
        }
    }
}

const FOLDER: &str = "a folder";

/// The bytes of the regular file at `path`, if it holds at most `input.limit` bytes.
pub(crate) fn read(path: &Path, input: Input) -> Result<Vec<u8>, Unreadable> {
    // Looked at before opening, so a device is never opened (opening some has effects), and
    // again on the open file, in case the path changed in between.
    refuse_special(&std::fs::metadata(path).map_err(Unreadable::Io)?)?;
    let file = open(path).map_err(Unreadable::Io)?;
    let meta = file.metadata().map_err(Unreadable::Io)?;
    refuse_special(&meta)?;
    if meta.len() > input.limit {
        return Err(Unreadable::TooLarge(input));
    }
    // The size is a hint, not a bound: files in `/proc` say 0 and a file may grow while read.
    let mut bytes = Vec::with_capacity(usize::try_from(meta.len()).unwrap_or(0));
    file.take(input.limit + 1).read_to_end(&mut bytes).map_err(Unreadable::Io)?;
    if bytes.len() as u64 > input.limit {
        return Err(Unreadable::TooLarge(input));
    }
    Ok(bytes)
}

/// [`read`] as UTF-8 text; text that is not UTF-8 is an [`Unreadable::Io`] of kind
/// `InvalidData`, as [`std::fs::read_to_string`] reports it.
pub(crate) fn read_to_string(path: &Path, input: Input) -> Result<String, Unreadable> {
    String::from_utf8(read(path, input)?).map_err(|_| {
        Unreadable::Io(std::io::Error::new(
            std::io::ErrorKind::InvalidData,
            "stream did not contain valid UTF-8",
        ))
    })
}

fn refuse_special(meta: &Metadata) -> Result<(), Unreadable> {
    if meta.is_file() { Ok(()) } else { Err(Unreadable::NotAFile(kind_of(meta))) }
}

#[cfg(unix)]
fn kind_of(meta: &Metadata) -> &'static str {
    use std::os::unix::fs::FileTypeExt;
    let kind = meta.file_type();
    if kind.is_dir() {
        FOLDER
    } else if kind.is_fifo() {
        "a FIFO (named pipe)"
    } else if kind.is_char_device() {
        "a character device"
    } else if kind.is_block_device() {
        "a block device"
    } else if kind.is_socket() {
        "a socket"
    } else {
        "not a file"
    }
}

#[cfg(not(unix))]
fn kind_of(meta: &Metadata) -> &'static str {
    if meta.is_dir() { FOLDER } else { "not a file" }
}

/// Opens `path` for reading without waiting: a FIFO's `open` otherwise blocks until a writer
/// comes, before its type can be checked. Reads of a regular file ignore `O_NONBLOCK`.
#[cfg(unix)]
fn open(path: &Path) -> std::io::Result<File> {
    use std::os::unix::fs::OpenOptionsExt;
    std::fs::OpenOptions::new().read(true).custom_flags(libc::O_NONBLOCK).open(path)
}

#[cfg(not(unix))]
fn open(path: &Path) -> std::io::Result<File> {
    File::open(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    const TINY: Input = Input { limit: 8, ..USAGE };

    #[test]
    fn reads_a_file_up_to_its_limit_and_no_further() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("f");
        std::fs::write(&path, b"12345678").expect("write");
        assert_eq!(read(&path, TINY).expect("at the limit"), b"12345678");
        std::fs::write(&path, b"123456789").expect("write");
        assert!(matches!(read(&path, TINY), Err(Unreadable::TooLarge(_))));
        assert!(read(&dir.path().join("none"), TINY).expect_err("missing").is_missing());
        assert!(read(dir.path(), TINY).expect_err("folder").is_folder());
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn a_file_whose_size_says_zero_is_still_bounded() {
        // `/proc/self/maps` reports a size of 0 and holds more than 8 bytes.
        let err = read(Path::new("/proc/self/maps"), TINY).expect_err("over the limit");
        assert!(matches!(err, Unreadable::TooLarge(_)), "{err}");
    }

    #[cfg(unix)]
    #[test]
    fn devices_and_fifos_are_refused_without_waiting() {
        let err = read(Path::new("/dev/zero"), USAGE).expect_err("a device");
        assert_eq!(err.to_string(), "is a character device, not a regular file: reading it might never end");
        let dir = tempfile::tempdir().expect("temp dir");
        let fifo = dir.path().join("pipe");
        let made = std::process::Command::new("mkfifo").arg(&fifo).status().expect("mkfifo runs");
        assert!(made.success());
        let err = read(&fifo, USAGE).expect_err("a FIFO").into_error(&fifo, USAGE);
        assert!(err.message.starts_with("is a FIFO (named pipe)"), "{err}");
        assert!(err.help.as_deref().is_some_and(|h| h.starts_with("give a wear snapshot")), "{err}");
    }
}
