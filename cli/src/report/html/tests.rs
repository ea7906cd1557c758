//! The HTML page as text: hostile strings from sources, usage and the logbook never become
//! markup, the embedded data reads back to the same strings, the page names nothing to fetch,
//! its policy runs only its own script, every part gets a cell in both layouts, and the same
//! list gives the same bytes.
use serde_json::Value;

use super::*;
use crate::due::{DueItem, LimitKind, LimitUse, SCHEMA, Status};
use crate::time::parse_instant;

const HOSTILE: &str =
    "<script>window.pwned=1</script><img src=x onerror=\"window.pwned=2\">&amp;\u{2028}\u{2029}'";

fn at(text: &str) -> i64 {
    parse_instant(text).expect("fixture instants are valid")
}

fn item(part: &str, status: Status) -> DueItem {
    DueItem {
        part: part.to_owned(),
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
        authors: vec!["Ada <ada@example.com>".to_owned()],
        nearest: Some(LimitUse { kind: LimitKind::Age, limit: "365d".to_owned(), percent: 112.6 }),
        projected_due: Some(at("2026-01-14T09:30:00Z")),
        remarks: vec![],
    }
}

fn list() -> DueList {
    let hostile_part = DueItem {
        file: format!("shop/src/{HOSTILE}.rs"),
        authors: vec![HOSTILE.to_owned()],
        remarks: vec![HOSTILE.to_owned(), "plain remark".to_owned()],
        ..item(&format!("shop::evil::{HOSTILE}"), Status::DueSoon)
    };
    let unused = DueItem {
        calls_since_overhaul: Some(0),
        calls_since_new: Some(0),
        lines: [30, 90],
        nearest: None,
        ..item("shop::stock::Stock::restock", Status::InStorage)
    };
    let unknown = DueItem {
        calls_since_overhaul: None,
        calls_since_new: None,
        overhauled_at: None,
        oldest_line_at: None,
        ..item("<shop::cart::Cart<T> as From<(u8, u16)>>::from", Status::Unknown)
    };
    let mut list = DueList {
        schema: SCHEMA,
        now: at("2026-03-02T00:00:00Z"),
        head: Some("4f1c2e9a0b7d3c5e6f8091a2b3c4d5e6f708192a".to_owned()),
        shallow: false,
        usage_window: Some([at("2026-01-01T00:00:00Z"), at("2026-03-01T18:00:00Z")]),
        parts: vec![item("shop::cart::Cart::add_item", Status::Overdue), hostile_part, unused, unknown],
    };
    list.sort();
    list
}

fn page(list: &DueList) -> String {
    render(list, &RenderOptions { color: false, fail_on: Status::Overdue, tool_version: "0.1.0" })
}

/// The text of the `<script type="application/json">` element.
fn embedded_json(page: &str) -> &str {
    let open = "<script type=\"application/json\" id=\"wear-data\">";
    let start = page.find(open).expect("data element") + open.len();
    &page[start..start + page[start..].find("</script>").expect("data element closes")]
}

#[test]
fn hostile_strings_never_become_markup() {
    let page = page(&list());
    // The only elements are the page's own: two scripts (the data and the code), no <img>.
    assert_eq!(page.matches("<script").count(), 2, "only the page's own scripts");
    assert_eq!(page.matches("</script>").count(), 2);
    assert!(!page.contains("<img"), "an <img> from a part path or remark");
    assert!(!page.contains("onerror=\""), "an attribute from a remark");
    // In the data it is escaped as JSON and reads back unchanged.
    let json = embedded_json(&page);
    assert!(!json.contains('<') && !json.contains('>') && !json.contains('&'), "{json}");
    assert!(json.contains("\\u003cscript\\u003ewindow.pwned=1\\u003c/script\\u003e"));
    assert!(json.contains("\\u2028\\u2029") && !json.contains('\u{2028}') && !json.contains('\u{2029}'));
    let data: Value = serde_json::from_str(json).expect("the embedded data is JSON");
    let i = data["parts"]["s"].as_array().expect("statuses").iter().position(|s| s == 1).expect("due-soon");
    assert_eq!(path_of(&data, i), format!("shop::evil::{HOSTILE}"));
    assert_eq!(data["remarks"][i.to_string()][0], HOSTILE);
    assert_eq!(data["people"][data["parts"]["a"][i][0].as_u64().expect("author") as usize], HOSTILE);
    assert_eq!(
        data["files"][data["parts"]["f"][i].as_u64().expect("file") as usize],
        format!("shop/src/{HOSTILE}.rs")
    );
}

/// Part `i`'s path as the page's script reads it: its module's path and its last segment, or
/// the whole path where the data gives one.
fn path_of(data: &Value, i: usize) -> String {
    if let Some(whole) = data["whole"].get(i.to_string()) {
        return whole[0].as_str().expect("path").to_owned();
    }
    let mut m = data["parts"]["m"][i].as_u64();
    let mut segments = vec![data["parts"]["t"][i].as_str().expect("tail").to_owned()];
    while let Some(k) = m {
        let module = &data["modules"][k as usize];
        segments.insert(0, module[1].as_str().expect("label").to_owned());
        m = module[0].as_u64();
    }
    segments.join("::")
}

#[test]
fn escaping_covers_html_and_script_data() {
    assert_eq!(escape_html("<a href=\"x\">&'</a>"), "&lt;a href=&quot;x&quot;&gt;&amp;&#39;&lt;/a&gt;");
    let json = json_for_script(&serde_json::json!({ "k": "</script><!-- & \u{2028}" }));
    assert_eq!(json, r#"{"k":"\u003c/script\u003e\u003c!-- \u0026 \u2028"}"#);
    let back: Value = serde_json::from_str(&json).expect("json");
    assert_eq!(back["k"], "</script><!-- & \u{2028}");
}

#[test]
fn the_page_fetches_nothing_and_runs_only_its_own_script() {
    let mut benign = list();
    benign.parts.retain(|p| !p.part.contains("evil"));
    let page = page(&benign);
    let csp_start = page.find("Content-Security-Policy\" content=\"").expect("a policy") + 34;
    let csp = &page[csp_start..csp_start + page[csp_start..].find('"').expect("policy ends")];
    assert!(csp.starts_with("default-src 'none'; "), "{csp}");
    let hash = base64::Engine::encode(&base64::engine::general_purpose::STANDARD, Sha256::digest(SCRIPT));
    assert!(csp.contains(&format!("script-src 'sha256-{hash}';")), "{csp}");
    assert!(!csp.contains("unsafe-eval") && !csp.contains("script-src 'unsafe-inline'"));
    assert!(page.contains(&format!("<script>{SCRIPT}</script>")), "the hashed text is the script as inlined");
    for fetching in ["src=", "href=\"http", "@import", "url(", "fetch(", "XMLHttpRequest", "//cdn"] {
        assert!(!page.contains(fetching), "{fetching} in the page");
    }
    assert!(
        !SCRIPT.contains("</script") && !STYLE.contains("</style"),
        "the inlined files cannot close early"
    );
}

#[test]
fn every_part_reads_back_whole_and_sits_in_its_module() {
    let list = list();
    let page = page(&list);
    let data: Value = serde_json::from_str(embedded_json(&page)).expect("json");
    let paths: Vec<String> = (0..list.parts.len()).map(|i| path_of(&data, i)).collect();
    let want: Vec<&str> = list.parts.iter().map(|p| p.part.as_str()).collect();
    assert_eq!(paths, want);
    let modules: Vec<&str> =
        data["modules"].as_array().expect("modules").iter().map(|m| m[1].as_str().expect("label")).collect();
    assert!(modules.contains(&"Cart<T>"), "a trait impl sits in its self type: {modules:?}");
    assert!(modules.contains(&"Stock"), "{modules:?}");
    // Wear and age colour a part differently; one without an age has no age step.
    assert_ne!(data["parts"]["hw"], data["parts"]["ha"]);
    let unknown = list.parts.iter().position(|p| p.overhauled_at.is_none()).expect("a part not in git");
    assert!(data["parts"]["ha"][unknown].is_null());
    // Instants and counts are exact: the oldest line is the overhaul less the offset.
    let o = data["parts"]["o"][0].as_i64().expect("overhauled");
    assert_eq!(Some(o), list.parts[0].overhauled_at);
    assert_eq!(Some(o - data["parts"]["ol"][0].as_i64().expect("offset")), list.parts[0].oldest_line_at);
}

#[test]
fn the_same_list_gives_the_same_bytes() {
    assert_eq!(page(&list()), page(&list()));
    let empty =
        DueList { schema: SCHEMA, now: 0, head: None, shallow: true, usage_window: None, parts: vec![] };
    let text = page(&empty);
    assert!(
        text.contains("0 parts: 0 overdue") && text.contains("no usage data") && text.contains("Shallow")
    );
    assert!(text.ends_with("</html>\n") && !text.contains("NaN"));
}

#[test]
fn module_frames_follow_the_part_path() {
    use super::data::module_segments;
    assert_eq!(module_segments("shop::cart::Cart::add_item"), ["shop", "cart", "Cart"]);
    assert_eq!(module_segments("<shop::Map<K, V> as Index<&K>>::index"), ["shop", "Map<K, V>"]);
    assert_eq!(module_segments("main"), Vec::<&str>::new());
}

#[test]
fn calls_since_new_survive_a_serial_with_no_usage_yet() {
    // The current serial has no usage, older serials had 500 calls.
    let changed = DueItem {
        calls_since_overhaul: None,
        calls_since_new: Some(500),
        ..item("shop::cart::Cart::add_item", Status::Unknown)
    };
    let list = DueList { parts: vec![changed], ..list() };
    let data: Value = serde_json::from_str(embedded_json(&page(&list))).expect("json");
    assert!(data["parts"]["c"].is_null(), "no part has calls since overhaul");
    assert_eq!(data["parts"]["cn"][0], 500);
}
