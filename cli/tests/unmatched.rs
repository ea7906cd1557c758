//! What names no part is said (issue 18): a policy rule whose globs match nothing, and usage
//! of parts this workspace does not have (a renamed crate), would otherwise leave the gate
//! green without a word.
mod support;

use support::edge::{Row, record};
use support::{Fixture, Reading, snapshot};

const NOW: &str = "2026-11-21";

#[test]
fn a_rule_that_matches_nothing_and_usage_of_unknown_parts_are_warned() {
    let fx = Fixture::new("named");
    fx.write("src/lib.rs", "#[wear::tracked]\npub fn hot() -> u32 {\n    1\n}\n");
    fx.write(
        "wear.toml",
        "[[rule]]\nparts = \"named::**\"\ncalls = 10\n\n[[rule]]\nparts = \"old_name::**\"\ncalls = 5\n",
    );
    fx.commit("hot", "Ada", "2026-01-10");
    let readings = [
        Reading { path: "old_name::hot", serial: "00000000000000aa", calls: 7, busy_ns: None },
        Reading { path: "old_name::cold", serial: "00000000000000bb", calls: 1, busy_ns: None },
    ];
    fx.write("usage.json", &snapshot("i1", "2026-11-01T00:00:00Z", "2026-11-20T00:00:00Z", &readings));
    let out =
        fx.wear(&["check", "--now", NOW, "--usage", "usage.json", "--no-ledger"]).output().expect("runs");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("wear.toml: [[rule]] number 2 matches no part, so its limits apply to nothing"),
        "{stderr}"
    );
    assert!(!stderr.contains("[[rule]] number 1"), "the rule that matches is not named: {stderr}");
    assert!(
        stderr.contains(
            "the usage names 2 parts that this workspace does not have (first: old_name::cold); their calls \
             count for no part: was a crate, module or function renamed?"
        ),
        "{stderr}"
    );
    record(Row {
        id: "N3",
        situation: "a policy `[[rule]]` whose `parts` glob matches no part (a renamed crate, a typo)",
        command: "check --now 2026-11-21 --usage usage.json",
        output: &in_workspace(&fx, &out),
        proof: "the rule is named by its number; the rule that matches is not named",
    });

    // Without the rule that matches nothing, the usage of unknown parts is what is said first.
    fx.write("wear.toml", "[[rule]]\nparts = \"named::**\"\ncalls = 10\n");
    let out =
        fx.wear(&["check", "--now", NOW, "--usage", "usage.json", "--no-ledger"]).output().expect("runs");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.starts_with("warning: the usage names 2 parts that this workspace does not have"),
        "{stderr}"
    );
    record(Row {
        id: "N4",
        situation: "usage recorded under part paths this workspace does not have (a renamed crate, module or function)",
        command: "check --now 2026-11-21 --usage usage.json",
        output: &out,
        proof: "their calls count for no part, and the warning names the first of them and how many",
    });
}

/// `out` with the fixture's temporary folder left out of the paths it prints, so the guide's
/// row reads as in the workspace and stays the same from run to run.
fn in_workspace(fx: &Fixture, out: &std::process::Output) -> std::process::Output {
    let root = format!("{}/", fx.root().display());
    let stderr = String::from_utf8_lossy(&out.stderr).replace(&root, "");
    std::process::Output { status: out.status, stdout: out.stdout.clone(), stderr: stderr.into_bytes() }
}
