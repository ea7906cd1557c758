//! `cargo wear heatmap` end to end: the real binary on a git2-built workspace with fixed dates
//! and a snapshot file. Checks a cell per part, the legend's values, the plain and coloured
//! forms against expected files, width fitting, `--top`, `--filter`, `--group file`, `--all`
//! finding untracked functions, `--color` on every command, and that bad arguments exit 2
//! with a clear message and write nothing.
mod pictures;
mod support;

use pictures::{draw, fleet, stdout, strip_ansi, widest};
use support::{expect_file, tree_bytes};

/// The grid's lines: after the title's blank line, up to the legend's title (`...:`), blank
/// lines between groups left out.
fn grid(text: &str) -> Vec<String> {
    strip_ansi(text)
        .lines()
        .skip_while(|l| !l.is_empty())
        .take_while(|l| !l.ends_with(':') || l.starts_with(' '))
        .filter(|l| !l.is_empty())
        .map(str::to_owned)
        .collect()
}

/// How many cells name `label` in the grid (a labelled cell is `[xx] label value`).
fn cells_named(text: &str, label: &str) -> usize {
    grid(text)
        .iter()
        .map(|line| {
            line.matches(&format!("] {label} ")).count() + line.matches(&format!("█ {label} ")).count()
        })
        .sum()
}

#[test]
fn plain_heatmap_has_a_cell_per_part_the_legend_and_the_findings() {
    let fx = fleet();
    let text = stdout(&draw(&fx, "heatmap", &["--color", "never", "--width", "80"]));
    expect_file("heatmap/plain.txt", &text);
    assert!(!text.contains('\x1b'), "no escape code without colour");
    for label in ["add", "remove", "total", "quote", "discount", "Price::round"] {
        assert_eq!(cells_named(&text, label), 1, "one cell for {label}:\n{text}");
    }
    assert!(!text.contains("helper") && !text.contains("format_line"), "untracked functions are not parts");
    // quote is at 150% of its 100-call limit, the top bin; cart::total has no usage but its age
    // (1045 days) against the 1460d limit gives it a wear.
    assert!(text.contains("[██] quote 150%"), "{text}");
    assert!(text.contains("[▓▓] total 72%") && text.contains("[▁▁] discount 12%"), "{text}");
    assert!(text.contains("[▁▁] 0%–20%") && text.contains("[██] 80%–100%+") && text.contains("[··] no data"));
    assert!(text.contains("hottest: fleet::cart::add, 5000 calls since overhaul (src/cart.rs:2)"), "{text}");
    assert!(text.contains("oldest: fleet::cart::add, 1045d since overhaul"), "{text}");
    assert!(text.contains("highest wear: fleet::pricing::quote, 150%"), "{text}");
    let groups: Vec<String> = grid(&text).into_iter().filter(|l| !l.starts_with(' ')).collect();
    assert_eq!(groups, ["fleet::pricing · 3 parts", "fleet::cart · 3 parts"], "hottest group first");
    let cart = grid(&text).into_iter().find(|l| l.contains("add")).expect("cart's cells");
    assert!(cart.find("add") < cart.find("total"), "highest first within a group: {cart}");
}

#[test]
fn by_calls_age_and_busy_change_the_values_and_the_legend() {
    let fx = fleet();
    let calls = stdout(&draw(&fx, "heatmap", &["--color", "never", "--by", "calls", "--width", "100"]));
    assert!(calls.contains("add 5000") && calls.contains("remove 0") && calls.contains("total -"), "{calls}");
    assert!(calls.contains("calls since overhaul:"), "{calls}");
    assert!(calls.contains("with no calls drawn as ··"), "{calls}");
    let age = stdout(&draw(&fx, "heatmap", &["--color", "never", "--by", "age", "--width", "100"]));
    assert!(age.contains("add 1045d") && age.contains("quote 172d"), "{age}");
    // Logarithmic, as the HTML report's: 172 days is the fourth fifth, 1045 the last.
    assert!(age.contains("[▁▁] 0d–3d") && age.contains("[██] 259d–1045d"), "{age}");
    assert!(age.contains("[▓▓] quote 172d") && age.contains("[██] add 1045d"), "{age}");
    let busy = stdout(&draw(&fx, "heatmap", &["--color", "never", "--by", "busy", "--width", "100"]));
    assert!(busy.contains("6 with no busy drawn as ··"), "no part is timed: {busy}");
}

#[test]
fn colour_is_viridis_in_24_bit_or_256_colours_and_never_without_a_terminal() {
    let fx = fleet();
    let mut cmd = fx.wear(&[
        "heatmap",
        "--usage",
        "usage/fleet.json",
        "--now",
        pictures::NOW,
        "--color",
        "always",
        "--width",
        "80",
    ]);
    let text = stdout(&cmd.env("COLORTERM", "truecolor").output().expect("runs"));
    expect_file("heatmap/color.txt", &text);
    assert!(text.contains("\x1b[38;2;"), "24-bit colour");
    // viridis's top (quote, 150%) is yellow; the legend's bar starts dark purple.
    assert!(text.contains("\x1b[38;2;253;231;37m██\x1b[0m quote 150%"), "{text}");
    assert!(text.contains("\n  \x1b[38;2;68;1;84m█"), "{text}");
    assert!(text.contains("\n  0%      25%       50%       75%    100%+\n"), "legend values: {text}");
    let plain = stdout(&draw(&fx, "heatmap", &["--color", "never", "--width", "80"]));
    assert_eq!(grid(&text).len(), grid(&plain).len(), "the same layout in colour");

    let mut cmd =
        fx.wear(&["heatmap", "--usage", "usage/fleet.json", "--now", pictures::NOW, "--color", "always"]);
    let ansi256 = stdout(&cmd.env_remove("COLORTERM").output().expect("runs"));
    assert!(ansi256.contains("\x1b[38;5;") && !ansi256.contains("\x1b[38;2;"), "256 colours: {ansi256}");
    // auto: not a terminal (and NO_COLOR is set by the fixture), so plain.
    let auto = stdout(&draw(&fx, "heatmap", &[]));
    assert!(!auto.contains('\x1b'));
    let mut cmd = fx.wear(&["heatmap", "--usage", "usage/fleet.json", "--now", pictures::NOW]);
    let no_color_unset = stdout(&cmd.env_remove("NO_COLOR").output().expect("runs"));
    assert!(!no_color_unset.contains('\x1b'), "a pipe gets no colour");
}

#[test]
fn the_picture_fits_the_width() {
    let fx = fleet();
    let narrow = stdout(&draw(&fx, "heatmap", &["--color", "always", "--width", "40"]));
    let wide = stdout(&draw(&fx, "heatmap", &["--color", "always", "--width", "120"]));
    assert!(widest(&narrow) <= 40, "{narrow}");
    assert!(widest(&wide) <= 120, "{wide}");
    assert!(widest(&wide) > 40, "a wide terminal is used");
    assert!(grid(&narrow).len() > grid(&wide).len(), "narrow cells wrap:\n{narrow}\n{wide}");
    let mut cmd = fx.wear(&["heatmap", "--usage", "usage/fleet.json", "--now", pictures::NOW]);
    let from_columns = stdout(&cmd.env("COLUMNS", "40").output().expect("runs"));
    assert!(widest(&from_columns) <= 40, "$COLUMNS is the width without a terminal: {from_columns}");
    let compact = stdout(&draw(&fx, "heatmap", &["--color", "never", "--width", "40", "--compact"]));
    expect_file("heatmap/compact.txt", &compact);
    let rows: Vec<String> = grid(&compact);
    // The name column is a third of the width, cut from the left (two segments: no middle to
    // leave out); quote (150%) is full, the two parts at 12% are the lowest shade (never a
    // blank), cart's three at 72% the fourth.
    assert_eq!(rows, ["…eet::pricing │██▁▁▁▁│", "fleet::cart   │▓▓▓▓▓▓│"], "{compact}");
}

#[test]
fn top_keeps_the_highest_parts_and_says_so() {
    let fx = fleet();
    let text =
        stdout(&draw(&fx, "heatmap", &["--color", "never", "--by", "calls", "--top", "2", "--width", "100"]));
    assert_eq!(cells_named(&text, "add") + cells_named(&text, "quote"), 2, "{text}");
    for other in ["remove", "total", "discount", "Price::round"] {
        assert_eq!(cells_named(&text, other), 0, "{other} is not in the top 2: {text}");
    }
    assert!(text.contains("2 of 6 parts shown (--top 2: the parts with the highest calls)"), "{text}");
}

#[test]
fn the_filter_takes_a_prefix_or_a_glob_and_groups_can_be_files() {
    let fx = fleet();
    let cart = stdout(&draw(&fx, "heatmap", &["--color", "never", "--filter", "fleet::cart"]));
    assert!(cart.contains("heatmap of 3 parts") && !cart.contains("quote"), "{cart}");
    assert!(cart.contains("--filter fleet::cart matches 3"), "{cart}");
    let glob =
        stdout(&draw(&fx, "heatmap", &["--color", "never", "--filter", "src/p*.rs", "--group", "file"]));
    assert!(glob.contains("src/pricing.rs · 3 parts") && !glob.contains("src/cart.rs"), "{glob}");
    assert!(glob.contains("grouped by file"), "{glob}");
}

#[test]
fn all_makes_every_function_a_part_and_colours_by_age() {
    let fx = fleet();
    let text = stdout(&draw(&fx, "heatmap", &["--all", "--color", "never", "--width", "100"]));
    assert!(text.contains("heatmap of 8 parts by age"), "{text}");
    for label in ["helper", "format_line", "add", "Price::round"] {
        assert_eq!(cells_named(&text, label), 1, "{label}: {text}");
    }
    assert!(!text.contains("only_in_tests"), "test modules stay out");
    assert!(text.contains("helper 1045d") && text.contains("quote 172d"), "{text}");
    let calls =
        stdout(&draw(&fx, "heatmap", &["--all", "--by", "calls", "--color", "never", "--width", "100"]));
    assert!(calls.contains("add 5000") && calls.contains("helper -"), "usage only where tracked: {calls}");
}

/// `heatmap --all` walks history beside the scan, on the `.rs` files under `src/`. Whether that
/// guess holds (a module under `#[path]` outside `src/` is walked after the scan), or is so
/// wide that the walk is stopped and run again on the scan's files (a large module the build
/// leaves out), every part gets the age it has.
#[test]
fn all_gives_the_same_ages_whether_the_guess_at_files_holds_or_not() {
    let fx = fleet();
    let cells = |text: &str| -> Vec<String> {
        ["helper 1045d", "quote 172d", "add 1045d"]
            .iter()
            .filter(|c| text.contains(**c))
            .map(|c| c.to_string())
            .collect()
    };
    let before = stdout(&draw(&fx, "heatmap", &["--all", "--color", "never", "--width", "100"]));
    assert_eq!(cells(&before).len(), 3, "{before}");
    let lib = fx.read("src/lib.rs");
    fx.write("src/lib.rs", &format!("{lib}\n#[path = \"../shared/util.rs\"]\npub mod util;\n"));
    fx.write("shared/util.rs", "pub fn shared_helper() -> u32 {\n    7\n}\n");
    fx.commit("a shared module", "Cy", "2025-03-01");
    let outside = stdout(&draw(&fx, "heatmap", &["--all", "--color", "never", "--width", "100"]));
    assert_eq!(cells(&outside), cells(&before), "{outside}");
    assert!(outside.contains("shared_helper 629d"), "the file outside the guess has its age: {outside}");
    let lib = fx.read("src/lib.rs");
    fx.write("src/lib.rs", &format!("{lib}\n#[cfg(feature = \"never\")]\nmod platform;\n"));
    let big: String = (0..2000).map(|i| format!("pub fn left_out_{i}() -> u32 {{\n    {i}\n}}\n")).collect();
    fx.write("src/platform.rs", &big);
    fx.commit("a platform the build leaves out", "Cy", "2025-04-01");
    let wide = stdout(&draw(&fx, "heatmap", &["--all", "--color", "never", "--width", "100"]));
    assert_eq!(cells(&wide), cells(&before), "{wide}");
    assert!(wide.contains("shared_helper 629d") && !wide.contains("left_out_"), "{wide}");
    let warm = |args: &[&str]| {
        let mut all = vec!["heatmap", "--usage", "usage/fleet.json", "--now", pictures::NOW];
        all.extend_from_slice(args);
        stdout(&fx.wear(&all).output().expect("cargo-wear runs"))
    };
    let args = ["--all", "--color", "never", "--width", "100"];
    assert_eq!(warm(&args), wide, "with the caches, cold");
    assert_eq!(warm(&args), wide, "with the caches, warm");
}

#[test]
fn bad_arguments_exit_2_with_a_clear_message_and_write_nothing() {
    let fx = fleet();
    let before = tree_bytes(fx.root());
    let cases: [(&[&str], &str); 15] = [
        (&["--by", "heat"], "invalid value 'heat' for '--by <BY>'"),
        (&["--top", "0"], "--top 0 shows nothing: give 1 to 1000000 parts"),
        (&["--top", "1000001"], "--top 1000001 is more parts than any workspace has"),
        (&["--top", "many"], "`many` is not a number of parts"),
        (&["--width", "0"], "0 columns is too narrow: give 20 to 1000 columns"),
        (&["--width", "1001"], "1001 columns is too wide: give 20 to 1000 columns"),
        (&["--color", "sometimes"], "invalid value 'sometimes' for '--color <COLOR>'"),
        (&["--filter", "src/[a"], "--filter `src/[a` is not a valid glob"),
        (&["--filter", "nowhere"], "no part matches --filter `nowhere`"),
        (&["nowhere::else"], "no part matches `nowhere::else`"),
        (&["fleet::cart", "--filter", "fleet"], "'[MODULE_OR_FILE]' cannot be used with '--filter <GLOB>'"),
        (&["--depth", "0"], "invalid value '0' for '--depth <N>': 0 is not in 1..=64"),
        (&["--depth", "two"], "invalid value 'two' for '--depth <N>'"),
        (&["--depth", "2", "--top", "3"], "'--depth <N>' cannot be used with '--top <N>'"),
        (&["--format", "xml"], "invalid value 'xml' for '--format <FORMAT>'"),
    ];
    for (args, message) in cases {
        let out = draw(&fx, "heatmap", args);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {stderr}");
        assert!(stderr.contains(message), "{args:?}: {stderr}");
        assert!(out.stdout.is_empty(), "{args:?} printed a picture");
    }
    assert!(tree_bytes(fx.root()) == before, "a failed heatmap writes nothing");
}

#[test]
fn every_command_takes_color() {
    let fx = fleet();
    let scan = fx.wear(&["scan", "--color", "always"]).output().expect("runs");
    let text = String::from_utf8_lossy(&scan.stdout);
    assert!(text.starts_with("\x1b[1mpart"), "a bold header: {text:?}");
    let plain = fx.wear(&["scan", "--color", "never"]).output().expect("runs");
    assert!(!String::from_utf8_lossy(&plain.stdout).contains('\x1b'));
    for args in [
        &["ingest", "--color", "never", "usage/fleet.json"][..],
        &[
            "inspect",
            "--color",
            "never",
            "fleet::cart::add",
            "--note",
            "looked",
            "--by",
            "Ana",
            "--now",
            "2026-11-21",
        ],
        &["report", "--color", "never", "--no-ledger"],
        &["map", "--color", "never", "--no-ledger"],
    ] {
        let out = fx.wear(args).output().expect("runs");
        assert!(out.status.success(), "{args:?}: {}", String::from_utf8_lossy(&out.stderr));
    }
    std::fs::remove_file(fx.path("wear.toml")).expect("remove the policy");
    let init = fx.wear(&["init", "--color", "auto"]).output().expect("runs");
    assert!(init.status.success(), "{}", String::from_utf8_lossy(&init.stderr));
}

#[test]
fn the_same_input_draws_the_same_bytes() {
    let fx = fleet();
    let args = ["--color", "always", "--width", "90"];
    assert_eq!(stdout(&draw(&fx, "heatmap", &args)), stdout(&draw(&fx, "heatmap", &args)));
}

#[test]
fn html_writes_the_same_page_as_report_format_html() {
    let fx = fleet();
    let args = ["--usage", "usage/fleet.json", "--now", pictures::NOW];
    let mut heat = vec!["heatmap", "--html", "heat.html", "--color", "never"];
    heat.extend_from_slice(&args);
    let out = fx.wear(&heat).output().expect("heatmap runs");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(stdout(&out).contains("heatmap of 6 parts"), "the terminal picture too");
    let mut report = vec!["report", "--format", "html", "--output", "report.html"];
    report.extend_from_slice(&args);
    let out = fx.wear(&report).output().expect("report runs");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let page = fx.read("heat.html");
    assert!(
        page.starts_with("<!DOCTYPE html>") && page.contains("\"pricing\"") && page.contains("\"quote\"")
    );
    assert_eq!(page, fx.read("report.html"), "one HTML report, whichever command writes it");

    // A file that cannot be written is an error, and the picture is not printed half-way.
    let mut bad = vec!["heatmap", "--html", "missing/dir/heat.html"];
    bad.extend_from_slice(&args);
    let out = fx.wear(&bad).output().expect("heatmap runs");
    assert_eq!(out.status.code(), Some(2), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(out.stdout.is_empty(), "nothing printed");
}
