//! `--filter`: which parts a picture shows, by part path or source file. A pattern with glob
//! characters (`*`, `?`, `[`, `{`) is a glob over the whole path or file (`shop::*::parse*`,
//! `crates/engine/**`); any other pattern is a prefix that ends at a `::` or `/` (`shop::cart`
//! shows that module and everything below it, not `shop::cartography`; `src/pricing.rs` that
//! file; `crates/engine` that folder).
use globset::{Glob, GlobMatcher};

use crate::due::DueItem;
use crate::error::{Error, Result};

/// A checked `--filter` pattern.
#[derive(Clone, Debug)]
pub(crate) struct PartFilter {
    pattern: String,
    glob: Option<GlobMatcher>,
}

impl PartFilter {
    /// Checks `pattern`: an empty one or a malformed glob is an error that says how to write it.
    pub(crate) fn new(pattern: &str) -> Result<PartFilter> {
        let pattern = pattern.trim();
        if pattern.is_empty() {
            return Err(Error::new("--filter is empty").help(
                "give a part path prefix (`shop::cart`), a file (`src/cart.rs`) or a glob (`shop::*`)",
            ));
        }
        let glob = if pattern.contains(['*', '?', '[', '{']) {
            let glob = Glob::new(pattern).map_err(|e| {
                Error::new(format!("--filter `{pattern}` is not a valid glob: {}", e.kind()))
                    .help("write a glob like `shop::*::parse*` or `crates/engine/**`")
            })?;
            Some(glob.compile_matcher())
        } else {
            None
        };
        Ok(PartFilter { pattern: pattern.to_owned(), glob })
    }

    /// The pattern as given (trimmed).
    pub(crate) fn pattern(&self) -> &str {
        &self.pattern
    }

    /// Whether the part's path or file matches.
    pub(crate) fn matches(&self, item: &DueItem) -> bool {
        match &self.glob {
            Some(glob) => glob.is_match(&item.part) || glob.is_match(&item.file),
            None => {
                let after = |text: &str, sep: &str| {
                    text.strip_prefix(self.pattern.as_str()).is_some_and(|rest| {
                        rest.is_empty() || rest.starts_with(sep) || self.pattern.ends_with(sep)
                    })
                };
                after(&item.part, "::") || after(&item.file, "/")
            }
        }
    }
}
