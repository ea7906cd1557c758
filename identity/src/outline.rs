//! The outline of a source file, found by scanning its text rather than parsing it: every
//! function with a body, its owner (the `impl` or `trait` around it), the functions it is
//! declared inside, and where its text starts and ends.
//!
//! The macro sees a function alone, without its `impl` header or the function around it, and
//! possibly after rustc or an earlier attribute macro changed it. It finds the function here
//! by its name's line and column, takes its owner and outer functions for the part path and
//! its text for the serial (`serial::serial_of_text`), so it names and fingerprints the
//! function as written, as `cargo wear` does. Parsing the whole file cost the macro about
//! 800,000 instructions per tracked function in a debug build; this scan reads each byte once
//! and parses only the impl and trait headers it finds.
//!
//! It finds the functions [`crate::site`] finds with syn (a test checks it on every file of
//! this workspace): items at the top of the file, in inline modules, in impl and trait bodies,
//! in function bodies at any depth (blocks, closures), in `const` and `static` initialisers,
//! and inside item-level macro
//! invocations (`cfg_rt! { ... }`). `macro_rules!` bodies are not read. Where it cannot read
//! a header, the functions under it are [`Owner::Free`], the same honest fallback the macro
//! has always had.
use crate::lexer::{Kind, Token, tokens};
use crate::owner::Owner;
use crate::render::unraw;
use crate::serial::{Serial, serial_of_text};

/// Every function with a body of one file.
#[derive(Debug, Default)]
pub struct Outline(Vec<Function>);

/// One function with a body, as the outline found it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Function {
    /// Its name, without `r#`.
    pub name: String,
    /// Line (1-based) and column (0-based, in characters) of its name.
    pub at: (usize, usize),
    /// The impl or trait it belongs to.
    pub owner: Owner,
    /// The functions whose bodies it is declared in, outermost first, with their owners.
    pub within: Vec<(Owner, String)>,
    /// Its text: from its first qualifier (or `fn`) to the closing brace of its body.
    pub text: std::ops::Range<usize>,
}

impl Function {
    /// The function's serial, from its text in `source` (the text the outline was made of).
    pub fn serial(&self, source: &str) -> Serial {
        serial_of_text(source.get(self.text.clone()).unwrap_or(""))
    }
}

impl Outline {
    /// Scans `source`.
    pub fn of_source(source: &str) -> Outline {
        let mut scan = Scan { source, tokens: tokens(source), functions: Vec::new() };
        scan.run();
        let mut functions = scan.functions;
        functions.retain(|f| f.text.end > 0);
        Outline(functions)
    }

    /// The function named `name` whose name is at `line` (1-based) and `column` (0-based, in
    /// characters): what `proc_macro2::Span::start` gives for the name.
    pub fn find(&self, name: &str, line: usize, column: usize) -> Option<&Function> {
        let name = unraw(name);
        self.0.iter().find(|f| f.name == name && f.at == (line, column))
    }

    /// Every function, in the order their names appear.
    pub fn functions(&self) -> &[Function] {
        &self.0
    }
}

/// What an open brace opened.
#[derive(Clone, Debug)]
enum Frame {
    /// The file, an inline module or an item-level macro invocation: items are walked.
    Module,
    /// An impl or trait body: its functions have this owner.
    Container(Owner),
    /// The body of the function at this index: items in it are walked.
    Body(usize),
    /// A block inside a body (a block, closure, loop, match): items in it are walked.
    Code,
    /// Anything else (a struct's fields, a `const` initializer, a `macro_rules!` body).
    Skip,
}

struct Scan<'a> {
    source: &'a str,
    tokens: Vec<Token>,
    functions: Vec<Function>,
}

impl Scan<'_> {
    fn word(&self, at: usize) -> Option<&str> {
        self.tokens.get(at).filter(|t| t.kind == Kind::Ident).map(|t| t.text(self.source))
    }

    fn punct(&self, at: usize) -> Option<u8> {
        match self.tokens.get(at)?.kind {
            Kind::Punct(c) => Some(c),
            _ => None,
        }
    }

    fn run(&mut self) {
        let mut stack = vec![Frame::Module];
        // What the next `{` opens (set by `mod name`, a macro's `!`).
        let mut opens: Option<Frame> = None;
        let mut at = 0;
        while at < self.tokens.len() {
            let token = self.tokens[at];
            let top = stack.last().cloned().unwrap_or(Frame::Skip);
            let items = matches!(top, Frame::Module | Frame::Body(_) | Frame::Code);
            match token.kind {
                Kind::Punct(b'{') => {
                    // At module level, a block not opened by an item keyword holds an
                    // initialiser (`const _: () = { fn f() {} };`), a struct's fields or an
                    // extern block: walked for functions, of which only initialisers have any.
                    let frame = opens.take().unwrap_or(match top {
                        Frame::Module | Frame::Body(_) | Frame::Code => Frame::Code,
                        _ => Frame::Skip,
                    });
                    stack.push(frame);
                }
                Kind::Punct(b'}') => {
                    if let Some(Frame::Body(index)) = stack.pop() {
                        self.functions[index].text.end = token.end;
                    }
                    if stack.is_empty() {
                        // More closing braces than opening ones: not Rust, nothing found.
                        self.functions.clear();
                        return;
                    }
                }
                Kind::Punct(b';') => opens = None,
                Kind::Punct(b'!') if at > 0 && self.tokens[at - 1].kind == Kind::Ident => {
                    if self.word(at - 1) == Some("macro_rules") {
                        // `macro_rules! name { .. }`: its body is not code as written.
                        opens = Some(Frame::Skip);
                    } else if self.punct(at + 1) == Some(b'{') {
                        opens = Some(match &top {
                            Frame::Module => Frame::Module,
                            Frame::Container(owner) => Frame::Container(owner.clone()),
                            Frame::Body(_) | Frame::Code => Frame::Code,
                            Frame::Skip => Frame::Skip,
                        });
                    }
                }
                Kind::Ident => match token.text(self.source) {
                    "mod" if items => opens = Some(Frame::Module),
                    keyword @ ("impl" | "trait") if items && (keyword == "trait" || self.starts_item(at)) => {
                        if let Some((owner, brace)) = self.header(at, keyword) {
                            stack.push(Frame::Container(owner));
                            at = brace + 1;
                            continue;
                        }
                    }
                    "fn" if items || matches!(top, Frame::Container(_)) => {
                        if let Some(brace) = self.function(at, &stack) {
                            stack.push(Frame::Body(self.functions.len() - 1));
                            at = brace + 1;
                            continue;
                        }
                    }
                    _ => {}
                },
                _ => {}
            }
            at += 1;
        }
    }

    /// Whether the `impl` at `at` begins an item, rather than being `impl Trait` in a type
    /// (which follows `:`, `->`, `<`, `(`, `,`, `&`, `=` and the like).
    fn starts_item(&self, at: usize) -> bool {
        if at == 0 {
            return true;
        }
        matches!(self.punct(at - 1), Some(b';' | b'}' | b'{' | b']'))
            || matches!(self.word(at - 1), Some("unsafe" | "default"))
    }

    /// Reads an impl or trait header from its keyword (at `at`) through the `{` of its body:
    /// the owner it gives and the index of the brace. `None` when a `;` comes first or the
    /// header does not parse; the brace is then left to be seen as any other block.
    fn header(&self, at: usize, keyword: &str) -> Option<(Owner, usize)> {
        let brace = self.signature_end(at + 1)?;
        let header = &self.source[self.tokens[at].start..self.tokens[brace].start];
        let owner = match keyword {
            "impl" => {
                syn::parse_str::<syn::ItemImpl>(&format!("{header}{{}}")).ok().map(|i| Owner::of_impl(&i))
            }
            _ => syn::parse_str::<syn::ItemTrait>(&format!("{header}{{}}")).ok().map(|t| Owner::of_trait(&t)),
        }?;
        Some((owner, brace))
    }

    /// The index of the `{` that opens the body of an item whose header starts at `from`, or
    /// `None` when a `;` comes first (no body). `<` `>` of generics and `(` `[` of arguments
    /// count: a `{` inside them (a const generic argument such as `X<{ N }>`) is not the body.
    fn signature_end(&self, from: usize) -> Option<usize> {
        let mut depth = 0i32;
        let mut last = 0u8;
        for at in from..self.tokens.len() {
            let c = self.punct(at).unwrap_or(0);
            match c {
                b'{' if depth <= 0 => return Some(at),
                b';' if depth <= 0 => return None,
                b'<' | b'(' | b'[' | b'{' => depth += 1,
                b'>' if last != b'-' && last != b'=' => depth -= 1,
                b')' | b']' | b'}' => depth -= 1,
                _ => {}
            }
            last = c;
        }
        None
    }

    /// Records the function whose `fn` is at `at`, when it has a name and a body, and returns
    /// the index of its body's `{`.
    fn function(&mut self, at: usize, stack: &[Frame]) -> Option<usize> {
        let name_token = *self.tokens.get(at + 1).filter(|t| t.kind == Kind::Ident)?;
        let brace = self.signature_end(at + 2)?;
        let owner = match stack.last() {
            Some(Frame::Container(owner)) => owner.clone(),
            _ => Owner::Free,
        };
        let mut within = Vec::new();
        for frame in stack.iter().rev() {
            match frame {
                // `module_path!()` inside an inline module names the module alone.
                Frame::Module => break,
                Frame::Body(index) => {
                    let outer = &self.functions[*index];
                    within = outer.within.clone();
                    within.push((outer.owner.clone(), outer.name.clone()));
                    break;
                }
                _ => {}
            }
        }
        let name_start = name_token.start;
        let line_start = self.source[..name_start].rfind('\n').map_or(0, |n| n + 1);
        let column = self.source[line_start..name_start].chars().count();
        self.functions.push(Function {
            name: unraw(name_token.text(self.source)).to_owned(),
            at: (name_token.line, column),
            owner,
            within,
            text: self.tokens[self.qualifiers_start(at)].start..0,
        });
        Some(brace)
    }

    /// The index of a function's first token: its `fn` at `at`, or the visibility and
    /// qualifiers before it (`pub(crate) default const async unsafe extern "C" fn`).
    fn qualifiers_start(&self, at: usize) -> usize {
        let mut start = at;
        while start > 0 {
            let before = self.tokens[start - 1];
            match before.kind {
                Kind::Ident
                    if matches!(
                        before.text(self.source),
                        "pub" | "const" | "async" | "unsafe" | "safe" | "extern" | "default"
                    ) =>
                {
                    start -= 1
                }
                Kind::Literal if start >= 2 && self.word(start - 2) == Some("extern") => start -= 2,
                Kind::Punct(b')') => {
                    // `pub(crate)`, `pub(in path)`.
                    let mut depth = 0;
                    let mut open = start - 1;
                    loop {
                        match self.punct(open) {
                            Some(b')') => depth += 1,
                            Some(b'(') => depth -= 1,
                            _ => {}
                        }
                        if depth == 0 || open == 0 {
                            break;
                        }
                        open -= 1;
                    }
                    if open > 0 && self.word(open - 1) == Some("pub") {
                        start = open - 1;
                    } else {
                        break;
                    }
                }
                _ => break,
            }
        }
        start
    }
}

#[cfg(test)]
mod tests;
