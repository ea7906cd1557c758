//! A JSON writer for snapshots: objects, arrays, strings and whole numbers, pretty-printed.
//!
//! The runtime writes JSON itself rather than through `serde_json`: a dependency of `wear` is
//! a dependency of every instrumented crate, and `serde_json`'s `impl PartialEq<Value> for u32`
//! (and the like) joins every user's type inference, so that code such as
//! `assert_eq!(&v[..], &[])` stops compiling. The layout is serde_json's `to_string_pretty`
//! (two spaces per level, `"key": value`, every array element on its own line), so snapshots
//! read byte for byte as they did when serde_json wrote them; `cli/tests/snapshot_writer.rs`
//! checks that on arbitrary snapshots.
use std::fmt::Write;

/// Builds one JSON document into a `String`. Nothing here fails or panics: writing to a
/// `String` cannot fail, and the caller opens and closes containers in pairs.
#[derive(Debug, Default)]
pub(crate) struct Pretty {
    out: String,
    depth: usize,
    /// Whether the innermost open container already holds an element (the next one needs a
    /// comma). One flag is enough: a nested container that closes has made its parent non-empty.
    has_value: bool,
}

impl Pretty {
    /// A writer whose buffer holds `bytes` before it grows.
    pub(crate) fn with_capacity(bytes: usize) -> Pretty {
        Pretty { out: String::with_capacity(bytes), ..Pretty::default() }
    }

    /// The document written so far.
    pub(crate) fn finish(self) -> String {
        self.out
    }

    /// Opens an object, as a value (after [`key`](Pretty::key), in an array, or at the top).
    pub(crate) fn begin_object(&mut self) {
        self.open('{');
    }

    /// Closes the innermost object.
    pub(crate) fn end_object(&mut self) {
        self.close('}');
    }

    /// Opens an array, as a value.
    pub(crate) fn begin_array(&mut self) {
        self.open('[');
    }

    /// Closes the innermost array.
    pub(crate) fn end_array(&mut self) {
        self.close(']');
    }

    /// Starts a member of the innermost object: `"key": `; its value follows.
    pub(crate) fn key(&mut self, key: &str) {
        self.element();
        string(&mut self.out, key);
        self.out.push_str(": ");
    }

    /// Starts an element of the innermost array; its value follows.
    pub(crate) fn element(&mut self) {
        self.out.push_str(if self.has_value { ",\n" } else { "\n" });
        self.indent();
        self.has_value = true;
    }

    /// A string value.
    pub(crate) fn str(&mut self, text: &str) {
        string(&mut self.out, text);
    }

    /// A whole number.
    pub(crate) fn u64(&mut self, mut n: u64) {
        // Digits from the right into a buffer: `write!` goes through `fmt`'s machinery, which
        // made a snapshot's JSON about 5% slower than serde_json's (`benches/benches/collect.rs`).
        // u64::MAX has 20 digits, so `at` never goes below 0.
        let mut digits = [0u8; 20];
        let mut at = digits.len();
        loop {
            at -= 1;
            digits[at] = b'0' + (n % 10) as u8;
            n /= 10;
            if n == 0 {
                break;
            }
        }
        // ASCII digits only, so always UTF-8.
        self.out.push_str(std::str::from_utf8(&digits[at..]).unwrap_or_default());
    }

    /// `"key": "text"`.
    pub(crate) fn str_member(&mut self, key: &str, text: &str) {
        self.key(key);
        self.str(text);
    }

    /// `"key": n`.
    pub(crate) fn u64_member(&mut self, key: &str, n: u64) {
        self.key(key);
        self.u64(n);
    }

    fn open(&mut self, bracket: char) {
        self.out.push(bracket);
        self.depth += 1;
        self.has_value = false;
    }

    fn close(&mut self, bracket: char) {
        self.depth = self.depth.saturating_sub(1);
        // An empty container stays on one line: `[]`, `{}`.
        if self.has_value {
            self.out.push('\n');
            self.indent();
        }
        self.out.push(bracket);
        self.has_value = true;
    }

    fn indent(&mut self) {
        const SPACES: &str = "                ";
        let mut width = 2 * self.depth;
        while width > 0 {
            let step = width.min(SPACES.len());
            self.out.push_str(&SPACES[..step]);
            width -= step;
        }
    }
}

/// Appends `text` as a JSON string (RFC 8259, section 7): `"` and `\` escaped, control
/// characters (U+0000 to U+001F) as `\b`, `\t`, `\n`, `\f`, `\r` or `\u00XX`, everything else,
/// non-ASCII included, as its UTF-8 bytes, which a `String` already holds.
pub(crate) fn string(out: &mut String, text: &str) {
    out.reserve(text.len() + 2);
    out.push('"');
    let mut plain = 0;
    for (at, byte) in text.bytes().enumerate() {
        let escape = match byte {
            b'"' => "\\\"",
            b'\\' => "\\\\",
            b'\x08' => "\\b",
            b'\t' => "\\t",
            b'\n' => "\\n",
            b'\x0c' => "\\f",
            b'\r' => "\\r",
            0x00..=0x1f => "",
            _ => continue,
        };
        // `at` is an ASCII byte, so both slices end on character boundaries.
        out.push_str(&text[plain..at]);
        if escape.is_empty() {
            let _ = write!(out, "\\u{byte:04x}");
        } else {
            out.push_str(escape);
        }
        plain = at + 1;
    }
    out.push_str(&text[plain..]);
    out.push('"');
}

#[cfg(test)]
mod tests {
    use super::*;

    fn quoted(text: &str) -> String {
        let mut out = String::new();
        string(&mut out, text);
        out
    }

    #[test]
    fn strings_escape_quotes_backslashes_and_every_control_character() {
        assert_eq!(quoted(""), r#""""#);
        assert_eq!(quoted(r#"a "b" \c"#), r#""a \"b\" \\c""#);
        assert_eq!(quoted("\u{8}\t\n\u{c}\r"), r#""\b\t\n\f\r""#);
        assert_eq!(quoted("\0\u{1}\u{1b}[2J\u{1f}"), r#""\u0000\u0001\u001b[2J\u001f""#);
        // DEL and everything above U+001F are plain characters in JSON.
        assert_eq!(quoted("\u{7f} é ∑ 🦀 \u{2028}"), "\"\u{7f} é ∑ 🦀 \u{2028}\"");
        assert_eq!(quoted("/"), r#""/""#);
    }

    #[test]
    fn every_control_character_has_an_escape_and_nothing_else_does() {
        for c in (0..=0x7f_u8).map(char::from) {
            let text = quoted(&c.to_string());
            let escaped = text.len() > 3;
            assert_eq!(
                escaped,
                c.is_ascii_control() && c != '\u{7f}' || c == '"' || c == '\\',
                "{c:?}: {text}"
            );
        }
    }

    #[test]
    fn numbers_are_their_decimal_digits() {
        let mut state = 0x9e37_79b9_7f4a_7c15_u64;
        let mut numbers =
            vec![0, 1, 9, 10, 99, 100, u64::from(u32::MAX), i64::MAX as u64, u64::MAX - 1, u64::MAX];
        numbers.extend((0..10_000).map(|_| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state >> (state % 64)
        }));
        for n in numbers {
            let mut json = Pretty::default();
            json.u64(n);
            assert_eq!(json.finish(), n.to_string());
        }
    }

    #[test]
    fn deep_nesting_indents_two_spaces_a_level() {
        let mut json = Pretty::default();
        for _ in 0..12 {
            json.begin_array();
            json.element();
        }
        json.u64(7);
        for _ in 0..12 {
            json.end_array();
        }
        let text = json.finish();
        let seven = text.lines().find(|line| line.ends_with('7')).unwrap_or_default();
        assert_eq!(seven, format!("{}7", " ".repeat(24)));
    }

    #[test]
    fn layout_is_two_spaces_per_level_with_empty_containers_on_one_line() {
        let mut json = Pretty::default();
        json.begin_object();
        json.str_member("format", "x");
        json.key("empty");
        json.begin_array();
        json.end_array();
        json.key("list");
        json.begin_array();
        json.element();
        json.u64(1);
        json.element();
        json.begin_object();
        json.u64_member("n", u64::MAX);
        json.end_object();
        json.element();
        json.begin_object();
        json.end_object();
        json.end_array();
        json.end_object();
        let expected = "{\n  \"format\": \"x\",\n  \"empty\": [],\n  \"list\": [\n    1,\n    {\n      \"n\": 18446744073709551615\n    },\n    {}\n  ]\n}";
        assert_eq!(json.finish(), expected);
    }
}
