//! `cargo wear map` end to end: the real binary on the git2-built workspace of
//! `cli/tests/pictures`. Checks the quadrants and the medians they split at, where parts land
//! (old and hot top right, unused parts on the bottom row), labels and the parts left off the
//! map, the plain and coloured forms against expected files, width fitting, and bad arguments.
mod pictures;
mod support;

use pictures::{draw, fleet, stdout, strip_ansi, widest};
use support::{expect_file, tree_bytes};

/// The plot's rows, from the top row to the `unused` row, as plain text.
fn plot(text: &str) -> Vec<String> {
    let text = strip_ansi(text);
    let lines: Vec<&str> = text.lines().collect();
    let last = lines.iter().position(|l| l.trim_start().starts_with("unused")).expect("an unused row");
    lines[last - wear_cli::map::PLOT_ROWS..=last].iter().map(|l| l.to_string()).collect()
}

#[test]
fn map_names_the_quadrants_and_places_parts_by_age_and_calls() {
    let fx = fleet();
    let text = stdout(&draw(&fx, "map", &["--color", "never", "--width", "80"]));
    expect_file("map/plain.txt", &text);
    assert!(!text.contains('\x1b'));
    for name in [
        "old and hot: inspect first",
        "new and hot: watch",
        "old and unused: removal candidates",
        "new and unused",
    ] {
        assert!(text.contains(name), "{name}: {text}");
    }
    // Five parts have usage and an age; cart::total has no usage data.
    assert!(text.starts_with("wear map of 5 parts"), "{text}");
    assert!(text.contains("not on the map: 1 part without usage data"), "{text}");
    // Ages: cart 1045d, pricing 172d; median 172d. Calls of used parts 5000, 150, 40, 9: median 150.
    assert!(
        text.contains("split at the medians: 172d since overhaul, 150 calls (of the used parts)"),
        "{text}"
    );
    assert!(
        text.contains("inspect first: 2 · watch: 0 · removal candidates: 3 · new and unused: 0"),
        "{text}"
    );
    let rows = plot(&text);
    let top = &rows[0];
    assert!(top.contains("● add") || top.contains("add ●"), "the hottest part is on the top row: {top}");
    let unused = rows.last().expect("the unused row");
    assert!(
        unused.contains("● remove") || unused.contains("remove ●"),
        "the part with no calls is on the unused row: {unused}"
    );
    let column = |row: &str| row.chars().position(|c| c == '●').expect("a point");
    assert_eq!(column(top), column(unused), "parts of the same age share a column");
    let quote_row = rows.iter().find(|r| r.contains("quote")).expect("quote is labelled");
    assert!(column(quote_row) < column(top), "a newer part is further left: {quote_row}");
    assert!(quote_row.contains('─'), "quote sits on the calls split (its 150 calls are the median)");
    let axis = strip_ansi(&text).lines().find(|l| l.contains('└')).map(str::to_owned).expect("an age axis");
    assert!(axis.contains('┬'), "{axis}");
    assert!(text.contains("0d") && text.contains("100d") && text.contains("1000d"), "age ticks: {text}");
}

#[test]
fn colour_marks_points_by_quadrant_and_the_picture_fits_the_width() {
    let fx = fleet();
    let color = stdout(&draw(&fx, "map", &["--color", "always", "--width", "80"]));
    let mut cmd = fx.wear(&[
        "map",
        "--usage",
        "usage/fleet.json",
        "--now",
        pictures::NOW,
        "--color",
        "always",
        "--width",
        "80",
    ]);
    let truecolor = stdout(&cmd.env("COLORTERM", "truecolor").output().expect("runs"));
    expect_file("map/color.txt", &truecolor);
    assert!(
        truecolor.contains("\x1b[1m\x1b[38;2;230;60;50m●") || truecolor.contains("38;2;230;60;50m●"),
        "{truecolor}"
    );
    assert!(
        color.contains("\x1b[")
            && strip_ansi(&color) == stdout(&draw(&fx, "map", &["--color", "never", "--width", "80"]))
    );
    let narrow = stdout(&draw(&fx, "map", &["--color", "never", "--width", "40"]));
    let wide = stdout(&draw(&fx, "map", &["--color", "never", "--width", "120"]));
    assert!(widest(&narrow) <= 40, "{narrow}");
    assert!(widest(&wide) <= 120 && widest(&wide) > 80, "{wide}");
    assert_eq!(plot(&narrow).len(), plot(&wide).len(), "the same rows at any width");
    assert!(plot(&wide)[0].chars().count() > plot(&narrow)[0].chars().count());
}

#[test]
fn a_map_without_usage_draws_age_alone_and_says_so() {
    let fx = fleet();
    let out =
        fx.wear(&["map", "--now", pictures::NOW, "--no-cache", "--color", "never"]).output().expect("runs");
    let text = stdout(&out);
    assert!(text.starts_with("age map of 6 parts"), "{text}");
    assert!(text.contains("no part has usage data, so there are no quadrants by calls"), "{text}");
    assert!(!text.contains("inspect first"), "no quadrants without calls: {text}");
    assert!(text.contains("oldest:\n  1045d fleet::cart::"), "{text}");
    // With usage for some parts, the untracked functions of `--all` are counted, not drawn.
    let all = stdout(&draw(&fx, "map", &["--all", "--color", "never", "--width", "80"]));
    assert!(all.starts_with("wear map of 5 parts") && all.contains("not on the map:"), "{all}");
}

#[test]
fn bad_arguments_exit_2_and_write_nothing() {
    let fx = fleet();
    let before = tree_bytes(fx.root());
    for (args, message) in [
        (&["--width", "0"][..], "0 columns is too narrow: give 20 to 1000 columns"),
        (&["--width", "4000000000"], "4000000000 columns is too wide: give 20 to 1000 columns"),
        (&["--width", "wide"], "`wide` is not a number of columns"),
        (&["--ledger", "missing.sqlite"], "missing.sqlite: no such ledger"),
    ] {
        let out = draw(&fx, "map", args);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {stderr}");
        assert!(stderr.contains(message), "{args:?}: {stderr}");
        assert!(out.stdout.is_empty());
    }
    let out = fx.wear(&["map", "--now", "soon"]).output().expect("runs");
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("`soon` is not a date"));
    assert!(tree_bytes(fx.root()) == before);
}
