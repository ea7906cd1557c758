//! Where `--output` and `--html` write, on the paths real runners have (issue 18): a device is
//! written into and stays a device, a symbolic link is followed and stays a link, a pipe gets
//! the text or a clear error when nobody reads it, a folder is refused, and no output ever
//! replaces a file the report is made from (a usage file, a manifest, a source file).
#![cfg(unix)]
mod support;

use std::io::Read;
use std::os::unix::fs::FileTypeExt;
use std::path::Path;
use std::time::{Duration, Instant};

use support::edge::{Row, record};
use support::{Fixture, Reading, snapshot};

const NOW: &str = "2026-11-21";
const LIB: &str = "#[wear::tracked]\npub fn hot() -> u32 {\n    1\n}\n";

fn fixture() -> Fixture {
    let fx = Fixture::new("outputs");
    fx.write("src/lib.rs", LIB);
    let reading = Reading { path: "outputs::hot", serial: "00000000000000aa", calls: 7, busy_ns: None };
    fx.write("usage.json", &snapshot("i1", "2026-11-01T00:00:00Z", "2026-11-20T00:00:00Z", &[reading]));
    fx.commit("hot", "Ada", "2026-01-10");
    fx
}

/// Runs `report` with the extra arguments given (`--output OUT`).
fn report_output(fx: &Fixture, extra: &[&str]) -> std::process::Output {
    let args = [&["report", "--now", NOW, "--usage", "usage.json", "--no-ledger"][..], extra].concat();
    fx.wear(&args).output().expect("runs")
}

/// [`report_output`]'s exit code and stderr.
fn report(fx: &Fixture, extra: &[&str]) -> (i32, String) {
    let out = report_output(fx, extra);
    (out.status.code().unwrap_or(-1), String::from_utf8_lossy(&out.stderr).into_owned())
}

/// The command line of a row: `report` as [`report_output`] runs it, with `extra`.
fn command(extra: &str) -> String {
    format!("report --now {NOW} --usage usage.json --no-ledger {extra}")
}

fn mkfifo(path: &Path) {
    let c = std::ffi::CString::new(path.as_os_str().as_encoded_bytes()).expect("no NUL");
    // SAFETY: `c` is a NUL-terminated path that lives for the call.
    assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o644) }, 0, "mkfifo {}", path.display());
}

#[test]
fn dev_null_is_written_into_and_stays_a_device() {
    let fx = fixture();
    let out = report_output(&fx, &["--output", "/dev/null"]);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let meta = std::fs::metadata("/dev/null").expect("/dev/null");
    assert!(meta.file_type().is_char_device(), "/dev/null is still a character device");
    record(Row {
        id: "O1",
        situation: "`--output /dev/null`, run as root (as in CI containers)",
        command: &command("--output /dev/null"),
        output: &out,
        proof: "`/dev/null` is still a character device, not a regular file",
    });
}

#[test]
fn dev_stdout_is_the_standard_output() {
    let fx = fixture();
    let out = fx
        .wear(&["report", "--now", NOW, "--usage", "usage.json", "--no-ledger", "--output", "/dev/stdout"])
        .output()
        .expect("runs");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stdout).contains("outputs::hot"), "the report went to stdout");
    record(Row {
        id: "O2",
        situation: "`--output /dev/stdout`",
        command: &command("--output /dev/stdout"),
        output: &out,
        proof: "the report is on standard output; no folder permission is asked for",
    });
}

#[test]
fn a_symbolic_link_is_followed_and_stays_a_link() {
    let fx = fixture();
    std::fs::create_dir(fx.path("reports")).expect("mkdir");
    std::fs::write(fx.path("reports/due.txt"), "old").expect("write");
    std::os::unix::fs::symlink("reports/due.txt", fx.path("due.txt")).expect("symlink");
    // A link whose target does not exist yet: the target is created.
    std::os::unix::fs::symlink("reports/new.txt", fx.path("new.txt")).expect("symlink");
    for link in ["due.txt", "new.txt"] {
        let (code, stderr) = report(&fx, &["--output", link]);
        assert_eq!(code, 0, "{stderr}");
        let meta = std::fs::symlink_metadata(fx.path(link)).expect("link");
        assert!(meta.file_type().is_symlink(), "{link} is still a symbolic link");
    }
    for target in ["reports/due.txt", "reports/new.txt"] {
        assert!(fx.read(target).contains("outputs::hot"), "{target} holds the report");
    }
    let out = report_output(&fx, &["--output", "due.txt"]);
    assert!(std::fs::symlink_metadata(fx.path("due.txt")).expect("link").file_type().is_symlink());
    record(Row {
        id: "O3",
        situation: "`--output` names a symbolic link (to a file, or to one not yet made)",
        command: &command("--output due.txt"),
        output: &out,
        proof: "the link stays a link; its target holds the report",
    });
}

#[test]
fn a_pipe_with_a_reader_gets_the_whole_text() {
    let fx = fixture();
    // Enough parts that the page outgrows a pipe's buffer (64 KiB), so the writer must block.
    let many: String =
        (0..400).map(|i| format!("#[wear::tracked]\npub fn part_{i}() -> u32 {{\n    {i}\n}}\n")).collect();
    fx.write("src/lib.rs", &format!("{LIB}{many}"));
    let fifo = fx.path("pipe");
    mkfifo(&fifo);
    let reader = {
        let fifo = fifo.clone();
        std::thread::spawn(move || {
            let mut text = String::new();
            std::fs::File::open(&fifo).expect("open").read_to_string(&mut text).expect("read");
            text
        })
    };
    // The reader may not have opened the pipe yet: the writer is told so and tries again.
    let start = Instant::now();
    let (code, stderr) = loop {
        let (code, stderr) = report(&fx, &["--format", "html", "--output", "pipe"]);
        if code == 0 || start.elapsed() > Duration::from_secs(20) {
            break (code, stderr);
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    assert_eq!(code, 0, "{stderr}");
    let out = std::process::Output { status: success(), stdout: Vec::new(), stderr: stderr.into_bytes() };
    let text = reader.join().expect("reader");
    assert!(text.len() > 65_536, "the page is larger than a pipe's buffer: {} bytes", text.len());
    assert!(text.trim_end().ends_with("</html>"), "the whole page came through the pipe");
    assert!(std::fs::metadata(&fifo).expect("fifo").file_type().is_fifo(), "still a pipe");
    record(Row {
        id: "O4",
        situation: "`--output` names a FIFO that a program reads",
        command: &command("--format html --output pipe"),
        output: &out,
        proof: "the reader gets the whole page (over 64 KiB, more than the pipe holds); the FIFO stays a FIFO",
    });
}

/// A successful exit status, for a row whose run was retried until it succeeded.
fn success() -> std::process::ExitStatus {
    std::process::Command::new("true").status().expect("`true` runs")
}

#[test]
fn a_pipe_nobody_reads_is_an_error_not_a_hang() {
    let fx = fixture();
    mkfifo(&fx.path("pipe"));
    let start = Instant::now();
    let out = report_output(&fx, &["--output", "pipe"]);
    let (code, stderr) = (out.status.code().unwrap_or(-1), String::from_utf8_lossy(&out.stderr));
    assert_eq!(code, 2, "{stderr}");
    assert!(
        stderr.contains("pipe: cannot write: it is a pipe that no program is reading"),
        "names the pipe and why: {stderr}"
    );
    assert!(stderr.contains("start the program that reads it first"), "says what to do: {stderr}");
    assert!(start.elapsed() < Duration::from_secs(20), "did not wait for a reader");
    assert!(std::fs::metadata(fx.path("pipe")).expect("fifo").file_type().is_fifo(), "still a pipe");
    record(Row {
        id: "O5",
        situation: "`--output` names a FIFO that no program reads",
        command: &command("--output pipe"),
        output: &out,
        proof: "it returns at once instead of waiting for a reader; the FIFO stays a FIFO",
    });
}

#[test]
fn a_folder_is_refused() {
    let fx = fixture();
    std::fs::create_dir(fx.path("out")).expect("mkdir");
    let out = report_output(&fx, &["--output", "out"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("out: cannot write: it is a folder"), "{stderr}");
    assert!(fx.path("out").is_dir(), "the folder is left as it was");
    record(Row {
        id: "O6",
        situation: "`--output` names a folder",
        command: &command("--output out"),
        output: &out,
        proof: "the folder is left as it was",
    });
}

#[test]
fn no_output_replaces_a_file_the_report_is_made_from() {
    let fx = fixture();
    fx.write("wear.toml", "[defaults]\ncalls = 1000\n");
    std::os::unix::fs::symlink("usage.json", fx.path("alias.json")).expect("symlink");
    let inputs = ["usage.json", "Cargo.toml", "src/lib.rs", "wear.toml", "./src/../usage.json", "alias.json"];
    let before = support::tree_bytes(fx.root());
    for input in inputs {
        for command in [&["--output", input][..], &["--format", "json", "--output", input][..]] {
            let (code, stderr) = report(&fx, command);
            assert_eq!(code, 2, "--output {input}: {stderr}");
            assert!(
                stderr.contains(&format!(
                    "{input}: cannot write: it is one of the files this report is made from"
                )),
                "names the file: {stderr}"
            );
            assert!(stderr.contains("nothing was written"), "{stderr}");
        }
        let html = fx
            .wear(&["heatmap", "--now", NOW, "--usage", "usage.json", "--no-ledger", "--html", input])
            .output()
            .expect("runs");
        assert_eq!(html.status.code(), Some(2), "--html {input}");
    }
    assert!(
        support::outside_target(fx.root(), before)
            == support::outside_target(fx.root(), support::tree_bytes(fx.root())),
        "a refused output changed a file"
    );
    record(Row {
        id: "O7",
        situation: "`--output` names a file the report is made from",
        command: &command("--output usage.json"),
        output: &report_output(&fx, &["--output", "usage.json"]),
        proof: "no file changed, for the usage file, `Cargo.toml`, a source file, `wear.toml`, `./src/../usage.json` and a link to the usage file, with `--output` and `--html`",
    });
}

#[test]
fn a_symlinked_logbook_folder_stays_a_link_and_its_target_gets_the_sign_off() {
    let fx = fixture();
    std::fs::create_dir_all(fx.path("shared/logbook")).expect("mkdir");
    std::os::unix::fs::symlink("shared/logbook", fx.path("wear-logbook")).expect("symlink");
    let out = fx
        .wear(&["inspect", "outputs::hot", "--now", NOW, "--usage", "usage.json", "--no-ledger"])
        .args(["--note", "looked", "--by", "Ada"])
        .output()
        .expect("runs");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let meta = std::fs::symlink_metadata(fx.path("wear-logbook")).expect("link");
    assert!(meta.file_type().is_symlink(), "wear-logbook is still a symbolic link");
    let signed: Vec<_> = std::fs::read_dir(fx.path("shared/logbook")).expect("target").flatten().collect();
    assert_eq!(signed.len(), 1, "the target holds the sign-off's file");
    let text = std::fs::read_to_string(signed[0].path()).expect("read");
    assert!(text.contains("part = \"outputs::hot\""), "{text}");
    record(Row {
        id: "O8",
        situation: "`wear-logbook/` is a symbolic link to a folder shared by checkouts",
        command: &format!(
            "inspect outputs::hot --now {NOW} --usage usage.json --no-ledger --note looked --by Ada"
        ),
        output: &out,
        proof: "the link stays a link; the sign-off's file is in its target",
    });
}

#[test]
fn a_dash_is_the_standard_output_and_no_file_named_dash_is_made() {
    let fx = fixture();
    let out = report_output(&fx, &["--output", "-"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stdout).contains("outputs::hot"), "the report is on stdout");
    assert!(!fx.path("-").exists(), "no file named `-`");
    let html = fx
        .wear(&["heatmap", "--now", NOW, "--usage", "usage.json", "--no-ledger", "--html", "-"])
        .output()
        .expect("runs");
    assert!(html.status.success(), "{}", String::from_utf8_lossy(&html.stderr));
    let page = String::from_utf8_lossy(&html.stdout);
    assert!(page.starts_with("<!DOCTYPE html>") && page.trim_end().ends_with("</html>"), "the page alone");
    assert!(!fx.path("-").exists(), "no file named `-`");
    record(Row {
        id: "O9",
        situation: "`--output -` (and `heatmap --html -`)",
        command: &command("--output -"),
        output: &out,
        proof: "the report is on standard output (the HTML page alone, for `--html -`); no file named `-` is made",
    });
}

#[test]
fn a_full_device_is_a_clear_error() {
    let fx = fixture();
    let out = report_output(&fx, &["--output", "/dev/full"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("/dev/full: cannot write: No space left on device"), "{stderr}");
    assert!(stderr.contains("the device is full"), "{stderr}");
    assert!(out.stdout.is_empty(), "nothing on stdout");
    let meta = std::fs::metadata("/dev/full").expect("/dev/full");
    assert!(meta.file_type().is_char_device(), "/dev/full is still a character device");
    record(Row {
        id: "O10",
        situation: "`--output` a device that is full (`/dev/full`, a full disk)",
        command: &command("--output /dev/full"),
        output: &out,
        proof: "`/dev/full` is still a character device; nothing on stdout",
    });
}

#[test]
fn a_missing_folder_or_a_file_as_folder_is_named_and_nothing_is_made() {
    let fx = fixture();
    let before = support::tree_bytes(fx.root());
    let missing = report_output(&fx, &["--output", "reports/2026/due.txt"]);
    let stderr = String::from_utf8_lossy(&missing.stderr);
    assert_eq!(missing.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("the folder `reports/2026` does not exist"), "{stderr}");
    assert!(!fx.path("reports").exists(), "no folder was made");
    let file = report_output(&fx, &["--output", "src/lib.rs/due.txt"]);
    let stderr = String::from_utf8_lossy(&file.stderr);
    assert_eq!(file.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("`src/lib.rs` is a file, not a folder"), "{stderr}");
    assert!(
        support::outside_target(fx.root(), before)
            == support::outside_target(fx.root(), support::tree_bytes(fx.root())),
        "nothing changed"
    );
    record(Row {
        id: "O11",
        situation: "`--output` in a folder that does not exist",
        command: &command("--output reports/2026/due.txt"),
        output: &missing,
        proof: "no folder is made and no file changes",
    });
    record(Row {
        id: "O12",
        situation: "`--output` below a file, as if it were a folder",
        command: &command("--output src/lib.rs/due.txt"),
        output: &file,
        proof: "`src/lib.rs` keeps its bytes",
    });
}

#[test]
fn a_loop_of_symbolic_links_is_refused_and_stays_as_it_was() {
    let fx = fixture();
    std::os::unix::fs::symlink("b.txt", fx.path("a.txt")).expect("symlink");
    std::os::unix::fs::symlink("a.txt", fx.path("b.txt")).expect("symlink");
    let out = report_output(&fx, &["--output", "a.txt"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("a.txt: cannot write: it is a loop of symbolic links"), "{stderr}");
    for (link, to) in [("a.txt", "b.txt"), ("b.txt", "a.txt")] {
        assert_eq!(std::fs::read_link(fx.path(link)).expect("still a link"), Path::new(to));
    }
    record(Row {
        id: "O13",
        situation: "`--output` names a loop of symbolic links",
        command: &command("--output a.txt"),
        output: &out,
        proof: "both links still point where they did; no file is made",
    });
}

#[test]
fn a_hard_link_to_an_input_gets_the_report_and_the_input_keeps_its_bytes() {
    let fx = fixture();
    std::fs::hard_link(fx.path("usage.json"), fx.path("copy.json")).expect("hard link");
    let usage = std::fs::read(fx.path("usage.json")).expect("usage");
    let out = report_output(&fx, &["--output", "copy.json"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(std::fs::read(fx.path("usage.json")).expect("usage"), usage, "the input keeps its bytes");
    assert!(fx.read("copy.json").contains("outputs::hot"), "the named file holds the report");
    record(Row {
        id: "O14",
        situation: "`--output` names a hard link to the usage file",
        command: &command("--output copy.json"),
        output: &out,
        proof: "`usage.json` keeps its bytes: the new file replaces the name `copy.json`, not the shared content",
    });
}

#[test]
fn a_new_output_is_readable_by_others_and_an_existing_one_keeps_its_mode() {
    use std::os::unix::fs::PermissionsExt;
    let fx = fixture();
    let out = report_output(&fx, &["--output", "new.txt"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let mode = |name: &str| std::fs::metadata(fx.path(name)).expect(name).permissions().mode() & 0o777;
    assert_eq!(mode("new.txt"), 0o644, "a new report is an ordinary file, not a private temporary one");
    std::fs::write(fx.path("private.txt"), "old").expect("write");
    std::fs::set_permissions(fx.path("private.txt"), std::fs::Permissions::from_mode(0o600)).expect("chmod");
    let kept = report_output(&fx, &["--output", "private.txt"]);
    assert!(kept.status.success(), "{}", String::from_utf8_lossy(&kept.stderr));
    assert_eq!(mode("private.txt"), 0o600, "an existing file keeps its mode");
    assert!(fx.read("private.txt").contains("outputs::hot"));
    record(Row {
        id: "O15",
        situation: "`--output` a new file, and an existing file that only its owner may read",
        command: &command("--output new.txt"),
        output: &out,
        proof: "the new file is 0644, not the temporary file's 0600; an existing 0600 file stays 0600",
    });
}
