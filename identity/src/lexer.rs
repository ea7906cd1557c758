//! Rust source text split into tokens, without parsing: identifiers, punctuation, literals
//! and lifetimes, each with its bytes and line. Comments (doc comments included) and
//! whitespace are not tokens.
//!
//! Both the macro (to find a function's owner and serial in its file) and `cargo wear` (to
//! compute the same serial) read text through this one lexer, so the two agree by
//! construction. It runs in the macro, which cargo builds without optimisation: the per-byte
//! helpers are `inline(always)` and call nothing (plain indexing, byte patterns), which made
//! scanning the ten files of `benches/compile_time.sh` 2.6 times cheaper there.

/// What a token is.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum Kind {
    /// A word: identifier or keyword, `r#` included when written.
    Ident,
    /// One punctuation character, as `proc_macro` splits them (`->` is two).
    Punct(u8),
    /// A string, byte string, C string, character or number literal, prefixes and suffixes
    /// included.
    Literal,
    /// A lifetime or label, `'` included.
    Lifetime,
}

/// One token: its kind, its bytes in the text and the line it starts on (1-based).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) struct Token {
    pub(crate) kind: Kind,
    pub(crate) start: usize,
    pub(crate) end: usize,
    pub(crate) line: usize,
}

impl Token {
    /// The token's text in `source`.
    pub(crate) fn text<'a>(&self, source: &'a str) -> &'a str {
        source.get(self.start..self.end).unwrap_or("")
    }
}

/// The tokens of a text, one at a time.
pub(crate) struct Lexer<'a> {
    text: &'a [u8],
    pub(crate) at: usize,
    pub(crate) line: usize,
}

impl<'a> Lexer<'a> {
    pub(crate) fn new(source: &'a str) -> Lexer<'a> {
        Lexer { text: source.as_bytes(), at: 0, line: 1 }
    }

    #[inline(always)]
    fn peek(&self, ahead: usize) -> u8 {
        let at = self.at + ahead;
        if at < self.text.len() { self.text[at] } else { 0 }
    }

    #[inline(always)]
    fn bump(&mut self) {
        if self.peek(0) == b'\n' {
            self.line += 1;
        }
        self.at += 1;
    }

    /// The next token, or `None` at the end.
    pub(crate) fn next_token(&mut self) -> Option<Token> {
        loop {
            let c = self.peek(0);
            if self.at >= self.text.len() {
                return None;
            } else if matches!(c, b' ' | b'\t' | b'\n' | b'\r' | b'\x0c') {
                self.bump();
            } else if c == b'/' && self.peek(1) == b'/' {
                while self.at < self.text.len() && self.text[self.at] != b'\n' {
                    self.at += 1;
                }
            } else if c == b'/' && self.peek(1) == b'*' {
                self.block_comment();
            } else {
                break;
            }
        }
        let (start, line) = (self.at, self.line);
        let c = self.peek(0);
        let kind = if is_ident_start(c) {
            while is_ident_continue(self.peek(0)) {
                self.bump();
            }
            let word = &self.text[start..self.at];
            match (word, self.peek(0)) {
                (b"r" | b"br" | b"cr", b'"' | b'#') if self.raw_string() => {
                    self.suffix();
                    Kind::Literal
                }
                (b"r", b'#') => {
                    // A raw identifier: `r#type`.
                    self.bump();
                    while is_ident_continue(self.peek(0)) {
                        self.bump();
                    }
                    Kind::Ident
                }
                (b"b" | b"c", b'"') => {
                    self.string();
                    self.suffix();
                    Kind::Literal
                }
                (b"b", b'\'') => {
                    self.char_or_lifetime();
                    self.suffix();
                    Kind::Literal
                }
                _ => Kind::Ident,
            }
        } else if c.is_ascii_digit() {
            self.number();
            Kind::Literal
        } else if c == b'"' {
            self.string();
            self.suffix();
            Kind::Literal
        } else if c == b'\'' {
            if self.char_or_lifetime() {
                self.suffix();
                Kind::Literal
            } else {
                Kind::Lifetime
            }
        } else {
            self.bump();
            Kind::Punct(c)
        };
        Some(Token { kind, start, end: self.at, line })
    }

    fn block_comment(&mut self) {
        let mut depth = 0usize;
        while self.at < self.text.len() {
            if self.peek(0) == b'/' && self.peek(1) == b'*' {
                depth += 1;
                self.bump();
            } else if self.peek(0) == b'*' && self.peek(1) == b'/' {
                depth -= 1;
                self.bump();
                if depth == 0 {
                    self.bump();
                    return;
                }
            }
            self.bump();
        }
    }

    /// A number: digits, `_`, letters (radix prefixes, exponents, suffixes), a fraction
    /// (`1.5`, not `1..2` nor `1.max(2)`) and an exponent's sign (`1e-3`, not in hex).
    fn number(&mut self) {
        let start = self.at;
        let hex = self.peek(0) == b'0' && matches!(self.peek(1), b'x' | b'X');
        loop {
            let c = self.peek(0);
            let fraction =
                c == b'.' && self.peek(1).is_ascii_digit() && !self.text[start..self.at].contains(&b'.');
            let exponent_sign = matches!(c, b'+' | b'-')
                && !hex
                && matches!(self.text[self.at - 1], b'e' | b'E')
                && self.peek(1).is_ascii_digit();
            if is_ident_continue(c) || fraction || exponent_sign {
                self.bump();
            } else {
                return;
            }
        }
    }

    /// A literal's suffix (`"a"suffix` is one token to rustc).
    fn suffix(&mut self) {
        if is_ident_start(self.peek(0)) {
            while is_ident_continue(self.peek(0)) {
                self.bump();
            }
        }
    }

    /// A string after its prefix, from the opening quote through the closing one.
    fn string(&mut self) {
        self.bump();
        while self.at < self.text.len() {
            match self.peek(0) {
                b'\\' => {
                    self.bump();
                    self.bump();
                }
                b'"' => {
                    self.bump();
                    return;
                }
                _ => self.bump(),
            }
        }
    }

    /// A raw string after its `r`: `#`s, a quote, the text, a quote and as many `#`s. False
    /// (and nothing read) when what follows is not one, as in the raw identifier `r#type`.
    fn raw_string(&mut self) -> bool {
        let mut hashes = 0;
        while self.peek(hashes) == b'#' {
            hashes += 1;
        }
        if self.peek(hashes) != b'"' {
            return false;
        }
        for _ in 0..=hashes {
            self.bump();
        }
        while self.at < self.text.len() {
            if self.peek(0) == b'"' && (1..=hashes).all(|i| self.peek(i) == b'#') {
                for _ in 0..=hashes {
                    self.bump();
                }
                return true;
            }
            self.bump();
        }
        true
    }

    /// A character literal (`'a'`, `'\n'`, `'é'`: true) or a lifetime or label (`'a`: false).
    fn char_or_lifetime(&mut self) -> bool {
        self.bump();
        if self.peek(0) == b'\\' {
            self.bump();
            self.bump();
            while self.at < self.text.len() && self.peek(0) != b'\'' {
                self.bump();
            }
            self.bump();
            return true;
        }
        // One character, of one to four bytes, then a quote: a character literal.
        let width = match self.peek(0) {
            c if c < 0x80 => 1,
            c if c >= 0xf0 => 4,
            c if c >= 0xe0 => 3,
            _ => 2,
        };
        if self.peek(width) == b'\'' {
            for _ in 0..=width {
                self.bump();
            }
            return true;
        }
        // `'r#name` is a raw lifetime.
        if self.peek(0) == b'r' && self.peek(1) == b'#' {
            self.bump();
            self.bump();
        }
        while is_ident_continue(self.peek(0)) {
            self.bump();
        }
        false
    }
}

#[inline(always)]
fn is_ident_start(c: u8) -> bool {
    matches!(c, b'a'..=b'z' | b'A'..=b'Z' | b'_' | 0x80..)
}

#[inline(always)]
fn is_ident_continue(c: u8) -> bool {
    matches!(c, b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' | b'_' | 0x80..)
}

/// Every token of `source`.
pub(crate) fn tokens(source: &str) -> Vec<Token> {
    let mut lexer = Lexer::new(source);
    let mut out = Vec::with_capacity(source.len() / 4);
    while let Some(token) = lexer.next_token() {
        out.push(token);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(source: &str) -> Vec<(Kind, &str)> {
        tokens(source).iter().map(|t| (t.kind, t.text(source))).collect()
    }

    #[test]
    fn literals_are_whole_tokens() {
        use Kind::*;
        assert_eq!(
            kinds("1.5e-3f64 0x1e-3 1..2 x.0.1 1.max(2) b'a' 'a' 'a 'r#b \"s\"suf r#\"q\"# br\"b\" c\"c\""),
            [
                (Literal, "1.5e-3f64"),
                (Literal, "0x1e"),
                (Punct(b'-'), "-"),
                (Literal, "3"),
                (Literal, "1"),
                (Punct(b'.'), "."),
                (Punct(b'.'), "."),
                (Literal, "2"),
                (Ident, "x"),
                (Punct(b'.'), "."),
                (Literal, "0.1"),
                (Literal, "1"),
                (Punct(b'.'), "."),
                (Ident, "max"),
                (Punct(b'('), "("),
                (Literal, "2"),
                (Punct(b')'), ")"),
                (Literal, "b'a'"),
                (Literal, "'a'"),
                (Lifetime, "'a"),
                (Lifetime, "'r#b"),
                (Literal, "\"s\"suf"),
                (Literal, "r#\"q\"#"),
                (Literal, "br\"b\""),
                (Literal, "c\"c\""),
            ]
        );
    }

    #[test]
    fn comments_and_whitespace_are_not_tokens() {
        let source = "a /* b /* nested */ c */ // d\n /// e\n //! f\n /** g */ h";
        assert_eq!(kinds(source), [(Kind::Ident, "a"), (Kind::Ident, "h")]);
        assert_eq!(tokens("x\n\ny")[1].line, 3);
    }

    #[test]
    fn text_that_is_not_rust_ends_without_panicking() {
        for source in ["'", "r#\"", "/* open", "\"open", "b'", "1e", "é'", "'\\"] {
            tokens(source);
        }
    }
}
