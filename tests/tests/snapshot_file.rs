//! Snapshots as files: the `wear-snapshot/1` JSON round-trips, writes are atomic and leave no
//! temporary files, bad paths give a clear error, and a real process records periodically and
//! at exit as `WEAR_SNAPSHOT` says, without being harmed by a bad environment.
mod snapshot_json;

use std::process::Command;
use std::time::{Duration, Instant};

use wear::Snapshot;
use wear_tests::entries;

#[wear::tracked(timed, failures, limit_calls = 10)]
fn sample(ok: bool) -> Result<(), ()> {
    wear_tests::outlast_sampling();
    if ok { Ok(()) } else { Err(()) }
}

use snapshot_json::read;

#[test]
fn json_round_trips_with_every_documented_field() {
    let _ = sample(true);
    let _ = sample(false);
    let snapshot = wear::snapshot();
    let json: serde_json::Value = serde_json::from_str(&snapshot.to_json()).expect("json");
    assert_eq!(json["format"], wear::snapshot::FORMAT);
    for key in ["service", "version", "instance", "pid", "started_at", "taken_at", "collect_us"] {
        assert!(json["process"].get(key).is_some(), "process.{key} missing");
    }
    let part = json["parts"]
        .as_array()
        .expect("parts")
        .iter()
        .find(|p| p["path"] == "snapshot_file::sample")
        .expect("part");
    assert_eq!(part["calls"], 2);
    assert_eq!(part["failures"], 1);
    assert_eq!(part["limits"]["calls"], 10);
    assert_eq!(part["latency_ns"]["count"], 2);
    assert!(part["serial"].as_str().is_some_and(|s| s.len() == 16));
    let back: Snapshot = snapshot_json::parse(&snapshot.to_json());
    assert_eq!(back, snapshot);
    assert!(humantime::parse_rfc3339(&snapshot.process.taken_at).is_ok());
}

#[test]
fn writes_are_atomic_and_leave_nothing_behind() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("usage.json");
    std::fs::write(&path, "previous content").expect("seed");
    wear::snapshot().write_to(&path).expect("write");
    assert_eq!(entries(dir.path()), ["usage.json"]);
    assert_eq!(read(&path).format, wear::snapshot::FORMAT);
}

#[test]
fn a_bad_path_is_a_clear_error_and_writes_nothing() {
    let dir = tempfile::tempdir().expect("tempdir");
    let missing = dir.path().join("no-such-dir").join("usage.json");
    let err = wear::snapshot().write_to(&missing).expect_err("missing directory");
    let message = err.to_string();
    assert!(
        message.contains("cannot write wear snapshot to") && message.contains("no-such-dir"),
        "{message}"
    );

    let file = dir.path().join("a-file");
    std::fs::write(&file, "x").expect("file");
    let under_file = file.join("usage.json");
    assert!(wear::snapshot().write_to(&under_file).is_err());
    assert_eq!(entries(dir.path()), ["a-file"], "nothing half-written");
}

fn probe() -> Command {
    Command::new(env!("CARGO_BIN_EXE_wear-probe"))
}

#[test]
fn a_process_writes_its_snapshot_at_exit() {
    let dir = tempfile::tempdir().expect("tempdir");
    let template = dir.path().join("probe-{pid}.json");
    let out = probe().args(["1234"]).env("WEAR_SNAPSHOT", &template).output().expect("probe runs");
    assert!(out.status.success());
    let files = entries(dir.path());
    assert_eq!(files.len(), 1, "{files:?}");
    assert!(files[0].starts_with("probe-") && !files[0].contains('{'));
    let snapshot = read(&dir.path().join(&files[0]));
    assert_eq!(snapshot.process.service, "wear-tests");
    assert_eq!(
        snapshot.process.pid.to_string(),
        files[0].trim_start_matches("probe-").trim_end_matches(".json")
    );
    let calls = |path: &str| snapshot.parts.iter().find(|p| p.path == path).map(|p| p.calls);
    assert_eq!(calls("wear_probe::work"), Some(1234));
    assert_eq!(calls("wear_probe::never_called"), Some(0));
}

#[test]
fn a_process_writes_periodically() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("periodic.json");
    let mut child = probe()
        .args(["10", "1500"])
        .env("WEAR_SNAPSHOT", &path)
        .env("WEAR_SNAPSHOT_INTERVAL", "50ms")
        .stdout(std::process::Stdio::null())
        .spawn()
        .expect("probe runs");
    let started = Instant::now();
    while !path.exists() && started.elapsed() < Duration::from_secs(10) {
        std::thread::sleep(Duration::from_millis(10));
    }
    let running = child.try_wait().expect("status").is_none();
    assert!(running && path.exists(), "a snapshot is written while the process runs");
    assert!(child.wait().expect("exit").success());
}

#[test]
fn a_bad_interval_is_reported_and_the_program_is_unharmed() {
    // The second one made humantime 2.4 (wear's duration parser before) panic in
    // `Duration::new`, inside the instrumented program.
    for interval in ["every so often", "18446744073709551615s 1000000000ns"] {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("usage.json");
        let out = probe()
            .args(["5"])
            .env("WEAR_SNAPSHOT", &path)
            .env("WEAR_SNAPSHOT_INTERVAL", interval)
            .output()
            .expect("probe runs");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(out.status.success(), "{interval}: {stderr}");
        assert_eq!(
            String::from_utf8_lossy(&out.stdout).trim(),
            "310",
            "the program's own output is unchanged"
        );
        assert!(stderr.contains("ignoring WEAR_SNAPSHOT_INTERVAL") && stderr.contains("30s"), "{stderr}");
        assert_eq!(read(&path).parts.iter().find(|p| p.path == "wear_probe::work").map(|p| p.calls), Some(5));
    }
}

#[test]
fn an_unwritable_snapshot_path_is_reported_and_the_program_is_unharmed() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("missing").join("usage.json");
    let out = probe().args(["3"]).env("WEAR_SNAPSHOT", &path).output().expect("probe runs");
    assert!(out.status.success());
    assert_eq!(String::from_utf8_lossy(&out.stdout).trim(), "93");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("cannot write wear snapshot to") && stderr.contains("missing"), "{stderr}");
    assert_eq!(entries(dir.path()), Vec::<String>::new());
}

#[test]
fn the_guard_writes_the_final_counts() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("guard.json");
    {
        let guard = wear::Recorder::to_file(&path).every(Duration::from_secs(3600)).start();
        assert_eq!(guard.path(), path);
        for _ in 0..7 {
            let _ = sample(true);
        }
    }
    let snapshot = read(&path);
    let calls =
        snapshot.parts.iter().find(|p| p.path == "snapshot_file::sample").map(|p| p.calls).expect("part");
    assert!(calls >= 7, "final snapshot has the last counts, got {calls}");
}
