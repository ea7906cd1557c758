//! A snapshot path that cannot be written: a read-only directory, a missing directory, a full
//! device (`/dev/full`) and a file-size limit that cuts the temporary file short (how a full
//! disk looks to the temp-then-rename write). The recorder tries every 10 ms for 0.6 s (about
//! 60 attempts, then the one at exit); each time the program runs to completion with the same
//! output and exit code as without wear's recorder, stderr holds exactly one clear line, no
//! file is left behind (or replaced), and nothing panics.
use std::os::unix::process::CommandExt as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use wear_tests::entries;

/// The probe's arguments: 5 calls (it prints 310), then 600 ms asleep.
const ARGS: [&str; 2] = ["5", "600"];

fn probe() -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_wear-probe"));
    command.args(ARGS).env_remove("WEAR_SNAPSHOT").env_remove("WEAR_SNAPSHOT_INTERVAL");
    command
}

/// Runs the probe recording to `path` every 10 ms and checks it against a run without the
/// recorder; returns the one line it wrote on stderr.
fn check(mut command: Command, path: &Path, reason: &[&str]) -> String {
    let without: Output = probe().output().expect("the probe runs");
    let with: Output = command
        .env("WEAR_SNAPSHOT", path)
        .env("WEAR_SNAPSHOT_INTERVAL", "10ms")
        .output()
        .expect("the probe runs");
    assert_eq!(with.status.code(), without.status.code(), "the exit code is the program's");
    assert_eq!(with.stdout, without.stdout, "the program's output is unchanged");
    assert_eq!(String::from_utf8_lossy(&without.stdout).trim(), "310");
    let stderr = String::from_utf8_lossy(&with.stderr).into_owned();
    assert_eq!(stderr.lines().count(), 1, "one line for about 60 failed attempts:\n{stderr}");
    let expected = format!("wear: cannot write wear snapshot to {}: ", path.display());
    assert!(stderr.starts_with(&expected), "{stderr}");
    assert!(reason.iter().any(|r| stderr.contains(r)), "expected one of {reason:?}: {stderr}");
    assert!(!stderr.contains(".wear-snapshot"), "no temporary file name the user never sees: {stderr}");
    stderr
}

fn is_root() -> bool {
    // SAFETY: `geteuid` has no preconditions and cannot fail.
    unsafe { libc::geteuid() == 0 }
}

#[test]
fn a_read_only_directory() {
    let dir = tempfile::tempdir().expect("tempdir");
    let read_only = dir.path().join("read-only");
    std::fs::create_dir(&read_only).expect("mkdir");
    let mode = |m| std::os::unix::fs::PermissionsExt::from_mode(m);
    std::fs::set_permissions(&read_only, mode(0o555)).expect("chmod 0555");
    // With CAP_DAC_OVERRIDE (root), mode bits do not stop writes: use sysfs's top directory,
    // where no one may create a file.
    let target: PathBuf = if std::fs::write(read_only.join("probe"), "x").is_ok() {
        assert!(is_root(), "only a privileged user writes into a 0555 directory");
        PathBuf::from("/sys/wear-snapshot-test.json")
    } else {
        read_only.join("usage.json")
    };
    let _ = std::fs::remove_file(read_only.join("probe"));
    let line = check(probe(), &target, &["Permission denied", "Read-only file system"]);
    println!("{line}");
    assert!(!target.exists());
    if target.starts_with(&read_only) {
        assert_eq!(entries(&read_only), Vec::<String>::new(), "nothing half-written");
    }
    std::fs::set_permissions(&read_only, mode(0o755)).expect("chmod back");
}

#[test]
fn a_missing_directory() {
    let dir = tempfile::tempdir().expect("tempdir");
    let target = dir.path().join("not-there").join("usage.json");
    println!("{}", check(probe(), &target, &["No such file or directory"]));
    assert_eq!(entries(dir.path()), Vec::<String>::new(), "nothing created");
}

#[test]
fn a_full_device_is_written_into_and_never_replaced() {
    // As root, a copy of /dev/full's node in a temporary directory: had the write replaced
    // the node with a file (it did, renaming its temporary file over it), the damage stays
    // there. Others cannot replace /dev/full and use it directly.
    let dir = tempfile::tempdir().expect("tempdir");
    let target = if is_root() {
        let node = dir.path().join("full");
        let c = std::ffi::CString::new(node.as_os_str().as_encoded_bytes()).expect("a C path");
        // SAFETY: a valid NUL-terminated path; makedev(1, 7) is /dev/full's device number.
        let made = unsafe { libc::mknod(c.as_ptr(), libc::S_IFCHR | 0o666, libc::makedev(1, 7)) };
        assert_eq!(made, 0, "mknod: {}", std::io::Error::last_os_error());
        node
    } else {
        PathBuf::from("/dev/full")
    };
    println!("{}", check(probe(), &target, &["No space left on device"]));
    use std::os::unix::fs::FileTypeExt as _;
    let kind = std::fs::symlink_metadata(&target).expect("the device is still there").file_type();
    assert!(kind.is_char_device(), "{} is still a device: {kind:?}", target.display());
    if is_root() {
        assert_eq!(entries(dir.path()), ["full"], "no temporary file beside it");
    }
}

#[test]
fn a_write_cut_short_leaves_no_temporary_file() {
    // A file-size limit of 256 bytes: the temporary file fills up like a full disk (EFBIG
    // rather than ENOSPC, the same failed write) part-way through the snapshot.
    let dir = tempfile::tempdir().expect("tempdir");
    let target = dir.path().join("usage.json");
    let mut command = probe();
    // SAFETY: `setrlimit` and `signal` are async-signal-safe; nothing else runs in the child
    // before exec.
    unsafe {
        command.pre_exec(|| {
            // Without this, exceeding the limit kills the process with SIGXFSZ.
            libc::signal(libc::SIGXFSZ, libc::SIG_IGN);
            let limit = libc::rlimit { rlim_cur: 256, rlim_max: 256 };
            if libc::setrlimit(libc::RLIMIT_FSIZE, &limit) != 0 {
                return Err(std::io::Error::last_os_error());
            }
            Ok(())
        });
    }
    println!("{}", check(command, &target, &["File too large"]));
    assert_eq!(entries(dir.path()), Vec::<String>::new(), "the temporary file is removed");
}
