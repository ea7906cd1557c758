//! The age of every line of every `.rs` file of a generated repository with a realistic history
//! (`benches/age-history.py`), side by side: `git blame --porcelain` file by file, the single walk
//! cold (no cache) and warm (cache, nothing new), the peak memory of each walk, and how often the
//! walk agrees with `git blame` on a line's and a function's last-touching commit.
//!
//! `cargo bench -p wear-benches --bench age` for the full size (5,000 commits, 500 files; a few
//! minutes, mostly `git blame`), `-- --quick` or `WEAR_BENCH_QUICK=1` for a small repository
//! that runs in seconds. The repository is built once under the target directory and reused.
//!
//! `-- --agreement REPO LIST` only measures the agreement, on a repository built elsewhere
//! (`benches/age-scale.sh`): LIST names, one a line, .rs files of REPO and, after a tab, a file
//! holding `git blame --porcelain HEAD` of each, which the script has already timed.
//!
//! Each walk runs in a child process (this binary again) so that its peak memory (`VmHWM`) is
//! its own.
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use history::{agreement, generate, git_blame, parse_porcelain, rust_files};
use wear_cli::age::{AgeOptions, line_origins};

#[path = "../../cli/tests/history/mod.rs"]
mod history;

const CHILD: &str = "WEAR_AGE_BENCH_CHILD";

fn main() {
    if let Ok(spec) = std::env::var(CHILD) {
        child(&spec);
        return;
    }
    let args: Vec<String> = std::env::args().collect();
    if let Some(at) = args.iter().position(|a| a == "--agreement") {
        let (repo, list) = args.get(at + 1).zip(args.get(at + 2)).expect("--agreement REPO LIST");
        agreement_only(Path::new(repo), Path::new(list));
        return;
    }
    let quick =
        std::env::args().any(|a| a == "--quick") || std::env::var("WEAR_BENCH_QUICK").is_ok_and(|v| v == "1");
    let (commits, files) = if quick { (600, 60) } else { (5000, 500) };
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    let target =
        std::env::var_os("CARGO_TARGET_DIR").map_or_else(|| manifest.join("../target"), PathBuf::from);
    let repo = target.join(format!("wear-bench/age-history-c{commits}-f{files}"));

    let started = Instant::now();
    generate(&repo, commits, files);
    let built = started.elapsed().as_secs_f64();
    let repo = repo.canonicalize().expect("the repository exists");
    let names = rust_files(&repo);

    let started = Instant::now();
    let blamed: Vec<Vec<(String, i64)>> = names.iter().map(|name| git_blame(&repo, name)).collect();
    let git_secs = started.elapsed().as_secs_f64();

    let cache = target.join(format!("wear-bench/age-cache-c{commits}-f{files}"));
    let _ = std::fs::remove_dir_all(&cache);
    let cold = run_child(&repo, Some(&cache));
    let warm = run_child(&repo, Some(&cache));

    let absolute: Vec<PathBuf> = names.iter().map(|n| repo.join(n)).collect();
    let origins = line_origins(&repo, &absolute, &AgeOptions::default()).expect("the walk succeeds");
    let agreement = agreement(&origins, &absolute, &blamed);

    let lines: usize = blamed.iter().map(Vec::len).sum();
    println!();
    println!(
        "age of {} .rs files ({lines} lines), {commits} commits: {} (built or reused in {built:.1} s)",
        names.len(),
        repo.display()
    );
    println!("  {:<44} {:>9.2} s", "git blame --porcelain, file by file", git_secs);
    println!(
        "  {:<44} {:>9.2} s  {:>6.1}x faster  peak memory {:>6.1} MiB",
        "wear age, cold (no cache)",
        cold.0,
        git_secs / cold.0,
        cold.1
    );
    println!(
        "  {:<44} {:>9.3} s  {:>6.0}x faster  peak memory {:>6.1} MiB",
        "wear age, warm (cache, nothing new)",
        warm.0,
        git_secs / warm.0,
        warm.1
    );
    println!("  agreement with git blame: {agreement}");
    let met = |ok: bool| if ok { "met" } else { "MISSED" };
    println!(
        "  targets: cold >= 4x faster than git blame: {}; warm < 0.3 s: {}; peak memory < 256 MiB: {}",
        met(git_secs / cold.0 >= 4.0),
        met(warm.0 < 0.3),
        met(cold.1.max(warm.1) < 256.0)
    );
}

/// Prints how often the walk agrees with the saved `git blame` answers of the files listed.
fn agreement_only(repo: &Path, list: &Path) {
    let repo = repo.canonicalize().expect("the repository exists");
    let list = std::fs::read_to_string(list).expect("a readable list");
    let (files, blamed): (Vec<PathBuf>, Vec<Vec<(String, i64)>>) = list
        .lines()
        .filter_map(|l| l.split_once('\t'))
        .map(|(name, saved)| {
            let text = std::fs::read_to_string(saved).expect("a saved git blame");
            (repo.join(name), parse_porcelain(&text))
        })
        .unzip();
    let origins = line_origins(&repo, &files, &AgeOptions::default()).expect("the walk succeeds");
    let agreement = agreement(&origins, &files, &blamed);
    println!("{} {} {agreement}", agreement.line_share(), agreement.fn_share());
}

/// Runs one walk in a child process: (wall seconds of the walk, peak memory in MiB).
fn run_child(repo: &Path, cache: Option<&Path>) -> (f64, f64) {
    let exe = std::env::current_exe().expect("the bench knows its own path");
    let spec = format!("{}\n{}", repo.display(), cache.map(|c| c.display().to_string()).unwrap_or_default());
    let out = Command::new(exe).env(CHILD, spec).output().expect("the child runs");
    assert!(out.status.success(), "the walk failed: {}", String::from_utf8_lossy(&out.stderr));
    let text = String::from_utf8_lossy(&out.stdout);
    let mut fields = text.split_whitespace().map(|f| f.parse::<f64>().expect("a number"));
    (fields.next().expect("seconds"), fields.next().expect("memory"))
}

/// The child: lists the `.rs` files, runs the walk, prints its seconds and peak memory.
fn child(spec: &str) {
    let (repo, cache) = spec.split_once('\n').expect("repo and cache");
    let repo = Path::new(repo);
    let started = Instant::now();
    let mut files = Vec::new();
    list_rs(repo, &mut files);
    let opts = AgeOptions {
        cache_dir: (!cache.is_empty()).then(|| PathBuf::from(cache)),
        progress: false,
        stop: None,
    };
    let origins = line_origins(repo, &files, &opts).expect("the walk succeeds");
    let secs = started.elapsed().as_secs_f64();
    assert_eq!(origins.files.len(), files.len());
    println!("{secs} {}", peak_memory_mib());
}

fn list_rs(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("a readable folder").flatten() {
        let path = entry.path();
        if entry.file_name() == ".git" {
            continue;
        }
        if path.is_dir() {
            list_rs(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// `VmHWM` of this process, in MiB.
fn peak_memory_mib() -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<f64>().ok())
        .map_or(f64::NAN, |kib| kib / 1024.0)
}
