//! The CI examples under `examples/ci/` only use commands and options that exist: every
//! `cargo wear ...` they run is parsed by the real argument parser.
use clap::Parser;
use wear_cli::cli::Cli;

fn commands(file: &str) -> Vec<Vec<String>> {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples/ci").join(file);
    let text = std::fs::read_to_string(&path).expect("example");
    let mut out = Vec::new();
    for line in text.lines().filter(|l| !l.trim_start().starts_with('#')) {
        for piece in line.split("&&") {
            let Some(at) = piece.find("cargo wear ") else { continue };
            let words: Vec<String> = piece[at..]
                .split_whitespace()
                .take_while(|w| !matches!(*w, ">>" | ">" | "|"))
                .map(str::to_owned)
                .collect();
            out.push(words);
        }
    }
    out
}

#[test]
fn every_command_in_the_ci_examples_parses() {
    for file in ["github-actions.yml", "gitlab-ci.yml"] {
        let commands = commands(file);
        assert!(commands.len() >= 2, "{file}: {commands:?}");
        for words in commands {
            // `cargo wear x ...` reaches the binary as `cargo-wear wear x ...`; the parser sees it
            // after `wear` is dropped.
            let argv: Vec<&str> =
                std::iter::once("cargo-wear").chain(words.iter().skip(2).map(String::as_str)).collect();
            if let Err(e) = Cli::try_parse_from(&argv) {
                panic!("{file}: `{}` does not parse: {e}", words.join(" "));
            }
        }
    }
}
