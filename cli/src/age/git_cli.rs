//! Running the `git` command for the two things libgit2 cannot do: run a repository's filter
//! drivers (`filter.<name>.clean`/`process`), and fetch the blobs a partial clone left on its
//! promisor remote. Everything else reads the repository through git2.
use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};

/// Runs `git args...` in `workdir` with `stdin` fed to it, and returns its standard output,
/// or what went wrong in one line (the program missing, or git's last line of stderr).
///
/// Variables a git hook sets (`GIT_DIR`, `GIT_INDEX_FILE`, ...) are removed so that git
/// finds the same repository as git2 did; prompts for credentials are turned off, so that a
/// fetch fails instead of waiting for a terminal.
pub(super) fn run(workdir: &Path, args: &[&str], stdin: &[u8]) -> Result<Vec<u8>, String> {
    let mut cmd = Command::new("git");
    cmd.arg("-C").arg(workdir).arg("--literal-pathspecs").args(args);
    for var in ["GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE", "GIT_OBJECT_DIRECTORY", "GIT_PREFIX"] {
        cmd.env_remove(var);
    }
    cmd.env("GIT_TERMINAL_PROMPT", "0").env("LC_ALL", "C");
    cmd.stdin(Stdio::piped()).stdout(Stdio::piped()).stderr(Stdio::piped());
    let mut child = cmd.spawn().map_err(|e| format!("cannot run `git`: {e}"))?;
    let input = stdin.to_vec();
    let writer = child.stdin.take().map(|mut pipe| {
        // A separate thread, so that git filling its stdout pipe cannot block us both.
        std::thread::spawn(move || {
            let _ = pipe.write_all(&input);
        })
    });
    let out = child.wait_with_output().map_err(|e| format!("cannot run `git`: {e}"))?;
    if let Some(writer) = writer {
        let _ = writer.join();
    }
    if out.status.success() {
        return Ok(out.stdout);
    }
    let stderr = String::from_utf8_lossy(&out.stderr);
    let mut lines = stderr.lines().map(str::trim).filter(|l| !l.is_empty());
    let why = lines.clone().find_map(|l| l.strip_prefix("fatal: ")).or_else(|| lines.next_back());
    Err(format!("`git {}` failed: {}", subcommand(args), why.unwrap_or("no message")))
}

/// The git subcommand in `args`, past any `-c NAME=VALUE`.
fn subcommand<'a>(args: &[&'a str]) -> &'a str {
    let mut args = args.iter();
    while let Some(&arg) = args.next() {
        if arg == "-c" {
            args.next();
        } else if !arg.starts_with('-') {
            return arg;
        }
    }
    ""
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_the_subcommand_past_config_options() {
        assert_eq!(subcommand(&["-c", "fetch.negotiationAlgorithm=noop", "fetch", "origin"]), "fetch");
        assert_eq!(subcommand(&["rev-list", "--objects"]), "rev-list");
        assert_eq!(subcommand(&["--version"]), "");
    }

    #[test]
    fn a_failing_git_says_what_failed_in_one_line() {
        let dir = tempfile::tempdir().unwrap();
        let why = run(dir.path(), &["rev-list", "HEAD"], b"").unwrap_err();
        assert!(why.starts_with("`git rev-list` failed: "), "{why}");
        assert!(!why.contains('\n'), "{why}");
    }
}
