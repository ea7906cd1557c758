//! The command line: `cargo wear <command>` (being built).
