//! The logbook folder, `wear-logbook/`, as users' checkouts have it (issue 18): next to the single
//! `wear-logbook.toml` of earlier versions, with a README in it, with a malformed sign-off, or
//! with a file where the folder should be. Every case runs the real binary and proves that
//! nothing was replaced or half-written.
mod support;

use support::edge::{Row, record};
use support::{Fixture, Reading, snapshot, tree_bytes};

const NOW: &str = "2026-11-21";
const LIB: &str = "#[wear::tracked]\npub fn old() -> u32 {\n    1\n}\n\n#[wear::tracked]\npub fn new() -> u32 {\n    2\n}\n";

/// A workspace with two parts and their usage; returns it with the serial of `old`.
fn fixture() -> (Fixture, String) {
    let fx = Fixture::new("books");
    fx.write("src/lib.rs", LIB);
    fx.commit("parts", "Ada", "2026-01-10");
    let out = fx.wear(&["scan", "--format", "json"]).output().expect("scan runs");
    let scanned: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    let serial = |path: &str| {
        scanned.as_array().expect("parts").iter().find(|p| p["path"] == path).expect(path)["serial"]
            .as_str()
            .expect("serial")
            .to_owned()
    };
    let (old, new) = (serial("books::old"), serial("books::new"));
    let readings = [
        Reading { path: "books::old", serial: &old, calls: 5, busy_ns: None },
        Reading { path: "books::new", serial: &new, calls: 5, busy_ns: None },
    ];
    fx.write("usage.json", &snapshot("i1", "2026-11-01T00:00:00Z", "2026-11-20T00:00:00Z", &readings));
    (fx, old)
}

fn report(fx: &Fixture) -> std::process::Output {
    fx.wear(&["report", "--now", NOW, "--usage", "usage.json", "--no-ledger", "--format", "json"])
        .output()
        .expect("runs")
}

/// `inspect books::new --note NOTE --by Ada`, as the rows show it.
fn inspect(fx: &Fixture, note: &str) -> std::process::Output {
    fx.wear(&["inspect", "books::new", "--now", NOW, "--usage", "usage.json", "--no-ledger"])
        .args(["--note", note, "--by", "Ada"])
        .output()
        .expect("runs")
}

const REPORT: &str = "report --now 2026-11-21 --usage usage.json --no-ledger --format json";

fn note(report: &std::process::Output, part: &str) -> Option<String> {
    let report: serde_json::Value = serde_json::from_slice(&report.stdout).expect("json");
    report["parts"].as_array().expect("parts").iter().find(|p| p["path"] == part).expect(part)["signoff_note"]
        .as_str()
        .map(str::to_owned)
}

#[test]
fn a_sign_off_next_to_the_old_single_file_leaves_it_as_it_is_and_both_count() {
    let (fx, serial) = fixture();
    let legacy = format!(
        "# kept from before\n[[signoff]]\npart = \"books::old\"\nserial = \"{serial}\"\ndate = 2026-11-01\ncalls = 1\nby = \"Old\"\nnote = \"from the old file\"\n"
    );
    fx.write("wear-logbook.toml", &legacy);
    let out = inspect(&fx, "from the folder");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(fx.read("wear-logbook.toml"), legacy, "the old file keeps its bytes");
    assert!(
        fx.logbook_text().contains("note = \"from the folder\""),
        "the new sign-off is a file in the folder"
    );
    let report = report(&fx);
    assert!(report.status.success(), "{}", String::from_utf8_lossy(&report.stderr));
    assert_eq!(note(&report, "books::old").as_deref(), Some("from the old file"));
    assert_eq!(note(&report, "books::new").as_deref(), Some("from the folder"));
    record(Row {
        id: "L3",
        situation: "`inspect` in a workspace that has the single `wear-logbook.toml` of earlier versions",
        command: "inspect books::new --now 2026-11-21 --usage usage.json --no-ledger --note 'from the folder' --by Ada",
        output: &out,
        proof: "`wear-logbook.toml` keeps its bytes; its sign-offs and the new file's both count",
    });
}

#[test]
fn a_readme_in_the_folder_is_not_a_sign_off() {
    let (fx, _) = fixture();
    fx.write("wear-logbook/README.md", "# Sign-offs\n\nOne file per inspection; see the guide.\n");
    let out = report(&fx);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(out.stderr.is_empty(), "nothing to warn about: {}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(note(&out, "books::old"), None);
    record(Row {
        id: "L4",
        situation: "`wear-logbook/` holds a README next to the sign-offs",
        command: REPORT,
        output: &out,
        proof: "files not ending in `.toml` are not read as sign-offs",
    });
}

#[test]
fn a_malformed_sign_off_file_is_named_and_inspect_adds_nothing() {
    let (fx, _) = fixture();
    fx.write(
        "wear-logbook/2026-11-02-books.old-0badf00d.toml",
        "[[signoff]]\npart = \"books::old\"\nserial = 12\n",
    );
    let before = tree_bytes(fx.root());
    let out = report(&fx);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("wear-logbook/2026-11-02-books.old-0badf00d.toml:3:"),
        "names file and line: {stderr}"
    );
    assert!(out.stdout.is_empty());
    let inspect = inspect(&fx, "x");
    assert_eq!(inspect.status.code(), Some(2), "{}", String::from_utf8_lossy(&inspect.stderr));
    assert!(
        support::outside_target(fx.root(), before)
            == support::outside_target(fx.root(), tree_bytes(fx.root())),
        "no file was added or changed"
    );
    record(Row {
        id: "L5",
        situation: "a sign-off file in `wear-logbook/` edited by hand into bad TOML",
        command: REPORT,
        output: &out,
        proof: "no report on stdout; `inspect` refuses too and adds no file",
    });
}

#[test]
fn a_file_where_the_folder_should_be_is_refused_and_kept() {
    let (fx, _) = fixture();
    fx.write("wear-logbook", "notes\n");
    let out = report(&fx);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("is a file, but the logbook's sign-offs are a folder of files"), "{stderr}");
    let inspect = inspect(&fx, "x");
    assert_eq!(inspect.status.code(), Some(2), "{}", String::from_utf8_lossy(&inspect.stderr));
    assert_eq!(fx.read("wear-logbook"), "notes\n", "the file keeps its bytes");
    record(Row {
        id: "L6",
        situation: "a file named `wear-logbook` where the folder should be",
        command: REPORT,
        output: &out,
        proof: "the file keeps its bytes; `inspect` refuses too",
    });
}
