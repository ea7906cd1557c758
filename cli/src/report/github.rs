//! The due list as GitHub Actions workflow commands: an `::error` annotation per overdue part
//! and a `::warning` per due-soon part, placed on the function's lines in the pull request,
//! then one `::notice` with the counts.
//!
//! GitHub reads a command up to the end of its line and splits properties on `,` and `:`, so
//! messages have `%`, `\r` and `\n` percent-encoded, and properties `:` and `,` as well; a
//! part path (`<S as Trait<T, U>>::f`) in a title therefore cannot end the command early, and
//! a file name holding `\n::error::` cannot start a command of its own.
use super::{RenderOptions, counts_text, finding_text, is_finding, window_text};
use crate::due::{DueList, Status};
use crate::present::words::parts_text;

/// Renders the commands, one per line.
pub(super) fn render(list: &DueList, _opts: &RenderOptions) -> String {
    let mut out = String::new();
    for item in list.parts.iter().filter(|p| is_finding(p.status)) {
        let command = if item.status == Status::Overdue { "error" } else { "warning" };
        let start = item.lines[0].max(1);
        let end = item.lines[1].max(start);
        let title = format!("{} is {}", item.part, item.status.as_str());
        out.push_str(&format!(
            "::{command} file={},line={start},endLine={end},title={}::{}\n",
            property(&item.file),
            property(&title),
            data(&finding_text(item, list.now)),
        ));
    }
    let summary =
        format!("cargo wear: {}: {}; {}", parts_text(list.parts.len()), counts_text(list), window_text(list));
    out.push_str(&format!("::notice::{}\n", data(&summary)));
    out
}

/// A command's message, escaped as GitHub's runner unescapes it (`%`, `\r`, `\n`), so it stays
/// one command on one line; other control characters and bidi overrides (an escape code the log
/// viewer would act on) become visible escapes such as `\u{1b}`.
pub(crate) fn data(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '%' => out.push_str("%25"),
            '\r' => out.push_str("%0D"),
            '\n' => out.push_str("%0A"),
            c if crate::safe_text::is_unsafe(c) => crate::safe_text::push_escape(&mut out, c),
            c => out.push(c),
        }
    }
    out
}

/// A command's property value, escaped as GitHub's runner unescapes it.
pub(crate) fn property(s: &str) -> String {
    data(s).replace(':', "%3A").replace(',', "%2C")
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Reverses the escaping the way the Actions runner does (`%25` last).
    fn unescape(s: &str) -> String {
        s.replace("%0D", "\r")
            .replace("%0A", "\n")
            .replace("%3A", ":")
            .replace("%2C", ",")
            .replace("%25", "%")
    }

    #[test]
    fn data_escapes_percent_and_line_breaks_only() {
        assert_eq!(data("100% done\r\nnext: a, b"), "100%25 done%0D%0Anext: a, b");
        assert_eq!(data("%0A"), "%250A");
        assert_eq!(data("\x1b[31mred\u{7}\t\u{202e}"), "\\u{1b}[31mred\\u{7}\\t\\u{202e}");
    }

    #[test]
    fn properties_also_escape_colon_and_comma() {
        let title = "<S as Trait<T, U>>::f is 50%\nodd";
        let escaped = property(title);
        assert_eq!(escaped, "<S as Trait<T%2C U>>%3A%3Af is 50%25%0Aodd");
        assert!(!escaped.contains([',', ':', '\n', '\r']));
        assert_eq!(unescape(&escaped), title);
        let tricky = "%3A,:%25";
        assert_eq!(unescape(&property(tricky)), tricky);
    }
}
