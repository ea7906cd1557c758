//! The due list as JUnit XML for GitLab and Jenkins: one test suite `cargo-wear` with a test
//! case per part (class name: the part's module, name: the part path). Parts at or past
//! `--fail-on` are failures; parts of unknown status (no usage data) that do not fail are
//! skipped, since nothing was measured; every other part passes, with its figures as output.
//!
//! Every attribute and text is escaped for XML 1.0; control characters other than tab, line
//! feed and carriage return (which XML 1.0 cannot carry) and bidi overrides become visible
//! escapes such as `\u{1b}`, and the few other characters XML 1.0 cannot carry become U+FFFD.
use super::{RenderOptions, due_date, fails, finding_text, nearest, remarks};
use crate::due::{DueItem, DueList, Status};
use crate::present::names::module_path;
use crate::present::text::one_line;
use crate::present::words::{age, busy, opt_count};
use crate::time::format_instant;

/// Renders the XML document, with a trailing newline.
pub(super) fn render(list: &DueList, opts: &RenderOptions) -> String {
    let tests = list.parts.len();
    let failures = list.parts.iter().filter(|p| fails(p.status, opts.fail_on)).count();
    let skipped = list.parts.iter().filter(|p| is_skipped(p.status, opts.fail_on)).count();
    let counts = format!(r#"tests="{tests}" failures="{failures}" errors="0" skipped="{skipped}""#);
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    out.push_str(&format!("<testsuites name=\"cargo-wear\" {counts}>\n"));
    out.push_str(&format!("  <testsuite name=\"cargo-wear\" {counts}>\n"));
    out.push_str("    <properties>\n");
    let mut properties = vec![
        ("tool-version", opts.tool_version.to_owned()),
        ("fail-on", opts.fail_on.as_str().to_owned()),
        ("now", format_instant(list.now)),
        ("shallow", list.shallow.to_string()),
    ];
    if let Some(head) = &list.head {
        properties.push(("head", head.clone()));
    }
    if let Some([from, to]) = list.usage_window {
        properties.push(("usage-from", format_instant(from)));
        properties.push(("usage-to", format_instant(to)));
    }
    for (name, value) in properties {
        out.push_str(&format!("      <property name=\"{name}\" value=\"{}\"/>\n", attr(&value)));
    }
    out.push_str("    </properties>\n");
    for item in &list.parts {
        push_case(&mut out, item, list.now, opts.fail_on);
    }
    out.push_str("  </testsuite>\n</testsuites>\n");
    out
}

/// Whether a part is reported as skipped: nothing measured it, and it does not fail.
fn is_skipped(status: Status, fail_on: Status) -> bool {
    status == Status::Unknown && !fails(status, fail_on)
}

/// Appends the test case of one part.
fn push_case(out: &mut String, item: &DueItem, now: i64, fail_on: Status) {
    out.push_str(&format!(
        "    <testcase classname=\"{}\" name=\"{}\" file=\"{}\" line=\"{}\">\n",
        attr(&module_path(&item.part)),
        attr(&item.part),
        attr(&item.file),
        item.lines[0],
    ));
    if fails(item.status, fail_on) {
        out.push_str(&format!(
            "      <failure type=\"{}\" message=\"{}\">{}</failure>\n",
            item.status.as_str(),
            attr(&finding_text(item, now)),
            text(&details(item, now)),
        ));
    } else {
        if is_skipped(item.status, fail_on) {
            out.push_str("      <skipped message=\"no usage data covers this part\"/>\n");
        }
        out.push_str(&format!("      <system-out>{}</system-out>\n", text(&details(item, now))));
    }
    out.push_str("    </testcase>\n");
}

/// The part's figures, one per line.
fn details(item: &DueItem, now: i64) -> String {
    let mut lines = vec![
        format!("status: {}", item.status.as_str()),
        format!(
            "calls since overhaul/new: {}/{}",
            opt_count(item.calls_since_overhaul),
            opt_count(item.calls_since_new)
        ),
        format!(
            "age since overhaul/oldest line: {}/{}",
            age(now, item.overhauled_at),
            age(now, item.oldest_line_at)
        ),
        format!("busy time: {}", busy(item.busy_ns)),
        format!("nearest limit: {}", nearest(item)),
        format!("projected due: {}", due_date(item)),
        format!("serial: {}", item.serial),
        format!("location: {}:{}-{}", one_line(&item.file), item.lines[0], item.lines[1]),
    ];
    lines.extend(remarks(item).into_iter().map(|r| format!("remark: {}", one_line(&r))));
    lines.join("\n")
}

/// Text content: `&`, `<`, `>` escaped, `\r` as a character reference so it survives parsing.
pub(super) fn text(s: &str) -> String {
    escape(s, false)
}

/// An attribute value in double quotes: also `"` and `'`, and tab and line breaks as
/// character references, which attribute-value normalization would otherwise turn into spaces.
pub(super) fn attr(s: &str) -> String {
    escape(s, true)
}

fn escape(s: &str, attribute: bool) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '\r' => out.push_str("&#13;"),
            '"' if attribute => out.push_str("&quot;"),
            '\'' if attribute => out.push_str("&apos;"),
            '\n' if attribute => out.push_str("&#10;"),
            '\t' if attribute => out.push_str("&#9;"),
            '\t' | '\n' => out.push(c),
            c if crate::safe_text::is_unsafe(c) => crate::safe_text::push_escape(&mut out, c),
            c if is_xml_char(c) => out.push(c),
            _ => out.push('\u{FFFD}'),
        }
    }
    out
}

/// Whether XML 1.0 can hold `c` at all (its `Char` production).
fn is_xml_char(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup_quotes_and_line_breaks() {
        assert_eq!(
            attr(r#"<S as T<"a", 'b'>> & co"#),
            "&lt;S as T&lt;&quot;a&quot;, &apos;b&apos;&gt;&gt; &amp; co"
        );
        assert_eq!(attr("a\nb\tc\rd"), "a&#10;b&#9;c&#13;d");
        assert_eq!(text("a\nb\tc\rd ]]> \"q\""), "a\nb\tc&#13;d ]]&gt; \"q\"");
    }

    #[test]
    fn characters_xml_cannot_hold_are_replaced() {
        assert_eq!(text("bell\u{7} nul\u{0} ok\u{1F600}"), "bell\\u{7} nul\\u{0} ok\u{1F600}");
        assert_eq!(attr("a\u{202e}b\x1b[2J"), "a\\u{202e}b\\u{1b}[2J");
        assert_eq!(attr("\u{FFFE}"), "\u{FFFD}");
    }
}
