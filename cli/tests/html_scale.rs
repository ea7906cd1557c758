//! The HTML report at 15,000 parts, in headless Chromium: a generated workspace of 25 crates
//! (support/big.rs) with a usage snapshot for every part. The page opens on a summary (a frame
//! or block per crate, a bounded number of elements), drills down by clicking a block and a
//! frame's name, goes back by its breadcrumbs, lights up search matches in the treemap while
//! the table keeps only the matching rows (and only those in view exist), sorts, switches
//! colour and area, links each location to its file, and fetches nothing with a quiet console.
//! `heatmap --html` shows the parts the terminal would (`--top`, `--filter`) and, without
//! usage, opens on age. The timings are a benchmark's (cli/benches/html_page.rs), not asserted.
mod browser;
mod support;

use browser::{browser, click, file_url, js, open, seen};
use headless_chrome::Tab;
use serde_json::Value;
use support::big::{Shape, calls_of, with_page, workspace, write_usage};

const NOW: &str = "2026-11-21";
const SHAPE: Shape = Shape { crates: 25, modules: 20, functions: 25 };

/// The page's data, as embedded.
fn data(tab: &Tab) -> Value {
    serde_json::from_str(&js::<String>(tab, "document.getElementById('wear-data').textContent"))
        .expect("data")
}

fn crumbs(tab: &Tab) -> Vec<String> {
    js(tab, "[...document.querySelectorAll('#crumbs button, #crumbs .here')].map(n => n.textContent)")
}

/// The paths of the parts with a cell in the treemap.
fn cell_paths(tab: &Tab) -> Vec<String> {
    js(tab, "[...document.querySelectorAll('#treemap .cell title')].map(t => t.textContent.split(' (')[0])")
}

fn rows(tab: &Tab) -> Vec<String> {
    js(tab, "[...document.querySelectorAll('#due tbody tr[data-i]')].map(r => r.cells[0].textContent)")
}

#[test]
fn fifteen_thousand_parts_drill_down_search_and_sort() {
    assert_eq!(SHAPE.parts(), 15_000);
    let fx = with_page(SHAPE, NOW);
    let size = std::fs::metadata(fx.path("wear.html")).expect("page").len();
    println!("page: {size} bytes for {} parts", SHAPE.parts());

    let browser = browser();
    let (tab, watch) = open(&browser, &fx.path("wear.html"));
    let data = data(&tab);
    assert_eq!(data["parts"]["m"].as_array().map(Vec::len), Some(SHAPE.parts()));

    // A summary first: 25 crates, each a frame or a block, and far fewer elements than parts.
    assert_eq!(crumbs(&tab), ["all 15000 parts"]);
    let blocks: Vec<String> =
        js(&tab, "[...document.querySelectorAll('#treemap .block title')].map(t => t.textContent)");
    let frames: usize = js(&tab, "document.querySelectorAll('#treemap .group-label').length");
    assert!(blocks.len() + frames >= SHAPE.crates, "{} blocks, {frames} frames", blocks.len());
    let elements: usize = js(&tab, "document.querySelectorAll('#treemap *').length");
    assert!(elements < 6_000, "{elements} treemap elements for 15,000 parts");
    let table_rows: usize = js(&tab, "document.querySelectorAll('#due tbody tr').length");
    assert!(table_rows < 200, "{table_rows} rows in the DOM");

    // Drill down: the crate c03, then its module m7 (a frame's name or a block), then back.
    let open_module = |path: &str| {
        let clicked: bool = js(
            &tab,
            &format!(
                "(() => {{ const m = {}.modules; const want = {path:?}; \
                 const node = [...document.querySelectorAll('#treemap [data-m]')].find(n => {{ \
                   let k = Number(n.dataset.m), p = []; while (k !== null) {{ p.unshift(m[k][1]); k = m[k][0]; }} \
                   return p.join('::') === want; }}); \
                 if (!node) return false; node.dispatchEvent(new MouseEvent('click', {{ bubbles: true }})); return true; }})()",
                "JSON.parse(document.getElementById('wear-data').textContent)"
            ),
        );
        assert!(clicked, "{path} is drawn as a frame or a block");
    };
    open_module("c03");
    assert_eq!(crumbs(&tab), ["all 15000 parts", "c03"]);
    open_module("c03::m7");
    assert_eq!(crumbs(&tab), ["all 15000 parts", "c03", "m7"]);
    let mut cells = cell_paths(&tab);
    cells.sort();
    let mut want: Vec<String> = (0..SHAPE.functions).map(|f| format!("c03::m7::f{f}")).collect();
    want.extend((0..SHAPE.functions / 5).map(|g| format!("c03::m7::deep::g{g}")));
    want.sort();
    assert_eq!(cells, want, "the module's parts, each a cell (its deep module opened in place)");
    let labels: usize = js(&tab, "document.querySelectorAll('#treemap .cell-label').length");
    assert!(labels >= SHAPE.functions / 2, "{labels} cells labelled");
    click(&tab, "#crumbs button:last-of-type");
    assert_eq!(crumbs(&tab), ["all 15000 parts", "c03"], "a breadcrumb goes back a level");
    click(&tab, "#crumbs button[data-m='-1']");
    assert_eq!(crumbs(&tab), ["all 15000 parts"]);
    // A link to a module opens the treemap on it.
    let go = "new Promise(done => { addEventListener('hashchange', () => done(1), { once: true }); \
              location.hash = 'module=c11%3A%3Am4'; })";
    tab.evaluate(go, true).expect("hash");
    assert_eq!(crumbs(&tab), ["all 15000 parts", "c11", "m4"]);
    click(&tab, "#crumbs button[data-m='-1']");

    // Search: the table keeps the matches, the treemap lights up where they are.
    tab.find_element("#filter").expect("filter").type_into("c07::m1::f2").expect("type");
    // `c07::m1::f2` and `f20` to `f24`: not `c07::m10::...`, whose text goes on with a digit.
    let matching = (0..SHAPE.functions).filter(|f| format!("f{f}").starts_with("f2")).count();
    let shown: String = js(&tab, "document.getElementById('shown').textContent");
    assert_eq!(shown, format!("{matching} of 15000 parts"));
    assert!(rows(&tab).iter().all(|r| r.starts_with("c07::m1") && r.contains("::f2")), "{:?}", rows(&tab));
    let lit: Vec<String> = js(&tab, "[...document.querySelectorAll('#treemap .match')].map(n => n.tagName)");
    let dim: usize = js(&tab, "document.querySelectorAll('#treemap .dim').length");
    assert!(!lit.is_empty() && dim >= SHAPE.crates - 1, "{} lit, {dim} dimmed", lit.len());
    let lit_titles: Vec<String> = js(
        &tab,
        "[...document.querySelectorAll('#treemap .block.match title, #treemap .cell.match title')].map(t => t.textContent)",
    );
    assert!(lit_titles.iter().all(|t| t.starts_with("c07")), "{lit_titles:?}");
    tab.evaluate("(() => { const f = document.getElementById('filter'); f.value = ''; f.dispatchEvent(new Event('input')); })()", false)
        .expect("clear");
    assert_eq!(js::<usize>(&tab, "document.querySelectorAll('#treemap .dim').length"), 0);

    // Sort by calls, the busiest first; scrolled to the end, the last rows exist.
    click(&tab, "th[data-key=calls]");
    let paths: Vec<String> = {
        let mut p: Vec<(u64, usize, String)> = Vec::new();
        let report = fx
            .wear(&["report", "--now", NOW, "--usage", "usage/fleet.json", "--format", "json"])
            .output()
            .expect("report runs");
        let json: Value = serde_json::from_slice(&report.stdout).expect("json");
        for (i, part) in json["parts"].as_array().expect("parts").iter().enumerate() {
            let path = part["path"].as_str().expect("path").to_owned();
            assert_eq!(part["calls_since_overhaul"].as_u64(), Some(calls_of(&path)));
            p.push((calls_of(&path), i, path));
        }
        p.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
        p.into_iter().map(|x| x.2).collect()
    };
    let top = rows(&tab);
    assert_eq!(top[..20], paths[..20], "the busiest first");
    tab.evaluate(
        "(() => { const s = document.getElementById('due-scroll'); s.scrollTop = s.scrollHeight; })()",
        false,
    )
    .expect("scroll");
    std::thread::sleep(std::time::Duration::from_millis(300));
    let bottom = rows(&tab);
    assert_eq!(bottom.last(), paths.last(), "the least used last, drawn once scrolled to");
    assert!(bottom.len() < 200, "{} rows in the DOM", bottom.len());
    // A search from down there shows its few rows at once, from the top.
    tab.find_element("#filter").expect("filter").type_into("c07::m1::f2").expect("type");
    assert_eq!(rows(&tab).len(), 6, "the matches, not an empty table under a tall spacer");
    tab.evaluate(
        "(() => { const f = document.getElementById('filter'); f.value = ''; f.dispatchEvent(new Event('input')); })()",
        false,
    )
    .expect("clear");

    // The switches: colour by age recolours the blocks, area by lines re-lays them out.
    let fills = || -> Vec<String> {
        js(
            &tab,
            "[...document.querySelectorAll('#treemap .block, #treemap .cell')].map(n => n.getAttribute('fill'))",
        )
    };
    let boxes = || -> Vec<String> {
        js(
            &tab,
            "[...document.querySelectorAll('#treemap .block, #treemap .cell')].map(n => n.getAttribute('width') + 'x' + n.getAttribute('height'))",
        )
    };
    let (wear, by_calls) = (fills(), boxes());
    click(&tab, "input[name=colour][value=age]");
    assert_ne!(fills(), wear, "age recolours");
    assert!(js::<bool>(&tab, "!document.querySelector('[data-legend=age]').hidden"));
    click(&tab, "input[name=area][value=lines]");
    assert_ne!(boxes(), by_calls, "lines re-lay the treemap out");

    // Links: each location goes to its file in the workspace.
    let href: String = js(&tab, "document.querySelector('#due tbody tr[data-i] a').href");
    let text: String = js(&tab, "document.querySelector('#due tbody tr[data-i] a').textContent");
    let file = text.rsplit_once(':').map(|(f, _)| f).expect("file:line");
    assert_eq!(href, file_url(&fx.path(file)), "{text}");

    let (requests, problems) = seen(&watch);
    assert_eq!(requests, [file_url(&fx.path("wear.html"))], "only the page itself is loaded");
    assert!(problems.is_empty(), "the console reported: {problems:#?}");
}

/// `heatmap --html` shows what the terminal would: the parts after `--top` and `--filter`, and
/// with no usage the page opens on age, area by lines, and says why the wear map is empty.
#[test]
fn heatmap_html_shows_the_parts_drawn_and_opens_on_age_without_usage() {
    let fx = workspace(Shape { crates: 3, modules: 4, functions: 10 });
    let page = |args: &[&str]| -> Value {
        let mut all = vec!["heatmap", "--now", NOW, "--html", "page.html", "--color", "never"];
        all.extend_from_slice(args);
        let out = fx.wear(&all).output().expect("heatmap runs");
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        let html = fx.read("page.html");
        let start = html.find("id=\"wear-data\">").expect("data") + "id=\"wear-data\">".len();
        let end = start + html[start..].find("</script>").expect("end of data");
        let mut value: Value = serde_json::from_str(&html[start..end]).expect("json");
        value["html"] = Value::String(html);
        value
    };
    let all = page(&["--all"]);
    assert_eq!(all["parts"]["m"].as_array().map(Vec::len), Some(3 * 4 * 12));
    assert_eq!((all["open"]["colour"].as_str(), all["open"]["area"].as_str()), (Some("age"), Some("lines")));
    let html = all["html"].as_str().expect("page");
    assert!(html.contains("value=\"age\" checked") && html.contains("value=\"lines\" checked"));
    assert!(html.contains("id=\"no-map\"") && !html.contains("id=\"wearmap\""), "no empty wear map");
    let top = page(&["--all", "--top", "7"]);
    assert_eq!(top["parts"]["m"].as_array().map(Vec::len), Some(7));
    let filtered = page(&["--all", "--filter", "c01::m2::*"]);
    assert_eq!(filtered["parts"]["m"].as_array().map(Vec::len), Some(12));
    assert!(filtered["modules"].as_array().expect("modules").iter().all(|m| m[1] != "c00"));
    write_usage(&fx);
    let used = page(&["--usage", "usage/fleet.json", "--by", "age"]);
    assert_eq!(
        (used["open"]["colour"].as_str(), used["open"]["area"].as_str()),
        (Some("age"), Some("calls"))
    );
    let by_wear = page(&["--usage", "usage/fleet.json"]);
    assert_eq!(by_wear["open"]["colour"].as_str(), Some("wear"));
}

/// A workspace in a subfolder of its repository: files are named from the work tree, as the
/// repository's host names them, and the `file://` links start there too.
#[test]
fn links_start_at_the_work_tree_when_the_workspace_is_a_subfolder() {
    let fx = support::Fixture::new("sub");
    fx.write(
        "rust/Cargo.toml",
        "[workspace]\n\n[package]\nname = \"sub\"\nversion = \"0.1.0\"\nedition = \"2021\"\n",
    );
    fx.write("rust/src/lib.rs", "#[wear::tracked]\npub fn f() -> u8 {\n    1\n}\n");
    fx.commit("add", "Ana", "2026-01-01");
    let out = fx
        .wear(&["report", "--now", NOW, "--format", "html", "--manifest-path", "rust/Cargo.toml"])
        .output()
        .expect("report runs");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let html = String::from_utf8(out.stdout).expect("utf-8");
    let start = html.find("id=\"wear-data\">").expect("data") + "id=\"wear-data\">".len();
    let data: Value =
        serde_json::from_str(&html[start..start + html[start..].find("</script>").expect("end")])
            .expect("json");
    assert_eq!(data["files"][0], "rust/src/lib.rs");
    let root = file_url(fx.root());
    assert_eq!(data["source"]["file"].as_str(), Some(format!("{}/", root.trim_end_matches('/')).as_str()));
}
