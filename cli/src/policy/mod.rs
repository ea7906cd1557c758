//! Policy and logbook: the limits each part must stay within, the inspections that restart
//! them, and what that makes of each part: status, nearest limit and projected due date.
//!
//! - [`file`](mod@file): reads `wear.toml` (or `[workspace.metadata.wear]` in `Cargo.toml`).
//! - [`rules`]: the [`Policy`] and how it gives the [`EffectiveLimits`] (see [`limits`]) of
//!   one part. For each limit the **last** matching rule wins; the macro's arguments win over
//!   the whole file.
//! - [`starter`]: `cargo wear init`, a commented `wear.toml` stating the defaults.
//! - [`logbook`]: `wear-logbook.toml`, sign-offs appended as text, written atomically.
//! - [`assess`](mod@assess) and [`forecast`]: status, percent of the nearest limit, projected due date.

pub mod assess;
pub mod file;
pub mod forecast;
pub mod limits;
pub mod logbook;
pub mod rules;
pub mod starter;

pub use assess::{Assessment, Facts, assess};
pub use file::{POLICY_FILE, load_policy, parse_policy_text};
pub use forecast::projected_due;
pub use limits::EffectiveLimits;
pub use logbook::{LOGBOOK_FILE, Logbook, SignOff, append_signoff, logbook_path};
pub use rules::{Policy, Rule};
pub use starter::{STARTER, write_starter};

#[cfg(test)]
mod tests;
