//! Text from outside (part and file paths from usage files and the scanned tree, git author
//! names, logbook signers and notes, backend answers, values quoted in error messages) made safe
//! to show: every character a terminal, a log viewer or a CI runner would act on instead of
//! showing is replaced by a visible escape, so `\x1b]52;...` (set the clipboard), `\x1b[2J`
//! (clear the screen), `\r` (overwrite the line), a line break followed by `::error::` (a
//! GitHub workflow command) or a bidi override (a "Trojan Source" reordering) all print as
//! plain text such as `\u{1b}]52;...` or `\u{202e}`.
//!
//! Escaping, not stripping: the reader still sees that something odd was there and what it
//! was, and two different hostile names stay different. `strip-ansi-escapes` removes whole
//! ANSI sequences only (a lone `\r` or a bidi override passes) and loses the information;
//! `char::escape_debug` also escapes quotes and backslashes, which would garble part paths such
//! as `<S as T<'a>>::f` and Windows paths. Hence this one small function, used by every writer
//! at the boundary; wear's own colours are added after it, so they are kept.
use std::borrow::Cow;
use std::path::Path;

/// Whether `c` must not reach a terminal or a log as it is: a C0 control character (line
/// breaks and tab included), DEL, a C1 control character (U+0080–U+009F, where U+009B is an
/// 8-bit CSI), a bidi embedding, override or isolate (U+202A–U+202E, U+2066–U+2069, the ones
/// rustc's `text_direction_codepoint_in_literal` lint names), or a line or paragraph separator
/// (U+2028, U+2029), which some viewers take as a line break.
pub fn is_unsafe(c: char) -> bool {
    c.is_control() || matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{2028}' | '\u{2029}')
}

/// `s` on one line with every [unsafe](is_unsafe) character written as a visible escape:
/// `\n`, `\r`, `\t`, else `\u{HEX}` (`\u{1b}`, `\u{202e}`). Borrows when nothing needs escaping.
pub(crate) fn escape(s: &str) -> Cow<'_, str> {
    escape_keeping(s, false)
}

/// Like [`escape`], but line breaks (`\n`) are kept: for text of several lines that wear itself
/// splits, such as a failed build's output.
pub(crate) fn escape_lines(s: &str) -> Cow<'_, str> {
    escape_keeping(s, true)
}

fn escape_keeping(s: &str, newlines: bool) -> Cow<'_, str> {
    if !s.chars().any(|c| is_unsafe(c) && !(newlines && c == '\n')) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        match c {
            '\n' if newlines => out.push('\n'),
            c if is_unsafe(c) => push_escape(&mut out, c),
            c => out.push(c),
        }
    }
    Cow::Owned(out)
}

/// A path as [`escape`] shows it: a file name in the scanned tree may hold anything but `/`.
pub(crate) fn path(path: &Path) -> String {
    escape(&path.display().to_string()).into_owned()
}

/// Serialized JSON with every unsafe character that `serde_json` leaves as it is (bidi
/// overrides, line and paragraph separators; it already escapes control characters) written as
/// a `\uXXXX` escape. Lossless: such characters only occur inside strings, and a JSON reader
/// gets the same values back; a person who prints the file sees no reordered text.
pub(crate) fn json(text: String) -> String {
    if !text.chars().any(|c| is_unsafe(c) && !c.is_control()) {
        return text;
    }
    let mut out = String::with_capacity(text.len() + 16);
    for c in text.chars() {
        match c {
            c if is_unsafe(c) && !c.is_control() => out.push_str(&format!("\\u{:04x}", u32::from(c))),
            c => out.push(c),
        }
    }
    out
}

/// Appends the visible escape of one unsafe character.
pub(crate) fn push_escape(out: &mut String, c: char) {
    match c {
        '\n' => out.push_str("\\n"),
        '\r' => out.push_str("\\r"),
        '\t' => out.push_str("\\t"),
        c => out.push_str(&format!("\\u{{{:x}}}", u32::from(c))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn controls_and_bidi_become_visible_escapes() {
        assert_eq!(escape("a\x1b]52;c;SGVsbG8=\x07b"), "a\\u{1b}]52;c;SGVsbG8=\\u{7}b");
        assert_eq!(escape("x\x1b[2J\r\n::error::y\t"), "x\\u{1b}[2J\\r\\n::error::y\\t");
        assert_eq!(escape("\u{9b}31m\u{7f}"), "\\u{9b}31m\\u{7f}");
        assert_eq!(escape("admin\u{202E}gnp.exe\u{2066}\u{2069}"), "admin\\u{202e}gnp.exe\\u{2066}\\u{2069}");
        assert_eq!(escape("a\u{2028}b"), "a\\u{2028}b");
        assert_eq!(escape_lines("one\ntwo\x1b[1m\r"), "one\ntwo\\u{1b}[1m\\r");
    }

    #[test]
    fn json_keeps_its_values_and_shows_no_bidi_override() {
        let value = serde_json::json!({"author": "Eve \u{202e}\u{2066}x\u{2029}\x1b[2J"});
        let text = json(serde_json::to_string(&value).expect("serializes"));
        assert_eq!(text, r#"{"author":"Eve \u202e\u2066x\u2029\u001b[2J"}"#);
        assert_eq!(serde_json::from_str::<serde_json::Value>(&text).expect("parses"), value);
    }

    #[test]
    fn ordinary_text_is_borrowed_unchanged() {
        for s in ["<S as T<'a>>::f", "src\\win.rs", "Zoë Ng <zoe@example.com>", "漢字 | `x` *y*", ""] {
            assert!(matches!(escape(s), Cow::Borrowed(b) if b == s), "{s}");
        }
        for c in (0..=0x10FFFFu32).filter_map(char::from_u32) {
            let escaped = escape(c.encode_utf8(&mut [0; 4])).into_owned();
            assert!(!escaped.chars().any(is_unsafe), "{c:?} -> {escaped:?}");
        }
    }
}
