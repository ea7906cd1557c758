//! Names as people write them (issue 18). rustc gives a macro every identifier in Unicode NFC,
//! so the paths a program registers are NFC even when the file stores `é` as `e` and a
//! combining accent (NFD): the scan must name the part the same way, or its usage would never
//! join. And a CJK name takes two terminal columns a character: tables pad by what a terminal
//! shows, not by characters, or every column after the name is out of line.
mod support;

use serde_json::Value;
use support::edge::{Row, record};
use support::{Fixture, Reading, snapshot};
use unicode_width::UnicodeWidthStr;

const NOW: &str = "2026-11-21";

/// `e` and a combining acute accent: `é` in NFD.
const E: &str = "e\u{301}";

#[test]
fn a_name_written_in_nfd_is_scanned_as_nfc_and_joins_its_usage() {
    let fx = Fixture::new("names");
    let source = format!(
        "pub mod m{E}nu {{\n    pub struct Caf{E};\n\n    impl Caf{E} {{\n        #[wear::tracked]\n        \
         pub fn cr{E}me() -> u32 {{\n            1\n        }}\n    }}\n\n    #[wear::tracked]\n    pub fn \
         caf{E}() -> u32 {{\n        2\n    }}\n}}\n"
    );
    fx.write("src/lib.rs", &source);
    assert!(fx.read("src/lib.rs").contains("cafe\u{301}"), "the file holds NFD");
    fx.commit("menu", "Ada", "2026-01-10");
    let scan = fx.wear(&["scan", "--format", "json"]).output().expect("scan");
    assert!(scan.status.success(), "{}", String::from_utf8_lossy(&scan.stderr));
    let parts: Value = serde_json::from_slice(&scan.stdout).expect("json");
    let paths: Vec<&str> =
        parts.as_array().expect("parts").iter().filter_map(|p| p["path"].as_str()).collect();
    // What `module_path!()` and the macro give at run time (tests/tests/nfd_names.rs).
    assert_eq!(paths, ["names::m\u{e9}nu::Caf\u{e9}::cr\u{e9}me", "names::m\u{e9}nu::caf\u{e9}"]);

    let serials: Vec<String> = parts
        .as_array()
        .expect("parts")
        .iter()
        .map(|p| p["serial"].as_str().expect("serial").to_owned())
        .collect();
    let readings: Vec<Reading> = paths
        .iter()
        .zip(&serials)
        .map(|(path, serial)| Reading { path, serial, calls: 3, busy_ns: None })
        .collect();
    fx.write("usage.json", &snapshot("i1", "2026-11-01T00:00:00Z", "2026-11-20T00:00:00Z", &readings));
    let out = fx
        .wear(&["report", "--now", NOW, "--usage", "usage.json", "--no-ledger", "--format", "json"])
        .output()
        .expect("runs");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(!stderr.contains("does not have"), "no usage is of an unknown part: {stderr}");
    let report: Value = serde_json::from_slice(&out.stdout).expect("json");
    for part in report["parts"].as_array().expect("parts") {
        assert_eq!(part["calls_since_overhaul"], 3, "usage under the NFC name joins: {part}");
    }
    record(Row {
        id: "N1",
        situation: "a function, type or module name written in NFD (`e` + combining accent) in the source file",
        command: "report --now 2026-11-21 --usage usage.json --format json",
        output: &out,
        proof: "the scan names the part in NFC, as rustc gives the macro the name; usage recorded under it joins",
    });
}

/// The display column (terminal cells) where each cell of `line` starts, cells being separated
/// by two spaces or more.
fn cell_starts(line: &str) -> Vec<(usize, usize)> {
    let mut cells = Vec::new();
    let mut at = 0;
    for cell in line.split("  ").filter(|c| !c.trim().is_empty()) {
        let offset = line[at..].find(cell.trim_start()).expect("cell in line") + at;
        let start = line[..offset].width();
        cells.push((start, start + cell.trim().width()));
        at = offset + cell.trim_start().len();
    }
    cells
}

#[test]
fn columns_line_up_after_a_cjk_part_name() {
    let fx = Fixture::new("names");
    fx.write(
        "src/lib.rs",
        "pub mod 計算 {\n    #[wear::tracked]\n    pub fn 合計() -> u32 {\n        1\n    }\n}\n\n\
         #[wear::tracked]\npub fn hot() -> u32 {\n    2\n}\n",
    );
    fx.commit("parts", "Ada", "2026-01-10");
    let reading = Reading { path: "names::hot", serial: "00000000000000aa", calls: 7, busy_ns: None };
    fx.write("usage.json", &snapshot("i1", "2026-11-01T00:00:00Z", "2026-11-20T00:00:00Z", &[reading]));
    let out = fx
        .wear(&["report", "--now", NOW, "--usage", "usage.json", "--no-ledger", "--format", "table"])
        .output()
        .expect("runs");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    let rows: Vec<&str> =
        text.lines().take_while(|l| !l.is_empty()).filter(|l| !l.starts_with("  -")).collect();
    assert_eq!(rows.len(), 3, "a header and two parts:\n{text}");
    assert!(rows.iter().any(|r| r.starts_with("names::計算::合計")), "{text}");
    let header = cell_starts(rows[0]);
    assert_eq!(header.len(), 8, "{text}");
    // Left-aligned columns start where their title does; numbers (CALLS, AGE, BUSY) end there.
    let right = [false, false, true, true, true, false, false, false];
    for row in &rows[1..] {
        let cells = cell_starts(row);
        assert_eq!(cells.len(), 8, "{row}");
        for (i, ((start, end), (title_start, title_end))) in cells.iter().zip(&header).enumerate() {
            if right[i] {
                assert!(end >= title_end && *start >= *title_start - 8, "column {i} of {row:?}\n{text}");
                assert_eq!(end, &cells_end(&rows, i), "column {i} ends in line:\n{text}");
            } else {
                assert_eq!(start, title_start, "column {i} of {row:?} starts under its title:\n{text}");
            }
        }
    }

    // `scan`'s table too.
    let scan = fx.wear(&["scan"]).output().expect("scan");
    let text = String::from_utf8_lossy(&scan.stdout).into_owned();
    let starts: Vec<usize> = text.lines().map(|l| cell_starts(l)[1].0).collect();
    assert!(starts.windows(2).all(|w| w[0] == w[1]), "the serial column lines up:\n{text}");
    record(Row {
        id: "N2",
        situation: "a part name in CJK characters (two terminal columns each) in a table",
        command: "report --now 2026-11-21 --usage usage.json --format table",
        output: &out,
        proof: "every column starts (numbers: ends) at the same terminal column on every row, in `report` and `scan`",
    });
}

/// The end column of column `i` on the first part row, which every row must share.
fn cells_end(rows: &[&str], i: usize) -> usize {
    cell_starts(rows[1])[i].1
}

#[test]
fn a_usage_file_whose_name_has_glob_characters_is_read_as_named() {
    let fx = Fixture::new("globs");
    fx.write("src/lib.rs", "#[wear::tracked]\npub fn hot() -> u32 {\n    1\n}\n");
    fx.commit("hot", "Ada", "2026-01-10");
    let scan = fx.wear(&["scan", "--format", "json"]).output().expect("scan");
    let parts: Value = serde_json::from_slice(&scan.stdout).expect("json");
    let serial = parts[0]["serial"].as_str().expect("serial").to_owned();
    let file = |calls| {
        let reading = Reading { path: "globs::hot", serial: &serial, calls, busy_ns: None };
        snapshot("i1", "2026-11-01T00:00:00Z", "2026-11-20T00:00:00Z", &[reading])
    };
    // `[x].json` exists; as a pattern it would match `x.json` instead.
    fx.write("usage/[x].json", &file(3));
    fx.write("usage/x.json", &file(40));
    let out = fx
        .wear(&["report", "--now", NOW, "--usage", "usage/[x].json", "--no-ledger", "--format", "json"])
        .output()
        .expect("runs");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let report: Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(report["parts"][0]["calls_since_new"], 3, "the file named, not what the pattern matches");
    record(Row {
        id: "N5",
        situation: "a usage file whose name holds glob characters (`usage/[x].json`), next to `usage/x.json`",
        command: "report --now 2026-11-21 --usage 'usage/[x].json' --no-ledger --format json",
        output: &out,
        proof: "the file named is read (3 calls), not `usage/x.json`, which the pattern would match (40)",
    });
}
