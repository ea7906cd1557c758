//! The default build of `wear` depends on exactly the crates `runtime/DEPENDENCIES.md` lists,
//! each in the right table: "Linked into the program" (their impls join the user's type
//! checking, so each needs a reason why it cannot change it) or "Run by the compiler only"
//! (proc macros, their dependencies, and build dependencies). A new crate in the tree, a listed
//! crate that is gone, or a crate that moved from one table to the other fails the test.
//!
//! The tree comes from `cargo tree -p wear --target all --locked` on this workspace, so that
//! dependencies of every target count; it needs the registry, or its cache (it works offline
//! once the crates have been downloaded).
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;

const LINKED: &str = "## Linked into the program";
const COMPILER_ONLY: &str = "## Run by the compiler only";

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// The names of the crates in `wear`'s default tree along `edges`, `wear` itself left out.
fn tree(edges: &str) -> BTreeSet<String> {
    let out = Command::new(env!("CARGO"))
        .args(["tree", "--locked", "--package", "wear", "--target", "all", "--prefix", "none"])
        .args(["--format", "{p}", "--edges", edges, "--manifest-path"])
        .arg(workspace().join("Cargo.toml"))
        .output()
        .expect("cargo runs");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "cargo tree failed:\n{}", String::from_utf8_lossy(&out.stderr));
    let names: BTreeSet<String> =
        stdout.lines().filter_map(|line| line.split_whitespace().next()).map(str::to_owned).collect();
    assert!(names.contains("wear"), "cargo tree does not show wear itself:\n{stdout}");
    names.into_iter().filter(|name| name != "wear").collect()
}

/// The crates named in the first column of the table under `heading`, checking that each row
/// gives what the crate is for and why it cannot change inference.
fn listed(text: &str, heading: &str) -> BTreeSet<String> {
    let start = text.find(heading).unwrap_or_else(|| panic!("DEPENDENCIES.md has no `{heading}`"));
    let section = &text[start + heading.len()..];
    let section = &section[..section.find("\n## ").unwrap_or(section.len())];
    let mut names = BTreeSet::new();
    for row in section.lines().filter(|line| line.starts_with("| `")) {
        let cells: Vec<&str> = row.trim_matches('|').split(" | ").map(str::trim).collect();
        assert_eq!(cells.len(), 3, "a row of `{heading}` has 3 cells (crate, what for, why): {row}");
        assert!(cells.iter().all(|cell| !cell.is_empty()), "a row with an empty cell: {row}");
        let name = cells[0].trim_matches('`');
        assert!(names.insert(name.to_owned()), "`{name}` is listed twice under `{heading}`");
    }
    names
}

/// What differs between the crates cargo sees and those listed under `heading`.
fn differences(seen: &BTreeSet<String>, listed: &BTreeSet<String>, heading: &str) -> Vec<String> {
    let mut out = Vec::new();
    for name in seen.difference(listed) {
        out.push(format!(
            "`{name}` is in the tree but not under `{heading}`: add a row saying what it is for and why it \
             cannot change a user's type inference, or remove the dependency"
        ));
    }
    for name in listed.difference(seen) {
        out.push(format!(
            "`{name}` is listed under `{heading}` but no longer in that part of the tree: remove its row"
        ));
    }
    out
}

#[test]
fn the_default_tree_is_exactly_the_allow_list() {
    let path = workspace().join("runtime/DEPENDENCIES.md");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    // Normal edges without proc macros: what is compiled into the user's program.
    let linked = tree("normal,no-proc-macro");
    // Everything the default build compiles, for the host or the target.
    let all = tree("normal,build");
    assert!(linked.is_subset(&all), "{linked:?} is not within {all:?}");
    let compiler_only: BTreeSet<String> = all.difference(&linked).cloned().collect();

    let mut problems = differences(&linked, &listed(&text, LINKED), LINKED);
    problems.extend(differences(&compiler_only, &listed(&text, COMPILER_ONLY), COMPILER_ONLY));
    assert!(problems.is_empty(), "{}:\n{}", path.display(), problems.join("\n"));
}

/// The comparison above can fail: a crate missing from the list, and a listed one that is gone,
/// are both reported, by name.
#[test]
fn a_crate_off_the_list_and_a_listed_crate_that_is_gone_are_both_reported() {
    let table = "## Linked into the program\n\n| crate | what for | why |\n|---|---|---|\n\
                 | `linkme` | the registry | own types only |\n| `serde_json` | JSON | none |\n";
    let listed = listed(table, LINKED);
    let seen: BTreeSet<String> = ["libc", "linkme"].map(str::to_owned).into();
    let problems = differences(&seen, &listed, LINKED);
    assert_eq!(problems.len(), 2, "{problems:?}");
    assert!(problems[0].starts_with("`libc` is in the tree but not under"), "{problems:?}");
    assert!(problems[1].starts_with("`serde_json` is listed under"), "{problems:?}");
}
