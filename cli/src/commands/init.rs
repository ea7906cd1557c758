//! `cargo wear init`: a commented starter `wear.toml`.
use super::Outcome;
use crate::cli::InitArgs;
use crate::error::Result;
use crate::policy::write_starter;
use crate::safe_text;
use crate::scan::load_workspace;

/// `cargo wear init`.
pub(super) fn run(args: &InitArgs) -> Result<Outcome> {
    let workspace = load_workspace(args.workspace.manifest_path.as_deref(), &args.workspace.build_options())?;
    let path = write_starter(&workspace.root)?;
    eprintln!("wrote {}: edit its limits, then run `cargo wear report`", safe_text::path(&path));
    Ok(Outcome::Clean)
}
