//! Policy and logbook: the limits each part must stay within, the inspections that restart
//! them, and what that makes of each part: status, nearest limit and projected due date.
//!
//! - [`file`](mod@file): reads `wear.toml` (or `[workspace.metadata.wear]` in `Cargo.toml`).
//! - [`rules`]: the [`Policy`] and how it gives the [`EffectiveLimits`] (see [`limits`]) of
//!   one part. For each limit the **last** matching rule wins; the macro's arguments win over
//!   the whole file.
//! - [`starter`]: `cargo wear init`, a commented `wear.toml` stating the defaults.
//! - [`logbook`]: a logbook file, sign-offs appended as text, written atomically.
//! - [`logbook_folder`]: the workspace's logbook, `wear-logbook/`, one file per sign-off.
//! - [`assess`](mod@assess) and [`forecast`]: status, percent of the nearest limit, projected due date.

pub(crate) mod assess;
pub(crate) mod file;
pub(crate) mod forecast;
pub(crate) mod limits;
pub(crate) mod logbook;
pub(crate) mod logbook_folder;
pub(crate) mod rules;
pub(crate) mod starter;

pub(crate) use assess::{Facts, assess};
pub use file::{POLICY_FILE, load_policy, parse_policy_text};
pub use logbook::{LOGBOOK_FILE, Logbook, SignOff, append_signoff};
pub use logbook_folder::{LOGBOOK_DIR, load_logbook, logbook_files, sign_off};
pub use rules::{Policy, Rule};
pub(crate) use starter::write_starter;

#[cfg(test)]
mod tests;
