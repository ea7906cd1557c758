//! The arguments of `#[wear::tracked(...)]`, parsed the same way by the macro and the CLI.
//!
//! ```text
//! #[wear::tracked]                                   count calls
//! #[wear::tracked(timed, failures)]                  also busy time, latency and failures
//! #[wear::tracked(limit_calls = 1_000_000_000, limit_busy = "100h", interval = "180d")]
//! #[wear::tracked(skip)]                             inside a tracked impl/mod: leave this one out
//! ```
use std::time::Duration;

use proc_macro2::Span;
use syn::parse::{Parse, ParseStream};
use syn::{LitInt, LitStr, Token};

mod kw {
    syn::custom_keyword!(timed);
    syn::custom_keyword!(failures);
    syn::custom_keyword!(skip);
    syn::custom_keyword!(limit_calls);
    syn::custom_keyword!(limit_busy);
    syn::custom_keyword!(interval);
}

const EXPECTED: &str = "expected `timed`, `failures`, `skip`, `limit_calls = N`, `limit_busy = \"DURATION\"` or `interval = \"DURATION\"`";

/// Limits for one part that override the project's policy (`wear.toml`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Limits {
    /// Calls since the last overhaul or sign-off after which the part is due.
    pub calls: Option<u64>,
    /// Busy time (time spent inside the part) after which it is due.
    pub busy: Option<Duration>,
    /// Calendar age since the last overhaul or sign-off after which it is due.
    pub interval: Option<Duration>,
}

impl Limits {
    /// Fills the limits this one leaves open from `outer` (a tracked impl's or mod's).
    pub fn or(self, outer: Limits) -> Limits {
        Limits {
            calls: self.calls.or(outer.calls),
            busy: self.busy.or(outer.busy),
            interval: self.interval.or(outer.interval),
        }
    }
}

/// Parsed `#[wear::tracked(...)]` arguments. The spans point at each argument, for errors.
#[derive(Clone, Debug, Default)]
pub struct TrackedArgs {
    /// `timed`: record busy time and a latency histogram.
    pub timed: Option<Span>,
    /// `failures`: count calls that return `Err` or unwind.
    pub failures: Option<Span>,
    /// `skip`: do not track this item.
    pub skip: Option<Span>,
    /// Limits given in the attribute.
    pub limits: Limits,
}

impl TrackedArgs {
    /// Settings for an item inside a tracked impl or mod: its own flags and limits win, the
    /// outer ones fill in.
    pub fn inherit(self, outer: &TrackedArgs) -> TrackedArgs {
        TrackedArgs {
            timed: self.timed.or(outer.timed),
            failures: self.failures.or(outer.failures),
            skip: self.skip,
            limits: self.limits.or(outer.limits),
        }
    }
}

impl Parse for TrackedArgs {
    fn parse(input: ParseStream<'_>) -> syn::Result<Self> {
        let mut args = TrackedArgs::default();
        let mut errors: Option<syn::Error> = None;
        let mut push = |e: syn::Error| match &mut errors {
            Some(all) => all.combine(e),
            None => errors = Some(e),
        };
        while !input.is_empty() {
            if let Err(e) = parse_one(input, &mut args) {
                push(e);
                // Resynchronise at the next comma so every mistake is reported in one compile.
                while !input.is_empty() && !input.peek(Token![,]) {
                    let _ = input.parse::<proc_macro2::TokenTree>();
                }
            }
            if input.is_empty() {
                break;
            }
            if let Err(e) = input.parse::<Token![,]>() {
                push(e);
                break;
            }
        }
        if let Some(span) = args.skip {
            let others: Vec<&str> = [
                (args.timed.is_some(), "`timed`"),
                (args.failures.is_some(), "`failures`"),
                (args.limits.calls.is_some(), "`limit_calls`"),
                (args.limits.busy.is_some(), "`limit_busy`"),
                (args.limits.interval.is_some(), "`interval`"),
            ]
            .into_iter()
            .filter_map(|(given, name)| given.then_some(name))
            .collect();
            if !others.is_empty() {
                push(syn::Error::new(
                    span,
                    format!(
                        "`skip` cannot be combined with {}: a skipped item is not tracked\n\
                         help: remove `skip`, or remove the other arguments",
                        others.join(", ")
                    ),
                ));
            }
        }
        match errors {
            Some(e) => Err(e),
            None => Ok(args),
        }
    }
}

fn parse_one(input: ParseStream<'_>, args: &mut TrackedArgs) -> syn::Result<()> {
    let lookahead = input.lookahead1();
    if lookahead.peek(kw::timed) {
        let k: kw::timed = input.parse()?;
        no_value(input, "timed")?;
        set_flag(&mut args.timed, k.span, "timed")
    } else if lookahead.peek(kw::failures) {
        let k: kw::failures = input.parse()?;
        no_value(input, "failures")?;
        set_flag(&mut args.failures, k.span, "failures")
    } else if lookahead.peek(kw::skip) {
        let k: kw::skip = input.parse()?;
        no_value(input, "skip")?;
        set_flag(&mut args.skip, k.span, "skip")
    } else if lookahead.peek(kw::limit_calls) {
        let k: kw::limit_calls = input.parse()?;
        let expects = "`limit_calls` expects a whole number of calls, like `limit_calls = 1_000_000`";
        expect_eq(input, k.span, expects)?;
        let lit: LitInt = input.parse().map_err(|e| syn::Error::new(e.span(), expects))?;
        let calls = match lit.base10_parse::<u64>() {
            Ok(calls) => calls,
            Err(_) if lit.suffix().is_empty() && lit.base10_digits().bytes().all(|b| b.is_ascii_digit()) => {
                let message = format!("`limit_calls` is too large: at most {}", u64::MAX);
                return Err(syn::Error::new_spanned(&lit, message));
            }
            Err(_) => return Err(syn::Error::new_spanned(&lit, expects)),
        };
        if calls == 0 {
            return Err(syn::Error::new_spanned(&lit, "`limit_calls` must be at least 1"));
        }
        set_value(&mut args.limits.calls, calls, k.span, "limit_calls")
    } else if lookahead.peek(kw::limit_busy) {
        let k: kw::limit_busy = input.parse()?;
        let busy = parse_duration(input, k.span, "limit_busy", "\"100h\"")?;
        set_value(&mut args.limits.busy, busy, k.span, "limit_busy")
    } else if lookahead.peek(kw::interval) {
        let k: kw::interval = input.parse()?;
        let interval = parse_duration(input, k.span, "interval", "\"180d\"")?;
        set_value(&mut args.limits.interval, interval, k.span, "interval")
    } else if input.peek(syn::Ident) {
        let unknown: syn::Ident = input.parse()?;
        Err(syn::Error::new_spanned(&unknown, format!("unknown argument `{unknown}`: {EXPECTED}")))
    } else {
        Err(syn::Error::new(lookahead.error().span(), format!("unexpected token: {EXPECTED}")))
    }
}

fn parse_duration(input: ParseStream<'_>, key: Span, name: &str, example: &str) -> syn::Result<Duration> {
    let expects = format!("`{name}` expects a duration in a string, like `{name} = {example}`");
    expect_eq(input, key, &expects)?;
    let lit: LitStr = input.parse().map_err(|e| syn::Error::new(e.span(), &expects))?;
    parse_duration_text(&lit.value()).map_err(|why| {
        let text = lit.value();
        syn::Error::new_spanned(
            &lit,
            format!("invalid duration {text:?} for `{name}`: {why}; write a number and a unit, like \"180d\", \"12w\" or \"1y 6months\""),
        )
    })
}

/// The `=` after a key that takes a value, with an error at the key when it is missing.
fn expect_eq(input: ParseStream<'_>, key: Span, expects: &str) -> syn::Result<()> {
    if input.peek(Token![=]) {
        input.parse::<Token![=]>().map(drop)
    } else {
        Err(syn::Error::new(key, expects))
    }
}

/// A flag followed by `= value` gets its own message rather than "expected `,`".
fn no_value(input: ParseStream<'_>, name: &str) -> syn::Result<()> {
    if input.peek(Token![=]) {
        let eq: Token![=] = input.parse()?;
        return Err(syn::Error::new(eq.span, format!("`{name}` takes no value: write `{name}` alone")));
    }
    Ok(())
}

/// Parses a duration such as `"180d"`, `"12w"`, `"1y 6months"` or `"100h"` (humantime syntax),
/// which must be longer than zero.
pub fn parse_duration_text(text: &str) -> Result<Duration, String> {
    use humantime::DurationError;
    match humantime::parse_duration(text.trim()) {
        Ok(d) if d.is_zero() => Err("the duration must be longer than zero".to_owned()),
        Ok(d) => Ok(d),
        Err(DurationError::Empty) => Err("the duration is empty".to_owned()),
        Err(DurationError::NumberExpected(_)) => Err("expected a number".to_owned()),
        Err(DurationError::UnknownUnit { unit, .. }) => Err(format!("unknown unit `{unit}`")),
        Err(DurationError::NumberOverflow) => Err("the duration is too long".to_owned()),
        Err(DurationError::InvalidCharacter(_)) => Err("unexpected character".to_owned()),
    }
}

fn set_flag(slot: &mut Option<Span>, span: Span, name: &str) -> syn::Result<()> {
    if slot.is_some() {
        return Err(syn::Error::new(span, format!("duplicate argument `{name}`")));
    }
    *slot = Some(span);
    Ok(())
}

fn set_value<T>(slot: &mut Option<T>, value: T, span: Span, name: &str) -> syn::Result<()> {
    if slot.is_some() {
        return Err(syn::Error::new(span, format!("duplicate argument `{name}`")));
    }
    *slot = Some(value);
    Ok(())
}

/// Whether an attribute is wear's own: `#[tracked]`, `#[wear::tracked]` or `#[::wear::tracked]`,
/// with or without arguments.
pub fn is_tracked_attr(attr: &syn::Attribute) -> bool {
    let segments: Vec<String> = attr.path().segments.iter().map(|s| s.ident.to_string()).collect();
    matches!(segments.as_slice(), [last] if last == "tracked")
        || matches!(segments.as_slice(), [krate, last] if krate == "wear" && last == "tracked")
}

/// The arguments of a wear attribute found on an item (`#[wear::tracked]` has none).
pub fn args_of_attr(attr: &syn::Attribute) -> syn::Result<TrackedArgs> {
    match &attr.meta {
        syn::Meta::Path(_) => Ok(TrackedArgs::default()),
        syn::Meta::List(list) => list.parse_args(),
        syn::Meta::NameValue(nv) => {
            Err(syn::Error::new_spanned(nv, "expected `#[wear::tracked]` or `#[wear::tracked(...)]`"))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(src: &str) -> syn::Result<TrackedArgs> {
        syn::parse_str::<TrackedArgs>(src)
    }

    #[test]
    fn flags_and_limits_parse() {
        let args =
            parse("timed, failures, limit_calls = 1_000_000_000, interval = \"180d\", limit_busy = \"100h\"")
                .expect("valid arguments");
        assert!(args.timed.is_some() && args.failures.is_some() && args.skip.is_none());
        assert_eq!(args.limits.calls, Some(1_000_000_000));
        assert_eq!(args.limits.interval, Some(Duration::from_secs(180 * 86_400)));
        assert_eq!(args.limits.busy, Some(Duration::from_secs(100 * 3_600)));
    }

    #[test]
    fn every_mistake_is_reported_at_once() {
        let err = parse("timd, limit_calls = \"many\", interval = \"soon\"").expect_err("three mistakes");
        let messages: Vec<String> = err.into_iter().map(|e| e.to_string()).collect();
        assert_eq!(messages.len(), 3, "{messages:?}");
        assert!(messages[0].contains("unknown argument `timd`"));
        assert!(messages[1].contains("whole number"));
        assert!(messages[2].contains("invalid duration \"soon\" for `interval`"), "{}", messages[2]);
    }

    #[test]
    fn duplicates_zero_and_skip_with_others_are_errors() {
        assert!(parse("timed, timed").is_err());
        assert!(parse("limit_calls = 0").is_err());
        assert!(parse("interval = \"0s\"").is_err());
        assert!(parse("skip, timed").is_err());
        assert!(parse("skip").is_ok());
    }

    #[test]
    fn messages_say_what_to_write() {
        let message = |src: &str| parse(src).expect_err(src).to_string();
        assert!(message("limit_calls").contains("like `limit_calls = 1_000_000`"));
        assert!(message("interval").contains("like `interval = \"180d\"`"));
        assert!(message("timed = true").contains("`timed` takes no value"));
        assert!(message("limit_calls = 99999999999999999999999").contains("too large"));
        assert!(
            message("skip, failures, interval = \"1d\"")
                .contains("`skip` cannot be combined with `failures`, `interval`")
        );
        assert!(message("interval = \"3 fortnights\"").contains("unknown unit `fortnights`"));
    }

    #[test]
    fn inner_settings_win_over_outer() {
        let outer = parse("timed, limit_calls = 10, interval = \"1d\"").expect("outer");
        let inner = parse("limit_calls = 5").expect("inner").inherit(&outer);
        assert!(inner.timed.is_some());
        assert_eq!(inner.limits.calls, Some(5));
        assert_eq!(inner.limits.interval, Some(Duration::from_secs(86_400)));
    }
}
