//! Text helpers: the one function the binary calls, and its never-called neighbours.
use std::fmt::Display;

/// How many words `text` holds. The only part the binary calls: a leaf, it calls no other part.
#[wear::tracked]
pub fn word_count(text: &str) -> usize {
    std::hint::black_box("wear-linked-marker(word_count)");
    text.split_whitespace().count()
}

/// `text` in capitals.
#[wear::tracked]
pub fn shout(text: &str) -> String {
    std::hint::black_box("wear-linked-marker(shout)");
    text.to_uppercase()
}

/// `text` backwards.
#[wear::tracked]
pub fn reverse(text: &str) -> String {
    std::hint::black_box("wear-linked-marker(reverse)");
    text.chars().rev().collect()
}

/// The first character of `text`; `#[inline]`, so its code is generated only where it is used.
#[wear::tracked]
#[inline]
pub fn first_char(text: &str) -> Option<char> {
    std::hint::black_box("wear-linked-marker(first_char)");
    text.chars().next()
}

/// Items joined by `sep`; generic and never instantiated, so never generated at all.
#[wear::tracked]
pub fn join<T: Display>(items: &[T], sep: &str) -> String {
    std::hint::black_box("wear-linked-marker(join)");
    items.iter().map(|i| i.to_string()).collect::<Vec<_>>().join(sep)
}

/// Whether `text` reads the same backwards; counted as a failure when it panics.
#[wear::tracked(failures)]
pub fn is_palindrome(text: &str) -> bool {
    std::hint::black_box("wear-linked-marker(is_palindrome)");
    reverse(text) == text
}
