//! Extra request headers for the fleet query (`--prometheus-header 'NAME: VALUE'`): what
//! multi-tenant backends need to pick a tenant, such as Mimir's and Cortex's `X-Scope-OrgID`
//! or Thanos' `THANOS-TENANT`. They are not for secrets: a header's value names the fleet in
//! the ledger and in messages, so credential headers are refused in favour of the variables
//! that are never printed.
use std::fmt;

use super::client::{PASSWORD_VAR, TOKEN_VAR, USER_VAR};
use crate::error::{Error, Result};

/// Headers that carry credentials or that the client sets itself.
const REFUSED: [&str; 5] = ["authorization", "proxy-authorization", "cookie", "host", "accept"];

/// One extra header of every query.
#[derive(Clone, PartialEq, Eq)]
pub(crate) struct Header {
    /// The name as given (HTTP names are case-insensitive).
    pub(crate) name: String,
    /// The value, trimmed.
    pub(crate) value: String,
}

impl fmt::Debug for Header {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.name, self.value)
    }
}

impl fmt::Display for Header {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.name, self.value)
    }
}

impl Header {
    /// Reads `NAME: VALUE` (as curl's `-H` takes it). An error never quotes the value, nor the
    /// argument when it has no name: a mistyped `Authorization Bearer ...` is still a secret.
    pub(crate) fn parse(text: &str) -> Result<Header> {
        let bad = |why: String| {
            Error::new(format!("--prometheus-header: {why}"))
                .help("write it as NAME: VALUE, e.g. --prometheus-header 'X-Scope-OrgID: team-a'")
        };
        let Some((name, value)) = text.split_once(':') else {
            return Err(bad(
                "there is no `:` between the name and the value (the argument is not shown: it \
                            may hold a secret)"
                    .to_owned(),
            ));
        };
        let (name, value) = (name.trim(), value.trim());
        if name.is_empty() {
            return Err(bad("the name is empty".to_owned()));
        }
        if let Some(c) = name.chars().find(|&c| !is_token_char(c)) {
            return Err(bad(format!("{c:?} cannot be in a header name (the argument is not shown)")));
        }
        if is_credential(name) {
            return Err(Error::new(format!("--prometheus-header cannot set {name}")).help(format!(
                "credentials come from {TOKEN_VAR}, or {USER_VAR} and {PASSWORD_VAR}, which are never \
                 printed; a header's value names the fleet in messages and in the ledger; cargo wear \
                 sets Host and Accept itself"
            )));
        }
        if let Some(c) = value.chars().find(|&c| c != '\t' && !(' '..='~').contains(&c)) {
            return Err(bad(format!("{c:?} cannot be in the value of {name} (printable ASCII only)")));
        }
        Ok(Header { name: name.to_owned(), value: value.to_owned() })
    }
}

/// Whether a header is refused: one the client sets itself, or one whose name says it carries
/// a credential (`Authorization`, `Cookie`, `X-Api-Key`, `X-Auth-Token`, `Private-Token`...),
/// whose value would otherwise be printed and recorded.
fn is_credential(name: &str) -> bool {
    let name = name.to_ascii_lowercase();
    REFUSED.contains(&name.as_str())
        || ["auth", "token", "key", "secret", "passw", "cookie", "session", "credential", "signature"]
            .iter()
            .any(|word| name.contains(word))
}

/// RFC 9110's `tchar`: what a header name is made of.
fn is_token_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || "!#$%&'*+-.^_`|~".contains(c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_name_and_value_like_curl() {
        let header = Header::parse(" X-Scope-OrgID :  team-a ").expect("a header");
        assert_eq!((header.name.as_str(), header.value.as_str()), ("X-Scope-OrgID", "team-a"));
        let header = Header::parse("THANOS-TENANT:a:b").expect("a value may hold `:`");
        assert_eq!(header.value, "a:b");
        assert_eq!(Header::parse("X-Empty:").expect("an empty value").value, "");
    }

    #[test]
    fn refuses_what_is_not_a_header() {
        for (text, why) in [
            ("X-Scope-OrgID team-a", "no `:`"),
            (": team-a", "name is empty"),
            ("X Scope: a", "' ' cannot be in a header name"),
            ("X-Scope-OrgID: a\nX-Other: b", "'\\n' cannot be in the value of X-Scope-OrgID"),
            ("X-Scope-OrgID: é", "'é' cannot be in the value of X-Scope-OrgID"),
        ] {
            let error = Header::parse(text).expect_err(text);
            assert!(error.to_string().contains(why), "{text:?}: {error}");
            assert!(!error.message.contains("team-a") && !error.message.contains("X-Other"), "{error}");
        }
    }

    #[test]
    fn refuses_credentials_and_what_the_client_sets() {
        for name in [
            "Authorization",
            "proxy-authorization",
            "COOKIE",
            "Host",
            "Accept",
            "X-Api-Key",
            "X-Auth-Token",
            "Private-Token",
            "X-Amz-Security-Token",
        ] {
            let error = Header::parse(&format!("{name}: s3cr3t\u{1}")).expect_err(name);
            assert!(error.to_string().contains("cannot set"), "{error}");
            assert!(!format!("{error}{error:?}").contains("s3cr3t"), "{error}");
            assert!(format!("{error:?}").contains(TOKEN_VAR), "{error:?}");
        }
        for text in ["Authorization Bearer s3cr3t", "Authorization\t: Bearer s3cr3t", "X-Api-Key s3cr3t"] {
            let error = Header::parse(text).expect_err(text);
            assert!(!format!("{error}{error:?}").contains("s3cr3t"), "{error}");
        }
        for tenant in ["X-Scope-OrgID", "THANOS-TENANT", "X-Grafana-Org-Id", "AccountID"] {
            assert!(Header::parse(&format!("{tenant}: team-a")).is_ok(), "{tenant}");
        }
    }
}
