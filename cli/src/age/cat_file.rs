//! Reading blobs through one `git cat-file --batch` process, when git is installed.
//!
//! Histories are packed as chains of deltas, and reading a blob rebuilds its chain from a
//! base. git keeps the bases it rebuilt in a 96 MiB cache; libgit2's is fixed at 16 MiB,
//! which a walk over thousands of files at once overflows, so it inflates each chain again
//! and again: on the 40,000-commit benchmark, reading every blob the walk needs took
//! 3.3 s in `git cat-file` and about 11 s in libgit2 (`docs/src/benchmarks.md`). The process
//! also inflates on the other core. Without git, or if the process fails, the walk reads
//! through libgit2 as before.
use std::io::{BufRead, BufReader, BufWriter, Read, Write};
use std::path::Path;
use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};

use git2::Oid;

/// A running `git cat-file --batch`.
pub(super) struct CatFile {
    child: Child,
    input: BufWriter<ChildStdin>,
    output: BufReader<ChildStdout>,
    header: String,
}

impl CatFile {
    /// Starts git on the repository at `git_dir`; `None` if it cannot run.
    pub(super) fn start(git_dir: &Path) -> Option<CatFile> {
        let mut cmd = Command::new("git");
        cmd.arg("--git-dir")
            .arg(git_dir)
            // The pack maps count in the resident memory: git's default is 8 GiB of them.
            .args(["-c", "core.packedGitWindowSize=16m", "-c", "core.packedGitLimit=32m"])
            // Its cache of delta bases is most of its memory (96 MiB by default): 64 MiB took
            // the 40,000-commit benchmark's peak, wear and git summed, from 273 to 239 MiB, no
            // slower within the machine's noise; 48 MiB and less made the walk slower.
            .args(["-c", "core.deltaBaseCacheLimit=64m"])
            .args(["cat-file", "--batch"]);
        for var in ["GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE", "GIT_OBJECT_DIRECTORY", "GIT_PREFIX"] {
            cmd.env_remove(var);
        }
        // A partial clone's missing blob is an error here, as in libgit2 (the caller fetches
        // what is missing in one batch), not one fetch per blob.
        cmd.env("GIT_NO_LAZY_FETCH", "1").env("GIT_TERMINAL_PROMPT", "0");
        cmd.stdin(Stdio::piped()).stdout(Stdio::piped()).stderr(Stdio::null());
        let mut child = cmd.spawn().ok()?;
        let (Some(input), Some(output)) = (child.stdin.take(), child.stdout.take()) else {
            let _ = child.kill();
            let _ = child.wait();
            return None;
        };
        Some(CatFile {
            child,
            input: BufWriter::new(input),
            output: BufReader::new(output),
            header: String::new(),
        })
    }

    /// The content of blob `id`; `Ok(None)` if git does not have it as a blob.
    pub(super) fn read(&mut self, id: Oid) -> std::io::Result<Option<Vec<u8>>> {
        writeln!(self.input, "{id}")?;
        self.input.flush()?;
        self.header.clear();
        self.output.read_line(&mut self.header)?;
        // `<id> <type> <size>`, or `<id> missing` (or `ambiguous`).
        let mut fields = self.header.split_ascii_whitespace().skip(1);
        let (kind, size) = (fields.next(), fields.next().and_then(|s| s.parse::<usize>().ok()));
        let Some(size) = size else {
            return match kind {
                Some(_) => Ok(None),
                None => Err(std::io::ErrorKind::UnexpectedEof.into()),
            };
        };
        let mut bytes = vec![0; size + 1];
        self.output.read_exact(&mut bytes)?;
        bytes.pop(); // the newline after the content
        Ok((kind == Some("blob")).then_some(bytes))
    }
}

impl Drop for CatFile {
    fn drop(&mut self) {
        // git only reads: nothing is lost by stopping it, and its exit status says nothing
        // that the reads did not.
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[cfg(test)]
mod tests {
    use git2::Repository;

    use super::*;

    #[test]
    fn reads_blobs_and_says_which_are_missing() {
        let dir = tempfile::tempdir().unwrap();
        let repo = Repository::init(dir.path()).unwrap();
        let a = repo.blob(b"fn a() {}\n").unwrap();
        let empty = repo.blob(b"").unwrap();
        let mut git = CatFile::start(repo.path()).expect("git runs");
        assert_eq!(git.read(a).unwrap().as_deref(), Some(&b"fn a() {}\n"[..]));
        assert_eq!(git.read(empty).unwrap().as_deref(), Some(&b""[..]));
        let absent = Oid::from_str("0123456789012345678901234567890123456789").unwrap();
        assert_eq!(git.read(absent).unwrap(), None);
        assert_eq!(git.read(a).unwrap().as_deref(), Some(&b"fn a() {}\n"[..]), "still in step");
    }
}
