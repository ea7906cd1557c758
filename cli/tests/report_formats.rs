//! Every report format of one due list with every status, remarks, missing values and awkward
//! part paths, against expected files under `tests/expected/report/` (rewritten with
//! `UPDATE_EXPECT=1`, so a review shows the diff), and each format checked by reading it back:
//! JSON against its schema, SARIF against the official SARIF 2.1.0 schema, JUnit parsed as XML,
//! GitHub commands and Markdown tables split the way GitHub splits them.
mod support;

use serde_json::Value;
use wear_cli::due::{DueItem, DueList, LimitKind, LimitUse, SCHEMA, Status};
use wear_cli::report::{Format, JSON_SCHEMA, RenderOptions, render};
use wear_cli::time::{DAY, Secs, parse_instant};

const ALL_FORMATS: [Format; 6] =
    [Format::Table, Format::Json, Format::Markdown, Format::Sarif, Format::Github, Format::Junit];

fn at(text: &str) -> Secs {
    parse_instant(text).expect("fixture instants are valid")
}

fn opts(color: bool, fail_on: Status) -> RenderOptions {
    RenderOptions { color, fail_on, tool_version: "0.1.0" }
}

/// A part with every optional value present; each fixture part changes what it needs.
fn part(path: &str, status: Status) -> DueItem {
    DueItem {
        part: path.to_owned(),
        status,
        serial: "0123456789abcdef".to_owned(),
        file: "shop/src/cart.rs".to_owned(),
        lines: [10, 24],
        calls_since_overhaul: Some(1_234_567),
        calls_since_new: Some(3_456_789),
        busy_ns: Some(3_723_000_000_000),
        failures: Some(3),
        overhauled_at: Some(at("2025-01-14T09:30:00Z")),
        oldest_line_at: Some(at("2023-06-01T12:00:00Z")),
        signed_off_at: None,
        signed_off_by: None,
        signoff_note: None,
        commits: 7,
        authors: vec!["Ada <ada@example.com>".to_owned(), "Linus".to_owned()],
        nearest: Some(LimitUse { kind: LimitKind::Age, limit: "365d".to_owned(), percent: 112.6 }),
        projected_due: Some(at("2026-01-14T09:30:00Z")),
        remarks: vec![],
    }
}

/// The due list every format is tested on: all five statuses, a trait-impl path with `<`, `>`
/// and `,`, a path with `|` and a backtick, remarks with characters every format must escape,
/// values missing, a shallow history.
fn fixture() -> DueList {
    let trait_impl = DueItem {
        remarks: vec!["ages are lower bounds: the history is shallow".to_owned()],
        ..part("<shop::cart::Cart<T> as From<(u8, u16)>>::from", Status::Overdue)
    };
    let by_calls = DueItem {
        file: "shop/src/pay.rs".to_owned(),
        lines: [3, 40],
        calls_since_overhaul: Some(1_050_000_000),
        calls_since_new: Some(1_050_000_000),
        busy_ns: None,
        failures: None,
        nearest: Some(LimitUse { kind: LimitKind::Calls, limit: "1000000000".to_owned(), percent: 105.0 }),
        projected_due: Some(at("2026-02-20T00:00:00Z")),
        ..part("shop::pay::charge", Status::Overdue)
    };
    let odd = DueItem {
        file: "shop/src/odd dir/a,b:c 100%.rs".to_owned(),
        lines: [7, 7],
        busy_ns: Some(850),
        nearest: Some(LimitUse { kind: LimitKind::Busy, limit: "100h".to_owned(), percent: 93.4 }),
        remarks: vec![
            "usage only for an older serial: 50% <b>\"bold\"</b> & 'quoted', a: b".to_owned(),
            "line one\nline two\r\n::error::injected | `tick` *star* [link](x)".to_owned(),
            "a terminal escape \x1b[31mred\x1b[0m and a bell \u{7}".to_owned(),
        ],
        ..part("shop::odd::`a|b`::f", Status::DueSoon)
    };
    let signed = DueItem {
        file: "shop/src/stock.rs".to_owned(),
        lines: [55, 80],
        calls_since_overhaul: Some(9_999),
        calls_since_new: Some(10_000),
        busy_ns: Some(340_000_000),
        signed_off_at: Some(at("2025-12-01T10:00:00Z")),
        signed_off_by: Some("Ops Team".to_owned()),
        signoff_note: Some("looked at the retry loop; fine".to_owned()),
        projected_due: Some(at("2026-09-30T06:00:00Z")),
        nearest: Some(LimitUse { kind: LimitKind::Age, limit: "365d".to_owned(), percent: 25.0 }),
        ..part("shop::stock::Stock::reserve", Status::Serviceable)
    };
    let stored = DueItem {
        file: "shop/src/stock.rs".to_owned(),
        lines: [90, 99],
        calls_since_overhaul: Some(0),
        calls_since_new: Some(0),
        busy_ns: None,
        failures: None,
        nearest: Some(LimitUse { kind: LimitKind::Age, limit: "365d".to_owned(), percent: 41.2 }),
        projected_due: None,
        ..part("shop::stock::Stock::restock", Status::InStorage)
    };
    let unknown = DueItem {
        file: "shop/src/new.rs".to_owned(),
        lines: [1, 4],
        calls_since_overhaul: None,
        calls_since_new: None,
        busy_ns: None,
        failures: None,
        overhauled_at: None,
        oldest_line_at: None,
        commits: 0,
        authors: vec![],
        nearest: None,
        projected_due: None,
        remarks: vec!["uncommitted lines count as changed now".to_owned()],
        ..part("shop::new::draft", Status::Unknown)
    };
    let mut list = DueList {
        schema: SCHEMA,
        now: at("2026-03-02T00:00:00Z"),
        head: Some("4f1c2e9a0b7d3c5e6f8091a2b3c4d5e6f708192a".to_owned()),
        shallow: true,
        usage_window: Some([at("2026-01-01T00:00:00Z"), at("2026-03-01T18:00:00Z")]),
        parts: vec![unknown, stored, signed, odd, by_calls, trait_impl],
    };
    list.sort();
    list
}

/// A due list outside git with no usage data and no parts.
fn empty() -> DueList {
    DueList { schema: SCHEMA, now: 100 * DAY, head: None, shallow: false, usage_window: None, parts: vec![] }
}

/// Compares `actual` with `tests/expected/report/NAME`, or rewrites it under `UPDATE_EXPECT=1`.
fn expect_file(name: &str, actual: &str) {
    support::expect_file(&format!("report/{name}"), actual);
}

/// `s` without ANSI SGR escape sequences.
fn strip_ansi(s: &str) -> String {
    let mut out = String::new();
    let mut rest = s;
    while let Some(start) = rest.find('\x1b') {
        out.push_str(&rest[..start]);
        let after = &rest[start..];
        let end = after.find('m').expect("every escape sequence ends in `m`");
        rest = &after[end + 1..];
    }
    out.push_str(rest);
    out
}

#[test]
fn fixture_has_every_status_most_urgent_first() {
    let list = fixture();
    let statuses: Vec<Status> = list.parts.iter().map(|p| p.status).collect();
    use Status::*;
    assert_eq!(statuses, [Overdue, Overdue, DueSoon, Serviceable, InStorage, Unknown]);
    assert_eq!(list.parts[0].part, "<shop::cart::Cart<T> as From<(u8, u16)>>::from", "112.6% before 105%");
}

#[test]
fn table_matches_expected_plain_and_in_colour() {
    let list = fixture();
    let plain = render(&list, Format::Table, &opts(false, Status::Overdue));
    let color = render(&list, Format::Table, &opts(true, Status::Overdue));
    expect_file("table.txt", &plain);
    expect_file("table-color.txt", &color);
    assert_eq!(strip_ansi(&color), plain, "colour only adds escape codes");
    assert!(
        color.contains("\x1b[1m\x1b[31moverdue\x1b[0m") || color.contains("\x1b[31m\x1b[1moverdue\x1b[0m")
    );
    assert!(color.contains("\x1b[33mdue-soon\x1b[0m"), "{color}");
    assert!(color.contains("\x1b[32mserviceable\x1b[0m"), "{color}");
    assert!(color.contains("\x1b[2min-storage\x1b[0m"), "{color}");
    assert!(plain.lines().all(|l| l == l.trim_end()), "no trailing spaces");
    expect_file("table-empty.txt", &render(&empty(), Format::Table, &opts(false, Status::Overdue)));
}

#[test]
fn table_columns_line_up() {
    let plain = render(&fixture(), Format::Table, &opts(false, Status::Overdue));
    let rows: Vec<&str> =
        plain.lines().take_while(|l| !l.is_empty()).filter(|l| !l.starts_with("  - ")).collect();
    assert_eq!(rows.len(), 7, "header and six parts:\n{plain}");
    let status_at = rows[0].find("STATUS").expect("header names STATUS");
    let location_at = rows[0].find("LOCATION").expect("header names LOCATION");
    for row in &rows[1..] {
        let status = &row[status_at..];
        assert!(
            ["overdue", "due-soon", "serviceable", "in-storage", "unknown"]
                .iter()
                .any(|s| status.starts_with(s)),
            "{row}"
        );
        assert!(row[location_at..].starts_with("shop/src/"), "{row}");
    }
}

#[test]
fn no_format_writes_escape_codes_without_colour() {
    for list in [fixture(), empty()] {
        for format in ALL_FORMATS {
            let text = render(&list, format, &opts(false, Status::Overdue));
            assert!(!text.contains('\x1b'), "{format:?}");
            assert!(text.ends_with('\n'), "{format:?}");
        }
    }
}

#[test]
fn every_format_is_the_same_bytes_for_the_same_input() {
    for format in ALL_FORMATS {
        let a = render(&fixture(), format, &opts(true, Status::DueSoon));
        let b = render(&fixture().clone(), format, &opts(true, Status::DueSoon));
        assert_eq!(a, b, "{format:?}");
    }
}

#[test]
fn json_matches_expected_and_its_schema() {
    let list = fixture();
    let text = render(&list, Format::Json, &opts(false, Status::Overdue));
    expect_file("report.json", &text);
    let schema: Value = serde_json::from_str(JSON_SCHEMA).expect("the report schema is JSON");
    let validator = jsonschema::draft7::new(&schema).expect("the report schema is a valid draft-07 schema");
    for (name, list) in [("fixture", list.clone()), ("empty", empty())] {
        let doc: Value = serde_json::from_str(&render(&list, Format::Json, &opts(false, Status::DueSoon)))
            .expect("the JSON report parses");
        let errors: Vec<String> =
            validator.iter_errors(&doc).map(|e| format!("{e} at {}", e.instance_path())).collect();
        assert!(errors.is_empty(), "{name}: {errors:#?}");
    }

    let doc: Value = serde_json::from_str(&text).expect("parses");
    assert_eq!(doc["schema"], "wear-report/2");
    assert_eq!(doc["now"], "2026-03-02T00:00:00Z");
    assert_eq!(doc["counts"]["overdue"], 2);
    assert_eq!(doc["counts"]["due-soon"], 1);
    assert_eq!(doc["parts"][2]["status"], "due-soon");
    assert_eq!(doc["parts"][0]["nearest"]["kind"], "age");
    assert_eq!(doc["parts"][5]["calls_since_new"], Value::Null);
    let keys: Vec<&str> = doc.as_object().expect("an object").keys().map(String::as_str).collect();
    assert!(text.find("\"schema\"") < text.find("\"parts\""), "schema first, parts last: {keys:?}");

    // The schema is not vacuous: drift in a status word or a missing key is caught.
    let mut bad = doc.clone();
    bad["parts"][0]["status"] = "due_soon".into();
    assert!(!validator.is_valid(&bad));
    let mut bad = doc;
    bad["parts"][1].as_object_mut().expect("an object").remove("serial");
    assert!(!validator.is_valid(&bad));
}

#[test]
fn markdown_matches_expected_and_keeps_table_cells_intact() {
    let text = render(&fixture(), Format::Markdown, &opts(false, Status::Overdue));
    expect_file("report.md", &text);
    expect_file("report-empty.md", &render(&empty(), Format::Markdown, &opts(false, Status::Overdue)));
    let (urgent, rest) = text.split_once("<details>").expect("the rest is folded away");
    assert!(urgent.contains("shop::pay::charge") && !rest.contains("shop::pay::charge"));
    assert!(rest.contains("shop::stock::Stock::reserve") && !urgent.contains("shop::stock::Stock::reserve"));
    for row in text.lines().filter(|l| l.starts_with('|')) {
        // GFM splits cells on every `|` not preceded by a backslash, even inside code spans.
        let separators = row.char_indices().filter(|&(i, c)| c == '|' && !row[..i].ends_with('\\')).count();
        assert_eq!(separators, 9, "eight cells: {row}");
        assert!(!row.contains("<b>"), "HTML in remarks is escaped: {row}");
    }
    assert!(text.contains("``shop::odd::`a\\|b`::f``"), "{text}");
}

#[test]
fn github_commands_match_expected_and_read_back() {
    let list = fixture();
    let text = render(&list, Format::Github, &opts(false, Status::Overdue));
    expect_file("github.txt", &text);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 4, "three findings and a notice:\n{text}");
    assert!(lines[..2].iter().all(|l| l.starts_with("::error ")));
    assert!(lines[2].starts_with("::warning "));
    assert!(lines[3].starts_with("::notice::"));
    for (line, item) in lines[..3].iter().zip(&list.parts) {
        let (_, rest) = line.split_once(' ').expect("command and properties");
        let (properties, message) = rest.split_once("::").expect("properties end at the first `::`");
        let props: Vec<(&str, String)> = properties
            .split(',')
            .map(|p| {
                let (k, v) = p.split_once('=').expect("key=value");
                (k, unescape(v))
            })
            .collect();
        let keys: Vec<&str> = props.iter().map(|(k, _)| *k).collect();
        assert_eq!(keys, ["file", "line", "endLine", "title"], "{line}");
        assert_eq!(props[0].1, item.file);
        assert_eq!(props[1].1, item.lines[0].to_string());
        assert_eq!(props[3].1, format!("{} is {}", item.part, item.status.as_str()));
        let message = unescape(message);
        assert!(message.starts_with(&item.part), "{message}");
    }
    assert!(
        lines[2].contains(r"line one\nline two\r\n::error::injected"),
        "messages are one line: {}",
        lines[2]
    );
    assert!(lines[2].contains("file=shop/src/odd dir/a%2Cb%3Ac 100%25.rs,"), "{}", lines[2]);
    assert_eq!(render(&empty(), Format::Github, &opts(false, Status::Overdue)).lines().count(), 1);
}

/// Reverses GitHub's escaping of command values.
fn unescape(s: &str) -> String {
    s.replace("%0D", "\r").replace("%0A", "\n").replace("%3A", ":").replace("%2C", ",").replace("%25", "%")
}

#[test]
fn junit_matches_expected_and_parses_back() {
    let list = fixture();
    let text = render(&list, Format::Junit, &opts(false, Status::Overdue));
    expect_file("junit.xml", &text);
    for (fail_on, failures) in [(Status::Overdue, 2), (Status::DueSoon, 3)] {
        let text = render(&list, Format::Junit, &opts(false, fail_on));
        let doc = roxmltree::Document::parse(&text).expect("the JUnit report is well-formed XML");
        let suites: Vec<_> = doc.descendants().filter(|n| n.has_tag_name("testsuite")).collect();
        assert_eq!(suites.len(), 1);
        let suite = suites[0];
        assert_eq!(suite.attribute("name"), Some("cargo-wear"));
        assert_eq!(suite.attribute("tests"), Some("6"));
        assert_eq!(suite.attribute("failures"), Some(failures.to_string().as_str()));
        assert_eq!(suite.attribute("skipped"), Some("1"));
        let cases: Vec<_> = suite.children().filter(|n| n.has_tag_name("testcase")).collect();
        assert_eq!(cases.len(), 6);
        let failed = cases.iter().filter(|c| c.children().any(|n| n.has_tag_name("failure"))).count();
        assert_eq!(failed, failures);
        for (case, item) in cases.iter().zip(&list.parts) {
            assert_eq!(case.attribute("name"), Some(item.part.as_str()), "attributes read back exactly");
            assert_eq!(case.attribute("file"), Some(item.file.as_str()));
        }
        assert_eq!(cases[0].attribute("classname"), Some("shop::cart"));
        assert_eq!(cases[3].attribute("classname"), Some("shop::stock"));
        let odd_out = cases[2]
            .descendants()
            .filter(|n| n.is_text())
            .map(|n| n.text().unwrap_or(""))
            .collect::<String>();
        assert!(
            odd_out.contains(r"line one\nline two\r\n::error::injected | `tick`"),
            "one line: {odd_out:?}"
        );
        assert!(odd_out.contains(r#"50% <b>"bold"</b> & 'quoted'"#), "{odd_out:?}");
    }
    let empty = render(&empty(), Format::Junit, &opts(false, Status::Overdue));
    roxmltree::Document::parse(&empty).expect("an empty report is well-formed too");
}

#[test]
fn sarif_matches_expected_and_locates_findings() {
    let list = fixture();
    let text = render(&list, Format::Sarif, &opts(false, Status::Overdue));
    expect_file("report.sarif", &text);
    let log: Value = serde_json::from_str(&text).expect("SARIF is JSON");
    assert_eq!(log["version"], "2.1.0");
    let run = &log["runs"][0];
    assert_eq!(run["tool"]["driver"]["name"], "cargo-wear");
    let rules: Vec<&str> = run["tool"]["driver"]["rules"]
        .as_array()
        .expect("rules")
        .iter()
        .map(|r| r["id"].as_str().expect("id"))
        .collect();
    assert_eq!(rules, ["part-overdue", "part-due-soon"]);
    let results = run["results"].as_array().expect("results");
    let levels: Vec<&str> = results.iter().map(|r| r["level"].as_str().expect("level")).collect();
    assert_eq!(levels, ["error", "error", "warning"], "only overdue and due-soon parts are results");
    for (result, item) in results.iter().zip(&list.parts) {
        let rule = result["ruleIndex"].as_u64().expect("ruleIndex") as usize;
        assert_eq!(result["ruleId"], rules[rule]);
        let physical = &result["locations"][0]["physicalLocation"];
        assert_eq!(physical["artifactLocation"]["uriBaseId"], "%SRCROOT%");
        assert_eq!(physical["region"]["startLine"], item.lines[0]);
        assert_eq!(physical["region"]["endLine"], item.lines[1]);
        assert_eq!(
            result["partialFingerprints"]["wearPartSerial/v1"],
            format!("{}@{}", item.part, item.serial)
        );
    }
    assert_eq!(
        results[2]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
        "shop/src/odd%20dir/a%2Cb%3Ac%20100%25.rs"
    );
}

#[test]
fn sarif_validates_against_the_official_sarif_2_1_0_schema() {
    let schema = support::sarif::official_sarif_schema();
    let validator = jsonschema::validator_for(&schema).expect("the SARIF schema compiles");
    let draft7 = jsonschema::draft7::new(&schema).expect("the SARIF schema compiles as draft-07");
    for (name, list) in [("fixture", fixture()), ("empty", empty())] {
        let log: Value = serde_json::from_str(&render(&list, Format::Sarif, &opts(false, Status::Overdue)))
            .expect("SARIF is JSON");
        for v in [&validator, &draft7] {
            let errors: Vec<String> =
                v.iter_errors(&log).map(|e| format!("{e} at {}", e.instance_path())).collect();
            assert!(errors.is_empty(), "{name}: {errors:#?}");
        }
    }
    // The schema does check: a level SARIF does not know is refused.
    let mut bad: Value =
        serde_json::from_str(&render(&fixture(), Format::Sarif, &opts(false, Status::Overdue)))
            .expect("SARIF is JSON");
    bad["runs"][0]["results"][0]["level"] = "fatal".into();
    assert!(!validator.is_valid(&bad));
}
