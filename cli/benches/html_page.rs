//! The HTML report at scale, timed in headless Chromium: a generated workspace of 15,000 parts
//! (cli/tests/support/big.rs) with usage for every part, its page from `cargo wear report
//! --format html`, and beside it, measured in the same run, a baseline page that puts every
//! row in the DOM at load and sorts by moving the rows (as the report's table did before it
//! kept only the rows in view). Prints the file size, the time to a drawn page, and the time
//! from a sort, a search or a click into a module to the next painted frame (median of 5).
//!
//!   cargo bench -p cargo-wear --bench html_page            # 15,000 parts
//!   cargo bench -p cargo-wear --bench html_page -- --quick # 2,400 parts (CI's smoke run)
//!
//! Targets: page built ≤ 1 s, a repaint ≤ 200 ms, the file ≤ 2 MB.
#[path = "../tests/browser/mod.rs"]
mod browser;
#[path = "../tests/support/mod.rs"]
mod support;

use std::path::Path;

use browser::{browser, js, open};
use headless_chrome::Tab;
use serde_json::Value;
use support::big::{Shape, with_page};

const NOW: &str = "2026-11-21";

fn main() {
    let quick = std::env::args().any(|a| a == "--quick") || std::env::var_os("WEAR_BENCH_QUICK").is_some();
    let shape = if quick {
        Shape { crates: 8, modules: 10, functions: 25 }
    } else {
        Shape { crates: 25, modules: 20, functions: 25 }
    };
    let fx = with_page(shape, NOW);
    let page = fx.path("wear.html");
    let baseline = fx.path("baseline.html");
    std::fs::write(&baseline, baseline_page(&page)).expect("write the baseline");

    let browser = browser();
    println!("HTML report, {} parts, headless Chromium, median of 5", shape.parts());
    println!("{:<34} {:>14} {:>22}", "", "wear's page", "baseline: every row");
    let size = |p: &Path| std::fs::metadata(p).map(|m| m.len()).unwrap_or(0) as f64 / 1e6;
    println!("{:<34} {:>11.2} MB {:>19.2} MB", "file", size(&page), size(&baseline));
    let (mut ours, mut theirs) = (Timings::default(), Timings::default());
    for _ in 0..5 {
        ours.add(&measure(&browser, &page, true));
        theirs.add(&measure(&browser, &baseline, false));
    }
    for (name, a, b) in [
        ("page built (navigation to drawn)", &ours.built, &theirs.built),
        ("sort by calls, to the next frame", &ours.sort, &theirs.sort),
        ("search, to the next frame", &ours.search, &theirs.search),
    ] {
        println!("{name:<34} {:>11.0} ms {:>19.0} ms", median(a), median(b));
    }
    println!("{:<34} {:>11.0} ms {:>22}", "open a crate, to the next frame", median(&ours.zoom), "-");
    println!("{:<34} {:>14} {:>22}", "elements in the page", ours.elements, theirs.elements);
}

#[derive(Default)]
struct Timings {
    built: Vec<f64>,
    sort: Vec<f64>,
    search: Vec<f64>,
    zoom: Vec<f64>,
    elements: usize,
}

impl Timings {
    fn add(&mut self, one: &Timings) {
        self.built.extend(&one.built);
        self.sort.extend(&one.sort);
        self.search.extend(&one.search);
        self.zoom.extend(&one.zoom);
        self.elements = one.elements;
    }
}

fn median(values: &[f64]) -> f64 {
    let mut v = values.to_vec();
    v.sort_by(f64::total_cmp);
    v.get(v.len() / 2).copied().unwrap_or(f64::NAN)
}

/// Milliseconds from running `action` to the frame after it.
fn repaint(tab: &Tab, action: &str) -> f64 {
    let script = format!(
        "new Promise(done => {{ const t = performance.now(); {action}; \
         requestAnimationFrame(() => setTimeout(() => done(performance.now() - t), 0)); }})"
    );
    let result = tab.evaluate(&script, true).expect("timed action");
    result.value.as_ref().and_then(Value::as_f64).expect("a time")
}

/// One load of `page` and its interactions.
fn measure(browser: &headless_chrome::Browser, page: &Path, ours: bool) -> Timings {
    let (tab, _) = open(browser, page);
    let built: f64 = js(
        &tab,
        "(performance.getEntriesByName('wear-drawn')[0] || performance.getEntriesByType('navigation')[0]).startTime \
         || performance.getEntriesByType('navigation')[0].loadEventEnd",
    );
    let sort = repaint(&tab, "document.querySelector('th[data-key=calls]').click()");
    let search = repaint(
        &tab,
        "const f = document.getElementById('filter'); f.value = 'm1::f2'; f.dispatchEvent(new Event('input'))",
    );
    let zoom = if ours {
        repaint(
            &tab,
            "document.querySelector('#treemap [data-m]').dispatchEvent(new MouseEvent('click', { bubbles: true }))",
        )
    } else {
        f64::NAN
    };
    let elements: usize = js(&tab, "document.getElementsByTagName('*').length");
    let _ = tab.close(true);
    Timings { built: vec![built], sort: vec![sort], search: vec![search], zoom: vec![zoom], elements }
}

/// The same parts as a page that builds every row at load and sorts and filters by moving
/// and hiding rows: the table as it was before it kept only the rows in view.
fn baseline_page(page: &Path) -> String {
    let html = std::fs::read_to_string(page).expect("the page");
    let open = "id=\"wear-data\">";
    let start = html.find(open).expect("data") + open.len();
    let data = &html[start..start + html[start..].find("</script>").expect("end")];
    let script = r##"
const data = JSON.parse(document.getElementById("wear-data").textContent);
const P = data.parts, n = P.m.length, path = [];
data.modules.forEach(([p, l], m) => path.push(p === null ? l : path[p] + "::" + l));
const rows = [];
for (let i = 0; i < n; i++) {
  const tr = document.createElement("tr");
  for (const text of [path[P.m[i]] + "::" + P.t[i], data.statuses[P.s[i]], String(P.c ? P.c[i] : ""),
                      String(P.w ? P.w[i] : ""), String(P.o ? P.o[i] : ""), "", data.files[P.f[i]] + ":" + P.l[i]]) {
    const td = document.createElement("td"); td.textContent = text; tr.append(td);
  }
  rows.push(tr);
}
const tbody = document.querySelector("#due tbody");
tbody.replaceChildren(...rows);
document.querySelector("th[data-key=calls]").addEventListener("click", () => {
  const order = rows.map((_, i) => i).sort((a, b) => (P.c[b] - P.c[a]) || a - b);
  tbody.replaceChildren(...order.map((i) => rows[i]));
});
const filter = document.getElementById("filter");
filter.addEventListener("input", () => {
  const q = filter.value;
  rows.forEach((r) => { r.hidden = !r.cells[0].textContent.includes(q); });
});
performance.mark("wear-drawn");
"##;
    format!(
        "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>baseline</title></head><body>\
         <input id=\"filter\"><table id=\"due\"><thead><tr><th data-key=\"part\">Part</th><th>Status</th>\
         <th data-key=\"calls\">Calls</th><th>Nearest</th><th>Age</th><th>Due</th><th>Location</th></tr></thead>\
         <tbody></tbody></table><svg id=\"treemap\"></svg>\
         <script type=\"application/json\" id=\"wear-data\">{data}</script><script>{script}</script></body></html>"
    )
}
