//! The two small languages build facts are written in: a cfg that is set (`name` or
//! `name="value"`, as `--cfg`, `rustc --print cfg` and `cargo::rustc-cfg=` write it) and a
//! cfg that is declared (`cfg(name, values("a", "b"))`, as `--check-cfg`,
//! `cargo::rustc-check-cfg=` and the manifest's `check-cfg` write it).
use proc_macro2::{Delimiter, TokenStream, TokenTree};

use super::predicate::Predicate;

/// One cfg a build sets: the name, and the value when it has one.
pub(crate) type Setting = (String, Option<String>);

/// Reads `name` or `name="value"`; the error says what was expected.
pub(crate) fn setting(text: &str) -> Result<Setting, String> {
    let expected = "expected `NAME` or `NAME=\"VALUE\"` (the value in double quotes)";
    let tokens: TokenStream = text.parse().map_err(|_| format!("`{text}` is not a cfg: {expected}"))?;
    match Predicate::parse(&tokens) {
        Ok(Predicate::Option { name, value }) => Ok((name, value)),
        _ => Err(format!("`{text}` is not a cfg: {expected}")),
    }
}

/// The names `cfg(a, b, values(...))` declares. `cfg(any())` ("every name is expected")
/// declares none: it turns the check off rather than saying a name exists.
pub(crate) fn declared_names(text: &str) -> Result<Vec<String>, String> {
    let expected = "expected `cfg(NAME, ...)` or `cfg(NAME, values(\"VALUE\", ...))`";
    let bad = || format!("`{text}` is not a check-cfg: {expected}");
    let tokens: TokenStream = text.parse().map_err(|_| bad())?;
    let tokens: Vec<TokenTree> = tokens.into_iter().collect();
    let [TokenTree::Ident(cfg), TokenTree::Group(args)] = tokens.as_slice() else { return Err(bad()) };
    if cfg != "cfg" || args.delimiter() != Delimiter::Parenthesis {
        return Err(bad());
    }
    let mut names = Vec::new();
    let mut items = args.stream().into_iter().peekable();
    while let Some(token) = items.next() {
        match token {
            TokenTree::Ident(name) => match items.peek() {
                // `values(...)` or `any()`: what follows the names, not a name.
                Some(TokenTree::Group(group)) if group.delimiter() == Delimiter::Parenthesis => {
                    if name != "values" && name != "any" {
                        return Err(bad());
                    }
                    items.next();
                }
                _ => {
                    let name = name.to_string();
                    names.push(name.strip_prefix("r#").unwrap_or(&name).to_owned());
                }
            },
            TokenTree::Punct(p) if p.as_char() == ',' => {}
            _ => return Err(bad()),
        }
    }
    Ok(names)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn settings_as_rustc_prints_them() {
        assert_eq!(setting("unix"), Ok(("unix".to_owned(), None)));
        assert_eq!(setting("target_os=\"linux\""), Ok(("target_os".to_owned(), Some("linux".to_owned()))));
        assert_eq!(setting(" fast = \"yes\" "), Ok(("fast".to_owned(), Some("yes".to_owned()))));
        for bad in ["", "a=b", "all(a)", "a b", "a=\"b", "not(a)"] {
            let error = setting(bad).expect_err(bad);
            assert!(error.contains("is not a cfg") && error.contains("NAME=\"VALUE\""), "{bad}: {error}");
        }
    }

    #[test]
    fn check_cfg_declares_names() {
        assert_eq!(declared_names("cfg(has_neon)"), Ok(vec!["has_neon".to_owned()]));
        assert_eq!(
            declared_names("cfg(a, b, values(\"x\", \"y\"))"),
            Ok(vec!["a".to_owned(), "b".to_owned()])
        );
        assert_eq!(declared_names("cfg(a, values(none()))"), Ok(vec!["a".to_owned()]));
        assert_eq!(declared_names("cfg(a, values(any()))"), Ok(vec!["a".to_owned()]));
        assert_eq!(declared_names("cfg(any())"), Ok(vec![]));
        assert_eq!(declared_names("cfg()"), Ok(vec![]));
        for bad in ["has_neon", "cfg[a]", "names(a)", "cfg(a = \"b\")", "cfg(a, other(\"x\"))", "cfg(\""] {
            let error = declared_names(bad).expect_err(bad);
            assert!(error.contains("is not a check-cfg"), "{bad}: {error}");
        }
    }
}
