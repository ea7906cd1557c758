//! Text for a terminal or a log: one line with nothing a terminal would act on, and text cut
//! or wrapped to a number of columns, counted as a terminal shows them ([`width`]): a CJK
//! character or an emoji takes two columns, a combining mark none.
use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

/// The columns `text` takes in a terminal, so that columns line up whatever the script.
pub(crate) fn width(text: &str) -> usize {
    text.width()
}

/// Spaces that fill `text` out to `columns` terminal columns.
pub(crate) fn pad_to(text: &str, columns: usize) -> String {
    " ".repeat(columns.saturating_sub(width(text)))
}

/// The longest start of `text` that takes at most `columns` columns.
fn take_columns(text: &str, columns: usize) -> &str {
    let mut used = 0;
    for (at, c) in text.char_indices() {
        used += c.width().unwrap_or(0);
        if used > columns {
            return &text[..at];
        }
    }
    text
}

/// `s` on one line with nothing a terminal, a log viewer or a CI runner would act on: line
/// breaks, escape codes, other control characters and bidi overrides become visible escapes
/// (`\n`, `\u{1b}`, `\u{202e}`), as [`crate::safe_text::escape`] writes them.
pub(crate) fn one_line(s: &str) -> String {
    crate::safe_text::escape(s).into_owned()
}

/// `text` cut to `columns` columns, ending in `…` when cut.
pub(crate) fn fit(text: &str, columns: usize) -> String {
    if width(text) <= columns {
        return text.to_owned();
    }
    if columns == 0 {
        return String::new();
    }
    format!("{}…", take_columns(text, columns - 1))
}

/// A module path (`::`) or file path (`/`) cut to `columns` columns in the middle, keeping what
/// identifies it: the first segment (the crate, or the crate's folder) and the last ones
/// (`fleet::…::oil::gear`, `crates/…/src/oil.rs`); cut from the left when even the first and
/// the last segment do not fit.
pub(crate) fn fit_middle(path: &str, columns: usize) -> String {
    if width(path) <= columns {
        return path.to_owned();
    }
    let sep = if path.contains("::") { "::" } else { "/" };
    let segments: Vec<&str> = path.split(sep).collect();
    let Some((first, rest)) = segments.split_first() else { return fit_left(path, columns) };
    let elided = format!("{first}{sep}…{sep}");
    let mut tail: Vec<&str> = Vec::new();
    for segment in rest.iter().rev() {
        let mut kept = tail.clone();
        kept.insert(0, segment);
        if kept.len() == rest.len() || width(&elided) + width(&kept.join(sep)) > columns {
            break;
        }
        tail = kept;
    }
    if tail.is_empty() {
        return fit_left(path, columns);
    }
    format!("{elided}{}", tail.join(sep))
}

/// `text` cut to `columns` columns from the left, starting with `…` when cut, so the end of a
/// long module path or file stays.
pub(crate) fn fit_left(text: &str, columns: usize) -> String {
    if width(text) <= columns {
        return text.to_owned();
    }
    if columns == 0 {
        return String::new();
    }
    let mut start = text.len();
    let mut used = 0;
    for (at, c) in text.char_indices().rev() {
        used += c.width().unwrap_or(0);
        if used > columns - 1 {
            break;
        }
        start = at;
    }
    format!("…{}", &text[start..])
}

/// `items` in order, `gap` spaces apart, flowed onto lines of at most `width` columns after
/// an `indent`; an item longer than a line is cut.
pub(crate) fn flow(items: &[String], width: usize, indent: usize, gap: usize) -> Vec<String> {
    let avail = width.saturating_sub(indent).max(1);
    let mut lines: Vec<String> = Vec::new();
    let mut line = String::new();
    let mut used = 0;
    for item in items {
        let item = fit(item, avail);
        let n = self::width(&item);
        if used > 0 && used + gap + n > avail {
            lines.push(format!("{}{}", " ".repeat(indent), line.trim_end()));
            line.clear();
            used = 0;
        }
        if used > 0 {
            line.push_str(&" ".repeat(gap));
            used += gap;
        }
        line.push_str(&item);
        used += n;
    }
    if used > 0 {
        lines.push(format!("{}{}", " ".repeat(indent), line.trim_end()));
    }
    lines
}

/// The words of `text` flowed onto lines of at most `width` columns; lines after the first
/// start with `indent` spaces.
pub(crate) fn wrap_words(text: &str, width: usize, indent: usize) -> Vec<String> {
    let mut lines = Vec::new();
    let mut line = String::new();
    for word in text.split(' ').filter(|w| !w.is_empty()) {
        let limit = if lines.is_empty() { width } else { width.saturating_sub(indent) };
        if !line.is_empty() && self::width(&line) + 1 + self::width(word) > limit {
            lines.push(line);
            line = String::new();
        }
        if !line.is_empty() {
            line.push(' ');
        }
        let limit = if lines.is_empty() { width } else { width.saturating_sub(indent) };
        line.push_str(&fit(word, limit.max(1)));
    }
    if !line.is_empty() {
        lines.push(line);
    }
    lines
        .into_iter()
        .enumerate()
        .map(|(i, l)| if i == 0 { l } else { format!("{}{l}", " ".repeat(indent)) })
        .collect()
}

#[cfg(test)]
mod tests {

    #[test]
    fn a_path_cut_in_the_middle_keeps_its_crate_and_its_end() {
        assert_eq!(fit_middle("fleet::cart", 20), "fleet::cart");
        assert_eq!(fit_middle("fleet_engine::oil::pump::gear", 24), "fleet_engine::…::gear");
        assert_eq!(fit_middle("fleet_engine::oil::pump::gear", 27), "fleet_engine::…::pump::gear");
        assert_eq!(fit_middle("crates/engine/src/oil/pump.rs", 24), "crates/…/src/oil/pump.rs");
        assert_eq!(
            fit_middle("a_very_long_crate_name::x::y", 12),
            "…_name::x::y",
            "too narrow: from the left"
        );
        for (path, columns) in [("fleet_engine::oil::pump::gear", 24), ("a::b", 3)] {
            assert!(width(&fit_middle(path, columns)) <= columns);
        }
    }

    use super::*;

    #[test]
    fn text_is_cut_and_wrapped_to_the_width() {
        assert_eq!(fit("Cart::add_item", 8), "Cart::a…");
        assert_eq!(fit("add", 8), "add");
        assert_eq!(fit_left("crates/engine/src/fuel.rs", 10), "…c/fuel.rs");
        let items: Vec<String> = ["aaaa", "bbbb", "cccc"].map(String::from).to_vec();
        assert_eq!(flow(&items, 12, 2, 1), ["  aaaa bbbb", "  cccc"]);
        let lines = wrap_words("hottest: shop::cart::Cart::add, 1.2M calls (src/cart.rs:10)", 24, 2);
        assert!(lines.iter().all(|l| l.chars().count() <= 24), "{lines:?}");
        assert_eq!(lines.join(" ").split_whitespace().count(), 5, "no word is lost");
    }

    #[test]
    fn wide_characters_take_two_columns() {
        assert_eq!(width("計算"), 4);
        assert_eq!(width("cafe\u{301}"), 4, "a combining mark takes no column");
        assert_eq!(fit("a::計算::b", 6), "a::計…");
        assert_eq!(width(&fit("a::計算::b", 6)), 6);
        assert_eq!(fit_left("計算::b", 5), "…::b");
        assert_eq!(pad_to("計", 4), "  ");
    }

    #[test]
    fn one_line_leaves_nothing_for_a_terminal_to_act_on() {
        assert_eq!(one_line("a\r\nb\tc\x1b[31md\u{7}\u{202e}"), "a\\r\\nb\\tc\\u{1b}[31md\\u{7}\\u{202e}");
        assert_eq!(one_line("<S as T<'a>>::f"), "<S as T<'a>>::f");
    }
}
