//! The policy in force: defaults and rules by glob, and the limits they give one part.
//!
//! A rule matches a part by its path (`parts = "shop::checkout::**"`) or by its file
//! (`files = "examples/shop/src/legacy/**"`), or by both when it gives both. For each limit,
//! the **last** matching rule that sets it wins, as later lines win in `.gitignore`: write
//! broad rules first and narrow exceptions after them. The macro's own arguments
//! (`#[wear::tracked(limit_calls = ..)]`) win over every rule.
use std::path::PathBuf;

use globset::GlobMatcher;
use wear_identity::args::Limits;

use super::limits::{EffectiveLimits, duration_ns, duration_secs};
use crate::time::Secs;

/// One limit as a policy section sets it: not at all (`None`), switched off
/// (`Some(None)`, written `"none"`), or to a value.
pub(crate) type Setting<T> = Option<Option<T>>;

/// The limits one section of the policy sets (`[defaults]` or a `[[rule]]`).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Settings {
    /// Calls since overhaul or sign-off.
    pub calls: Setting<u64>,
    /// Busy time in nanoseconds.
    pub(crate) busy_ns: Setting<u64>,
    /// Calendar age in seconds.
    pub age: Setting<Secs>,
    /// Due-soon threshold as a fraction (above 0, at most 1).
    pub due_soon: Option<f64>,
}

impl Settings {
    /// Applies the settings made here on top of `limits`.
    fn apply(&self, limits: &mut EffectiveLimits) {
        if let Some(calls) = self.calls {
            limits.calls = calls;
        }
        if let Some(busy) = self.busy_ns {
            limits.busy_ns = busy;
        }
        if let Some(age) = self.age {
            limits.age = age;
        }
        if let Some(due_soon) = self.due_soon {
            limits.due_soon = due_soon;
        }
    }
}

/// A `[[rule]]`: which parts it covers and the limits it sets for them.
#[derive(Clone, Debug)]
pub struct Rule {
    /// Glob over part paths, with `::` between segments (already translated for matching).
    pub parts: Option<GlobMatcher>,
    /// Glob over file paths relative to the workspace root, with `/` between segments.
    pub files: Option<GlobMatcher>,
    /// The limits it sets.
    pub settings: Settings,
}

impl Rule {
    /// Whether the rule covers a part at `part` defined in `file`.
    pub(crate) fn matches(&self, part: &str, file: &str) -> bool {
        let part_ok =
            self.parts.as_ref().is_none_or(|glob| part_forms(part).iter().any(|p| glob.is_match(p)));
        let file_ok = self.files.as_ref().is_none_or(|glob| glob.is_match(normalize_file(file)));
        part_ok && file_ok
    }
}

/// The policy of a workspace: built-in defaults, then `[defaults]`, then the rules in order.
#[derive(Clone, Debug, Default)]
pub struct Policy {
    /// Where it was read from (`wear.toml` or `Cargo.toml`), `None` for the built-in defaults.
    pub source: Option<PathBuf>,
    /// The `[defaults]` section.
    pub defaults: Settings,
    /// The `[[rule]]` sections, in file order.
    pub rules: Vec<Rule>,
    /// `[report] source_url`: where the HTML report links each location, `{rev}`, `{file}`
    /// and `{line}` to fill in; `None` links to the files in the workspace.
    pub source_url: Option<String>,
}

impl Policy {
    /// The limits for the part at `part` in `file` (relative to the workspace root, `/` or `\`
    /// separators): built-in defaults, `[defaults]`, every matching rule in order (the last
    /// one to set a limit wins), then the macro's arguments `from_macro` over everything.
    pub fn limits_for(&self, part: &str, file: &str, from_macro: &Limits) -> EffectiveLimits {
        let mut limits = EffectiveLimits::default();
        self.defaults.apply(&mut limits);
        for rule in self.rules.iter().filter(|rule| rule.matches(part, file)) {
            rule.settings.apply(&mut limits);
        }
        if let Some(calls) = from_macro.calls {
            limits.calls = Some(calls);
        }
        if let Some(busy) = from_macro.busy {
            limits.busy_ns = Some(duration_ns(busy));
        }
        if let Some(interval) = from_macro.interval {
            limits.age = Some(duration_secs(interval));
        }
        limits
    }
}

/// A part path in the form part globs match: `::` becomes `/` so that `*` stays within one
/// segment. A method of a trait impl, `<shop::cart::Cart as Display>::fmt`, is also matched as
/// `shop::cart::Cart::fmt`, so that `shop::cart::**` covers it like the type's other methods.
pub(super) fn part_forms(part: &str) -> Vec<String> {
    let mut forms = vec![part.replace("::", "/")];
    if let Some(plain) = trait_impl_as_plain(part) {
        forms.push(plain.replace("::", "/"));
    }
    forms
}

/// `<X as T>::f` → `X::f`, when `part` has that shape.
fn trait_impl_as_plain(part: &str) -> Option<String> {
    let inner = part.strip_prefix('<')?;
    let mut depth = 0usize;
    let mut close = None;
    for (i, c) in inner.char_indices() {
        match c {
            '<' => depth += 1,
            '>' if depth == 0 => {
                close = Some(i);
                break;
            }
            '>' => depth -= 1,
            _ => {}
        }
    }
    let close = close?;
    let (qualified, rest) = (&inner[..close], &inner[close + 1..]);
    let self_ty = qualified.rsplit_once(" as ")?.0;
    Some(format!("{self_ty}{rest}"))
}

/// A file path in the form file globs match: `/` separators, no leading `./`.
pub(super) fn normalize_file(file: &str) -> String {
    let file = file.replace('\\', "/");
    file.strip_prefix("./").unwrap_or(&file).to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trait_impl_methods_match_as_methods_of_their_type() {
        assert_eq!(
            part_forms("<shop::cart::Cart<T> as Display>::fmt"),
            ["<shop/cart/Cart<T> as Display>/fmt", "shop/cart/Cart<T>/fmt"]
        );
        assert_eq!(part_forms("shop::cart::Cart::add"), ["shop/cart/Cart/add"]);
        assert_eq!(normalize_file(".\\src\\a.rs"), "src/a.rs");
    }
}
