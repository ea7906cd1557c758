//! A `#[cfg(...)]` predicate, read from its tokens as rustc reads it (`name`,
//! `name = "value"`, `all(..)`, `any(..)`, `not(..)`, `true`, `false`), and decided in three
//! values: a build fact can say yes or no, or nothing at all. Unknown is kept apart from no so
//! that code is only left out of the scan when the build surely leaves it out.
use std::fmt;

use proc_macro2::{Delimiter, TokenStream, TokenTree};

/// What is known about a predicate in a build.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Truth {
    /// It holds: the code under it is compiled.
    Yes,
    /// It does not hold: the code under it is not compiled.
    No,
    /// The facts at hand do not say.
    Unknown,
}

impl Truth {
    fn not(self) -> Truth {
        match self {
            Truth::Yes => Truth::No,
            Truth::No => Truth::Yes,
            Truth::Unknown => Truth::Unknown,
        }
    }
}

/// One predicate.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Predicate {
    /// `all(a, b, ...)`: every one holds (`all()` holds).
    All(Vec<Predicate>),
    /// `any(a, b, ...)`: at least one holds (`any()` does not).
    Any(Vec<Predicate>),
    /// `not(a)`.
    Not(Box<Predicate>),
    /// `true` or `false`.
    Literal(bool),
    /// `name` (`value` is `None`) or `name = "value"`.
    Option {
        /// The cfg's name, without `r#`.
        name: String,
        /// The string after `=`.
        value: Option<String>,
    },
}

impl Predicate {
    /// The predicate of `#[cfg(tokens)]` or the first argument of `#[cfg_attr]`: exactly one.
    /// The error says what is wrong, in rustc's terms.
    pub(crate) fn parse(tokens: &TokenStream) -> Result<Predicate, String> {
        let mut list = list(tokens.clone())?;
        match list.len() {
            1 => Ok(list.remove(0)),
            0 => Err("no predicate is given".to_owned()),
            _ => Err("several predicates are given; join them with `all(...)` or `any(...)`".to_owned()),
        }
    }

    /// What the build facts make of it: `option` answers for one `name` or `name = "value"`.
    /// `all` is no as soon as one member is no, `any` yes as soon as one is yes; otherwise one
    /// unknown member makes the whole unknown.
    pub(crate) fn eval(&self, option: &impl Fn(&str, Option<&str>) -> Truth) -> Truth {
        match self {
            Predicate::All(items) => {
                let mut out = Truth::Yes;
                for item in items {
                    match item.eval(option) {
                        Truth::No => return Truth::No,
                        Truth::Unknown => out = Truth::Unknown,
                        Truth::Yes => {}
                    }
                }
                out
            }
            Predicate::Any(items) => {
                let mut out = Truth::No;
                for item in items {
                    match item.eval(option) {
                        Truth::Yes => return Truth::Yes,
                        Truth::Unknown => out = Truth::Unknown,
                        Truth::No => {}
                    }
                }
                out
            }
            Predicate::Not(inner) => inner.eval(option).not(),
            Predicate::Literal(b) => match b {
                true => Truth::Yes,
                false => Truth::No,
            },
            Predicate::Option { name, value } => option(name, value.as_deref()),
        }
    }

    /// Every `name` and `name = "value"` inside, in order, each once.
    pub(crate) fn options(&self) -> Vec<(&str, Option<&str>)> {
        let mut out = Vec::new();
        self.collect(&mut out);
        out
    }

    fn collect<'p>(&'p self, out: &mut Vec<(&'p str, Option<&'p str>)>) {
        match self {
            Predicate::All(items) | Predicate::Any(items) => items.iter().for_each(|i| i.collect(out)),
            Predicate::Not(inner) => inner.collect(out),
            Predicate::Literal(_) => {}
            Predicate::Option { name, value } => {
                let option = (name.as_str(), value.as_deref());
                if !out.contains(&option) {
                    out.push(option);
                }
            }
        }
    }
}

/// Written as rustc writes it, whatever the spacing of the source: the same predicate gives
/// the same text, so warnings can be said once per predicate.
impl fmt::Display for Predicate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let items = |f: &mut fmt::Formatter<'_>, op: &str, items: &[Predicate]| {
            write!(f, "{op}(")?;
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    f.write_str(", ")?;
                }
                write!(f, "{item}")?;
            }
            f.write_str(")")
        };
        match self {
            Predicate::All(list) => items(f, "all", list),
            Predicate::Any(list) => items(f, "any", list),
            Predicate::Not(inner) => write!(f, "not({inner})"),
            Predicate::Literal(b) => write!(f, "{b}"),
            Predicate::Option { name, value: None } => f.write_str(name),
            Predicate::Option { name, value: Some(value) } => write!(f, "{name} = {value:?}"),
        }
    }
}

/// A comma-separated list of predicates (a trailing comma is allowed, as rustc allows it).
fn list(tokens: TokenStream) -> Result<Vec<Predicate>, String> {
    let mut out = Vec::new();
    let mut current: Vec<TokenTree> = Vec::new();
    let mut tokens = tokens.into_iter().peekable();
    loop {
        let next = tokens.next();
        let at_comma = matches!(&next, Some(TokenTree::Punct(p)) if p.as_char() == ',');
        if at_comma || next.is_none() {
            if current.is_empty() {
                if at_comma {
                    return Err("a `,` follows nothing".to_owned());
                }
                break;
            }
            out.push(one(&current)?);
            current.clear();
            if next.is_none() {
                break;
            }
        } else if let Some(token) = next {
            current.push(token);
        }
    }
    Ok(out)
}

fn one(tokens: &[TokenTree]) -> Result<Predicate, String> {
    let expected =
        "expected `name`, `name = \"value\"`, `all(...)`, `any(...)`, `not(...)`, `true` or `false`";
    let TokenTree::Ident(ident) = &tokens[0] else {
        return Err(format!("`{}` is not a predicate: {expected}", shown(tokens)));
    };
    let name = ident.to_string();
    let name = name.strip_prefix("r#").unwrap_or(&name).to_owned();
    match &tokens[1..] {
        [] => Ok(match name.as_str() {
            "true" => Predicate::Literal(true),
            "false" => Predicate::Literal(false),
            _ => Predicate::Option { name, value: None },
        }),
        [TokenTree::Group(group)] if group.delimiter() == Delimiter::Parenthesis => {
            let mut inner = list(group.stream())?;
            match name.as_str() {
                "all" => Ok(Predicate::All(inner)),
                "any" => Ok(Predicate::Any(inner)),
                "not" if inner.len() == 1 => Ok(Predicate::Not(Box::new(inner.remove(0)))),
                "not" => Err(format!("`not(...)` takes exactly one predicate, not {}", inner.len())),
                _ => {
                    Err(format!("`{name}(...)` is not a predicate: only `all`, `any` and `not` take a list"))
                }
            }
        }
        [TokenTree::Punct(eq), TokenTree::Literal(literal)] if eq.as_char() == '=' => {
            match syn::Lit::new(literal.clone()) {
                syn::Lit::Str(s) if s.suffix().is_empty() => {
                    Ok(Predicate::Option { name, value: Some(s.value()) })
                }
                _ => Err(format!("the value of `{name}` must be a string in double quotes, not `{literal}`")),
            }
        }
        _ => Err(format!("`{}` is not a predicate: {expected}", shown(tokens))),
    }
}

fn shown(tokens: &[TokenTree]) -> String {
    tokens.iter().cloned().collect::<TokenStream>().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<Predicate, String> {
        Predicate::parse(&text.parse().expect("tokens"))
    }

    /// `yes` holds, `no` does not, anything else is unknown; `v = "yes"` holds, other values not.
    fn decide(text: &str) -> Truth {
        parse(text).expect("a predicate").eval(&|name, value| match (name, value) {
            ("yes", None) | ("v", Some("yes")) => Truth::Yes,
            ("no", None) | ("v", Some(_)) => Truth::No,
            _ => Truth::Unknown,
        })
    }

    #[test]
    fn each_operator_on_known_facts() {
        assert_eq!(decide("yes"), Truth::Yes);
        assert_eq!(decide("no"), Truth::No);
        assert_eq!(decide("v = \"yes\""), Truth::Yes);
        assert_eq!(decide("v = \"other\""), Truth::No);
        assert_eq!(decide("true"), Truth::Yes);
        assert_eq!(decide("false"), Truth::No);
        assert_eq!(decide("not(yes)"), Truth::No);
        assert_eq!(decide("not(no)"), Truth::Yes);
        assert_eq!(decide("all(yes, v = \"yes\")"), Truth::Yes);
        assert_eq!(decide("all(yes, no)"), Truth::No);
        assert_eq!(decide("any(no, yes)"), Truth::Yes);
        assert_eq!(decide("any(no, false)"), Truth::No);
        assert_eq!(decide("all()"), Truth::Yes, "all of nothing holds, as in rustc");
        assert_eq!(decide("any()"), Truth::No, "any of nothing does not");
        assert_eq!(decide("all(yes, any(no, not(no)),)"), Truth::Yes, "a trailing comma");
        assert_eq!(decide("r#yes"), Truth::Yes, "a raw identifier");
    }

    #[test]
    fn unknown_only_where_the_facts_leave_it_open() {
        assert_eq!(decide("maybe"), Truth::Unknown);
        assert_eq!(decide("not(maybe)"), Truth::Unknown);
        assert_eq!(decide("all(no, maybe)"), Truth::No);
        assert_eq!(decide("all(maybe, no)"), Truth::No, "order does not matter");
        assert_eq!(decide("all(yes, maybe)"), Truth::Unknown);
        assert_eq!(decide("any(yes, maybe)"), Truth::Yes);
        assert_eq!(decide("any(maybe, yes)"), Truth::Yes);
        assert_eq!(decide("any(no, maybe)"), Truth::Unknown);
        assert_eq!(decide("not(all(no, maybe))"), Truth::Yes);
        assert_eq!(decide("not(any(no, maybe))"), Truth::Unknown);
    }

    #[test]
    fn malformed_predicates_say_what_is_wrong() {
        let cases = [
            ("", "no predicate"),
            ("a, b", "several predicates"),
            ("not()", "exactly one predicate, not 0"),
            ("not(a, b)", "exactly one predicate, not 2"),
            ("nor(a)", "`nor(...)` is not a predicate"),
            ("feature = 1", "must be a string in double quotes, not `1`"),
            ("feature = \"x\"suffix", "must be a string"),
            ("a::b", "is not a predicate"),
            ("\"text\"", "is not a predicate"),
            ("all(a,, b)", "a `,` follows nothing"),
            ("feature == \"x\"", "is not a predicate"),
            ("all[a]", "is not a predicate"),
        ];
        for (text, expected) in cases {
            let error = parse(text).expect_err(text);
            assert!(error.contains(expected), "{text:?}: {error}");
        }
    }

    #[test]
    fn shown_the_same_whatever_the_spacing() {
        let a = parse("all( unix ,feature=\"x\" , not ( any ( ) ) )").expect("parses");
        assert_eq!(a.to_string(), "all(unix, feature = \"x\", not(any()))");
        assert_eq!(a, parse("all(unix, feature = \"x\", not(any()))").expect("parses"));
        assert_eq!(a.options(), [("unix", None), ("feature", Some("x"))]);
        assert_eq!(
            parse("any(a, not(a), a = \"b\")").expect("parses").options(),
            [("a", None), ("a", Some("b"))]
        );
    }
}
