//! Nothing from outside can act on the terminal, a log viewer or a CI runner (issue 6,
//! security): the real `cargo-wear` binary reads a workspace whose file names, git author,
//! logbook signer and note, usage file names and Prometheus answers carry escape codes
//! (`\x1b]52;...` sets the clipboard, `\x1b[2J` clears the screen), `\r`, bidi overrides, line
//! breaks followed by `::error::` (a GitHub workflow command) and Markdown table pipes. In every
//! format (table, JSON, Markdown, SARIF, GitHub commands, JUnit, CSV), the heatmap, the map,
//! `scan`, `inspect` and the errors and warnings on stderr: no raw control character (other
//! than line feeds between lines) or bidi override is printed, the payload is there in
//! escaped form, a Markdown table keeps its columns, a GitHub command stays one line, and
//! SARIF, JSON and JUnit still parse.
mod fleet_server;
mod support;

use fleet_server::{Reply, Server};
use support::Fixture;

const NOW: &str = "2026-11-21";
/// Every trick at once: clipboard write (OSC 52, BEL-terminated), clear screen, carriage
/// return, a right-to-left override, a Markdown pipe, a line break and a workflow command.
const PAYLOAD: &str = "\x1b]52;c;cHduZWQ=\x07\x1b[2J\rX\u{202e}gnp.rs|y\n::error::pwned";
/// How the screen-clearing part of it reads once escaped.
const SHOWN: &str = "\\u{1b}[2J";

/// A workspace whose one module lives in a file named with the payload, committed by an
/// author named with it, with a usage snapshot that makes the part overdue.
fn workspace() -> Fixture {
    let fx = Fixture::new("inj");
    let file = format!("src/{}.rs", PAYLOAD.replace('/', "_"));
    let attr = PAYLOAD.escape_default().to_string();
    fx.write("src/lib.rs", &format!("#[path = \"{attr}.rs\"]\nmod evil;\n"));
    fx.write(&file, "#[wear::tracked]\npub fn hot() {}\n");
    fx.write("wear.toml", "[defaults]\ncalls = 10\n");
    fx.commit("parts", &format!("Eve {}", PAYLOAD.replace(['\n', '<', '>'], " ")), "2025-01-10");
    let out = fx.wear(&["scan", "--format", "json"]).output().expect("scan runs");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    clean("scan --format json", &out.stdout);
    let parts: serde_json::Value = serde_json::from_slice(&out.stdout).expect("scan json");
    let serial = parts[0]["serial"].as_str().expect("one part").to_owned();
    assert_eq!(parts[0]["file"].as_str().expect("file"), file, "JSON keeps the exact name");
    let reading = support::Reading { path: "inj::evil::hot", serial: &serial, calls: 1_000, busy_ns: None };
    fx.write(
        "usage/a.json",
        &support::snapshot("a1", "2026-11-01T00:00:00Z", "2026-11-20T00:00:00Z", &[reading]),
    );
    fx
}

/// Fails if `bytes` hold a control character other than a line feed, DEL, a C1 control, a bidi
/// override or a line separator: what a terminal or a log viewer would act on.
fn clean(what: &str, bytes: &[u8]) -> String {
    let text = String::from_utf8(bytes.to_vec()).unwrap_or_else(|_| panic!("{what}: not UTF-8"));
    let bad: Vec<char> = text.chars().filter(|&c| c != '\n' && wear_cli::safe_text::is_unsafe(c)).collect();
    assert!(bad.is_empty(), "{what}: raw {bad:?} in:\n{}", text.escape_debug());
    text
}

/// Runs `args`, which must exit with `code`, and checks both streams; returns them.
fn run(fx: &Fixture, args: &[&str], code: i32) -> (String, String) {
    let out = fx.wear(args).output().expect("runs");
    let what = args.join(" ");
    let stdout = clean(&format!("{what}: stdout"), &out.stdout);
    let stderr = clean(&format!("{what}: stderr"), &out.stderr);
    assert_eq!(out.status.code(), Some(code), "{what}: {stderr}");
    (stdout, stderr)
}

fn report(fx: &Fixture, format: &str) -> String {
    run(fx, &["report", "--now", NOW, "--usage", "usage/a.json", "--format", format], 0).0
}

#[test]
fn hostile_names_in_the_tree_history_and_logbook_reach_no_output_raw() {
    let fx = workspace();
    let (_, stderr) = run(
        &fx,
        &[
            "inspect",
            "inj::evil::hot",
            "--by",
            PAYLOAD,
            "--note",
            PAYLOAD,
            "--now",
            "2026-11-20",
            "--usage",
            "usage/a.json",
        ],
        0,
    );
    assert!(stderr.starts_with("signed off inj::evil::hot"), "{stderr}");
    let logbook = fx.logbook_text();
    clean("the logbook", logbook.replace('\n', "").as_bytes());
    assert!(logbook.contains("\\u001B]52;c;cHduZWQ=\\u0007") && logbook.contains("\\u202E"), "{logbook}");
    // Overdue since the sign-off too: 10 calls allowed, 1000 - 0 counted after it.
    std::fs::write(
        fx.path("usage/a.json"),
        fx.read("usage/a.json")
            .replace("1000", "5000")
            .replace("2026-11-20T00:00:00Z", "2026-11-21T00:00:00Z"),
    )
    .expect("more usage");

    let table = report(&fx, "table");
    assert!(
        table.contains(SHOWN) && table.contains("\\u{202e}") && table.contains("\\n::error::pwned"),
        "{table}"
    );

    let json = report(&fx, "json");
    let value: serde_json::Value = serde_json::from_str(&json).expect("JSON parses");
    let item = &value["parts"][0];
    assert_eq!(item["signed_off_by"].as_str(), Some(PAYLOAD), "JSON keeps the exact value");
    assert!(item["authors"][0].as_str().expect("author").contains('\u{202e}'));

    let markdown = report(&fx, "markdown");
    let rows: Vec<&str> = markdown.lines().filter(|l| l.starts_with('|')).collect();
    assert!(rows.len() >= 3, "{markdown}");
    let columns = |row: &str| row.replace("\\|", "").matches('|').count();
    assert!(rows.iter().all(|row| columns(row) == columns(rows[0])), "every row keeps 9 pipes:\n{markdown}");
    assert!(markdown.contains(SHOWN), "{markdown}");

    let sarif = report(&fx, "sarif");
    let log: serde_json::Value = serde_json::from_str(&sarif).expect("SARIF parses");
    let uri = log["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
        .as_str()
        .expect("a finding");
    assert!(uri.starts_with("src/%1B%5D52%3Bc") && uri.contains("%E2%80%AE"), "{uri}");

    let github = report(&fx, "github");
    let lines: Vec<&str> = github.lines().collect();
    assert_eq!(lines.len(), 2, "one annotation and the notice:\n{github}");
    assert!(lines.iter().all(|l| l.starts_with("::error ") || l.starts_with("::notice::")), "{github}");
    assert!(lines[0].contains("%0A%3A%3Aerror%3A%3Apwned") && lines[0].contains("%0D"), "{}", lines[0]);

    let junit = report(&fx, "junit");
    let doc = roxmltree::Document::parse(&junit).expect("JUnit parses");
    let case = doc.descendants().find(|n| n.has_tag_name("testcase")).expect("a case");
    assert!(case.attribute("file").expect("file").contains(SHOWN), "{junit}");

    let csv = report(&fx, "csv");
    let mut reader = csv::Reader::from_reader(csv.as_bytes());
    let record = reader.records().next().expect("a row").expect("CSV parses");
    assert_eq!(record.len(), reader.headers().expect("a header").len(), "the row keeps its columns");
    assert!(record[1].contains(SHOWN) && record[16].contains("\\u{202e}"), "{csv}");

    let (heatmap, _) = run(&fx, &["heatmap", "--now", NOW, "--usage", "usage/a.json", "--group", "file"], 0);
    assert!(heatmap.contains(SHOWN), "{heatmap}");
    let (map, _) = run(&fx, &["map", "--now", NOW, "--usage", "usage/a.json"], 0);
    assert!(map.contains("inj::evil::hot") || map.contains("hot"), "{map}");
    let (scan, _) = run(&fx, &["scan"], 0);
    assert!(scan.contains(SHOWN), "{scan}");
}

#[test]
fn hostile_file_names_in_errors_and_warnings_are_escaped() {
    let fx = workspace();
    // A usage file the glob picks up, named with the payload, that is not a snapshot.
    fx.write(&format!("usage/{}.json", PAYLOAD.replace('/', "_")), "{\"format\": 1}");
    let (_, stderr) = run(&fx, &["report", "--now", NOW, "--usage", "usage/*.json"], 2);
    assert!(stderr.starts_with("error: ") && stderr.contains(SHOWN), "{stderr}");
    assert_eq!(stderr.lines().filter(|l| l.starts_with("::")).count(), 0, "{stderr}");
    // A source file that does not parse, named with the payload: a scan warning.
    fx.write("src/lib.rs", &format!("#[path = \"{}.rs\"]\nmod evil;\n", PAYLOAD.escape_default()));
    fx.write(&format!("src/{}.rs", PAYLOAD.replace('/', "_")), "fn (");
    let (_, stderr) = run(&fx, &["scan"], 0);
    assert!(stderr.contains("warning: ") && stderr.contains(SHOWN), "{stderr}");
}

#[test]
fn hostile_prometheus_answers_are_escaped() {
    let fx = workspace();
    let serial = {
        let (scan, _) = run(&fx, &["scan", "--format", "json"], 0);
        let parts: serde_json::Value = serde_json::from_str(&scan).expect("json");
        parts[0]["serial"].as_str().expect("serial").to_owned()
    };
    let answer = move |bad_serial: bool| {
        let serial = if bad_serial { PAYLOAD.to_owned() } else { serial.clone() };
        serde_json::json!({
            "status": "success",
            "warnings": [PAYLOAD],
            "data": {"resultType": "vector", "result": [
                {"metric": {"code_function_name": "inj::evil::hot", "wear_part_serial": serial}, "value": [0, "5"]},
                {"metric": {"code_function_name": PAYLOAD, "wear_part_serial": "0123456789abcdef"}, "value": [0, "7"]},
            ]},
        })
        .to_string()
    };
    let good = Server::start(move |_, _| Reply::Status(200, answer(false)));
    let (table, stderr) = run(&fx, &["report", "--now", NOW, "--no-ledger", "--prometheus", &good.url], 0);
    assert!(stderr.contains("warns: ") && stderr.contains(SHOWN), "the backend's warning, escaped: {stderr}");
    assert!(table.contains("inj::evil::hot"), "{table}");

    let label = PAYLOAD;
    let bad = Server::start(move |_, _| {
        let body = serde_json::json!({"status": "success", "data": {"resultType": "vector", "result": [
            {"metric": {"code_function_name": label, "wear_part_serial": label}, "value": [0, "5"]}]}});
        Reply::Status(200, body.to_string())
    });
    let (_, stderr) = run(&fx, &["report", "--now", NOW, "--no-ledger", "--prometheus", &bad.url], 2);
    assert!(stderr.contains(SHOWN), "the label value, escaped: {stderr}");
    assert!(stderr.lines().all(|l| !l.starts_with("::")), "{stderr}");
}
