//! Calls one function of `wear-linked-parts`, a leaf that calls no other part, and writes the
//! snapshot to the path given as the only argument: every other part of the library is linked
//! in only through wear's registry.
fn main() {
    let path = std::env::args_os().nth(1).expect("usage: wear-linked-check SNAPSHOT.json");
    assert_eq!(wear_linked_parts::text::word_count("one two three"), 3);
    wear::snapshot().write_to(path.as_ref()).expect("the snapshot is written");
}
