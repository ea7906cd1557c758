//! Changing a file's text at byte offsets, leaving every other byte as it was: no file is
//! printed again from its syntax tree, so formatting and comments stay as written.
//!
//! An attribute that starts a line is added on a line of its own above it, with the same
//! indentation and the line ending of that line (so a CRLF file stays CRLF); one that does not
//! (`fn a() { fn b() {} }` on one line) is added in place, followed by a space. Removing does the
//! opposite: the attribute's whole line when it is alone on it, else the attribute and the
//! spaces after it. So removing after adding gives back the original bytes.
use super::walk::Edit;

/// What `annotate` writes.
pub(crate) const ATTRIBUTE: &str = "#[wear::tracked]";

/// `text` with `edits` made. An edit at a place where the text is not what the walk said (a
/// bug, never the user's doing) is refused with what was found there.
pub(crate) fn apply(text: &str, edits: &[Edit]) -> Result<String, String> {
    let mut edits: Vec<&Edit> = edits.iter().collect();
    edits.sort_by_key(|edit| match edit {
        Edit::Insert(at) => *at,
        Edit::Delete(range) => range.start,
    });
    let mut out = String::with_capacity(text.len() + edits.len() * (ATTRIBUTE.len() + 8));
    let mut copied = 0;
    for edit in edits {
        match edit {
            Edit::Insert(at) => {
                let at = *at;
                let next = text.get(at..).and_then(|rest| rest.chars().next());
                if !next.is_some_and(|c| c == '#' || c.is_alphabetic() || c == '_') {
                    return Err(format!("no item starts at byte {at}"));
                }
                let start = line_start(text, at);
                let indent = &text[start..at];
                if indent.bytes().all(|b| b == b' ' || b == b'\t') && start >= copied {
                    out.push_str(&text[copied..start]);
                    out.push_str(indent);
                    out.push_str(ATTRIBUTE);
                    out.push_str(line_ending(text, at));
                    copied = start;
                } else if at >= copied {
                    out.push_str(&text[copied..at]);
                    out.push_str(ATTRIBUTE);
                    out.push(' ');
                    copied = at;
                } else {
                    return Err(format!("two changes meet at byte {at}"));
                }
            }
            Edit::Delete(range) => {
                let written = text.get(range.clone()).unwrap_or_default();
                let compact: String = written.chars().filter(|c| !c.is_whitespace()).collect();
                if compact != ATTRIBUTE {
                    return Err(format!("expected `{ATTRIBUTE}` at byte {}, found `{written}`", range.start));
                }
                let start = line_start(text, range.start);
                let end = text[range.end..].find('\n').map_or(text.len(), |n| range.end + n);
                let alone = text[start..range.start].bytes().all(|b| b == b' ' || b == b'\t')
                    && text[range.end..end].bytes().all(|b| b == b' ' || b == b'\t' || b == b'\r');
                let (cut_from, cut_to) = if alone {
                    (start, (end + 1).min(text.len()))
                } else {
                    let spaces = text[range.end..].bytes().take_while(|b| *b == b' ' || *b == b'\t').count();
                    (range.start, range.end + spaces)
                };
                if cut_from < copied {
                    return Err(format!("two changes meet at byte {}", range.start));
                }
                out.push_str(&text[copied..cut_from]);
                copied = cut_to;
            }
        }
    }
    out.push_str(&text[copied..]);
    Ok(out)
}

/// Where the line `at` is on starts; the first line starts after a byte order mark, which
/// is not indentation.
fn line_start(text: &str, at: usize) -> usize {
    let bom = if text.starts_with('\u{feff}') { '\u{feff}'.len_utf8() } else { 0 };
    text[..at].rfind('\n').map_or(bom, |n| n + 1)
}

/// The line ending of the line `at` is on; a last line without one takes the file's first.
fn line_ending(text: &str, at: usize) -> &'static str {
    let crlf = |end: usize| end > 0 && text.as_bytes()[end - 1] == b'\r';
    match text[at..].find('\n').map(|n| at + n).or_else(|| text.find('\n')) {
        Some(end) if crlf(end) => "\r\n",
        _ => "\n",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn insert(text: &str, needle: &str) -> String {
        let at = text.find(needle).expect("needle");
        apply(text, &[Edit::Insert(at)]).expect("applies")
    }

    #[test]
    fn on_a_line_of_its_own_with_the_indentation_and_line_ending() {
        assert_eq!(
            insert("mod m {\n\t/// doc\n\tfn f() {}\n}\n", "fn"),
            "mod m {\n\t/// doc\n\t#[wear::tracked]\n\tfn f() {}\n}\n"
        );
        assert_eq!(
            insert("  #[inline]\r\n  fn f() {}\r\n", "#["),
            "  #[wear::tracked]\r\n  #[inline]\r\n  fn f() {}\r\n"
        );
        assert_eq!(insert("fn a() { fn b() {} }", "fn b"), "fn a() { #[wear::tracked] fn b() {} }");
    }

    #[test]
    fn removing_gives_back_what_adding_changed() {
        for (text, needle) in [
            ("  #[inline]\r\n  fn f() {}\r\n", "#["),
            ("fn a() { fn b() {} }", "fn b"),
            ("/** doc */ pub(crate) fn f() {}\n", "pub"),
        ] {
            let added = insert(text, needle);
            let at = added.find(ATTRIBUTE).expect("added");
            let removed = apply(&added, &[Edit::Delete(at..at + ATTRIBUTE.len())]).expect("applies");
            assert_eq!(removed, text);
        }
    }

    #[test]
    fn an_edit_where_the_text_is_not_as_expected_is_refused() {
        assert!(apply("fn f() {}", &[Edit::Insert(2)]).is_err());
        assert!(apply("#[inline] fn f() {}", &[Edit::Delete(0..9)]).is_err());
    }
}
