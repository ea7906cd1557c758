//! Which features each package of the workspace has in one build of the whole workspace, as
//! cargo's feature resolver decides them: `default` unless `--no-default-features`, the
//! `--features` asked for (`a,b`, `a b`, `pkg/feat`) or every feature (`--all-features`),
//! followed through the `[features]` tables (`dep:x`, `x/feat`, `x?/feat`, the implicit feature
//! of an optional dependency) and across the workspace's own packages: a member that depends on
//! another with `features = [...]` turns those on there too. Only normal dependencies that
//! apply to the target count (dev- and build-dependencies are not in the measured build).
use std::collections::{BTreeMap, BTreeSet};

/// One workspace package, as the resolver needs it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct Member {
    /// The package's name.
    pub(crate) name: String,
    /// Its `[features]` table, implicit features of optional dependencies included.
    pub(crate) features: BTreeMap<String, Vec<String>>,
    /// Its normal dependencies that apply to the target.
    pub(crate) deps: Vec<Dep>,
}

/// A normal dependency of a member.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct Dep {
    /// The name features use for it (its `rename`, else the package's name).
    pub(crate) name: String,
    /// `optional = true`.
    pub(crate) optional: bool,
    /// `default-features` is not turned off.
    pub(crate) default_features: bool,
    /// `features = [...]` it asks of the dependency.
    pub(crate) features: Vec<String>,
    /// The workspace member it is, when it is one.
    pub(crate) member: Option<usize>,
}

/// What the command line asks for.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct Request {
    /// `--features`, each argument as given (split at commas and spaces here).
    pub(crate) features: Vec<String>,
    /// `--all-features`.
    pub(crate) all: bool,
    /// `--no-default-features`.
    pub(crate) no_default: bool,
}

/// `--features` that no package has, as given, for cargo's message.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Missing(pub Vec<String>);

/// The features of each member, in the order of `members`.
pub(crate) fn resolve(members: &[Member], request: &Request) -> Result<Vec<BTreeSet<String>>, Missing> {
    let members: Vec<Member> = members.iter().map(with_implicit_features).collect();
    let mut resolver = Resolver {
        members: &members,
        enabled: vec![BTreeSet::new(); members.len()],
        active: vec![BTreeSet::new(); members.len()],
        weak: vec![Vec::new(); members.len()],
        queue: Vec::new(),
    };
    for (m, member) in members.iter().enumerate() {
        if request.all {
            resolver.queue.extend(member.features.keys().map(|f| (m, f.clone())));
        } else if !request.no_default && member.features.contains_key("default") {
            resolver.queue.push((m, "default".to_owned()));
        }
    }
    let mut missing = Vec::new();
    for asked in request.features.iter().flat_map(|f| f.split([',', ' '])).filter(|f| !f.is_empty()) {
        let targets = resolver.targets_of(asked);
        if targets.is_empty() {
            missing.push(asked.to_owned());
        }
        resolver.queue.extend(targets);
    }
    if !missing.is_empty() {
        return Err(Missing(missing));
    }
    for (m, member) in members.iter().enumerate() {
        for dep in member.deps.iter().filter(|d| !d.optional) {
            resolver.activate(m, &dep.name);
        }
    }
    resolver.run();
    Ok(resolver.enabled)
}

/// Every feature of every member, and `pkg/feat` for each, to suggest close names from.
pub(crate) fn all_names(members: &[Member]) -> Vec<String> {
    let mut out = BTreeSet::new();
    for member in members.iter().map(with_implicit_features) {
        for feature in member.features.keys() {
            out.insert(feature.clone());
            out.insert(format!("{}/{feature}", member.name));
        }
    }
    out.into_iter().collect()
}

/// cargo adds `x = ["dep:x"]` for an optional dependency `x` that no feature names as `dep:x`
/// (`cargo metadata` lists these already; older cargo did not).
fn with_implicit_features(member: &Member) -> Member {
    let mut member = member.clone();
    let named: BTreeSet<&str> =
        member.features.values().flatten().filter_map(|v| v.strip_prefix("dep:")).collect();
    let implicit: Vec<String> = member
        .deps
        .iter()
        .filter(|d| d.optional && !named.contains(d.name.as_str()) && !member.features.contains_key(&d.name))
        .map(|d| d.name.clone())
        .collect();
    for name in implicit {
        member.features.insert(name.clone(), vec![format!("dep:{name}")]);
    }
    member
}

struct Resolver<'m> {
    members: &'m [Member],
    enabled: Vec<BTreeSet<String>>,
    /// Dependencies turned on, by the name features use.
    active: Vec<BTreeSet<String>>,
    /// `x?/feat` waiting for `x` to be turned on by something else.
    weak: Vec<Vec<(String, String)>>,
    /// Feature values to apply: (member, value as in a `[features]` table).
    queue: Vec<(usize, String)>,
}

impl Resolver<'_> {
    /// Where a `--features` entry applies: a feature of the members that have it, or
    /// `pkg/feat` for the member `pkg` (or for each member with a dependency `pkg`).
    fn targets_of(&self, asked: &str) -> Vec<(usize, String)> {
        let members = self.members.iter().enumerate();
        match asked.split_once('/') {
            Some((package, feature)) => {
                if let Some(m) = self.members.iter().position(|m| m.name == package) {
                    return match self.members[m].features.contains_key(feature) {
                        true => vec![(m, feature.to_owned())],
                        false => Vec::new(),
                    };
                }
                members
                    .filter(|(_, m)| m.deps.iter().any(|d| d.name == package))
                    .map(|(i, _)| (i, asked.to_owned()))
                    .collect()
            }
            None => members
                .filter(|(_, m)| m.features.contains_key(asked))
                .map(|(i, _)| (i, asked.to_owned()))
                .collect(),
        }
    }

    fn run(&mut self) {
        while let Some((m, value)) = self.queue.pop() {
            if let Some(dep) = value.strip_prefix("dep:") {
                self.activate(m, dep);
            } else if let Some((dep, feature)) = value.split_once('/') {
                let (dep, weak) = match dep.strip_suffix('?') {
                    Some(dep) => (dep, true),
                    None => (dep, false),
                };
                let optional = self.members[m].deps.iter().any(|d| d.name == dep && d.optional);
                // `x/feat` turns on an optional `x`, and its feature of the same name if any.
                if !weak && optional {
                    self.activate(m, dep);
                    self.enable(m, dep);
                }
                if self.active[m].contains(dep) {
                    self.ask(m, dep, feature);
                } else {
                    self.weak[m].push((dep.to_owned(), feature.to_owned()));
                }
            } else {
                self.enable(m, &value);
            }
        }
    }

    fn enable(&mut self, m: usize, feature: &str) {
        if let Some(values) = self.members[m].features.get(feature)
            && self.enabled[m].insert(feature.to_owned())
        {
            self.queue.extend(values.iter().map(|v| (m, v.clone())));
        }
    }

    /// Turns on dependency `name` of member `m`: a member it points at gets its default
    /// features (unless turned off) and the features the dependency asks for.
    fn activate(&mut self, m: usize, name: &str) {
        if !self.active[m].insert(name.to_owned()) {
            return;
        }
        for dep in self.members[m].deps.iter().filter(|d| d.name == name) {
            let Some(target) = dep.member else { continue };
            if dep.default_features && self.members[target].features.contains_key("default") {
                self.queue.push((target, "default".to_owned()));
            }
            self.queue.extend(dep.features.iter().map(|f| (target, f.clone())));
        }
        let waiting: Vec<(String, String)> =
            self.weak[m].iter().filter(|(d, _)| d == name).cloned().collect();
        self.weak[m].retain(|(d, _)| d != name);
        for (dep, feature) in waiting {
            self.ask(m, &dep, &feature);
        }
    }

    /// `feature` of dependency `dep` of member `m`, when that dependency is a member.
    fn ask(&mut self, m: usize, dep: &str, feature: &str) {
        for d in self.members[m].deps.iter().filter(|d| d.name == dep) {
            if let Some(target) = d.member {
                self.queue.push((target, feature.to_owned()));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn features(list: &[(&str, &[&str])]) -> BTreeMap<String, Vec<String>> {
        list.iter().map(|(k, v)| ((*k).to_owned(), v.iter().map(|s| (*s).to_owned()).collect())).collect()
    }

    fn dep(name: &str, optional: bool, member: Option<usize>) -> Dep {
        Dep { name: name.to_owned(), optional, default_features: true, features: Vec::new(), member }
    }

    /// `app` (0) depends on `core` (1), optionally on `extra` (2) and `serde` (not a member),
    /// and on `macros` (3) without its defaults.
    fn workspace() -> Vec<Member> {
        vec![
            Member {
                name: "app".into(),
                features: features(&[
                    ("default", &["fast"]),
                    ("fast", &["core/simd"]),
                    ("more", &["dep:extra", "extra/big"]),
                    ("wire", &["serde/derive"]),
                    ("quiet", &["extra?/silent"]),
                ]),
                deps: vec![
                    dep("core", false, Some(1)),
                    dep("extra", true, Some(2)),
                    dep("serde", true, None),
                    Dep {
                        features: vec!["small".into()],
                        default_features: false,
                        ..dep("macros", false, Some(3))
                    },
                ],
            },
            Member {
                name: "core".into(),
                features: features(&[("default", &["std"]), ("std", &[]), ("simd", &[])]),
                deps: vec![],
            },
            Member {
                name: "extra".into(),
                features: features(&[("big", &[]), ("silent", &[]), ("default", &[])]),
                deps: vec![],
            },
            Member {
                name: "macros".into(),
                features: features(&[("default", &["large"]), ("large", &[]), ("small", &[])]),
                deps: vec![],
            },
        ]
    }

    fn enabled(request: &Request) -> Vec<Vec<String>> {
        resolve(&workspace(), request)
            .expect("resolves")
            .into_iter()
            .map(|s| s.into_iter().collect())
            .collect()
    }

    fn asked(features: &[&str]) -> Request {
        Request { features: features.iter().map(|s| (*s).to_owned()).collect(), ..Request::default() }
    }

    #[test]
    fn defaults_follow_the_features_map_and_member_dependencies() {
        assert_eq!(
            enabled(&Request::default()),
            [
                vec!["default", "fast"],
                vec!["default", "simd", "std"],
                vec!["default"],
                vec!["default", "large", "small"],
            ],
            "every member is built, with its defaults; core also gets `simd` from app, macros `small`"
        );
    }

    #[test]
    fn no_default_features_leaves_what_dependencies_ask() {
        assert_eq!(
            enabled(&Request { no_default: true, ..Request::default() }),
            [vec![], vec!["default", "std"], vec![], vec!["small"]],
            "app's dependency on core still asks for core's defaults"
        );
    }

    #[test]
    fn dep_and_dependency_features_and_implicit_features() {
        // `more`: `dep:extra` turns on the dependency (no `extra` feature), `extra/big` its feature.
        let got = enabled(&Request { no_default: true, ..asked(&["more"]) });
        assert_eq!(got[0], ["more"]);
        assert_eq!(got[2], ["big", "default"]);
        // `serde/derive` turns on the optional `serde` and its implicit feature `serde`.
        let got = enabled(&Request { no_default: true, ..asked(&["wire"]) });
        assert_eq!(got[0], ["serde", "wire"]);
        // The implicit feature named on the command line.
        assert_eq!(enabled(&Request { no_default: true, ..asked(&["serde"]) })[0], ["serde"]);
    }

    #[test]
    fn weak_dependency_features_wait_for_the_dependency() {
        let got = enabled(&Request { no_default: true, ..asked(&["quiet"]) });
        assert_eq!((got[0].clone(), got[2].clone()), (vec!["quiet".to_owned()], vec![]), "extra stays off");
        let got = enabled(&Request { no_default: true, ..asked(&["quiet more"]) });
        assert_eq!(got[2], ["big", "default", "silent"], "extra is on, so `silent` applies");
        let got = enabled(&Request { no_default: true, ..asked(&["more,quiet"]) });
        assert_eq!(got[2], ["big", "default", "silent"], "in either order");
    }

    #[test]
    fn package_slash_feature_and_several_arguments() {
        let got = enabled(&Request { no_default: true, ..asked(&["core/simd", "macros/large,serde"]) });
        assert_eq!(got[1], ["default", "simd", "std"]);
        assert_eq!(got[3], ["large", "small"]);
        assert_eq!(got[0], ["serde"], "`serde` is app's implicit feature for its optional dependency");
        // `serde/derive` through the dependency's name: turns on app's optional `serde`.
        assert_eq!(enabled(&Request { no_default: true, ..asked(&["serde/derive"]) })[0], ["serde"]);
    }

    #[test]
    fn all_features_is_every_feature_of_every_member() {
        let got = enabled(&Request { all: true, no_default: true, ..Request::default() });
        assert_eq!(
            got[0],
            ["default", "fast", "more", "quiet", "serde", "wire"],
            "no `extra`: `dep:extra` hides it"
        );
        assert_eq!(got[2], ["big", "default", "silent"]);
        assert_eq!(got[3], ["default", "large", "small"]);
    }

    #[test]
    fn features_no_member_has_are_missing() {
        let missing =
            resolve(&workspace(), &asked(&["fast,nope", "core/zip", "nothing/x", "serde/derive", "extra"]));
        // `extra` is a dependency of app, but `dep:extra` in its table means no feature of that name.
        assert_eq!(
            missing,
            Err(Missing(vec!["nope".into(), "core/zip".into(), "nothing/x".into(), "extra".into()]))
        );
        let names = all_names(&workspace());
        assert!(names.contains(&"app/serde".to_owned()) && names.contains(&"simd".to_owned()), "{names:?}");
    }
}
