//! The HTML report in a real browser: the real binary writes the page for a workspace whose
//! git history is built with git2 at chosen dates (23 parts in six modules, two of them in
//! files whose names carry `<script>` and `<img onerror>`), with a snapshot usage file, and
//! Debian's headless Chromium, driven over the DevTools protocol, opens it from `file://` and
//! checks it as a person would use it: one treemap cell per part, the switches, sorting, the
//! filter, the history of a part, nothing fetched, a quiet console, no injected script run.
//! A second page, rendered from a due list whose remarks and authors are hostile, proves that
//! those show as text too. Chromium missing is a failure that says how to install it.
mod browser;
mod support;

use std::path::PathBuf;

use browser::{browser, click, file_url, js, open, seen};
use headless_chrome::Tab;
use serde_json::Value;
use support::{Fixture, Reading, snapshot};

const NOW: &str = "2026-11-21";

/// Names in file paths that would run if the page put them into its markup.
const SCRIPT_FILE: &str = "evil/<script>window.pwned=1</script>.rs";
const IMG_FILE: &str = "<img src=x onerror=window.pwned=2>.rs";

/// A tracked function whose body is `lines` lines long, so the area by lines differs.
fn tracked(name: &str, lines: usize, indent: &str) -> String {
    let mut text = format!("{indent}#[wear::tracked]\n{indent}pub fn {name}() -> usize {{\n");
    for i in 0..lines {
        text.push_str(&format!("{indent}    let _ = {i};\n"));
    }
    text.push_str(&format!("{indent}    {lines}\n{indent}}}\n\n"));
    text
}

fn module(parts: &[(&str, usize)]) -> String {
    parts.iter().map(|(name, lines)| tracked(name, *lines, "")).collect()
}

const PARSE: [(&str, usize); 6] =
    [("line", 12), ("quantity", 3), ("sku", 7), ("region", 2), ("csv_line", 20), ("header", 1)];
const PRICE: [(&str, usize); 6] =
    [("total", 9), ("tax", 4), ("discount", 6), ("round", 1), ("coupon", 15), ("currency", 2)];
const STORE: [(&str, usize); 5] = [("get", 5), ("put", 8), ("restock", 3), ("compact", 25), ("export", 2)];
const TRACK: [(&str, usize); 3] = [("locate", 6), ("eta", 11), ("history", 4)];

/// The workspace: Ana wrote parsing and pricing in 2023, Bo the store and shipping in 2025,
/// and Cy changed two prices and added the oddly named files in October 2026.
fn workspace() -> Fixture {
    let fx = Fixture::new("fleet");
    fx.write(
        "wear.toml",
        "[defaults]\ncalls = 100_000\nage = \"1500d\"\ndue_soon = 75\n\n\
         [report]\nsource_url = \"https://git.example.com/fleet/blob/{rev}/{file}#L{line}\"\n",
    );
    fx.write("src/lib.rs", "pub mod parse;\npub mod price;\n");
    fx.write("src/parse.rs", &module(&PARSE));
    fx.write("src/price.rs", &module(&PRICE));
    fx.commit("parsing and pricing", "Ana", "2023-05-10");

    fx.write("src/lib.rs", "pub mod parse;\npub mod price;\npub mod ship;\npub mod store;\n");
    let methods: String = STORE.iter().map(|(name, lines)| tracked(name, *lines, "    ")).collect();
    fx.write("src/store.rs", &format!("pub struct Store;\n\nimpl Store {{\n{}}}\n", methods.trim_end()));
    fx.write("src/ship/mod.rs", &format!("pub mod track;\n\n{}", tracked("dispatch", 10, "")));
    fx.write("src/ship/track.rs", &module(&TRACK));
    fx.commit("store and shipping", "Bo", "2025-02-01");

    let mut price = PRICE;
    price[1].1 = 5;
    price[2].1 = 7;
    fx.write("src/price.rs", &module(&price));
    fx.write(
        "src/lib.rs",
        &format!(
            "pub mod parse;\npub mod price;\npub mod ship;\npub mod store;\n\
             #[path = \"{SCRIPT_FILE}\"]\npub mod evil;\n#[path = \"{IMG_FILE}\"]\npub mod odd;\n"
        ),
    );
    fx.write(&format!("src/{SCRIPT_FILE}"), &tracked("probe", 2, ""));
    fx.write(&format!("src/{IMG_FILE}"), &tracked("probe", 1, ""));
    fx.commit("new prices, odd files", "Cy O'Neil & \"Co\" Ltd", "2026-10-01");
    fx
}

/// Calls of every part but one (which no usage covers), skewed from 120k to none.
fn usage(fx: &Fixture) {
    let out = fx.wear(&["scan", "--format", "json"]).output().expect("scan runs");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let parts: Value = serde_json::from_slice(&out.stdout).expect("scan json");
    let calls: [(&str, u64); 22] = [
        ("fleet::parse::line", 120_000),
        ("fleet::parse::quantity", 45_000),
        ("fleet::parse::sku", 9_000),
        ("fleet::parse::region", 300),
        ("fleet::parse::csv_line", 0),
        ("fleet::parse::header", 2),
        ("fleet::price::total", 80_000),
        ("fleet::price::tax", 7_000),
        ("fleet::price::discount", 700),
        ("fleet::price::round", 70),
        ("fleet::price::coupon", 7),
        ("fleet::price::currency", 0),
        ("fleet::store::Store::get", 30_000),
        ("fleet::store::Store::put", 3_000),
        ("fleet::store::Store::restock", 0),
        ("fleet::store::Store::compact", 12),
        ("fleet::store::Store::export", 1),
        ("fleet::ship::dispatch", 500),
        ("fleet::ship::track::locate", 6_000),
        ("fleet::ship::track::eta", 40),
        ("fleet::evil::probe", 5),
        ("fleet::odd::probe", 0),
    ];
    let serial = |path: &str| -> String {
        parts
            .as_array()
            .expect("parts")
            .iter()
            .find(|p| p["path"] == path)
            .unwrap_or_else(|| panic!("{path} scanned"))["serial"]
            .as_str()
            .expect("serial")
            .to_owned()
    };
    let serials: Vec<(String, u64)> = calls.iter().map(|(p, c)| (serial(p), *c)).collect();
    let readings: Vec<Reading<'_>> = calls
        .iter()
        .zip(&serials)
        .map(|((path, _), (serial, calls))| Reading { path, serial, calls: *calls, busy_ns: None })
        .collect();
    fx.write("usage/fleet.json", &snapshot("a1", "2026-11-01T00:00:00Z", "2026-11-20T00:00:00Z", &readings));
}

/// `text` as JavaScript's `encodeURIComponent` writes it.
fn uri_component(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z'
            | b'a'..=b'z'
            | b'0'..=b'9'
            | b'-'
            | b'_'
            | b'.'
            | b'!'
            | b'~'
            | b'*'
            | b'\''
            | b'('
            | b')' => (b as char).to_string(),
            b => format!("%{b:02X}"),
        })
        .collect()
}

/// The parts of the table's visible rows, top to bottom.
fn row_parts(tab: &Tab) -> Vec<String> {
    js(tab, "[...document.querySelectorAll('#due tbody tr[data-i]')].map(r => r.cells[0].textContent)")
}

/// The history panel, field by field.
fn history(tab: &Tab) -> serde_json::Map<String, Value> {
    js(
        tab,
        "Object.fromEntries([...document.querySelectorAll('#history dd')].map(d => [d.dataset.field, d.textContent]))",
    )
}

/// `[width x height]` of every treemap cell by part index.
fn cell_areas(tab: &Tab) -> Vec<f64> {
    js(
        tab,
        "[...document.querySelectorAll('#treemap .cell')].sort((a, b) => a.dataset.i - b.dataset.i).map(c => c.width.baseVal.value * c.height.baseVal.value)",
    )
}

fn cell_fills(tab: &Tab) -> Vec<String> {
    js(
        tab,
        "[...document.querySelectorAll('#treemap .cell')].sort((a, b) => a.dataset.i - b.dataset.i).map(c => c.getAttribute('fill'))",
    )
}

/// Where screenshots go: `$CARGO_TARGET_DIR`, else the target folder this test runs from.
fn target_dir() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR").map(PathBuf::from).unwrap_or_else(|| {
        let exe = std::env::current_exe().expect("test binary");
        exe.ancestors().nth(3).expect("target/debug/deps/test").to_owned()
    })
}

/// Indices sorted by `key` as the page sorts: ascending or not, missing values last, ties in
/// due-list order.
fn sorted_by<K: PartialOrd>(keys: &[Option<K>], ascending: bool) -> Vec<usize> {
    let mut order: Vec<usize> = (0..keys.len()).collect();
    order.sort_by(|&a, &b| {
        let by_key = match (&keys[a], &keys[b]) {
            (None, None) => std::cmp::Ordering::Equal,
            (None, Some(_)) => std::cmp::Ordering::Greater,
            (Some(_), None) => std::cmp::Ordering::Less,
            (Some(x), Some(y)) => {
                let o = x.partial_cmp(y).expect("comparable");
                if ascending { o } else { o.reverse() }
            }
        };
        by_key.then(a.cmp(&b))
    });
    order
}

#[test]
fn the_html_report_works_in_a_real_browser() {
    let fx = workspace();
    usage(&fx);
    // A sign-off whose note is markup: the page shows it as text.
    let note = "<script>window.pwned=3</script> looked <b>fine</b>";
    let out = fx
        .wear(&[
            "inspect",
            "fleet::ship::dispatch",
            "--now",
            NOW,
            "--by",
            "<img src=x onerror=window.pwned=4>",
        ])
        .args(["--usage", "usage/fleet.json", "--note", note])
        .output()
        .expect("inspect runs");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let args = ["report", "--now", NOW, "--usage", "usage/fleet.json"];
    let out = fx.wear(&[&args[..], &["--format", "json"]].concat()).output().expect("report runs");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let report: Value = serde_json::from_slice(&out.stdout).expect("json report");
    let parts = report["parts"].as_array().expect("parts");
    assert!(parts.len() >= 20, "{} parts", parts.len());
    let names: Vec<&str> = parts.iter().map(|p| p["path"].as_str().expect("part")).collect();

    let out = fx
        .wear(&[&args[..], &["--format", "html", "--output", "report.html"]].concat())
        .output()
        .expect("runs");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(out.stdout.is_empty(), "--output writes the file, not standard output");
    let html = fx.read("report.html");
    let again = fx.wear(&[&args[..], &["--format", "html"]].concat()).output().expect("runs");
    assert_eq!(String::from_utf8_lossy(&again.stdout), html, "stdout without --output; same bytes twice");

    let browser = browser();
    let (tab, watch) = open(&browser, &fx.path("report.html"));

    // One cell, one dot (when placeable) and one row per part of the JSON report, in its order.
    let cells: Vec<String> = js(
        &tab,
        "[...document.querySelectorAll('#treemap .cell')].sort((a, b) => a.dataset.i - b.dataset.i).map(c => c.querySelector('title').textContent)",
    );
    let expected: Vec<String> = parts
        .iter()
        .map(|p| format!("{} ({})", p["path"].as_str().unwrap_or(""), p["status"].as_str().unwrap_or("")))
        .collect();
    assert_eq!(cells, expected, "one treemap cell per part");
    assert_eq!(row_parts(&tab), names, "the table starts in due-list order");
    let dots: usize = js(&tab, "document.querySelectorAll('#wearmap .dot').length");
    let placeable = parts
        .iter()
        .filter(|p| !p["calls_since_overhaul"].is_null() && !p["overhauled_at"].is_null())
        .count();
    assert_eq!(dots, placeable);
    let band: usize = js(
        &tab,
        "[...document.querySelectorAll('#wearmap .dot')].filter(d => d.cy.baseVal.value > 330).length",
    );
    assert_eq!(
        band,
        parts.iter().filter(|p| p["calls_since_overhaul"] == 0).count(),
        "unused parts on the band"
    );

    // Sorting by calls: the busiest first, then ascending, parts without usage last both times.
    let calls: Vec<Option<u64>> = parts.iter().map(|p| p["calls_since_overhaul"].as_u64()).collect();
    click(&tab, "th[data-key=calls]");
    let want: Vec<&str> = sorted_by(&calls, false).into_iter().map(|i| names[i]).collect();
    assert_eq!(row_parts(&tab), want, "calls descending first");
    assert_eq!(
        js::<String>(&tab, "document.querySelector('th[data-key=calls]').getAttribute('aria-sort')"),
        "descending"
    );
    click(&tab, "th[data-key=calls]");
    let want: Vec<&str> = sorted_by(&calls, true).into_iter().map(|i| names[i]).collect();
    assert_eq!(row_parts(&tab), want, "calls ascending");
    // Age: the oldest first.
    click(&tab, "th[data-key=age]");
    let overhauled: Vec<Option<i64>> = parts
        .iter()
        .map(|p| p["overhauled_at"].as_str().map(|t| wear_cli::time::parse_instant(t).expect("instant")))
        .collect();
    let want: Vec<&str> = sorted_by(&overhauled, true).into_iter().map(|i| names[i]).collect();
    assert_eq!(row_parts(&tab), want, "the oldest first");
    click(&tab, "th[data-key=part]");
    let mut by_name = names.clone();
    by_name.sort_unstable();
    assert_eq!(row_parts(&tab), by_name, "part names ascending");

    // The colour switch: every cell takes its age fill, and the fills change.
    let data: Value =
        serde_json::from_str(&js::<String>(&tab, "document.getElementById('wear-data').textContent"))
            .expect("data");
    let fills = |scale: &str| -> Vec<String> {
        let steps = &data["parts"][if scale == "wear" { "hw" } else { "ha" }];
        (0..parts.len())
            .map(|i| match steps[i].as_u64() {
                Some(step) => data["palette"][step as usize].as_str().expect("a colour").to_owned(),
                None => data["no_data"].as_str().expect("no data").to_owned(),
            })
            .collect()
    };
    assert_eq!(cell_fills(&tab), fills("wear"));
    click(&tab, "input[name=colour][value=age]");
    assert_eq!(cell_fills(&tab), fills("age"), "the age switch recolours every cell");
    assert_ne!(fills("wear"), fills("age"));
    assert!(js::<bool>(
        &tab,
        "document.querySelector('[data-legend=wear]').hidden && !document.querySelector('[data-legend=age]').hidden"
    ));

    // The area switch: cells resized; within one module, areas follow calls, then lines.
    let index = |name: &str| names.iter().position(|n| *n == name).expect("part");
    let (line, sku) = (index("fleet::parse::line"), index("fleet::parse::sku"));
    let by_calls = cell_areas(&tab);
    let ratio = by_calls[line] / by_calls[sku];
    assert!((ratio - 120_000.0 / 9_000.0).abs() < 0.01 * ratio, "area by calls: {ratio}");
    click(&tab, "input[name=area][value=lines]");
    let by_lines = cell_areas(&tab);
    assert_ne!(by_calls, by_lines, "the area switch resizes the cells");
    let ratio = by_lines[line] / by_lines[sku];
    let lines = |i: usize| {
        let l = &parts[i]["lines"];
        (l[1].as_u64().expect("last") - l[0].as_u64().expect("first") + 1) as f64
    };
    assert!((ratio - lines(line) / lines(sku)).abs() < 0.01 * ratio, "area by lines: {ratio}");
    assert_eq!(cell_fills(&tab), fills("age"), "redrawn cells keep the chosen colour");
    assert_eq!(js::<usize>(&tab, "document.querySelectorAll('#treemap .cell').length"), parts.len());

    // The filter hides the rows that do not match.
    tab.find_element("#filter").expect("filter").type_into("price").expect("type");
    let shown = row_parts(&tab);
    let want: Vec<&str> = by_name.iter().copied().filter(|n| n.contains("price")).collect();
    assert_eq!(shown, want, "only the pricing parts");
    assert_eq!(
        js::<String>(&tab, "document.getElementById('shown').textContent"),
        format!("6 of {} parts", parts.len())
    );

    // A part's history, from a treemap cell, a table row, a wear map dot, and a hover.
    let evil = index("fleet::evil::probe");
    click(&tab, &format!("#treemap .cell[data-i=\"{evil}\"]"));
    let h = history(&tab);
    assert_eq!(h["Part"], "fleet::evil::probe");
    assert_eq!(h["Serial"], parts[evil]["serial"]);
    assert_eq!(h["Location"], format!("src/{SCRIPT_FILE}:2"), "the file name shows as text");
    assert_eq!(h["Authors"], "Cy O'Neil & \"Co\" Ltd");
    assert_eq!(h["Calls since overhaul"], "5");
    assert_eq!(h["Overhauled"], "2026-10-01 (50d ago)");
    // The location links where the policy's `source_url` says, the file's segments encoded.
    let head = report["head"].as_str().expect("a commit");
    let encoded: Vec<String> = format!("src/{SCRIPT_FILE}").split('/').map(uri_component).collect();
    assert_eq!(
        js::<String>(&tab, "document.querySelector('#history dd[data-field=Location] a').href"),
        format!("https://git.example.com/fleet/blob/{head}/{}#L2", encoded.join("/"))
    );
    assert_eq!(h["Last sign-off"], "never");
    let tax = index("fleet::price::tax");
    click(&tab, &format!("#due tbody tr[data-i=\"{tax}\"]"));
    let h = history(&tab);
    assert_eq!(
        (h["Part"].as_str(), h["Calls since overhaul"].as_str()),
        (Some("fleet::price::tax"), Some("7000"))
    );
    assert_eq!(h["Oldest line"], "2023-05-10 (1290d ago)");
    assert_eq!(h["Projected due"], parts[tax]["projected_due"].as_str().map_or("-", |d| &d[..10]));
    let get = index("fleet::store::Store::get");
    click(&tab, &format!("#wearmap .dot[data-i=\"{get}\"]"));
    assert_eq!(history(&tab)["Part"], "fleet::store::Store::get");
    assert!(js::<bool>(
        &tab,
        &format!("document.querySelector('#wearmap .dot[data-i=\"{get}\"]').classList.contains('selected')")
    ));
    let odd = index("fleet::odd::probe");
    tab.find_element(&format!("#wearmap .dot[data-i=\"{odd}\"]"))
        .expect("dot")
        .move_mouse_over()
        .expect("hover");
    let h = history(&tab);
    assert_eq!(
        (h["Part"].as_str(), h["Location"].as_str()),
        (Some("fleet::odd::probe"), Some(&*format!("src/{IMG_FILE}:2")))
    );

    // A link to a part: `#part=PATH` shows its history.
    let go = "new Promise(done => { addEventListener('hashchange', () => done(1), { once: true }); \
              location.hash = 'part=' + encodeURIComponent('fleet::ship::dispatch'); })";
    tab.evaluate(go, true).expect("hash");
    let h = history(&tab);
    assert_eq!(h["Part"], "fleet::ship::dispatch");
    assert_eq!(
        h["Last sign-off"],
        format!("{} by <img src=x onerror=window.pwned=4>: {note}", &NOW[..10]).as_str(),
        "the logbook's note and signer, as text"
    );

    // Nothing ran that the sources wrote, nothing was fetched, the console stayed quiet.
    assert_eq!(js::<String>(&tab, "typeof window.pwned"), "undefined");
    assert_eq!(js::<usize>(&tab, "document.images.length + document.querySelectorAll('img').length"), 0);
    assert_eq!(js::<usize>(&tab, "document.scripts.length"), 2);
    assert_eq!(js::<usize>(&tab, "performance.getEntriesByType('resource').length"), 0);
    tab.evaluate("window.scrollTo(0, 0)", false).expect("scroll to the top");
    let shot = tab
        .capture_screenshot(
            headless_chrome::protocol::cdp::Page::CaptureScreenshotFormatOption::Png,
            None,
            None,
            true,
        )
        .expect("screenshot");
    let (requests, problems) = seen(&watch);
    assert_eq!(requests, [file_url(&fx.path("report.html"))], "only the page itself is loaded");
    assert!(problems.is_empty(), "the console reported: {problems:#?}");

    let path = target_dir().join("wear-html-report.png");
    std::fs::write(&path, shot).expect("write the screenshot");
    println!("screenshot: {}", path.display());
}

#[test]
fn hostile_remarks_and_authors_show_as_text() {
    use wear_cli::due::{DueItem, DueList, SCHEMA, Status};
    use wear_cli::report::{Format, RenderOptions, render};

    let script = "<script>window.pwned=1</script>";
    let img = "<img src=x onerror=\"window.pwned=2\">";
    let item = DueItem {
        part: "shop::cart::add".to_owned(),
        status: Status::Serviceable,
        serial: "0123456789abcdef".to_owned(),
        file: "src/cart.rs".to_owned(),
        lines: [1, 5],
        calls_since_overhaul: Some(10),
        calls_since_new: Some(10),
        busy_ns: None,
        failures: None,
        overhauled_at: Some(0),
        oldest_line_at: Some(0),
        signed_off_at: None,
        signed_off_by: None,
        signoff_note: None,
        commits: 1,
        authors: vec![img.to_owned()],
        nearest: None,
        projected_due: None,
        remarks: vec![script.to_owned(), format!("</script>{img}\u{2028}")],
    };
    let list = DueList {
        schema: SCHEMA,
        now: 86_400 * 30,
        head: None,
        shallow: false,
        usage_window: None,
        parts: vec![item],
    };
    let page = render(
        &list,
        Format::Html,
        &RenderOptions { color: false, fail_on: Status::Overdue, tool_version: "0" },
    );
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("hostile.html");
    std::fs::write(&path, page).expect("write");

    let browser = browser();
    let (tab, watch) = open(&browser, &path);
    click(&tab, "#treemap .cell[data-i=\"0\"]");
    let remarks: Vec<String> = js(
        &tab,
        "[...document.querySelectorAll('#history dd[data-field=Remarks] li')].map(l => l.textContent)",
    );
    assert_eq!(remarks, [script.to_owned(), format!("</script>{img}\u{2028}")]);
    assert_eq!(history(&tab)["Authors"], img);
    assert_eq!(js::<String>(&tab, "typeof window.pwned"), "undefined");
    assert_eq!(js::<usize>(&tab, "document.querySelectorAll('img').length"), 0);
    assert_eq!(js::<usize>(&tab, "document.scripts.length"), 2);
    let (requests, problems) = seen(&watch);
    assert_eq!(requests.len(), 1, "{requests:?}");
    assert!(problems.is_empty(), "{problems:#?}");
}

/// Runs a command that must fail with exit 2, naming `needle`, and change no file.
fn fails_cleanly(fx: &Fixture, args: &[&str], needle: &str) {
    let before = support::tree_bytes(fx.root());
    let out = fx.wear(args).output().expect("runs");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{args:?}: {stderr}");
    assert!(stderr.contains(needle), "{args:?}: expected {needle:?} in:\n{stderr}");
    assert!(out.stdout.is_empty(), "{args:?}: nothing on stdout");
    assert_eq!(support::tree_bytes(fx.root()), before, "{args:?} changed files");
}

#[test]
fn bad_input_writes_no_page() {
    let fx = workspace();
    usage(&fx);
    let html = ["report", "--now", NOW, "--format", "html"];
    fails_cleanly(&fx, &[&html[..], &["--output", "no/such/folder/wear.html"]].concat(), "wear.html");
    std::fs::create_dir(fx.path("a-folder")).expect("mkdir");
    fails_cleanly(&fx, &[&html[..], &["--output", "a-folder"]].concat(), "a-folder");

    // A report already there stays whole when the next one cannot be made.
    let ok =
        fx.wear(&[&html[..], &["--usage", "usage/fleet.json", "--output", "wear.html"]].concat()).output();
    assert!(ok.expect("runs").status.success());
    fx.write("usage/broken.json", "{\"format\": \"wear-snapshot/1\",\n  \"process\": ");
    fails_cleanly(
        &fx,
        &[&html[..], &["--usage", "usage/broken.json", "--output", "wear.html"]].concat(),
        "broken.json:2",
    );
    fails_cleanly(&fx, &["report", "--now", "soon", "--format", "html", "--output", "wear.html"], "`soon`");
    assert!(fx.read("wear.html").ends_with("</html>\n"));
}
