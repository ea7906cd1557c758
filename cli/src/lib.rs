//! `cargo wear`: joins the parts found in the sources, the age of their lines in git and
//! their recorded usage into a due list, under a policy and a logbook.
//!
//! The stages, each in its own module:
//! [`scan`] (sources → parts) → [`age`] (git → line ages) → [`usage`] (snapshots, ledger →
//! calls) → [`policy`] (limits, logbook → status, forecast) → [`due`] (the joined due list)
//! → [`report`] (table, JSON, Markdown, SARIF, GitHub, JUnit), [`heatmap`] and [`map`]
//! (pictures for a terminal). Every writer shows outside text through [`safe_text`].
//!
//! [`pipeline`] runs those stages for a request, the one way a due list is made; [`commands`]
//! is the layer above it, one room per command, fed by the arguments of [`cli`]. What a
//! command writes goes through [`output`], and every file through [`fs`]; every file read
//! from outside goes through [`bounded`], which refuses pipes, devices and files too large.

#![warn(unreachable_pub)]

pub mod age;
pub mod annotate;
pub(crate) mod assemble;
pub(crate) mod bounded;
pub mod cli;
pub mod commands;
pub(crate) mod diff;
pub mod due;
pub(crate) mod error;
pub(crate) mod fs;
pub(crate) mod group;
pub(crate) mod heatmap;
pub(crate) mod lineage;
pub mod map;
pub(crate) mod order;
pub(crate) mod output;
pub(crate) mod packed;
pub(crate) mod pager;
pub(crate) mod pipeline;
pub mod policy;
pub(crate) mod present;
pub mod report;
pub mod safe_text;
pub mod scan;
pub mod time;
pub mod usage;
pub(crate) mod wear_map;

pub use error::{Error, Result};
