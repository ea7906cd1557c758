//! What `annotate` needs to know about each member package beyond the scan's crate list
//! ([`crate::scan::load_workspace`]): whether it is a proc-macro crate (left alone: its
//! functions run in the compiler) and how it depends on `wear`, which `#[wear::tracked]`
//! needs under that name.
use std::path::Path;

use cargo_metadata::{DependencyKind, MetadataCommand, TargetKind};

use crate::error::{Error, Result};

/// One member package.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Package {
    /// Its name, as `Cargo.toml` and `-p` spell it.
    pub(crate) name: String,
    /// It has a proc-macro target.
    pub(crate) proc_macro: bool,
    /// How it depends on `wear`.
    pub(crate) wear: WearDependency,
    /// Its `[lints]` (or the workspace's, inherited) forbid unsafe code.
    pub(crate) forbids_unsafe: bool,
}

/// How a package depends on the `wear` crate.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum WearDependency {
    /// A normal dependency named `wear`: the attribute resolves.
    Present,
    /// An optional one: builds without it do not compile the attribute.
    Optional,
    /// Renamed (`name = { package = "wear" }`): `wear::tracked` does not resolve.
    Renamed(String),
    /// Only a dev-dependency: the production build does not have it.
    DevOnly,
    /// None.
    Missing,
}

/// The member packages of the workspace of `manifest_path` (or the current directory), from
/// `cargo metadata` as the scan reads it. The scan has just read the same workspace, so a
/// failure here is unusual; it is an error all the same.
pub(crate) fn load(manifest_path: Option<&Path>) -> Result<Vec<Package>> {
    let mut command = MetadataCommand::new();
    command.no_deps();
    if let Some(path) = manifest_path {
        command.manifest_path(path);
    }
    let metadata = command.exec().map_err(|e| {
        Error::new(format!("cargo metadata failed: {}", e.to_string().lines().next().unwrap_or_default()))
            .help("run `cargo metadata --no-deps` to see why")
    })?;
    let workspace_lints = read_manifest(&metadata.workspace_root.as_std_path().join("Cargo.toml"))
        .and_then(|m| m.get("workspace")?.get("lints").cloned());
    Ok(metadata
        .workspace_packages()
        .into_iter()
        .map(|package| {
            let wears: Vec<_> = package.dependencies.iter().filter(|d| d.name == "wear").collect();
            let normal = wears.iter().find(|d| d.kind == DependencyKind::Normal);
            let wear = match normal {
                Some(dep) => match &dep.rename {
                    Some(rename) if rename != "wear" => WearDependency::Renamed(rename.clone()),
                    _ if dep.optional => WearDependency::Optional,
                    _ => WearDependency::Present,
                },
                None if wears.iter().any(|d| d.kind == DependencyKind::Development) => {
                    WearDependency::DevOnly
                }
                None => WearDependency::Missing,
            };
            Package {
                name: package.name.to_string(),
                proc_macro: package.targets.iter().any(|t| t.kind.contains(&TargetKind::ProcMacro)),
                wear,
                forbids_unsafe: lints_forbid_unsafe(
                    package.manifest_path.as_std_path(),
                    workspace_lints.as_ref(),
                ),
            }
        })
        .collect())
}

fn read_manifest(path: &Path) -> Option<toml::Table> {
    crate::bounded::read_to_string(path, crate::bounded::SETTINGS).ok()?.parse().ok()
}

/// Whether a manifest's `[lints.rust]` (or the workspace's, with `lints.workspace = true`) sets
/// `unsafe_code` to `forbid`, as a level or `{ level = "forbid" }`. cargo has read the manifest
/// already, so one that does not read here is taken as not forbidding.
fn lints_forbid_unsafe(manifest: &Path, workspace_lints: Option<&toml::Value>) -> bool {
    let Some(manifest) = read_manifest(manifest) else { return false };
    let Some(lints) = manifest.get("lints") else { return false };
    let lints = match lints.get("workspace").and_then(toml::Value::as_bool) {
        Some(true) => match workspace_lints {
            Some(inherited) => inherited,
            None => return false,
        },
        _ => lints,
    };
    let level = lints.get("rust").and_then(|rust| rust.get("unsafe_code"));
    let level = level.and_then(|l| l.as_str().or_else(|| l.get("level")?.as_str()));
    level == Some("forbid")
}

impl Package {
    /// What to tell the user when the package has functions to track, or `None` when the
    /// attribute will resolve.
    pub(crate) fn wear_note(&self) -> Option<String> {
        let name = &self.name;
        match &self.wear {
            WearDependency::Present => None,
            WearDependency::Missing => Some(format!(
                "package `{name}` does not depend on `wear`, which `#[wear::tracked]` needs: run `cargo add wear --package {name}`"
            )),
            WearDependency::DevOnly => Some(format!(
                "package `{name}` has `wear` only as a dev-dependency, so its build cannot resolve `#[wear::tracked]`: run `cargo add wear --package {name}`"
            )),
            WearDependency::Renamed(rename) => Some(format!(
                "package `{name}` depends on `wear` under the name `{rename}`, so `#[wear::tracked]` does not resolve: name the dependency `wear`"
            )),
            WearDependency::Optional => Some(format!(
                "`wear` is optional in package `{name}`: builds without it cannot resolve `#[wear::tracked]`; make it a required dependency"
            )),
        }
    }
}
