//! A program that forks: each child is an instance of its own. It counts from zero under a
//! new instance id, writes its own snapshot when it leaves `main` (the guards it inherited do
//! not wait for the parent's recorder thread, which it does not have; a file without `{pid}`
//! or `{instance}` in its path is the parent's, and the child leaves it alone), and the parent's
//! counts are neither doubled nor disturbed. Forks land while the parent's recorder (every
//! 10 ms), its OTLP exporter (every 10 ms) and a counting thread are busy: no child hangs.
//!
//! So the parent's and the children's snapshots add up to exactly the calls each process made.
mod otel_receiver;
mod snapshot_json;

use std::collections::BTreeSet;
use std::process::Command;
use std::time::{Duration, Instant};

use otel_receiver::{Behaviour, Receiver};
use snapshot_json::read;
use wear::Snapshot;

const FORKS: u64 = 100;
const CALLS: u64 = 100_000;

struct Outcome {
    parent: Snapshot,
    /// Each child's snapshot, in fork order.
    children: Vec<Snapshot>,
    background: u64,
    stderr: String,
    elapsed: Duration,
}

fn calls(snapshot: &Snapshot, part: &str) -> u64 {
    let path = format!("wear_fork_probe::{part}");
    snapshot.parts.iter().find(|p| p.path == path).map(|p| p.calls).expect("the part is listed")
}

fn failures(snapshot: &Snapshot, part: &str) -> Option<u64> {
    let path = format!("wear_fork_probe::{part}");
    snapshot.parts.iter().find(|p| p.path == path).and_then(|p| p.failures)
}

fn run(env: &[(&str, &str)], otlp: bool) -> Outcome {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut command = Command::new(env!("CARGO_BIN_EXE_wear-fork-probe"));
    command.args([FORKS.to_string(), CALLS.to_string(), dir.path().display().to_string()]);
    if otlp {
        command.arg("otlp");
    }
    let started = Instant::now();
    let out = command.envs(env.iter().copied()).output().expect("run wear-fork-probe");
    let elapsed = started.elapsed();
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(out.status.success(), "exit {}\n{stdout}\n{stderr}", out.status);
    assert!(!stderr.contains("panicked"), "{stderr}");
    let field = |line: &str| -> Vec<String> {
        stdout.lines().filter_map(|l| l.strip_prefix(line)).map(|r| r.trim().to_owned()).collect()
    };
    let children: Vec<(String, String)> = field("child\t")
        .into_iter()
        .map(|l| {
            let (pid, status) = l.split_once('\t').expect("child PID STATUS");
            (pid.to_owned(), status.to_owned())
        })
        .collect();
    assert_eq!(children.len() as u64, FORKS, "{stdout}");
    for (pid, status) in &children {
        assert_eq!(status, "exit 0", "child {pid}: {stderr}");
    }
    let parent_pid = field("parent\t").pop().expect("a parent line");
    let background = field("background\t").pop().and_then(|n| n.parse().ok()).expect("a background line");

    let mut names: Vec<String> = std::fs::read_dir(dir.path())
        .expect("dir")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    let mut expected: Vec<String> = children
        .iter()
        .map(|(pid, _)| pid)
        .chain([&parent_pid])
        .map(|pid| format!("fork-{pid}.json"))
        .collect();
    expected.sort();
    assert_eq!(names, expected, "one snapshot per process and nothing half-written");
    let file = |pid: &str| read(&dir.path().join(format!("fork-{pid}.json")));
    Outcome {
        parent: file(&parent_pid),
        children: children.iter().map(|(pid, _)| file(pid)).collect(),
        background,
        stderr,
        elapsed,
    }
}

fn check(outcome: &Outcome) {
    let parent = &outcome.parent;
    assert_eq!(calls(parent, "before"), CALLS);
    assert_eq!(calls(parent, "after"), CALLS);
    assert_eq!(calls(parent, "background"), outcome.background, "the parent's counts are exact");
    assert_eq!(calls(parent, "in_child"), 0, "the children's calls are not the parent's");
    assert_eq!(failures(parent, "in_child"), Some(0));

    let mut instances = BTreeSet::from([parent.process.instance.clone()]);
    for (i, child) in outcome.children.iter().enumerate() {
        let own = i as u64 + 1;
        assert_eq!(calls(child, "in_child"), own, "child {i} counts its own calls");
        assert_eq!(
            failures(child, "in_child"),
            Some((0..own).filter(|n| n.is_multiple_of(3)).count() as u64)
        );
        assert_eq!(calls(child, "before"), 0, "child {i} does not inherit the parent's counts");
        assert_eq!(calls(child, "background"), 0, "child {i}: the background thread's block");
        let latency =
            child.parts.iter().find(|p| p.path.ends_with("::background")).and_then(|p| p.latency_ns);
        assert_eq!(latency.map_or(0, |l| l.count), 0, "child {i}: the background thread's timings");
        assert!(instances.insert(child.process.instance.clone()), "child {i} is a new instance");
        assert_ne!(child.process.pid, parent.process.pid);
        assert!(
            child.process.started_at > parent.process.started_at,
            "child {i} started at its fork: {} vs {}",
            child.process.started_at,
            parent.process.started_at
        );
    }
    let total: u64 = outcome.children.iter().chain([parent]).map(|s| calls(s, "in_child")).sum();
    assert_eq!(total, FORKS * (FORKS + 1) / 2, "the fleet's sum is every call, once");
}

#[test]
fn children_are_instances_of_their_own_while_the_recorder_runs() {
    let outcome = run(&[], false);
    println!("{FORKS} forks with the recorder every 10 ms: {:?}", outcome.elapsed);
    check(&outcome);
    assert_eq!(outcome.stderr, "", "nothing to report");
}

#[test]
fn children_neither_export_nor_wait_for_the_parents_exporter() {
    let receiver = Receiver::start(Behaviour::Ok);
    let env = [
        ("OTEL_EXPORTER_OTLP_ENDPOINT", receiver.addr.as_str()),
        ("OTEL_METRIC_EXPORT_INTERVAL", "10"),
        ("OTEL_EXPORTER_OTLP_TIMEOUT", "1000"),
    ];
    let outcome = run(&env, true);
    println!("{FORKS} forks with the recorder and the exporter every 10 ms: {:?}", outcome.elapsed);
    check(&outcome);
    // A child that shut the inherited pipeline down would wait its shutdown timeout (5 s).
    assert!(outcome.elapsed < Duration::from_secs(30), "the run took {:?}", outcome.elapsed);
    assert!(!outcome.stderr.contains("did not complete"), "{}", outcome.stderr);
    let points = receiver.points();
    assert!(points.requests >= 10, "the parent exported all along: {} requests", points.requests);
    let instance = points.resource.get("service.instance.id").cloned();
    assert_eq!(instance, Some(outcome.parent.process.instance.clone()), "only the parent exports");
    let requests = receiver.requests.lock().expect("requests");
    for request in requests.iter() {
        for rm in &request.resource_metrics {
            let id = rm.resource.as_ref().and_then(|r| {
                r.attributes
                    .iter()
                    .find(|kv| kv.key == "service.instance.id")
                    .map(|kv| format!("{:?}", kv.value))
            });
            assert!(
                id.as_deref().is_some_and(|v| v.contains(&outcome.parent.process.instance)),
                "an export from another instance: {id:?}"
            );
        }
    }
}

#[test]
fn children_leave_a_shared_snapshot_file_to_the_parent() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = Command::new(env!("CARGO_BIN_EXE_wear-fork-probe"))
        .args(["5", "1000", &dir.path().display().to_string(), "shared"])
        .output()
        .expect("run wear-fork-probe");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stdout}\n{stderr}");
    let parent: u32 = stdout
        .lines()
        .find_map(|l| l.strip_prefix("parent\t"))
        .and_then(|p| p.trim().parse().ok())
        .expect("a parent line");
    let snapshot = read(&dir.path().join("fork.json"));
    assert_eq!(snapshot.process.pid, parent, "the file is the parent's");
    assert_eq!(calls(&snapshot, "before"), 1000);
    assert_eq!(calls(&snapshot, "in_child"), 0);
    let notes: Vec<&str> = stderr.lines().collect();
    assert_eq!(notes.len(), 5, "one line per child: {stderr}");
    for note in notes {
        assert!(
            note.starts_with("wear: process ") && note.contains("its parent's file; put {pid} or {instance}"),
            "{note}"
        );
    }
}

#[test]
fn children_whose_stderr_is_a_closed_pipe_still_exit_cleanly() {
    // Every write to this stderr fails (EPIPE): nobody reads the pipe. The note each child
    // writes about the shared file must not turn into a panic in the host program.
    let (reader, writer) = std::io::pipe().expect("a pipe");
    drop(reader);
    let dir = tempfile::tempdir().expect("tempdir");
    let out = Command::new(env!("CARGO_BIN_EXE_wear-fork-probe"))
        .args(["5", "1000", &dir.path().display().to_string(), "shared"])
        .stderr(writer)
        .output()
        .expect("run wear-fork-probe");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{stdout}");
    let children: Vec<&str> = stdout.lines().filter(|l| l.starts_with("child\t")).collect();
    assert_eq!(children.len(), 5, "{stdout}");
    assert!(children.iter().all(|l| l.ends_with("\texit 0")), "{stdout}");
    assert_eq!(calls(&read(&dir.path().join("fork.json")), "before"), 1000);
}
