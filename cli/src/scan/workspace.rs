//! The workspace as cargo sees it: its root, target directory and the crate roots of its
//! members, from `cargo metadata` (so `--manifest-path`, virtual manifests and
//! `[workspace] exclude` behave as in every cargo command), each with the facts of the build
//! being measured (features, target, cfgs: see [`super::cfg`]).
use std::path::{Path, PathBuf};
use std::sync::Arc;

use cargo_metadata::{MetadataCommand, TargetKind};

use super::Warning;
use super::cfg::{BuildCfg, BuildOptions, facts};
use crate::error::{Error, Result};

/// One crate whose sources are scanned.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Target {
    /// The package it belongs to.
    pub(crate) package: String,
    /// The crate name `module_path!()` starts with (the target name, `-` made `_`).
    pub(crate) crate_name: String,
    /// The crate root (`src/lib.rs`, `src/main.rs`, ...).
    pub(crate) root_file: PathBuf,
    /// What its package's build compiles.
    pub(crate) build: Arc<BuildCfg>,
}

/// A workspace's root, target directory and scanned crates.
#[derive(Clone, Debug)]
pub(crate) struct Workspace {
    /// Where the workspace manifest is.
    pub(crate) root: PathBuf,
    /// Cargo's target directory.
    pub(crate) target_dir: PathBuf,
    /// Libraries, binaries and examples of every member, in cargo's order.
    pub(crate) targets: Vec<Target>,
    /// Build facts that could not be read well (a build script's output, a check-cfg entry).
    pub(crate) warnings: Vec<Warning>,
    /// The manifests read: the workspace's and every member's.
    pub(crate) manifests: Vec<PathBuf>,
}

/// Runs `cargo metadata --no-deps` for `manifest_path` (or the current directory), and gathers
/// the facts of the build `build` describes for each member.
pub(crate) fn load_workspace(manifest_path: Option<&Path>, build: &BuildOptions) -> Result<Workspace> {
    let mut command = MetadataCommand::new();
    command.no_deps();
    if let Some(path) = manifest_path {
        if !path.is_file() {
            return Err(Error::in_file(path, "no such manifest")
                .help("give the path of a Cargo.toml with --manifest-path"));
        }
        command.manifest_path(path);
    }
    let metadata = command.exec().map_err(|e| {
        let help = "run inside a cargo workspace, or point --manifest-path at its Cargo.toml";
        if let cargo_metadata::Error::CargoMetadata { stderr } = &e
            && let Some(error) = cargo_error(stderr)
        {
            return match error.file {
                Some(_) => error.help("fix the manifest at that line (cargo check says the same)"),
                None => error.help(help),
            };
        }
        // `cargo` itself cannot be started: not installed for this user, or out of its reach
        // (a toolchain under another user's home, a CI step run as an unprivileged user).
        if let cargo_metadata::Error::Io(io) = &e
            && matches!(io.kind(), std::io::ErrorKind::NotFound | std::io::ErrorKind::PermissionDenied)
        {
            let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
            return Error::new(format!(
                "cannot run `{}` to read the workspace (`cargo metadata`): {io}",
                one_line(&cargo)
            ))
            .help(
                "run as a user who can run cargo, or set CARGO to a cargo this user may run \
                 (the toolchain's folders must be readable by it)",
            );
        }
        let shown =
            manifest_path.map_or_else(|| "the current directory".to_owned(), |p| p.display().to_string());
        Error::new(format!("cargo metadata failed for {shown}: {}", one_line(&e.to_string()))).help(help)
    })?;
    let facts = facts(&metadata, build)?;
    let mut targets = Vec::new();
    let mut manifests = vec![metadata.workspace_root.join("Cargo.toml").into_std_path_buf()];
    for package in metadata.workspace_packages() {
        manifests.push(package.manifest_path.clone().into_std_path_buf());
        let Some(build) = facts.by_package.get(&package.id) else { continue };
        for target in &package.targets {
            let scanned = target.kind.iter().any(|k| {
                matches!(
                    k,
                    TargetKind::Lib
                        | TargetKind::RLib
                        | TargetKind::DyLib
                        | TargetKind::CDyLib
                        | TargetKind::StaticLib
                        | TargetKind::Bin
                        | TargetKind::Example
                )
            });
            if scanned {
                targets.push(Target {
                    package: package.name.to_string(),
                    crate_name: target.name.replace('-', "_"),
                    root_file: target.src_path.clone().into_std_path_buf(),
                    build: Arc::clone(build),
                });
            }
        }
    }
    Ok(Workspace {
        root: metadata.workspace_root.into_std_path_buf(),
        target_dir: metadata.target_directory.into_std_path_buf(),
        targets,
        warnings: facts.warnings,
        manifests,
    })
}

/// Cargo's own error, with the manifest and line it points at (` --> Cargo.toml:3:9`) when it
/// gives one, so the message names the file and line like every other.
fn cargo_error(stderr: &str) -> Option<Error> {
    let message = stderr.lines().find_map(|l| l.strip_prefix("error: "))?.trim();
    let location = stderr.lines().find_map(|l| l.trim_start().strip_prefix("--> "));
    let Some((file, rest)) = location.and_then(|l| l.trim().split_once(':')) else {
        let causes: Vec<&str> =
            stderr.lines().skip_while(|l| !l.starts_with("Caused by:")).skip(1).map(str::trim).collect();
        let cause = causes.iter().rev().find(|l| !l.is_empty()).map(|c| format!(": {c}")).unwrap_or_default();
        return Some(Error::new(format!("cargo cannot read the workspace: {message}{cause}")));
    };
    let error = Error::in_file(file, format!("cargo cannot read the manifest: {message}"));
    Some(match rest.split(':').next().and_then(|line| line.parse().ok()) {
        Some(line) => error.at_line(line),
        None => error,
    })
}

fn one_line(text: &str) -> String {
    text.lines().map(str::trim).filter(|l| !l.is_empty()).collect::<Vec<_>>().join(" ")
}
