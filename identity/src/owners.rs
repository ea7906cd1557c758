//! The owners of a file's methods, found by scanning its text rather than parsing it.
//!
//! The macro needs one thing from the file around a method it sees alone: the `impl` or
//! `trait` header above it. Parsing the whole file (even with bodies emptied, as
//! [`crate::site`] can) cost the macro about 800,000 instructions per tracked function in a
//! debug build; this scan reads each byte once and parses only the headers it finds.
//!
//! It gives the owners [`crate::site::sites_in_source`] gives (a test checks it on every file
//! of this workspace): `impl`, `trait` and inline `mod` items count only where syn's walk looks,
//! at the top of the file, of inline modules and of impl or trait bodies; anything inside a
//! function body, an expression or a macro invocation is not walked, so functions there are
//! [`Owner::Free`]. Where the scan cannot read a header, the functions under it are `Free`, the
//! same honest fallback the macro has always had.
use crate::owner::Owner;
use crate::render::unraw;

/// Every method of a file with its owner.
#[derive(Debug, Default)]
pub struct Owners(Vec<(String, usize, Owner)>);

impl Owners {
    /// Scans `source`.
    pub fn of_source(source: &str) -> Owners {
        let mut scan = Scan { lexer: Lexer { text: source.as_bytes(), at: 0, line: 1 }, out: Vec::new() };
        scan.run(source);
        Owners(scan.out)
    }

    /// The owner of the function named `name` whose name is on `line` (1-based).
    pub fn owner_at(&self, name: &str, line: usize) -> Owner {
        let name = unraw(name);
        self.0
            .iter()
            .find(|(n, l, _)| n == name && *l == line)
            .map_or(Owner::Free, |(_, _, owner)| owner.clone())
    }
}

/// What an open brace opened.
#[derive(Clone, Debug)]
enum Block {
    /// An inline module (or the file): impls, traits and modules in it are walked.
    Module,
    /// An impl or trait body: its functions have this owner.
    Container(Owner),
    /// Anything else: nothing inside is walked.
    Other,
}

/// One token, as much of it as the scan needs.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Token<'a> {
    Ident(&'a str),
    Punct(u8),
    /// A literal or a lifetime: never a keyword, never a brace.
    Other,
}

struct Lexer<'a> {
    text: &'a [u8],
    at: usize,
    line: usize,
}

// The lexer runs in the macro, which cargo builds without optimisation: its per-byte helpers
// are `inline(always)` and call nothing (plain indexing, byte patterns), which made scanning
// the ten files of `benches/compile_time.sh` 2.6 times cheaper there (128 M instructions to
// 49 M).
impl<'a> Lexer<'a> {
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

    /// The next token and the line it starts on, or `None` at the end.
    fn next(&mut self) -> Option<(Token<'a>, usize)> {
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
        let line = self.line;
        let c = self.peek(0);
        let token = if is_ident_start(c) {
            let start = self.at;
            while is_ident_continue(self.peek(0)) {
                self.bump();
            }
            let word = &self.text[start..self.at];
            match (word, self.peek(0)) {
                (b"r" | b"br" | b"cr", b'"' | b'#') if self.raw_string() => Token::Other,
                (b"r", b'#') => {
                    // A raw identifier: `r#type`.
                    self.bump();
                    let start = self.at;
                    while is_ident_continue(self.peek(0)) {
                        self.bump();
                    }
                    Token::Ident(self.str(start))
                }
                (b"b" | b"c", b'"') => {
                    self.string();
                    Token::Other
                }
                (b"b", b'\'') => {
                    self.char_or_lifetime();
                    Token::Other
                }
                _ => Token::Ident(self.str(start)),
            }
        } else if c.is_ascii_digit() {
            while is_ident_continue(self.peek(0)) {
                self.bump();
            }
            Token::Other
        } else if c == b'"' {
            self.string();
            Token::Other
        } else if c == b'\'' {
            self.char_or_lifetime();
            Token::Other
        } else {
            self.bump();
            Token::Punct(c)
        };
        Some((token, line))
    }

    fn str(&self, start: usize) -> &'a str {
        // Identifiers start and end on character boundaries: their bytes are ASCII letters,
        // digits, `_` or whole UTF-8 sequences (every byte >= 0x80 is taken in).
        std::str::from_utf8(&self.text[start..self.at]).unwrap_or("")
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

    /// A character literal (`'a'`, `'\n'`, `'é'`) or a lifetime or label (`'a`).
    fn char_or_lifetime(&mut self) {
        self.bump();
        if self.peek(0) == b'\\' {
            self.bump();
            self.bump();
            while self.at < self.text.len() && self.peek(0) != b'\'' {
                self.bump();
            }
            self.bump();
            return;
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
            return;
        }
        while is_ident_continue(self.peek(0)) {
            self.bump();
        }
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

struct Scan<'a> {
    lexer: Lexer<'a>,
    out: Vec<(String, usize, Owner)>,
}

impl Scan<'_> {
    fn run(&mut self, source: &str) {
        let mut stack = vec![Block::Module];
        // The token before this one, to tell an `impl` item from `impl Trait` in a type.
        let mut prev = Token::Punct(b';');
        // The brace that comes next opens this (set by `mod name`, a macro's `!`, a header).
        let mut opens = Block::Other;
        while let Some((token, _)) = self.lexer.next() {
            let top = stack.last();
            match token {
                Token::Punct(b'{') => {
                    stack.push(std::mem::replace(&mut opens, Block::Other));
                }
                Token::Punct(b'}') => {
                    stack.pop();
                    if stack.is_empty() {
                        // More closing braces than opening ones: not Rust, nothing owned.
                        self.out.clear();
                        return;
                    }
                }
                Token::Punct(b';') => opens = Block::Other,
                Token::Punct(b'!') if matches!(prev, Token::Ident(_)) => {
                    // A macro invocation or `macro_rules!`: syn does not look inside.
                    self.skip_macro_body();
                }
                Token::Ident("mod") if matches!(top, Some(Block::Module)) => opens = Block::Module,
                Token::Ident(keyword @ ("impl" | "trait"))
                    if matches!(top, Some(Block::Module)) && (keyword == "trait" || starts_item(prev)) =>
                {
                    let start = self.lexer.at - keyword.len();
                    // `None`: a trait alias (`trait A = B;`) or an unreadable header.
                    if let Some(owner) = self.header(source, start, keyword) {
                        stack.push(Block::Container(owner));
                    }
                    prev = Token::Punct(b'{');
                    continue;
                }
                Token::Ident("fn") => {
                    if let Some(Block::Container(owner)) = top
                        && let Some((Token::Ident(name), name_line)) = self.lexer.next()
                    {
                        self.out.push((unraw(name).to_owned(), name_line, owner.clone()));
                        prev = Token::Ident(name);
                        continue;
                    }
                }
                _ => {}
            }
            prev = token;
        }
    }

    /// Reads an impl or trait header from its keyword (at `start`) through the `{` of its
    /// body, and the owner it gives. `None` when a `;` comes first or the header does not
    /// parse; the body's brace is then left for the caller to see as any other block.
    fn header(&mut self, source: &str, start: usize, keyword: &str) -> Option<Owner> {
        let checkpoint = (self.lexer.at, self.lexer.line);
        // `<` `>` of generics and `(` `[` of arguments: a `{` inside them (a const generic
        // argument such as `X<{ N }>`) is not the body.
        let mut depth = 0i32;
        let mut last = 0u8;
        while let Some((token, _)) = self.lexer.next() {
            match token {
                Token::Punct(b'{') if depth <= 0 => {
                    let header = &source[start..self.lexer.at - 1];
                    let owner = match keyword {
                        "impl" => syn::parse_str::<syn::ItemImpl>(&format!("{header}{{}}"))
                            .ok()
                            .map(|i| Owner::of_impl(&i)),
                        _ => syn::parse_str::<syn::ItemTrait>(&format!("{header}{{}}"))
                            .ok()
                            .map(|t| Owner::of_trait(&t)),
                    };
                    if owner.is_none() {
                        // Leave the brace to the caller.
                        self.lexer.at -= 1;
                    }
                    return owner;
                }
                Token::Punct(b';') if depth <= 0 => break,
                Token::Punct(b'<' | b'(' | b'[' | b'{') => depth += 1,
                Token::Punct(b'>') if last != b'-' && last != b'=' => depth -= 1,
                Token::Punct(b')' | b']' | b'}') => depth -= 1,
                _ => {}
            }
            last = match token {
                Token::Punct(c) => c,
                _ => 0,
            };
        }
        (self.lexer.at, self.lexer.line) = checkpoint;
        None
    }

    /// After a `!` that follows a name: when a delimited group comes next, possibly after one
    /// more name (`macro_rules! name { .. }`), it is a macro's input, read through without
    /// looking. Otherwise (`return !done`) nothing is read.
    fn skip_macro_body(&mut self) {
        let checkpoint = (self.lexer.at, self.lexer.line);
        let mut next = self.lexer.next();
        if let Some((Token::Ident(_), _)) = next {
            next = self.lexer.next();
        }
        if !matches!(next, Some((Token::Punct(b'{' | b'(' | b'['), _))) {
            (self.lexer.at, self.lexer.line) = checkpoint;
            return;
        }
        let mut depth = 1usize;
        while let Some((token, _)) = self.lexer.next() {
            match token {
                Token::Punct(b'{' | b'(' | b'[') => depth += 1,
                Token::Punct(b'}' | b')' | b']') => {
                    depth -= 1;
                    if depth == 0 {
                        return;
                    }
                }
                _ => {}
            }
        }
    }
}

/// Whether an `impl` after `prev` begins an item, rather than being `impl Trait` in a type
/// (which follows `:`, `->`, `<`, `(`, `,`, `&`, `=` and the like).
fn starts_item(prev: Token<'_>) -> bool {
    matches!(prev, Token::Punct(b';' | b'}' | b'{' | b']') | Token::Ident("unsafe" | "default"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::site::sites_in_source;

    /// Every function syn's walk finds, with its owner, against the scan's owner for it.
    fn compare(source: &str) -> Result<usize, String> {
        let Ok(sites) = sites_in_source(source) else { return Ok(0) };
        let owners = Owners::of_source(source);
        for site in &sites {
            let scanned = owners.owner_at(&site.name, site.name_line);
            if scanned != site.owner {
                return Err(format!(
                    "{} on line {}: {scanned:?}, syn says {:?}",
                    site.name, site.name_line, site.owner
                ));
            }
        }
        Ok(sites.len())
    }

    #[test]
    fn owners_of_tricky_shapes_are_those_of_the_full_parse() {
        let source = r##"
struct X<const N: usize>;
impl<const N: usize> X<{ N }> { fn a(&self) -> [u8; { N }] { [0; N] } }
type F = fn(u8) -> u8;
fn apply(f: fn(u8) -> u8, g: impl Fn() -> u8) -> u8 { fn nested() {} f(g()) }
fn ret() -> impl Fn() -> u8 { || 1 }
const C: fn() -> u8 = { impl X<2> { fn hidden() {} } fn inner() -> u8 { 1 } inner };
trait T { fn req(&self); fn def(&self) -> u8 { struct S { f: fn() } 0 } }
macro_rules! m { ($n:ident) => { impl X<3> { fn $n() {} } }; }
mod inner { pub(crate) unsafe extern "C" fn c() {} impl super::X<1> { fn b() {} } }
/* impl Commented { fn gone() {} } /* nested */ impl Still { fn commented() {} } */
#[cfg(all())] unsafe impl<'a, T: Fn() -> u8> Send for Wrap<'a, T> where T: 'a {
    fn strings(&self) -> &str { let _ = ('}', '\'', b'{', r#"}"#, "\"}", br"{", 'a'); "{" }
    fn r#type(&self) { if !self.ok() { return; } let _ = !matches!(1, 2); }
    fn after(&self) -> u8 { 'outer: loop { break 'outer 1 } }
}
pub(crate) unsafe trait Tr<T>: Clone where T: Copy { fn defaulted() {} }
impl<T> From<Vec<T>> for Wrap<'static, T> { fn from(v: Vec<T>) -> Self { todo!("{v:?}") } }
extern "C" { fn declared(); }
mod out_of_line;
fn last() {}
"##;
        assert_eq!(compare(source), Ok(12));
        let owners = Owners::of_source(source);
        assert_eq!(owners.owner_at("a", 3), Owner::Inherent { self_ty: "X<{N}>".into() });
        assert_eq!(
            owners.owner_at("type", 14),
            Owner::TraitImpl { self_ty: "Wrap<T>".into(), trait_: "Send".into() }
        );
        assert_eq!(owners.owner_at("r#type", 14), owners.owner_at("type", 14));
        assert_eq!(
            owners.owner_at("from", 18),
            Owner::TraitImpl { self_ty: "Wrap<T>".into(), trait_: "From<Vec<T>>".into() }
        );
        assert_eq!(owners.owner_at("defaulted", 17), Owner::TraitDef { trait_: "Tr".into() });
        assert_eq!(owners.owner_at("a", 4), Owner::Free, "a name on another line");
    }

    #[test]
    fn text_that_is_not_rust_is_read_without_panicking() {
        for source in
            ["impl X { fn a() {", "impl { fn a() {} }", "'", "r#\"", "/* open", "fn", "impl", "x!", "é'"]
        {
            Owners::of_source(source);
        }
        assert_eq!(Owners::of_source("}} impl X { fn a() {} }").owner_at("a", 1), Owner::Free);
        assert_eq!(Owners::of_source("impl { fn a() {} }").owner_at("a", 1), Owner::Free);
    }

    #[test]
    fn owners_in_every_file_of_this_workspace_are_those_of_the_full_parse() {
        let (mut files, mut functions) = (0, 0);
        for (path, source) in crate::workspace_sources() {
            // Files that do not parse (trybuild cases) count 0 here.
            match compare(&source) {
                Ok(n) => functions += n,
                Err(e) => panic!("{}: {e}", path.display()),
            }
            files += 1;
        }
        assert!(
            files > 100 && functions > 1000,
            "the workspace has its sources: {files} files, {functions} functions"
        );
    }
}
