//! The bad input matrix of an instrumented program: bad values of the variables the runtime
//! reads (`WEAR_SNAPSHOT*`, `OTEL_*`), each given to a real tracked program (`wear-probe` for
//! snapshots, `wear-otel-probe` exporting to a real OTLP receiver on loopback). In every case
//! the program runs to the end, prints exactly what it prints without the bad value, counts
//! every call, nothing panics and no temporary file is left; what wear says on standard error
//! and what became of the snapshot or the exports goes into the guide's table
//! (`docs/src/bad-input.md`) between `<!-- bad-env:begin -->` and `<!-- bad-env:end -->`,
//! rendered from what was seen (`UPDATE_EXPECT=1` rewrites it).
mod otel_receiver;

use std::path::Path;
use std::process::Command;

use otel_receiver::{Behaviour, Receiver, probe};

/// Which program a case runs.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Program {
    /// `wear-probe 3`: records a snapshot as `WEAR_SNAPSHOT` says.
    Snapshot,
    /// `wear-otel-probe 1000 300 otlp`: exports to the receiver (`OTEL_EXPORTER_OTLP_ENDPOINT`
    /// points at it unless the case sets it).
    Otlp,
}

struct Case {
    id: &'static str,
    program: Program,
    /// The variables, `{dir}` being a fresh temporary folder.
    env: &'static [(&'static str, &'static str)],
    /// What wear's first line on standard error must contain; empty when it must say nothing.
    says: &'static str,
}

#[rustfmt::skip]
const CASES: &[Case] = &[
    Case { id: "R1", program: Program::Snapshot, env: &[("WEAR_SNAPSHOT", "{dir}/missing/usage.json")], says: "cannot write wear snapshot to {dir}/missing/usage.json: No such file" },
    Case { id: "R2", program: Program::Snapshot, env: &[("WEAR_SNAPSHOT", "{dir}")], says: "it is a folder" },
    Case { id: "R3", program: Program::Snapshot, env: &[("WEAR_SNAPSHOT", "{dir}/fifo")], says: "a pipe that no program is reading" },
    Case { id: "R4", program: Program::Snapshot, env: &[("WEAR_SNAPSHOT", "{dir}/usage.json/deeper.json")], says: "cannot write wear snapshot" },
    Case { id: "R5", program: Program::Snapshot, env: &[("WEAR_SNAPSHOT", "{dir}/usage.json"), ("WEAR_SNAPSHOT_INTERVAL", "every so often")], says: "ignoring WEAR_SNAPSHOT_INTERVAL" },
    Case { id: "R6", program: Program::Snapshot, env: &[("WEAR_SNAPSHOT", "{dir}/usage.json"), ("WEAR_SNAPSHOT_INTERVAL", "1ms")], says: "at least 10ms" },
    Case { id: "R7", program: Program::Snapshot, env: &[("WEAR_SNAPSHOT", "{dir}/usage.json"), ("WEAR_SNAPSHOT_INTERVAL", "-5s")], says: "ignoring WEAR_SNAPSHOT_INTERVAL" },
    Case { id: "R8", program: Program::Snapshot, env: &[("WEAR_SNAPSHOT", "{dir}/u-{bogus}.json")], says: "which is not a placeholder" },
    Case { id: "R9", program: Program::Otlp, env: &[("OTEL_EXPORTER_OTLP_ENDPOINT", "localhost:4318")], says: "ignoring OTEL_EXPORTER_OTLP_ENDPOINT" },
    Case { id: "R10", program: Program::Otlp, env: &[("OTEL_EXPORTER_OTLP_METRICS_ENDPOINT", "http://h:99999/v1/metrics")], says: "is not a number from 0 to 65535" },
    Case { id: "R11", program: Program::Otlp, env: &[("OTEL_EXPORTER_OTLP_TIMEOUT", "soon")], says: "not a whole number of milliseconds" },
    Case { id: "R12", program: Program::Otlp, env: &[("OTEL_METRIC_EXPORT_INTERVAL", "0")], says: "more than 0 milliseconds" },
    Case { id: "R13", program: Program::Otlp, env: &[("OTEL_EXPORTER_OTLP_CERTIFICATE", "{dir}/none.pem")], says: "ignoring OTEL_EXPORTER_OTLP_CERTIFICATE" },
    Case { id: "R14", program: Program::Otlp, env: &[("OTEL_EXPORTER_OTLP_HEADERS", "garbage without equals,=x")], says: "ignoring 2 entries of OTEL_EXPORTER_OTLP_HEADERS" },
    Case { id: "R15", program: Program::Otlp, env: &[("OTEL_EXPORTER_OTLP_COMPRESSION", "zstd-ultra")], says: "expected `gzip` or `none`" },
    Case { id: "R16", program: Program::Otlp, env: &[("OTEL_SERVICE_NAME", "   ")], says: "OTEL_SERVICE_NAME: it is blank" },
    Case { id: "R17", program: Program::Otlp, env: &[("OTEL_RESOURCE_ATTRIBUTES", "garbage,,=x,%zz=1")], says: "ignoring 3 entries of OTEL_RESOURCE_ATTRIBUTES" },
];

/// What one case came to.
struct Seen {
    stderr_first: String,
    outcome: String,
}

fn fill(text: &str, dir: &Path) -> String {
    text.replace("{dir}", &dir.display().to_string())
}

fn entries(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .map(|d| d.flatten().map(|e| e.file_name().to_string_lossy().into_owned()).collect())
        .unwrap_or_default();
    names.sort();
    names
}

/// The stdout of `wear-probe 3` without any wear variable: what every snapshot case must print.
fn plain_snapshot_probe() -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_wear-probe"))
        .arg("3")
        .env_remove("WEAR_SNAPSHOT")
        .env_remove("WEAR_SNAPSHOT_INTERVAL")
        .output()
        .expect("probe runs");
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn run(case: &Case, plain: &str) -> Seen {
    let dir = tempfile::tempdir().expect("tempdir");
    let env: Vec<(String, String)> =
        case.env.iter().map(|(k, v)| ((*k).to_owned(), fill(v, dir.path()))).collect();
    let label = format!("{} {:?}", case.id, case.env);
    if case.env.iter().any(|(_, v)| v.ends_with("/fifo")) {
        let status = Command::new("mkfifo").arg(dir.path().join("fifo")).status().expect("mkfifo");
        assert!(status.success());
    }
    let before = entries(dir.path());
    let (stderr, outcome) = match case.program {
        Program::Snapshot => {
            let out = Command::new(env!("CARGO_BIN_EXE_wear-probe"))
                .arg("3")
                .env_remove("WEAR_SNAPSHOT_INTERVAL")
                .envs(env.iter().map(|(k, v)| (k, v)))
                .output()
                .expect("probe runs");
            assert!(out.status.success(), "{label}: {}", String::from_utf8_lossy(&out.stderr));
            assert_eq!(String::from_utf8_lossy(&out.stdout), plain, "{label}: the program's output");
            let after = entries(dir.path());
            assert!(after.iter().all(|n| !n.starts_with(".wear-snapshot")), "{label}: temp left: {after:?}");
            let new: Vec<&String> = after.iter().filter(|n| !before.contains(n)).collect();
            let outcome = match new.as_slice() {
                [] => "no snapshot written".to_owned(),
                [name] => {
                    let text = std::fs::read_to_string(dir.path().join(name)).expect("snapshot");
                    let doc: serde_json::Value = serde_json::from_str(&text).expect("a whole snapshot");
                    let work = doc["parts"]
                        .as_array()
                        .expect("parts")
                        .iter()
                        .find(|p| p["path"] == "wear_probe::work");
                    assert_eq!(
                        work.map(|p| p["calls"].clone()),
                        Some(3.into()),
                        "{label}: every call counted"
                    );
                    format!("snapshot written at exit: `{name}`")
                }
                more => panic!("{label}: {more:?}"),
            };
            (String::from_utf8_lossy(&out.stderr).into_owned(), outcome)
        }
        Program::Otlp => {
            let receiver = Receiver::start(Behaviour::Ok);
            let mut vars: Vec<(&str, &str)> = env.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
            if !case.env.iter().any(|(k, _)| k.contains("ENDPOINT")) {
                vars.push(("OTEL_EXPORTER_OTLP_ENDPOINT", &receiver.addr));
            }
            if !case.env.iter().any(|(k, _)| *k == "OTEL_METRIC_EXPORT_INTERVAL") {
                vars.push(("OTEL_METRIC_EXPORT_INTERVAL", "100"));
            }
            if !case.env.iter().any(|(k, _)| k.contains("TIMEOUT")) {
                vars.push(("OTEL_EXPORTER_OTLP_TIMEOUT", "500"));
            }
            let run = probe(1000, 300, "otlp", &vars, None);
            assert!(run.status.success(), "{label}: {}", run.stderr);
            let work = run.parts.iter().find(|p| p.path == "wear_otel_probe::work").map(|p| p.calls);
            assert_eq!(work, Some(1000), "{label}: every call counted");
            let points = receiver.points();
            let outcome = if points.requests > 0 {
                format!("exports arrive ({} parts)", points.of("wear.part.calls").count())
            } else {
                "no export arrives (the default endpoint, where nothing listens)".to_owned()
            };
            (run.stderr, outcome)
        }
    };
    assert!(!stderr.contains("panicked"), "{label}: {stderr}");
    let first = stderr.lines().next().unwrap_or("").replace(&dir.path().display().to_string(), "DIR");
    let says = fill(case.says, Path::new("DIR"));
    if says.is_empty() {
        assert!(
            !first.starts_with("wear: ignoring") && !first.contains("cannot write"),
            "{label}: wear says nothing of it: {first}"
        );
    } else {
        assert!(first.contains(&says), "{label}: expected {says:?} in {first:?}");
    }
    Seen { stderr_first: first, outcome }
}

fn render(seen: &[Seen]) -> String {
    let mut out = String::from(
        "| id | variables | program | what wear says (first line on stderr) | what happened |\n|---|---|---|---|---|\n",
    );
    for (case, seen) in CASES.iter().zip(seen) {
        let vars: Vec<String> =
            case.env.iter().map(|(k, v)| format!("`{k}={}`", v.replace("{dir}", "DIR"))).collect();
        let program = match case.program {
            Program::Snapshot => "snapshot",
            Program::Otlp => "OTLP export",
        };
        let said =
            if seen.stderr_first.is_empty() { "(nothing)".to_owned() } else { seen.stderr_first.clone() };
        out.push_str(&format!(
            "| {} | {} | {program} | {} | {} |\n",
            case.id,
            vars.join(" ").replace('|', "\\|"),
            said.replace('|', "\\|"),
            seen.outcome
        ));
    }
    out
}

/// The guide's chapter that holds the table.
const CHAPTER: &str = "docs/src/bad-input.md";

fn expect_guide_block(name: &str, table: &str) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("..").join(CHAPTER);
    let text = std::fs::read_to_string(&path).expect(CHAPTER);
    let (begin, end) = (format!("<!-- {name}:begin -->\n"), format!("<!-- {name}:end -->"));
    let start = text.find(&begin).unwrap_or_else(|| panic!("{CHAPTER} has no `{begin}`")) + begin.len();
    let stop = text[start..].find(&end).unwrap_or_else(|| panic!("{CHAPTER} has no `{end}`")) + start;
    if std::env::var_os("UPDATE_EXPECT").is_some_and(|v| v == "1") {
        std::fs::write(&path, format!("{}{table}{}", &text[..start], &text[stop..])).expect("write");
        return;
    }
    assert!(
        &text[start..stop] == table,
        "{CHAPTER}'s bad environment table differs from what was seen (UPDATE_EXPECT=1 rewrites it):\n{table}"
    );
}

#[test]
fn a_bad_environment_never_harms_the_program() {
    let plain = plain_snapshot_probe();
    let results: Vec<_> = CASES
        .iter()
        .map(|case| std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| run(case, &plain))))
        .collect();
    let failed: Vec<&str> =
        CASES.iter().zip(&results).filter(|(_, r)| r.is_err()).map(|(c, _)| c.id).collect();
    assert!(failed.is_empty(), "cases that failed (messages above): {failed:?}");
    let seen: Vec<Seen> = results.into_iter().flatten().collect();
    expect_guide_block("bad-env", &render(&seen));
}
