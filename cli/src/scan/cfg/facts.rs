//! Where the facts about each package's build come from, put together: `--cfg` flags,
//! RUSTFLAGS, `rustc --print cfg` for the target (a release build, with the workspace's
//! `[profile.release]`), features resolved from `cargo metadata`, the manifest's
//! `[lints.rust.unexpected_cfgs] check-cfg`, and the newest output of the package's build
//! script. A wrong flag is an error (nothing is scanned); a file on disk that cannot be read
//! well (a build script's output, a check-cfg entry) is a warning, and the rest goes on.
use std::collections::HashMap;
use std::path::Path;
use std::sync::Arc;

use cargo_metadata::{DependencyKind, Metadata, Package, PackageId, TargetKind};

use super::build_script::{find_output, parse_output};
use super::features::{self, Dep, Member, Missing, Request};
use super::rustc::{self, Profile};
use super::spec::{Setting, declared_names, setting};
use super::{BuildCfg, BuildOptions, BuildScript, Predicate, Truth};
use crate::bounded;
use crate::error::{Error, Result};
use crate::scan::Warning;

/// The facts of every workspace package, and what could not be read on the way.
#[derive(Clone, Debug, Default)]
pub(crate) struct Facts {
    /// Each workspace package's build.
    pub(crate) by_package: HashMap<PackageId, Arc<BuildCfg>>,
    /// Build-script outputs and check-cfg entries that could not be read.
    pub(crate) warnings: Vec<Warning>,
}

/// The facts of the build `options` describes, for every workspace package of `metadata`.
pub(crate) fn facts(metadata: &Metadata, options: &BuildOptions) -> Result<Facts> {
    let mut user = Vec::new();
    for given in &options.cfg {
        user.push(setting(given).map_err(|why| {
            Error::new(format!("--cfg {given:?}: {why}"))
                .help("write --cfg NAME, or --cfg 'NAME=\"VALUE\"' with the value in double quotes")
        })?);
    }
    let root_manifest = metadata.workspace_root.join("Cargo.toml").into_std_path_buf();
    let root = read_toml(&root_manifest);
    let (flags, source) = rustc::rustflags(|name| std::env::var(name).ok());
    let (from_flags, declared_by_flags) = rustc::cfg_flags(&flags, source.unwrap_or("RUSTFLAGS"))?;
    let target = options.target.as_deref();
    let target_cfg = rustc::target_cfg(target, &release_profile(root.as_ref()), &flags)?;

    let packages = metadata.workspace_packages();
    let platform = BuildCfg::new("", target_cfg.iter().cloned(), [], BuildScript::None);
    let mut host = None;
    let members: Vec<Member> =
        packages.iter().map(|p| member(p, &packages, &platform, target, &mut host)).collect();
    let request = Request {
        features: options.features.clone(),
        all: options.all_features,
        no_default: options.no_default_features,
    };
    let features =
        features::resolve(&members, &request).map_err(|missing| missing_error(missing, &members))?;

    let build_dir = metadata.build_directory.as_ref().unwrap_or(&metadata.target_directory).as_std_path();
    let mut out = Facts::default();
    for (package, features) in packages.iter().zip(features) {
        let mut set: Vec<Setting> = target_cfg.clone();
        set.extend(from_flags.iter().cloned());
        set.extend(user.iter().cloned());
        set.extend(features.into_iter().map(|f| ("feature".to_owned(), Some(f))));
        let mut declared = declared_by_flags.clone();
        let has_script = package.targets.iter().any(|t| t.kind.contains(&TargetKind::CustomBuild));
        let script = match has_script {
            false => BuildScript::None,
            true => match find_output(build_dir, target, &package.name) {
                Some(path) => {
                    read_script_output(&path, &mut set, &mut declared, &mut out.warnings);
                    BuildScript::Read(path)
                }
                None => BuildScript::NotRun(build_dir.to_owned()),
            },
        };
        // A name the manifest declares may be one the build script sets: without its output,
        // the name is not known to be unset.
        if !matches!(script, BuildScript::NotRun(_)) {
            declared.extend(manifest_check_cfg(package, &root_manifest, root.as_ref(), &mut out.warnings));
        }
        let build = BuildCfg::new(package.name.to_string(), set, declared, script);
        out.by_package.insert(package.id.clone(), Arc::new(build));
    }
    Ok(out)
}

/// A workspace package as the feature resolver sees it: its normal dependencies that apply to
/// the target, each pointing at the member it is when it is one.
fn member(
    package: &Package,
    packages: &[&Package],
    platform: &BuildCfg,
    target: Option<&str>,
    host: &mut Option<Option<String>>,
) -> Member {
    let mut deps = Vec::new();
    for dep in &package.dependencies {
        if dep.kind != DependencyKind::Normal {
            continue;
        }
        if let Some(on) = &dep.target {
            let on = on.to_string();
            let applies = match on.strip_prefix("cfg(").and_then(|p| p.strip_suffix(')')) {
                Some(predicate) => predicate
                    .parse()
                    .ok()
                    .and_then(|tokens| Predicate::parse(&tokens).ok())
                    .is_none_or(|p| platform.decide(&p) != Truth::No),
                None => {
                    let triple = match target {
                        Some(target) => Some(target.to_owned()),
                        None => host.get_or_insert_with(rustc::host_triple).clone(),
                    };
                    triple.is_none_or(|t| t == on)
                }
            };
            if !applies {
                continue;
            }
        }
        let member = dep.path.as_ref().and_then(|path| {
            packages
                .iter()
                .position(|p| p.name == dep.name && p.manifest_path.parent() == Some(path.as_path()))
        });
        deps.push(Dep {
            name: dep.rename.clone().unwrap_or_else(|| dep.name.clone()),
            optional: dep.optional,
            default_features: dep.uses_default_features,
            features: dep.features.clone(),
            member,
        });
    }
    Member { name: package.name.to_string(), features: package.features.clone(), deps }
}

/// cargo's words: "the package 'a' does not contain this feature: x", or "none of the selected
/// packages contains these features: x, y" (every member is selected: the scan covers them all).
fn missing_error(Missing(missing): Missing, members: &[Member]) -> Error {
    let these = if missing.len() == 1 { "this feature" } else { "these features" };
    let list = missing.join(", ");
    let message = match members {
        [only] => format!("the package '{}' does not contain {these}: {list}", only.name),
        _ => {
            let names: Vec<&str> = members.iter().map(|m| m.name.as_str()).collect();
            format!(
                "none of the selected packages contains {these}: {list} (selected packages: {})",
                names.join(", ")
            )
        }
    };
    let known = features::all_names(members);
    let close: Vec<&String> =
        known.iter().filter(|k| missing.iter().any(|m| close_to(m, k))).take(8).collect();
    let help = match close.as_slice() {
        [] => "check the names in the packages' `[features]` tables (nothing was written)".to_owned(),
        [one] => format!("there is a similarly named feature: {one}"),
        many => {
            let many: Vec<&str> = many.iter().map(|s| s.as_str()).collect();
            format!("there are similarly named features: {}", many.join(", "))
        }
    };
    Error::new(message).help(help)
}

/// Close enough to be a misspelling: a few edits apart, as cargo suggests.
fn close_to(asked: &str, known: &str) -> bool {
    let (a, b): (Vec<char>, Vec<char>) = (asked.chars().collect(), known.chars().collect());
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.iter().enumerate() {
        let mut previous = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let substitution = previous + usize::from(ca != cb);
            previous = row[j + 1];
            row[j + 1] = substitution.min(row[j] + 1).min(previous + 1);
        }
    }
    row[b.len()] <= (a.len() / 3).clamp(2, 3)
}

/// `[profile.release]` of the workspace's manifest: `debug-assertions` and `panic`.
fn release_profile(root: Option<&toml::Table>) -> Profile {
    let release = root.and_then(|r| r.get("profile")).and_then(|p| p.get("release"));
    Profile {
        debug_assertions: release
            .and_then(|r| r.get("debug-assertions"))
            .and_then(toml::Value::as_bool)
            .unwrap_or(false),
        panic: release.and_then(|r| r.get("panic")).and_then(toml::Value::as_str).map(str::to_owned),
    }
}

fn read_toml(path: &Path) -> Option<toml::Table> {
    bounded::read_to_string(path, bounded::SETTINGS).ok()?.parse().ok()
}

fn read_script_output(
    path: &Path,
    set: &mut Vec<Setting>,
    declared: &mut Vec<String>,
    warnings: &mut Vec<Warning>,
) {
    let text = match bounded::read_to_string(path, bounded::BUILD_OUTPUT) {
        Ok(text) => text,
        Err(why) => {
            return warnings.push(Warning {
                file: path.to_owned(),
                line: None,
                message: format!("this build script output {}; what it sets is unknown", why.reason()),
            });
        }
    };
    let output = parse_output(&text);
    set.extend(output.set);
    declared.extend(output.declared);
    for (line, why) in output.problems {
        warnings.push(Warning {
            file: path.to_owned(),
            line: Some(line),
            message: format!(
                "{why}; this line of the build script's output is ignored (rebuild to refresh it)"
            ),
        });
    }
}

/// The names `[lints.rust.unexpected_cfgs] check-cfg` declares, in the package's manifest or,
/// with `[lints] workspace = true`, in the workspace's `[workspace.lints]`.
fn manifest_check_cfg(
    package: &Package,
    root_manifest: &Path,
    root: Option<&toml::Table>,
    warnings: &mut Vec<Warning>,
) -> Vec<String> {
    let manifest = package.manifest_path.as_std_path();
    let Some(own) = read_toml(manifest) else { return Vec::new() };
    let lints = own.get("lints");
    let (file, lints) = match lints.and_then(|l| l.get("workspace")).and_then(toml::Value::as_bool) {
        Some(true) => (root_manifest, root.and_then(|r| r.get("workspace")).and_then(|w| w.get("lints"))),
        _ => (manifest, lints),
    };
    let entries = lints
        .and_then(|l| l.get("rust"))
        .and_then(|r| r.get("unexpected_cfgs"))
        .and_then(|u| u.get("check-cfg"))
        .and_then(toml::Value::as_array);
    let mut names = Vec::new();
    for entry in entries.into_iter().flatten().filter_map(toml::Value::as_str) {
        match declared_names(entry) {
            Ok(declared) => names.extend(declared),
            Err(why) => {
                let text = bounded::read_to_string(file, bounded::SETTINGS).unwrap_or_default();
                let line = text.lines().position(|l| l.contains(entry)).map(|i| i + 1);
                warnings.push(Warning {
                    file: file.to_owned(),
                    line,
                    message: format!("{why}; this check-cfg entry is ignored (rustc refuses it too)"),
                });
            }
        }
    }
    names
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn misspellings_are_close() {
        assert!(close_to("fats", "fast"));
        assert!(close_to("serde", "serd"));
        assert!(close_to("core/simdd", "core/simd"));
        assert!(!close_to("nope", "simd"));
        assert!(!close_to("a", "xyz"));
    }

    #[test]
    fn the_release_profile() {
        let table: toml::Table =
            "[profile.release]\ndebug-assertions = true\npanic = \"abort\"\n".parse().expect("toml");
        assert_eq!(
            release_profile(Some(&table)),
            Profile { debug_assertions: true, panic: Some("abort".to_owned()) }
        );
        assert_eq!(release_profile(None), Profile::default());
    }
}
