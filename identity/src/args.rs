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
        if args.skip.is_some()
            && (args.timed.is_some() || args.failures.is_some() || args.limits != Limits::default())
        {
            if let Some(span) = args.skip {
                push(syn::Error::new(
                    span,
                    "`skip` takes no other arguments: the item is not tracked",
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
        set_flag(&mut args.timed, k.span, "timed")
    } else if lookahead.peek(kw::failures) {
        let k: kw::failures = input.parse()?;
        set_flag(&mut args.failures, k.span, "failures")
    } else if lookahead.peek(kw::skip) {
        let k: kw::skip = input.parse()?;
        set_flag(&mut args.skip, k.span, "skip")
    } else if lookahead.peek(kw::limit_calls) {
        let k: kw::limit_calls = input.parse()?;
        input.parse::<Token![=]>()?;
        let lit: LitInt = input.parse().map_err(|e| {
            syn::Error::new(
                e.span(),
                "`limit_calls` expects a whole number of calls, like `limit_calls = 1_000_000`",
            )
        })?;
        let calls = lit.base10_parse::<u64>().map_err(|_| {
            syn::Error::new_spanned(
                &lit,
                "`limit_calls` expects a whole number of calls, like `limit_calls = 1_000_000`",
            )
        })?;
        if calls == 0 {
            return Err(syn::Error::new_spanned(
                &lit,
                "`limit_calls` must be at least 1",
            ));
        }
        set_value(&mut args.limits.calls, calls, k.span, "limit_calls")
    } else if lookahead.peek(kw::limit_busy) {
        let k: kw::limit_busy = input.parse()?;
        let busy = parse_duration(input, "limit_busy", "\"100h\"")?;
        set_value(&mut args.limits.busy, busy, k.span, "limit_busy")
    } else if lookahead.peek(kw::interval) {
        let k: kw::interval = input.parse()?;
        let interval = parse_duration(input, "interval", "\"180d\"")?;
        set_value(&mut args.limits.interval, interval, k.span, "interval")
    } else if input.peek(syn::Ident) {
        let unknown: syn::Ident = input.parse()?;
        Err(syn::Error::new_spanned(
            &unknown,
            format!("unknown argument `{unknown}`: {EXPECTED}"),
        ))
    } else {
        Err(syn::Error::new(
            lookahead.error().span(),
            format!("unexpected token: {EXPECTED}"),
        ))
    }
}

fn parse_duration(input: ParseStream<'_>, name: &str, example: &str) -> syn::Result<Duration> {
    input.parse::<Token![=]>()?;
    let msg = format!("`{name}` expects a duration in a string, like `{name} = {example}`");
    let lit: LitStr = input.parse().map_err(|e| syn::Error::new(e.span(), &msg))?;
    let duration = parse_duration_text(&lit.value())
        .map_err(|why| syn::Error::new_spanned(&lit, format!("invalid `{name}`: {why} ({msg})")))?;
    Ok(duration)
}

/// Parses a duration such as `"180d"`, `"12w"`, `"1y 6months"` or `"100h"` (humantime syntax),
/// which must be longer than zero.
pub fn parse_duration_text(text: &str) -> Result<Duration, String> {
    match humantime::parse_duration(text.trim()) {
        Ok(d) if d.is_zero() => Err("the duration must be longer than zero".to_owned()),
        Ok(d) => Ok(d),
        Err(e) => Err(e.to_string()),
    }
}

fn set_flag(slot: &mut Option<Span>, span: Span, name: &str) -> syn::Result<()> {
    if slot.is_some() {
        return Err(syn::Error::new(
            span,
            format!("duplicate argument `{name}`"),
        ));
    }
    *slot = Some(span);
    Ok(())
}

fn set_value<T>(slot: &mut Option<T>, value: T, span: Span, name: &str) -> syn::Result<()> {
    if slot.is_some() {
        return Err(syn::Error::new(
            span,
            format!("duplicate argument `{name}`"),
        ));
    }
    *slot = Some(value);
    Ok(())
}

/// Whether an attribute is wear's own: `#[tracked]`, `#[wear::tracked]` or `#[::wear::tracked]`,
/// with or without arguments.
pub fn is_tracked_attr(attr: &syn::Attribute) -> bool {
    let segments: Vec<String> = attr
        .path()
        .segments
        .iter()
        .map(|s| s.ident.to_string())
        .collect();
    matches!(segments.as_slice(), [last] if last == "tracked")
        || matches!(segments.as_slice(), [krate, last] if krate == "wear" && last == "tracked")
}

/// The arguments of a wear attribute found on an item (`#[wear::tracked]` has none).
pub fn args_of_attr(attr: &syn::Attribute) -> syn::Result<TrackedArgs> {
    match &attr.meta {
        syn::Meta::Path(_) => Ok(TrackedArgs::default()),
        syn::Meta::List(list) => list.parse_args(),
        syn::Meta::NameValue(nv) => Err(syn::Error::new_spanned(
            nv,
            "expected `#[wear::tracked]` or `#[wear::tracked(...)]`",
        )),
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
        let args = parse("timed, failures, limit_calls = 1_000_000_000, interval = \"180d\", limit_busy = \"100h\"")
            .expect("valid arguments");
        assert!(args.timed.is_some() && args.failures.is_some() && args.skip.is_none());
        assert_eq!(args.limits.calls, Some(1_000_000_000));
        assert_eq!(
            args.limits.interval,
            Some(Duration::from_secs(180 * 86_400))
        );
        assert_eq!(args.limits.busy, Some(Duration::from_secs(100 * 3_600)));
    }

    #[test]
    fn every_mistake_is_reported_at_once() {
        let err =
            parse("timd, limit_calls = \"many\", interval = \"soon\"").expect_err("three mistakes");
        let messages: Vec<String> = err.into_iter().map(|e| e.to_string()).collect();
        assert_eq!(messages.len(), 3, "{messages:?}");
        assert!(messages[0].contains("unknown argument `timd`"));
        assert!(messages[1].contains("whole number"));
        assert!(messages[2].contains("invalid `interval`"));
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
    fn inner_settings_win_over_outer() {
        let outer = parse("timed, limit_calls = 10, interval = \"1d\"").expect("outer");
        let inner = parse("limit_calls = 5").expect("inner").inherit(&outer);
        assert!(inner.timed.is_some());
        assert_eq!(inner.limits.calls, Some(5));
        assert_eq!(inner.limits.interval, Some(Duration::from_secs(86_400)));
    }
}
