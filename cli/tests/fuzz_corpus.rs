//! Replays the committed fuzz corpora (`fuzz/corpus/<target>/`) on stable Rust, through the
//! very checks the libFuzzer targets run (`fuzz/src/checks.rs`, included by `#[path]`): every
//! parser of outside input (snapshot JSON, OTLP JSON, Prometheus answers, `wear.toml`,
//! `wear-logbook.toml`, Rust sources and their serials) must neither panic nor break an
//! invariant on any input the fuzzer kept. CI runs this without nightly or cargo-fuzz.
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};

#[allow(dead_code)]
#[path = "../../fuzz/src/checks.rs"]
mod checks;

fn corpus_files(target: &str) -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../fuzz/corpus").join(target);
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|entry| entry.expect("a directory entry").path())
        .collect();
    files.sort();
    files
}

/// The stack `cargo wear scan` gives its parsing (`SCAN_STACK` in `cli/src/scan/mod.rs`); a
/// test thread's 2 MiB is not enough for the deepest corpus files in a debug build.
const STACK: usize = 1 << 30;

#[test]
fn every_corpus_file_passes_its_check() {
    let replay = std::thread::Builder::new().stack_size(STACK).spawn(replay_every_corpus).expect("spawns");
    replay.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic));
}

fn replay_every_corpus() {
    let mut failed = Vec::new();
    for (target, check) in checks::TARGETS {
        let files = corpus_files(target);
        assert!(!files.is_empty(), "the corpus of `{target}` holds {} files; was it committed?", files.len());
        for file in files {
            let data = std::fs::read(&file).expect("reads a corpus file");
            if catch_unwind(AssertUnwindSafe(|| check(&data))).is_err() {
                failed.push(file.display().to_string());
            }
        }
    }
    assert!(failed.is_empty(), "these corpus files fail their check (messages above): {failed:#?}");
}

/// Found while writing the `source` target: a crate root whose `#[path]` names the root itself
/// sent the module walk round for ever (each lap a longer module path, so never "seen"), and
/// `cargo wear scan` hung while its memory grew. It is now a warning, like rustc's error.
#[test]
fn a_module_whose_path_leads_back_to_its_own_file_is_a_warning() {
    let input = b"#[path = \"lib.rs\"]\nmod a;\n#[wear::tracked]\npub fn f() {}\n";
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path().join("lib.rs");
    std::fs::write(&root, input).expect("writes lib.rs");
    let (done, finished) = std::sync::mpsc::channel();
    let walk_root = root.clone();
    std::thread::spawn(move || {
        let mut warnings = Vec::new();
        let modules = wear_cli::scan::module_files(&walk_root, "cyc", &mut warnings);
        done.send((modules.len(), warnings)).expect("sends");
    });
    let (modules, warnings) =
        finished.recv_timeout(std::time::Duration::from_secs(20)).expect("the module walk ends");
    assert_eq!(modules, 1, "only the root is a module file");
    assert_eq!(warnings.len(), 1, "{warnings:?}");
    assert_eq!((warnings[0].file.as_path(), warnings[0].line), (root.as_path(), Some(2)));
    assert!(warnings[0].message.contains("module `a` is declared inside its own file"), "{}", warnings[0]);
    checks::source(input);
}

/// Found by the `logbook` check's append invariant: sign-offs written as an inline array read
/// fine, but no `[[signoff]]` block can follow them, and `cargo wear inspect` blamed "line 3:
/// duplicate key" of a text the user never saw. Now it says why, and still writes nothing.
#[test]
fn a_logbook_written_as_an_inline_array_refuses_an_appended_block_clearly() {
    let input = "signoff = [{part = \"a\", serial = \"00000000000000aa\", date = 2026-11-21, calls = 1, by = \"x\"}]\n";
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("wear-logbook.toml");
    std::fs::write(&file, input).expect("writes");
    let logbook = wear_cli::policy::Logbook::load(&file).expect("an inline array reads");
    let error = wear_cli::policy::append_signoff(&file, &logbook.entries()[0]).expect_err("refused");
    assert_eq!((error.file.as_deref(), error.line), (Some(file.as_path()), None));
    assert!(error.message.contains("cannot be appended to this logbook"), "{error}");
    assert!(error.help.as_deref().is_some_and(|h| h.contains("signoff = [...]")), "{error}");
    assert_eq!(std::fs::read_to_string(&file).expect("reads"), input, "nothing was written");
    checks::logbook(input.as_bytes());
}

/// Found replaying the source corpus (a file nesting brackets 106 deep overflowed a test
/// thread's stack): `syn` recurses once per nested bracket, `!`, `&` or generic argument, and
/// `cargo wear scan` aborted with a stack overflow on such a file. The scan now runs on a
/// thread with a large stack; these files scan, and the tracked function beside them is found.
#[test]
fn deeply_nested_sources_scan_without_overflowing_the_stack() {
    let nested = |open: &str, middle: &str, close: &str, n: usize| open.repeat(n) + middle + &close.repeat(n);
    let bodies = [
        format!("let x = {};", nested("(", "1", ")", 1500)),
        format!("let x = {}1;", "!".repeat(20_000)),
        format!("let x: {} = todo!();", nested("Vec<", "u8", ">", 3000)),
    ];
    for body in bodies {
        let dir = tempfile::tempdir().expect("tempdir");
        std::fs::create_dir(dir.path().join("src")).expect("src");
        std::fs::write(
            dir.path().join("Cargo.toml"),
            "[package]\nname = \"deep\"\nversion = \"0.1.0\"\nedition = \"2021\"\n[workspace]\n",
        )
        .expect("Cargo.toml");
        let source = format!("#[wear::tracked]\npub fn hot() {{}}\n\npub fn deep() {{ {body} }}\n");
        std::fs::write(dir.path().join("src/lib.rs"), source).expect("lib.rs");
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_cargo-wear"))
            .current_dir(dir.path())
            .args(["wear", "scan"])
            .env("NO_COLOR", "1")
            .env("CARGO_TARGET_DIR", dir.path().join("target"))
            .output()
            .expect("runs");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(out.status.success(), "{}: {stderr}", &body[..40]);
        assert!(String::from_utf8_lossy(&out.stdout).contains("deep::hot"), "{stderr}");
    }
}
