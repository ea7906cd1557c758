//! The logbook's folder lock (cli/src/policy/atomic.rs), with the real `cargo-wear` binary:
//! `inspect` removes the temporary files a killed writer left, never one that a live writer
//! (one holding the lock) is still writing, and several `inspect` at once each add their
//! sign-off: none is lost to another's read-modify-write.
mod support;

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use support::{Fixture, Reading, snapshot};
use wear_cli::policy::Logbook;

const NOW: &str = "2026-11-21";
const PART: &str = "locky::hot";

/// A workspace with one part, one commit and a snapshot of its usage.
fn fixture() -> Fixture {
    let fx = Fixture::new("locky");
    fx.write("src/lib.rs", "#[wear::tracked]\npub fn hot() -> u32 {\n    1\n}\n");
    fx.commit("a part", "Ana", "2025-01-10");
    let out = fx.wear(&["scan", "--format", "json"]).output().expect("scan runs");
    let scanned: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    let serial = scanned[0]["serial"].as_str().expect("serial").to_owned();
    let reading = Reading { path: PART, serial: &serial, calls: 7, busy_ns: None };
    fx.write("usage/a.json", &snapshot("a1", "2026-11-01T00:00:00Z", "2026-11-20T00:00:00Z", &[reading]));
    fx
}

/// `cargo wear inspect` signing off the part with `note` (a std `Command`, to run several at
/// once).
fn inspect(fx: &Fixture, note: &str) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_cargo-wear"));
    cmd.current_dir(fx.root()).args(["wear", "inspect", PART, "--note", note, "--by", "Cy", "--now", NOW]);
    cmd.args(["--no-ledger", "--usage", "usage/a.json"]).env("NO_COLOR", "1").env_remove("WEAR_SNAPSHOT");
    cmd.env("CARGO_TARGET_DIR", fx.path("target")).stdout(Stdio::null()).stderr(Stdio::piped());
    cmd
}

/// The notes of the logbook's sign-offs, in file order.
fn notes(fx: &Fixture) -> Vec<String> {
    let path = fx.path("wear-logbook.toml");
    let book = Logbook::load(&path).expect("the logbook reads");
    book.entries().iter().map(|e| e.note.clone()).collect()
}

/// The names of the files in `dir` that end in `.tmp`, sorted.
fn temp_files(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .expect("dir")
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".tmp"))
        .collect();
    names.sort();
    names
}

#[test]
fn inspect_removes_what_a_killed_writer_left_and_nothing_else() {
    let fx = fixture();
    let root = fx.root();
    // What a writer killed between creating and renaming its temporary file leaves (crash_safety.rs
    // kills real ones at random points and checks the next inspect removes theirs).
    for name in [".wear-logbook.toml.a1B2c3.tmp", ".wear-logbook.toml.zzzzzz.tmp"] {
        std::fs::write(root.join(name), "[[signoff]]\npart = \"half").expect("plant");
    }
    // Not the logbook's temporary files: kept.
    let kept =
        [".wear-logbook.toml.mine.tmp", ".wear.toml.a1B2c3.tmp", "notes.tmp", ".wear-logbook.toml.a1B2c3"];
    for name in kept {
        std::fs::write(root.join(name), "keep").expect("plant");
    }
    std::fs::create_dir(root.join(".wear-logbook.toml.dir123.tmp")).expect("a folder, kept");
    let out = inspect(&fx, "first").output().expect("runs");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(notes(&fx), ["first"]);
    let mut expected: Vec<String> =
        kept.iter().filter(|n| n.ends_with(".tmp")).map(|n| (*n).to_owned()).collect();
    expected.push(".wear-logbook.toml.dir123.tmp".to_owned());
    expected.sort();
    assert_eq!(temp_files(root), expected, "only the two orphans went");
    assert!(root.join(".wear-logbook.toml.a1B2c3").exists());
}

#[test]
fn a_live_writer_keeps_its_temporary_file_and_its_sign_off() {
    let fx = fixture();
    let root = fx.root();
    assert!(inspect(&fx, "first").status().expect("runs").success());
    // This test is the live writer: it holds the folder's lock, as `inspect` does from reading
    // the logbook to renaming its temporary file over it, and has a temporary file half written.
    let folder = std::fs::File::open(root).expect("open the folder");
    fs4::FileExt::try_lock(&folder).expect("lock the folder");
    let temp = root.join(".wear-logbook.toml.Live01.tmp");
    let mut text = std::fs::read_to_string(fx.path("wear-logbook.toml")).expect("logbook");
    text.push_str(&format!(
        "\n[[signoff]]\npart = \"{PART}\"\nserial = \"{}\"\ndate = 2026-11-20T00:00:00Z\ncalls = 1\nby = \"Live\"\nnote = \"live\"\n",
        Logbook::load(&fx.path("wear-logbook.toml")).expect("reads").entries()[0].serial
    ));
    std::fs::write(&temp, &text[..text.len() / 2]).expect("half written");

    let started = Instant::now();
    let mut waiting = inspect(&fx, "second").spawn().expect("starts");
    std::thread::sleep(Duration::from_millis(1500));
    assert!(waiting.try_wait().expect("try_wait").is_none(), "the second inspect waits for the lock");
    assert!(temp.exists(), "the live writer's temporary file is left alone");

    // The live writer finishes: the rest of its file, the rename, then the lock goes.
    std::fs::write(&temp, &text).expect("written");
    std::fs::rename(&temp, fx.path("wear-logbook.toml")).expect("renamed");
    drop(folder);
    let out = waiting.wait_with_output().expect("finishes");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    println!("the second inspect waited {:?} for the live writer", started.elapsed());
    assert_eq!(notes(&fx), ["first", "live", "second"], "no sign-off lost");
    assert_eq!(temp_files(root), Vec::<String>::new());
}

#[test]
fn inspects_at_once_lose_no_sign_off() {
    let fx = fixture();
    const AT_ONCE: usize = 6;
    for round in 0..2 {
        let children: Vec<_> = (0..AT_ONCE)
            .map(|i| inspect(&fx, &format!("round {round} writer {i}")).spawn().expect("starts"))
            .collect();
        for child in children {
            let out = child.wait_with_output().expect("finishes");
            assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        }
    }
    let mut got = notes(&fx);
    got.sort();
    let mut want: Vec<String> =
        (0..2).flat_map(|r| (0..AT_ONCE).map(move |i| format!("round {r} writer {i}"))).collect();
    want.sort();
    assert_eq!(got, want, "every sign-off is in the logbook once");
    assert_eq!(temp_files(fx.root()), Vec::<String>::new());
}
