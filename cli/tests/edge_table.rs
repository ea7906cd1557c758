//! The guide's edge-case table holds exactly the rows the tests own: one per id of
//! `support::edge::IDS`, in that order, and nothing else between the markers.
mod support;

use support::edge::{CHAPTER, HEAD, IDS, chapter, rows};

#[test]
fn the_guide_holds_one_row_per_edge_case_and_nothing_else() {
    let text = std::fs::read_to_string(chapter()).expect(CHAPTER);
    let body = text
        .split_once("<!-- edge-cases:begin -->\n")
        .and_then(|(_, rest)| rest.split_once("<!-- edge-cases:end -->"))
        .map(|(body, _)| body)
        .unwrap_or_else(|| panic!("{CHAPTER} has no edge-cases markers"));
    let held: Vec<String> = rows(&text).into_iter().map(|(id, _)| id).collect();
    assert_eq!(
        held, IDS,
        "{CHAPTER}: rows missing, extra or out of order (run the tests with UPDATE_EXPECT=1)"
    );
    assert_eq!(
        body.lines().count(),
        HEAD.lines().count() + IDS.len(),
        "{CHAPTER}: only the head and one row per case sit between the markers"
    );
}
