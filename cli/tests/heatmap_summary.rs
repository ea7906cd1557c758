//! `heatmap` on a workspace too large for its cells to fit a screen: a generated workspace of
//! five crates and 1,800 functions, written over six years of commits. The summary (a line per
//! crate, `--depth 2` per module), at 80 and 120 columns, with colour and without, against
//! expected files; naming a module opens its cells; long output goes through `$PAGER` on a
//! terminal (a pseudo-terminal from `script`) and never when piped.
mod support;

use std::process::Command;

use support::{Fixture, expect_file};

const NOW: &str = "2026-11-21";
const CRATES: [&str; 5] = ["engine", "gear", "cabin", "shop", "tools"];
const MODULES: usize = 12;
const FUNCTIONS: usize = 30;

/// A module's functions; `bumped` of them carry a changed body.
fn module_text(crate_name: &str, module: usize, bumped: usize) -> String {
    (0..FUNCTIONS)
        .map(|f| {
            let body = if f < bumped { format!("{f} + {module}") } else { f.to_string() };
            format!("pub fn {crate_name}_{module}_{f}() -> usize {{\n    {body}\n}}\n\n")
        })
        .collect()
}

/// The workspace: each crate added in its year, then later edits to some modules.
fn workspace() -> Fixture {
    let fx = Fixture::new("big");
    let members: Vec<String> = CRATES.iter().map(|c| format!("\"crates/{c}\"")).collect();
    fx.write("Cargo.toml", &format!("[workspace]\nmembers = [{}]\nresolver = \"2\"\n", members.join(", ")));
    for (year, name) in CRATES.iter().enumerate() {
        fx.write(
            &format!("crates/{name}/Cargo.toml"),
            &format!("[package]\nname = \"{name}\"\nversion = \"0.1.0\"\nedition = \"2021\"\n"),
        );
        let lib: String = (0..MODULES).map(|m| format!("pub mod m{m};\n")).collect();
        fx.write(&format!("crates/{name}/src/lib.rs"), &lib);
        for m in 0..MODULES {
            fx.write(&format!("crates/{name}/src/m{m}.rs"), &module_text(name, m, 0));
        }
        fx.commit(&format!("add {name}"), "Ana", &format!("{}-03-01", 2020 + year));
    }
    for (step, date) in ["2025-06-01", "2026-05-01", "2026-11-01"].iter().enumerate() {
        for (i, name) in CRATES.iter().enumerate() {
            let m = (i * 3 + step * 5) % MODULES;
            fx.write(&format!("crates/{name}/src/m{m}.rs"), &module_text(name, m, 4 + 6 * step));
        }
        fx.commit(&format!("edits {step}"), "Bo", date);
    }
    fx
}

fn heatmap(fx: &Fixture, args: &[&str]) -> String {
    let mut all = vec!["heatmap", "--all", "--now", NOW, "--no-cache"];
    all.extend_from_slice(args);
    let out = fx.wear(&all).output().expect("cargo-wear runs");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).expect("utf-8")
}

#[test]
fn the_summary_fits_a_screen_and_a_named_module_opens_its_cells() {
    let fx = workspace();
    for (width, color, name) in [
        ("80", "never", "summary-80.txt"),
        ("120", "never", "summary-120.txt"),
        ("120", "always", "summary-120-color.txt"),
    ] {
        let text = heatmap(&fx, &["--width", width, "--color", color]);
        assert!(text.lines().count() <= 24, "fits a screen:\n{text}");
        assert!(text.contains("summed by crate") && text.contains("1800 parts"), "{text}");
        expect_file(&format!("heatmap/{name}"), &text);
    }
    let plain = heatmap(&fx, &["--width", "80", "--color", "never"]);
    for name in CRATES {
        assert_eq!(
            plain.lines().filter(|l| l.starts_with(&format!("{name} "))).count(),
            1,
            "{name}: {plain}"
        );
    }
    let deeper = heatmap(&fx, &["--width", "80", "--color", "never", "--depth", "2"]);
    assert_eq!(deeper.lines().filter(|l| l.starts_with("engine::m")).count(), MODULES, "{deeper}");
    expect_file("heatmap/summary-depth2-80.txt", &deeper);
    let opened = heatmap(&fx, &["--width", "80", "--color", "never", "engine::m3"]);
    assert!(opened.contains("grouped by module") && opened.contains("engine_3_0"), "{opened}");
    assert!(opened.contains("heatmap of 30 parts"), "{opened}");
    let top = heatmap(&fx, &["--width", "80", "--color", "never", "--top", "5"]);
    assert!(top.contains("grouped by module") && top.contains("5 of 1800 parts shown"), "{top}");
}

#[test]
fn long_output_goes_through_the_pager_on_a_terminal_and_never_when_piped() {
    let fx = workspace();
    let captured = fx.path("paged.txt");
    let pager = format!("cat > '{}'", captured.display());
    let piped =
        fx.wear(&["heatmap", "--all", "--now", NOW, "--depth", "2"]).env("PAGER", &pager).output().unwrap();
    assert!(piped.status.success());
    assert!(!captured.exists(), "no pager when piped");
    let expected = String::from_utf8(piped.stdout).unwrap();
    assert!(expected.lines().count() > 24, "longer than a terminal: {expected}");
    let Ok(script) = which("script") else {
        eprintln!("skipped the terminal half: no `script` to make a pseudo-terminal");
        return;
    };
    let binary = assert_cmd::cargo::cargo_bin("cargo-wear");
    let run = format!("'{}' wear heatmap --all --now {NOW} --depth 2 --color never", binary.display());
    let out = Command::new(script)
        .args(["-qec", &run, "/dev/null"])
        .current_dir(fx.root())
        .env("PAGER", &pager)
        .env("CARGO_TARGET_DIR", fx.path("target"))
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let paged = std::fs::read_to_string(&captured).expect("the pager got the output");
    assert_eq!(paged, expected, "the pager gets what a pipe gets");
    assert!(!String::from_utf8_lossy(&out.stdout).contains("summed by module"), "not printed twice");
}

fn which(program: &str) -> Result<std::path::PathBuf, ()> {
    let path = std::env::var_os("PATH").ok_or(())?;
    std::env::split_paths(&path).map(|dir| dir.join(program)).find(|p| p.is_file()).ok_or(())
}

/// `--all`'s data leaves as JSON or CSV from the command that draws it: the parts drawn, after
/// a module argument or `--top`, each with its age.
#[test]
fn the_parts_drawn_export_as_json_and_csv() {
    let fx = workspace();
    let json: serde_json::Value = serde_json::from_str(&heatmap(&fx, &["--format", "json"])).expect("JSON");
    let parts = json["parts"].as_array().expect("parts");
    assert_eq!(parts.len(), CRATES.len() * MODULES * FUNCTIONS);
    assert_eq!(json["schema"], "wear-report/2");
    assert!(parts.iter().all(|p| p["overhauled_at"].is_string()), "every part has its age");
    let csv = heatmap(&fx, &["--format", "csv", "engine::m3"]);
    let mut reader = csv::Reader::from_reader(csv.as_bytes());
    let header: Vec<String> = reader.headers().expect("header").iter().map(str::to_owned).collect();
    let age = header.iter().position(|h| h == "age_since_overhaul_days").expect("an age column");
    let rows: Vec<csv::StringRecord> = reader.records().map(|r| r.expect("a row")).collect();
    assert_eq!(rows.len(), FUNCTIONS, "the module opened: {csv}");
    assert!(rows.iter().all(|r| r[0].starts_with("engine::m3::") && &r[age] == "2455"), "{csv}");
    let top = heatmap(&fx, &["--format", "csv", "--top", "5"]);
    assert_eq!(top.lines().count(), 6, "a header and the 5 oldest: {top}");
}

/// `map --all` with no usage at all is a histogram of age on the wear map's log axis (no
/// quadrants, and it says why), the oldest parts named under it.
#[test]
fn map_all_without_usage_draws_age_alone() {
    let fx = workspace();
    let out = fx
        .wear(&["map", "--all", "--now", NOW, "--no-cache", "--width", "80", "--color", "never"])
        .output()
        .expect("cargo-wear runs");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let text = String::from_utf8(out.stdout).expect("utf-8");
    expect_file("map/ages-80.txt", &text);
    assert!(text.starts_with("age map of 1800 parts"), "{text}");
    assert!(text.contains("no part has usage data, so there are no quadrants"), "{text}");
    assert!(text.lines().all(|l| l.chars().count() <= 80), "{text}");
    // The tallest column: a crate's functions that no later commit edited (its three edited
    // modules changed 4, 10 and 16 functions), all added on the same day.
    let untouched = MODULES * FUNCTIONS - (4 + 10 + 16);
    let top_row = text.lines().find(|l| l.contains('│')).expect("a plot row");
    assert!(top_row.trim_start().starts_with(&format!("{untouched}│")), "{text}");
    // Eight dates of change (five crates added, three edit days): eight columns drawn.
    let bottom = text.lines().rfind(|l| l.contains('│')).expect("the bottom row");
    let drawn = bottom.split_once('│').map(|(_, cells)| cells.chars().filter(|c| *c != ' ').count());
    assert_eq!(drawn, Some(8), "{text}");
    let oldest: Vec<&str> =
        text.lines().skip_while(|l| *l != "oldest:").skip(1).take_while(|l| l.starts_with("  ")).collect();
    assert_eq!(oldest.len(), 5, "{text}");
    assert!(oldest.iter().all(|l| l.starts_with("  2455d engine::")), "{text}");
}

/// `--by calls` with no usage has nothing to put on its scale: the legend says so rather than
/// printing ranges like `0–0`.
#[test]
fn a_scale_with_no_values_says_so() {
    let fx = workspace();
    let text = heatmap(&fx, &["--by", "calls", "--width", "80", "--color", "never"]);
    assert!(
        text.contains("calls since overhaul: no part shown has one, so every cell is ·· (no data)"),
        "{text}"
    );
    assert!(!text.contains("0–0") && !text.contains("[▁▁]"), "{text}");
    let aged = heatmap(&fx, &["--by", "age", "--width", "80", "--color", "never"]);
    assert!(aged.contains("[▁▁]") && !aged.contains("no part shown has one"), "{aged}");
}
