//! Outputs written by an unprivileged user (issue 18), where the machine allows: run as root,
//! the test becomes `nobody` with `setpriv` and runs the real binary on a workspace nobody
//! owns, with a folder in it that nobody cannot write. Whatever cannot run is said on standard
//! error (`skipped: ...`) and the test passes only then.
//!
//! On the machine this was written on the toolchain lives under `/root` (mode 700), so `nobody`
//! cannot start `cargo`, which every command that scans needs (`cargo metadata`): row U1 is
//! that case. Rows U2 and U3 then give `nobody` one capability, CAP_DAC_READ_SEARCH (read and
//! search any folder, so the toolchain can run), and no right to write anything it does not
//! own: what they prove about writing is what an unprivileged user gets.
#![cfg(target_os = "linux")]
mod support;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use support::edge::{Row, record};
use support::{Fixture, Reading, snapshot};

const NOW: &str = "2026-11-21";
const NOBODY: &str = "65534";

/// `cargo` and `rustc` of the toolchain running the tests, as real binaries (not rustup's
/// proxies, which need rustup's home).
fn toolchain() -> Option<(PathBuf, PathBuf)> {
    let out = Command::new("rustc").args(["--print", "sysroot"]).output().ok()?;
    let sysroot = PathBuf::from(String::from_utf8(out.stdout).ok()?.trim());
    let (cargo, rustc) = (sysroot.join("bin/cargo"), sysroot.join("bin/rustc"));
    (cargo.is_file() && rustc.is_file()).then_some((cargo, rustc))
}

/// `cargo-wear wear ARGS` as user nobody in `dir`, with `caps` (`+dac_read_search`) or none.
fn as_nobody(dir: &Path, toolchain: &(PathBuf, PathBuf), caps: Option<&str>, args: &[&str]) -> Output {
    let mut cmd = Command::new("setpriv");
    cmd.args(["--reuid", NOBODY, "--regid", NOBODY, "--clear-groups"]);
    if let Some(caps) = caps {
        cmd.args([&format!("--inh-caps={caps}"), &format!("--ambient-caps={caps}")]);
    }
    cmd.arg(assert_cmd::cargo::cargo_bin("cargo-wear")).arg("wear").args(args);
    cmd.current_dir(dir).env_clear().env("PATH", "/usr/bin:/bin").env("HOME", "/nonexistent");
    cmd.env("NO_COLOR", "1").env("CARGO", &toolchain.0).env("RUSTC", &toolchain.1);
    cmd.env("CARGO_TARGET_DIR", dir.join("target"));
    cmd.output().expect("setpriv runs")
}

fn chown(path: &Path, recursive: bool) {
    let mut cmd = Command::new("chown");
    if recursive {
        cmd.arg("-R");
    }
    let done = cmd.arg(format!("{NOBODY}:{NOBODY}")).arg(path).status().expect("chown runs");
    assert!(done.success(), "chown {}", path.display());
}

fn chmod(path: &Path, mode: u32) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).expect("chmod");
}

/// A workspace nobody owns, with `locked/` (root's, mode 755) that nobody cannot write, and in
/// it a link to `reports/due.txt` (nobody's).
fn fixture() -> Fixture {
    let fx = Fixture::new("plain");
    fx.write("src/lib.rs", "#[wear::tracked]\npub fn hot() -> u32 {\n    1\n}\n");
    let reading = Reading { path: "plain::hot", serial: "00000000000000aa", calls: 7, busy_ns: None };
    fx.write("usage.json", &snapshot("i1", "2026-11-01T00:00:00Z", "2026-11-20T00:00:00Z", &[reading]));
    fx.commit("hot", "Ada", "2026-01-10");
    std::fs::create_dir(fx.path("reports")).expect("mkdir");
    chown(fx.root(), true);
    chmod(fx.root(), 0o755);
    std::fs::create_dir(fx.path("locked")).expect("mkdir");
    chmod(&fx.path("locked"), 0o755);
    std::os::unix::fs::symlink("../reports/due.txt", fx.path("locked/due.txt")).expect("symlink");
    fx
}

fn report(output: &str) -> Vec<&str> {
    vec!["report", "--now", NOW, "--usage", "usage.json", "--no-ledger", "--no-cache", "--output", output]
}

#[test]
fn outputs_written_as_an_unprivileged_user() {
    // SAFETY: geteuid has no preconditions and touches no memory.
    if unsafe { libc::geteuid() } != 0 {
        eprintln!("skipped: not running as root, so the test cannot become another user");
        return;
    }
    if Command::new("setpriv").arg("--version").output().is_err() {
        eprintln!("skipped: no `setpriv` to become user nobody");
        return;
    }
    let Some(tools) = toolchain() else {
        eprintln!(
            "skipped: the toolchain's real `cargo` and `rustc` were not found under `rustc --print sysroot`"
        );
        return;
    };
    let fx = fixture();
    let version = as_nobody(fx.root(), &tools, None, &["--version"]);
    if !version.status.success() {
        eprintln!(
            "skipped: nobody cannot run {}: {}",
            assert_cmd::cargo::cargo_bin("cargo-wear").display(),
            String::from_utf8_lossy(&version.stderr)
        );
        return;
    }

    // As plain nobody: the report either runs, or says it cannot start cargo and writes nothing.
    let out = as_nobody(fx.root(), &tools, None, &report("/dev/stdout"));
    let caps = if out.status.success() {
        eprintln!(
            "nobody can run the toolchain here: U1's case does not arise; U2 and U3 run without capabilities"
        );
        None
    } else {
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{stderr}");
        assert!(
            stderr.contains(&format!("error: cannot run `{}` to read the workspace", tools.0.display())),
            "names cargo: {stderr}"
        );
        assert!(stderr.contains("help: run as a user who can run cargo, or set CARGO"), "{stderr}");
        assert!(out.stdout.is_empty(), "no report");
        eprintln!(
            "case here: nobody cannot run the toolchain ({}); U2 and U3 use CAP_DAC_READ_SEARCH",
            tools.0.display()
        );
        let shown = String::from_utf8_lossy(&out.stderr)
            .replace(&tools.0.display().to_string(), "<sysroot>/bin/cargo");
        record(Row {
            id: "U1",
            situation: "run as an unprivileged user (`setpriv --reuid=65534`) who cannot reach the toolchain (under `/root`, mode 700)",
            command: "report --now 2026-11-21 --usage usage.json --output /dev/stdout",
            output: &Output { status: out.status, stdout: out.stdout.clone(), stderr: shown.into_bytes() },
            proof: "exit 2 at `cargo metadata`, naming the cargo it tried; nothing is written",
        });
        let probe = Command::new("setpriv")
            .args(["--reuid", NOBODY, "--regid", NOBODY, "--clear-groups"])
            .args(["--inh-caps=+dac_read_search", "--ambient-caps=+dac_read_search", "true"])
            .output();
        if !probe.is_ok_and(|p| p.status.success()) {
            eprintln!(
                "skipped: setpriv cannot give nobody CAP_DAC_READ_SEARCH here, so nobody cannot run cargo"
            );
            return;
        }
        Some("+dac_read_search")
    };

    // Standard output is a pipe root made (as `.output()` makes it): written, not reopened.
    let out = as_nobody(fx.root(), &tools, caps, &report("/dev/stdout"));
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stdout).contains("plain::hot"), "the report is on stdout");
    record(Row {
        id: "U2",
        situation: "`--output /dev/stdout` as an unprivileged user whose standard output is a pipe another user made",
        command: "report --now 2026-11-21 --usage usage.json --output /dev/stdout",
        output: &out,
        proof: "the report is on standard output (written to the stream, not reopened); `/dev/null` works too",
    });
    let null = as_nobody(fx.root(), &tools, caps, &report("/dev/null"));
    assert!(null.status.success(), "{}", String::from_utf8_lossy(&null.stderr));

    // A link in a folder nobody cannot write: followed, its target (nobody's) gets the report.
    let linked = as_nobody(fx.root(), &tools, caps, &report("locked/due.txt"));
    assert!(linked.status.success(), "{}", String::from_utf8_lossy(&linked.stderr));
    let meta = std::fs::symlink_metadata(fx.path("locked/due.txt")).expect("link");
    assert!(meta.file_type().is_symlink(), "still a link");
    assert!(fx.read("reports/due.txt").contains("plain::hot"), "the target holds the report");
    // A new file there: refused clearly, nothing made.
    let out = as_nobody(fx.root(), &tools, caps, &report("locked/new.txt"));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("error: locked/new.txt: cannot write: Permission denied"), "{stderr}");
    assert!(!fx.path("locked/new.txt").exists(), "nothing was made");
    assert!(std::fs::read_dir(fx.path("locked")).expect("ls").count() == 1, "no temporary file is left");
    record(Row {
        id: "U3",
        situation: "`--output` into a folder the unprivileged user cannot write: a link to a file it owns, and a new file",
        command: "report --now 2026-11-21 --usage usage.json --output locked/new.txt",
        output: &out,
        proof: "exit 2 naming the file; through the link `locked/due.txt` the report reaches its target and the link stays",
    });
}
