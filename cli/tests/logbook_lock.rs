//! The logbook's folder lock (cli/src/fs.rs), with the real `cargo-wear` binary: `inspect`
//! removes the temporary files a killed writer left in `wear-logbook/`, never one that a live
//! writer (one holding the lock) is still writing, and several `inspect` at once each add their
//! sign-off: none is lost or written over.
mod support;

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use support::{Fixture, Reading, snapshot};
use wear_cli::policy::load_logbook;

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

/// The notes of the logbook's sign-offs, sorted.
fn notes(fx: &Fixture) -> Vec<String> {
    let book = load_logbook(fx.root()).expect("the logbook reads");
    let mut notes: Vec<String> = book.entries().iter().map(|e| e.note.clone()).collect();
    notes.sort();
    notes
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
    let dir = fx.path("wear-logbook");
    std::fs::create_dir(&dir).expect("mkdir");
    // What writers killed between creating and renaming their temporary files leave (crash_safety.rs
    // kills real ones at random points and checks the next inspect removes theirs): each
    // sign-off has its own file name, so orphans of any name in the folder go.
    for name in [".2026-11-20-locky.hot-0000abcd.toml.a1B2c3.tmp", ".other.toml.zzzzzz.tmp"] {
        std::fs::write(dir.join(name), "[[signoff]]\npart = \"half").expect("plant");
    }
    // Not a sign-off's temporary files: kept.
    let kept = [".other.toml.mine.tmp", ".notes.md.a1B2c3.tmp", "notes.tmp", ".other.toml.a1B2c3"];
    for name in kept {
        std::fs::write(dir.join(name), "keep").expect("plant");
    }
    std::fs::create_dir(dir.join(".other.toml.dir123.tmp")).expect("a folder, kept");
    let out = inspect(&fx, "first").output().expect("runs");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(notes(&fx), ["first"]);
    let mut expected: Vec<String> =
        kept.iter().filter(|n| n.ends_with(".tmp")).map(|n| (*n).to_owned()).collect();
    expected.push(".other.toml.dir123.tmp".to_owned());
    expected.sort();
    assert_eq!(temp_files(&dir), expected, "only the two orphans went");
    assert!(dir.join(".other.toml.a1B2c3").exists());
}

#[test]
fn a_live_writer_keeps_its_temporary_file_and_its_sign_off() {
    let fx = fixture();
    let dir = fx.path("wear-logbook");
    assert!(inspect(&fx, "first").status().expect("runs").success());
    // This test is the live writer: it holds the folder's lock, as `inspect` does from looking
    // for its file name to renaming its temporary file, and has a temporary file half written.
    let folder = std::fs::File::open(&dir).expect("open the folder");
    fs4::FileExt::try_lock(&folder).expect("lock the folder");
    let temp = dir.join(".2026-11-20-locky.hot-11111111.toml.Live01.tmp");
    let serial = load_logbook(fx.root()).expect("reads").entries()[0].serial.clone();
    let text = format!(
        "[[signoff]]\npart = \"{PART}\"\nserial = \"{serial}\"\ndate = 2026-11-20T00:00:00Z\ncalls = 1\nby = \"Live\"\nnote = \"live\"\n"
    );
    std::fs::write(&temp, &text[..text.len() / 2]).expect("half written");

    let started = Instant::now();
    let mut waiting = inspect(&fx, "second").spawn().expect("starts");
    std::thread::sleep(Duration::from_millis(1500));
    assert!(waiting.try_wait().expect("try_wait").is_none(), "the second inspect waits for the lock");
    assert!(temp.exists(), "the live writer's temporary file is left alone");

    // The live writer finishes: the rest of its file, the rename, then the lock goes.
    std::fs::write(&temp, &text).expect("written");
    std::fs::rename(&temp, dir.join("2026-11-20-locky.hot-11111111.toml")).expect("renamed");
    drop(folder);
    let out = waiting.wait_with_output().expect("finishes");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    println!("the second inspect waited {:?} for the live writer", started.elapsed());
    assert_eq!(notes(&fx), ["first", "live", "second"], "no sign-off lost");
    assert_eq!(temp_files(&dir), Vec::<String>::new());
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
    assert_eq!(temp_files(&fx.path("wear-logbook")), Vec::<String>::new());
}
