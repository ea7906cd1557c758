//! The due list as GitHub-flavoured Markdown, for a pull-request comment or
//! `$GITHUB_STEP_SUMMARY`: a heading, a line of counts, a table of the parts that need a look
//! (overdue and due soon), and the rest of the parts folded away in `<details>`.
//!
//! Part paths such as `<S as Trait<T>>::f` go in code spans, whose fence is longer than any
//! backtick run inside and whose `|` are escaped (GFM splits table cells on `|` even inside
//! code); free text such as remarks has its Markdown and HTML characters escaped.
use super::{RenderOptions, SHALLOW_NOTE, due_date, is_finding, location, nearest, remarks, window_text};
use crate::due::{DueItem, DueList, Status};
use crate::present::text::one_line;
use crate::present::words::{age, busy, opt_count, parts_text};
use crate::time::format_date;

/// The table header and its alignment row.
const HEADER: &str = "| Part | Status | Calls (overhaul/new) | Age (overhaul/oldest) | Busy | Nearest limit | Projected due | Location |\n\
                      | --- | --- | ---: | ---: | ---: | --- | --- | --- |\n";

/// Renders the Markdown report.
pub(super) fn render(list: &DueList, _opts: &RenderOptions) -> String {
    let (urgent, rest): (Vec<&DueItem>, Vec<&DueItem>) =
        list.parts.iter().partition(|p| is_finding(p.status));
    let mut out = String::from("## cargo wear: due list\n\n");
    let counts: Vec<String> = list
        .counts()
        .iter()
        .map(|(status, n)| {
            let text = format!("{n} {}", status.as_str());
            if is_finding(*status) && *n > 0 { format!("**{text}**") } else { text }
        })
        .collect();
    out.push_str(&format!(
        "{}: {}\n\nAs of {}, {}.\n\n",
        parts_text(list.parts.len()),
        counts.join(" · "),
        format_date(list.now),
        window_text(list),
    ));
    if list.shallow {
        out.push_str(&format!("> {}.\n\n", text(&capitalized(SHALLOW_NOTE))));
    }
    if urgent.is_empty() {
        out.push_str("No part is overdue or due soon.\n");
    } else {
        push_table(&mut out, &urgent, list.now);
    }
    if !rest.is_empty() {
        let rest_counts: Vec<String> = list
            .counts()
            .iter()
            .filter(|(status, n)| !is_finding(*status) && *n > 0)
            .map(|(status, n)| format!("{n} {}", status.as_str()))
            .collect();
        let what = match (urgent.is_empty(), rest.len()) {
            (true, _) => parts_text(rest.len()),
            (false, 1) => "1 more part".to_owned(),
            (false, n) => format!("{n} more parts"),
        };
        out.push_str(&format!("\n<details>\n<summary>{what}: {}</summary>\n\n", rest_counts.join(", ")));
        push_table(&mut out, &rest, list.now);
        out.push_str("\n</details>\n");
    }
    out
}

/// Appends a table of `parts`.
fn push_table(out: &mut String, parts: &[&DueItem], now: i64) {
    out.push_str(HEADER);
    for item in parts {
        let mut part = code(&item.part);
        for remark in remarks(item) {
            part.push_str(&format!("<br><sub>{}</sub>", text(&remark)));
        }
        let status = match item.status {
            Status::Overdue | Status::DueSoon => format!("**{}**", item.status.as_str()),
            _ => item.status.as_str().to_owned(),
        };
        let cells = [
            part,
            status,
            format!("{}/{}", opt_count(item.calls_since_overhaul), opt_count(item.calls_since_new)),
            format!("{}/{}", age(now, item.overhauled_at), age(now, item.oldest_line_at)),
            busy(item.busy_ns),
            text(&nearest(item)),
            due_date(item),
            code(&location(item)),
        ];
        out.push_str(&format!("| {} |\n", cells.join(" | ")));
    }
}

/// `s` as an inline code span inside a table cell: the fence is one backtick longer than the
/// longest run inside, padded with a space when `s` starts or ends with a backtick, `|` is
/// escaped for the table, and line breaks, control characters and bidi overrides are visible
/// escapes (`\n`, `\u{1b}`), so a cell stays one table row.
pub(crate) fn code(s: &str) -> String {
    let longest_run = s.split(|c| c != '`').map(str::len).max().unwrap_or(0);
    let fence = "`".repeat(longest_run + 1);
    let pad = if s.starts_with('`') || s.ends_with('`') { " " } else { "" };
    let body = one_line(s).replace('|', "\\|");
    format!("{fence}{pad}{body}{pad}{fence}")
}

/// `s` as literal text in a table cell: Markdown punctuation backslash-escaped, HTML
/// characters as entities, line breaks, control characters and bidi overrides as visible
/// escapes.
pub(crate) fn text(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in one_line(s).chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '\\' | '`' | '*' | '_' | '[' | ']' | '|' | '#' | '~' | '!' => {
                out.push('\\');
                out.push(c);
            }
            c => out.push(c),
        }
    }
    out
}

/// `s` with its first letter in upper case.
fn capitalized(s: &str) -> String {
    let mut chars = s.chars();
    chars.next().map(|c| c.to_uppercase().chain(chars).collect()).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn code_spans_survive_backticks_and_pipes() {
        assert_eq!(code("<S as Trait<T>>::f"), "`<S as Trait<T>>::f`");
        assert_eq!(code("a|b"), "`a\\|b`");
        assert_eq!(code("a`b"), "``a`b``");
        assert_eq!(code("`x``"), "``` `x`` ```");
        assert_eq!(code("a\nb\x1b[2J\u{202e}"), "`a\\nb\\u{1b}[2J\\u{202e}`");
    }

    #[test]
    fn text_escapes_markdown_and_html() {
        assert_eq!(text("a|b <i> *x* [l](u) `c` \\"), "a\\|b &lt;i&gt; \\*x\\* \\[l\\](u) \\`c\\` \\\\");
    }
}
