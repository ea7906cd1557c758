//! `cargo wear annotate` on real cargo projects in temporary folders, through the real binary:
//! every shape of function, idempotence, `--remove` giving back the original bytes (on this
//! repository's own sources too), rustfmt staying clean, line endings and comments kept,
//! every refusal with nothing written, and a crate annotated, built, run and scanned for real.
mod support;

use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::Command;

use support::{Fixture, expect_file, tree_bytes};
use wear_cli::annotate::{Mode, Options, Place, Verdict, plan};

const SHAPES_LIB: &str = r#"//! Every shape `annotate` meets.
mod cart;

/// Adds one.
// A plain comment stays where it is.
#[inline]
#[cfg_attr(feature = "x", allow(dead_code))]
pub fn free(a: u32) -> u32 {
    fn nested(x: u32) -> u32 {
        /* a block comment */
        fn deeper() {}
        deeper();
        x + 1
    }
    let closure = || {
        fn in_closure() {}
        in_closure()
    };
    closure();
    nested(a)
}

pub const fn constant() -> u32 {
    3
}

#[unsafe(naked)]
pub extern "C" fn naked() {
    core::arch::naked_asm!("ret")
}

macro_rules! make {
    ($name:ident) => {
        pub fn $name() {}
    };
}
make!(made);

pub trait Priced {
    /// The price.
    fn price(&self) -> u32 {
        1
    }
    fn required(&self);
}

pub mod inline {
    pub fn inside() {}

    #[wear::tracked]
    pub fn tracked_already() {}

    #[wear::tracked(skip)]
    pub fn left_out() {}
}

#[wear::tracked]
pub mod tracked_mod {
    pub fn covered() {}
}

#[test]
fn a_test_outside_tests() {}

#[tokio::test]
async fn an_async_test() {}

#[cfg(test)]
mod tests {
    fn helper() {}

    #[test]
    fn works() {
        helper();
    }
}
"#;

const SHAPES_CART: &str = r#"pub struct Cart;

#[wear::tracked]
impl Cart {
    pub fn new() -> Self {
        fn nested_in_tracked_method() {}
        nested_in_tracked_method();
        Cart
    }

    const fn capacity() -> usize {
        3
    }
}

impl Cart {
    #[tracing::instrument]
    pub fn add(&self) {}
}

impl Default for Cart {
    fn default() -> Self {
        Cart
    }
}

unsafe extern "C" {
    fn abs(x: i32) -> i32;
}
"#;

fn shapes() -> Fixture {
    let fx = Fixture::new("shapes");
    fx.write("src/lib.rs", SHAPES_LIB);
    fx.write("src/cart.rs", SHAPES_CART);
    fx
}

fn run(fx: &Fixture, args: &[&str]) -> (i32, String, String) {
    let out = fx.wear(&["annotate"]).args(args).output().expect("runs");
    let text = |b: &[u8]| String::from_utf8_lossy(b).into_owned();
    (out.status.code().unwrap_or(-1), text(&out.stdout), text(&out.stderr))
}

fn rustfmt_check(files: &[PathBuf], config: Option<&Path>) {
    let mut cmd = Command::new("rustfmt");
    cmd.args(["--check", "--edition", "2024"]).args(files);
    if let Some(config) = config {
        cmd.arg("--config-path").arg(config);
    }
    let out = cmd.output().expect("rustfmt runs");
    assert!(out.status.success(), "not rustfmt-clean:\n{}", String::from_utf8_lossy(&out.stdout));
}

/// Every file under `dir` but `target/` and `.git/`, with its bytes.
fn sources(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    tree_bytes(dir).into_iter().filter(|(p, _)| !p.starts_with(dir.join("target"))).collect()
}

#[test]
fn every_shape_gets_the_attribute_or_a_reason() {
    let fx = shapes();
    rustfmt_check(&[fx.path("src/lib.rs"), fx.path("src/cart.rs")], None);
    let (code, stdout, stderr) = run(&fx, &["-v"]);
    assert_eq!(code, 0, "{stderr}");
    expect_file("annotate/shapes-lib.rs", &fx.read("src/lib.rs"));
    expect_file("annotate/shapes-cart.rs", &fx.read("src/cart.rs"));
    expect_file("annotate/shapes-summary.txt", &stdout);
    assert!(stdout.starts_with("annotated 9 functions in 2 files\n"), "{stdout}");
    assert!(
        stdout.contains(
            "shapes (src/lib.rs): 9 annotated, 3 already tracked; skipped: 1 opted out with `skip`, \
             2 const fn, 1 in macros, 4 tests, 1 naked, 2 without a body\n"
        ),
        "{stdout}"
    );
    // The attribute comes after doc comments, before every other attribute: the macro sees the
    // function as written, before `#[tracing::instrument]` rewrites it.
    assert!(
        fx.read("src/cart.rs").contains("    #[wear::tracked]\n    #[tracing::instrument]\n    pub fn add")
    );
    assert!(fx.read("src/lib.rs").contains(
        "/// Adds one.\n// A plain comment stays where it is.\n#[wear::tracked]\n#[inline]\n#[cfg_attr"
    ));
    // The comments, and every line that was there, are still there, in order; six lines
    // were added to this file.
    let added = |l: &&str| l.trim() == "#[wear::tracked]";
    let after = fx.read("src/lib.rs");
    assert_eq!(after.lines().filter(added).count(), SHAPES_LIB.lines().filter(added).count() + 6);
    let kept = |text: &str| text.lines().filter(|l| !added(l)).map(str::to_owned).collect::<Vec<_>>();
    assert_eq!(kept(&after), kept(SHAPES_LIB));
    rustfmt_check(&[fx.path("src/lib.rs"), fx.path("src/cart.rs")], None);
    assert!(stderr.contains("note: package `shapes` does not depend on `wear`"), "{stderr}");
    assert!(stderr.contains("`cargo add wear --package shapes`"), "{stderr}");
}

#[test]
fn a_second_run_changes_nothing_and_remove_gives_back_the_bytes() {
    let fx = shapes();
    let before = sources(fx.root());
    assert_eq!(run(&fx, &[]).0, 0);
    let annotated = sources(fx.root());
    assert_ne!(annotated, before);
    let (code, stdout, _) = run(&fx, &[]);
    assert_eq!(code, 0);
    assert!(stdout.starts_with("nothing to annotate"), "{stdout}");
    assert_eq!(sources(fx.root()), annotated, "a second run changes nothing");
    let (code, stdout, stderr) = run(&fx, &["--remove"]);
    assert_eq!(code, 0, "{stderr}");
    // The bare attribute a person wrote on `tracked_already` looks like annotate's own, and goes
    // too; the ones with arguments and those on a module or impl stay.
    assert!(stdout.starts_with("removed 10 `#[wear::tracked]` from 2 files\n"), "{stdout}");
    assert!(stdout.contains("10 removed; kept: 1 with arguments, 2 on an impl, trait or mod"), "{stdout}");
    assert_eq!(fx.read("src/cart.rs"), SHAPES_CART, "annotate then remove gives back the original bytes");
    let hand_written = "    #[wear::tracked]\n    pub fn tracked_already";
    assert_eq!(fx.read("src/lib.rs"), SHAPES_LIB.replace(hand_written, "    pub fn tracked_already"));
}

/// Copies `rel` of this repository (a folder) into `to`.
fn copy_tree(from: &Path, to: &Path) {
    for entry in fs::read_dir(from).expect("read_dir") {
        let entry = entry.expect("entry");
        let target = to.join(entry.file_name());
        if entry.file_type().expect("type").is_dir() {
            fs::create_dir_all(&target).expect("mkdir");
            copy_tree(&entry.path(), &target);
        } else {
            fs::copy(entry.path(), &target).expect("copy");
        }
    }
}

#[test]
fn on_real_code_rustfmt_stays_clean_and_remove_gives_back_the_bytes() {
    // This repository's own CLI and identity sources: every shape real code has, formatted
    // with the repository's rustfmt.toml.
    let repo = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let fx = Fixture::new("real");
    fx.write(
        "Cargo.toml",
        "[package]\nname = \"real\"\nversion = \"0.1.0\"\nedition = \"2024\"\n\n[lib]\npath = \"cli/src/lib.rs\"\n\n\
         [[bin]]\nname = \"identity\"\npath = \"identity/src/lib.rs\"\n\n[workspace]\n",
    );
    for folder in ["cli/src", "identity/src"] {
        fs::create_dir_all(fx.path(folder)).expect("mkdir");
        copy_tree(&repo.join(folder), &fx.path(folder));
    }
    let before = sources(fx.root());
    let (code, stdout, stderr) = run(&fx, &[]);
    assert_eq!(code, 0, "{stderr}");
    assert!(!stderr.contains("warning"), "{stderr}");
    let annotated: usize = stdout
        .lines()
        .next()
        .and_then(|l| l.strip_prefix("annotated "))
        .and_then(|l| l.split(' ').next())
        .and_then(|n| n.parse().ok())
        .expect("a count");
    assert!(annotated > 500, "{stdout}");
    let after = sources(fx.root());
    let changed: Vec<PathBuf> =
        after.iter().zip(&before).filter(|(a, b)| a.1 != b.1).map(|(a, _)| a.0.clone()).collect();
    assert!(changed.len() > 50, "{} files changed", changed.len());
    let attributes = |files: &[(PathBuf, Vec<u8>)]| -> usize {
        files
            .iter()
            .map(|(_, b)| {
                String::from_utf8_lossy(b).lines().filter(|l| l.trim() == "#[wear::tracked]").count()
            })
            .sum()
    };
    assert_eq!(attributes(&after) - attributes(&before), annotated, "one line per annotated function");
    rustfmt_check(&changed, Some(&repo.join("rustfmt.toml")));
    assert!(run(&fx, &[]).1.starts_with("nothing to annotate"));
    let (code, stdout, stderr) = run(&fx, &["--remove"]);
    assert_eq!(code, 0, "{stderr}");
    assert!(stdout.starts_with(&format!("removed {annotated} ")), "{stdout}");
    assert_eq!(sources(fx.root()), before, "annotate then remove gives back the original bytes");
}

#[test]
fn crlf_files_keep_crlf_and_a_byte_order_mark_stays_first() {
    let fx = Fixture::new("crlf");
    let text = "mod bom;\r\n\r\n/// Doc.\r\n#[inline]\r\npub fn f() {\r\n    fn g() {}\r\n    g()\r\n}\r\n";
    fx.write("src/lib.rs", text);
    fx.write("src/bom.rs", "\u{feff}pub fn b() {}\n");
    assert_eq!(run(&fx, &[]).0, 0);
    let after = fx.read("src/lib.rs");
    assert_eq!(
        after,
        "mod bom;\r\n\r\n/// Doc.\r\n#[wear::tracked]\r\n#[inline]\r\npub fn f() {\r\n    #[wear::tracked]\r\n    fn g() {}\r\n    g()\r\n}\r\n"
    );
    assert_eq!(fx.read("src/bom.rs"), "\u{feff}#[wear::tracked]\npub fn b() {}\n");
    assert_eq!(run(&fx, &["--remove"]).0, 0);
    assert_eq!(fx.read("src/lib.rs"), text);
    assert_eq!(fx.read("src/bom.rs"), "\u{feff}pub fn b() {}\n");
}

fn two_files() -> Fixture {
    let fx = Fixture::new("pair");
    fx.write("src/lib.rs", "mod sub;\n\npub fn first() {}\n");
    fx.write("src/sub.rs", "mod deeper;\n\npub fn second() {}\n");
    fx.write("src/sub/deeper.rs", "pub fn third() {}\n");
    fx
}

fn no_temporary_files(fx: &Fixture, before: &[(PathBuf, Vec<u8>)]) {
    assert_eq!(sources(fx.root()), before, "nothing written, no temporary file left");
}

#[test]
fn a_file_changed_meanwhile_is_refused_and_nothing_is_written() {
    let fx = two_files();
    let options = Options {
        manifest_path: Some(fx.path("Cargo.toml")),
        packages: Vec::new(),
        paths: Vec::new(),
        mode: Mode::Add,
        cwd: fx.root().to_owned(),
    };
    let planned = plan(&options).expect("plans");
    assert_eq!(planned.changes.len(), 3);
    // An editor saves the last file between reading and writing.
    fx.write("src/sub/deeper.rs", "pub fn third() {}\npub fn fourth() {}\n");
    let before = sources(fx.root());
    let error = planned.write().expect_err("refused");
    assert_eq!(error.file.as_deref(), Some(fx.path("src/sub/deeper.rs").as_path()));
    assert!(error.to_string().contains("changed on disk while annotate was reading the sources"), "{error}");
    assert!(error.to_string().contains("nothing was written"), "{error}");
    assert!(
        error.to_string().contains("help: save your work, then run `cargo wear annotate` again"),
        "{error}"
    );
    no_temporary_files(&fx, &before);
}

#[test]
fn a_read_only_file_or_folder_is_refused_and_nothing_is_written() {
    let fx = two_files();
    let before = sources(fx.root());
    let mode =
        |path: &Path, mode: u32| fs::set_permissions(path, fs::Permissions::from_mode(mode)).expect("chmod");

    mode(&fx.path("src/sub/deeper.rs"), 0o444);
    let (code, _, stderr) = run(&fx, &[]);
    assert_eq!(code, 2, "{stderr}");
    assert!(
        stderr.contains(&format!(
            "error: {}: is read-only; nothing was written",
            fx.path("src/sub/deeper.rs").display()
        )),
        "{stderr}"
    );
    assert!(stderr.contains("help: make it writable"), "{stderr}");
    no_temporary_files(&fx, &before);
    mode(&fx.path("src/sub/deeper.rs"), 0o644);

    mode(&fx.path("src/sub"), 0o555);
    let (code, _, stderr) = run(&fx, &[]);
    mode(&fx.path("src/sub"), 0o755);
    assert_eq!(code, 2, "{stderr}");
    assert!(
        stderr.contains(&format!("error: {}: its folder", fx.path("src/sub/deeper.rs").display())),
        "{stderr}"
    );
    assert!(stderr.contains("is read-only, so it cannot be replaced; nothing was written"), "{stderr}");
    no_temporary_files(&fx, &before);

    // The same files are written once nothing stands in the way, with their permissions.
    mode(&fx.path("src/sub.rs"), 0o640);
    assert_eq!(run(&fx, &[]).0, 0);
    assert_eq!(fs::metadata(fx.path("src/sub.rs")).expect("meta").permissions().mode() & 0o777, 0o640);
    assert!(fx.read("src/sub/deeper.rs").starts_with("#[wear::tracked]\npub fn third"));
}

#[test]
fn a_file_that_does_not_parse_is_a_warning_and_left_alone() {
    let fx = two_files();
    fx.write("src/sub.rs", "mod deeper;\n\npub fn second( {\n");
    let (code, stdout, stderr) = run(&fx, &[]);
    assert_eq!(code, 0, "{stderr}");
    assert!(stderr.contains(&format!("warning: {}:", fx.path("src/sub.rs").display())), "{stderr}");
    assert!(stderr.contains("does not parse"), "{stderr}");
    assert_eq!(fx.read("src/sub.rs"), "mod deeper;\n\npub fn second( {\n");
    assert_eq!(fx.read("src/lib.rs"), "mod sub;\n\n#[wear::tracked]\npub fn first() {}\n");
    assert!(stdout.starts_with("annotated 1 function in 1 file\n"), "{stdout}");

    // Nor does a file that is not UTF-8.
    fs::write(fx.path("src/sub.rs"), b"mod deeper;\n\npub fn second() {}\n// \xff\n").expect("write");
    let (code, _, stderr) = run(&fx, &[]);
    assert_eq!(code, 0, "{stderr}");
    assert!(
        stderr.contains(&format!("warning: {}: cannot be read", fx.path("src/sub.rs").display())),
        "{stderr}"
    );
    assert_eq!(
        fs::read(fx.path("src/sub.rs")).expect("read"),
        b"mod deeper;\n\npub fn second() {}\n// \xff\n"
    );
}

#[test]
fn symbolic_links_are_written_through() {
    let fx = Fixture::new("links");
    let outside = tempfile::tempdir().expect("tempdir");
    fx.write("shared/real.rs", "mod ext;\n\npub fn linked() {}\n");
    fs::create_dir_all(fx.path("src")).expect("mkdir");
    std::os::unix::fs::symlink("../shared/real.rs", fx.path("src/lib.rs")).expect("symlink");
    fs::write(outside.path().join("ext.rs"), "pub fn far() {}\n").expect("write");
    std::os::unix::fs::symlink(outside.path().join("ext.rs"), fx.path("src/ext.rs")).expect("symlink");

    let (code, _, stderr) = run(&fx, &[]);
    assert_eq!(code, 0, "{stderr}");
    assert!(fs::symlink_metadata(fx.path("src/lib.rs")).expect("meta").file_type().is_symlink());
    assert_eq!(fx.read("shared/real.rs"), "mod ext;\n\n#[wear::tracked]\npub fn linked() {}\n");
    // A link that leads out of the workspace is followed only when named.
    assert!(stderr.contains("is outside the workspace"), "{stderr}");
    assert_eq!(fs::read_to_string(outside.path().join("ext.rs")).expect("read"), "pub fn far() {}\n");
    assert_eq!(run(&fx, &["src/ext.rs"]).0, 0);
    assert!(fs::symlink_metadata(fx.path("src/ext.rs")).expect("meta").file_type().is_symlink());
    assert_eq!(
        fs::read_to_string(outside.path().join("ext.rs")).expect("read"),
        "#[wear::tracked]\npub fn far() {}\n"
    );
}

/// A workspace of a library with modules, another library, and a proc-macro crate.
fn members() -> Fixture {
    let fx = Fixture::new("unused");
    fx.write(
        "Cargo.toml",
        "[workspace]\nmembers = [\"alpha\", \"beta\", \"gamma-derive\"]\nresolver = \"2\"\n",
    );
    let manifest = |name: &str, extra: &str| {
        format!("[package]\nname = \"{name}\"\nversion = \"0.1.0\"\nedition = \"2021\"\n{extra}")
    };
    fx.write("alpha/Cargo.toml", &manifest("alpha", ""));
    fx.write("alpha/build.rs", "fn main() {}\n");
    fx.write("alpha/src/lib.rs", "mod net;\n\npub fn top() {}\n");
    fx.write("alpha/src/net.rs", "pub fn connect() {}\n\npub mod tcp {\n    pub fn dial() {}\n}\n");
    fx.write("beta/Cargo.toml", &manifest("beta", ""));
    fx.write("beta/src/main.rs", "fn main() {}\n");
    fx.write("gamma-derive/Cargo.toml", &manifest("gamma-derive", "\n[lib]\nproc-macro = true\n"));
    fx.write("gamma-derive/src/lib.rs", "fn expand() {}\n");
    fx
}

fn tracked_lines(fx: &Fixture) -> Vec<String> {
    sources(fx.root())
        .into_iter()
        .flat_map(|(path, bytes)| {
            let rel = path.strip_prefix(fx.root()).expect("inside").display().to_string();
            let text = String::from_utf8_lossy(&bytes).into_owned();
            let lines: Vec<String> = text.lines().map(str::to_owned).collect();
            lines
                .windows(2)
                .filter(|w| w[0].trim() == "#[wear::tracked]")
                .map(|w| format!("{rel}: {}", w[1].trim()))
                .collect::<Vec<_>>()
        })
        .collect()
}

#[test]
fn packages_paths_and_modules_narrow_what_is_changed() {
    let fx = members();
    let (code, stdout, stderr) = run(&fx, &["--dry-run"]);
    assert_eq!(code, 0, "{stderr}");
    assert!(stdout.contains("gamma-derive: skipped, a proc-macro crate"), "{stdout}");
    assert!(
        stdout.starts_with("would annotate 4 functions in 3 files (dry run: nothing written)"),
        "{stdout}"
    );
    assert!(tracked_lines(&fx).is_empty(), "a dry run writes nothing");

    assert_eq!(run(&fx, &["alpha::net::tcp"]).0, 0);
    assert_eq!(tracked_lines(&fx), ["alpha/src/net.rs: pub fn dial() {}"]);
    assert_eq!(run(&fx, &["-p", "alpha", "crate::net"]).0, 0);
    assert_eq!(
        tracked_lines(&fx),
        ["alpha/src/net.rs: pub fn connect() {}", "alpha/src/net.rs: pub fn dial() {}"]
    );
    assert_eq!(run(&fx, &["alpha/src/lib.rs"]).0, 0);
    assert_eq!(tracked_lines(&fx).len(), 3);
    assert_eq!(run(&fx, &["--package", "beta"]).0, 0);
    assert!(tracked_lines(&fx).contains(&"beta/src/main.rs: fn main() {}".to_owned()));
    assert_eq!(run(&fx, &["--remove", "alpha/src"]).0, 0);
    assert_eq!(tracked_lines(&fx), ["beta/src/main.rs: fn main() {}"]);
    assert_eq!(run(&fx, &["."]).0, 0);
    assert_eq!(tracked_lines(&fx).len(), 4);
    assert_eq!(fx.read("gamma-derive/src/lib.rs"), "fn expand() {}\n", "proc macros are left alone");
}

#[test]
fn a_wrong_package_path_or_module_is_an_error_and_nothing_is_written() {
    let fx = members();
    let before = sources(fx.root());
    for (args, expected) in [
        (
            &["-p", "delta"][..],
            "error: package `delta` is not a member of this workspace\n  help: the workspace's packages: alpha, beta, gamma-derive",
        ),
        (&["-p", "gamma_derive"], "help: did you mean `gamma-derive`? -p takes the package name"),
        (&["alpha/build.rs"], "error: `alpha/build.rs` holds no module file of the workspace's crates"),
        (&["nowhere/"], "error: `nowhere/`: no such file or folder"),
        (&["alpha::web"], "error: no module `alpha::web` in the chosen crates"),
        (&["alpha::net::udp"], "error: no module `alpha::net::udp` in the chosen crates"),
        (&["gamma"], "error: no module `gamma` in the chosen crates, and no file or folder of that name"),
        (&["-p", "beta", "alpha/src/lib.rs"], "or it belongs to a package not chosen with -p"),
    ] {
        let (code, _, stderr) = run(&fx, args);
        assert_eq!(code, 2, "{args:?}: {stderr}");
        assert!(stderr.contains(expected), "{args:?}: {stderr}");
        assert_eq!(sources(fx.root()), before, "{args:?} wrote nothing");
    }
}

#[test]
fn code_under_forbid_unsafe_code_is_left_alone_with_a_note() {
    let fx = Fixture::new("unused");
    fx.write(
        "Cargo.toml",
        "[workspace]\nmembers = [\"strict\", \"mixed\"]\nresolver = \"2\"\n\n\
         [workspace.lints.rust]\nunsafe_code = { level = \"forbid\", priority = 0 }\n",
    );
    let manifest = |name: &str, extra: &str| {
        format!("[package]\nname = \"{name}\"\nversion = \"0.1.0\"\nedition = \"2021\"\n{extra}")
    };
    fx.write("strict/Cargo.toml", &manifest("strict", "\n[lints]\nworkspace = true\n"));
    fx.write("strict/src/lib.rs", "pub fn strict() {}\n");
    fx.write("mixed/Cargo.toml", &manifest("mixed", ""));
    fx.write(
        "mixed/src/lib.rs",
        "mod own;\n#[forbid(unsafe_code)]\nmod declared;\n\npub fn free() {}\n\n\
         #[forbid(missing_docs, unsafe_code)]\nmod inline {\n    fn inside() {}\n}\n",
    );
    fx.write("mixed/src/own.rs", "#![forbid(unsafe_code)]\n\nfn own() {}\n");
    fx.write("mixed/src/declared.rs", "fn declared() {}\n");
    let (code, stdout, stderr) = run(&fx, &[]);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(tracked_lines(&fx), ["mixed/src/lib.rs: pub fn free() {}"]);
    assert!(
        stdout.contains("mixed (mixed/src/lib.rs): 1 annotated; skipped: 3 under `forbid(unsafe_code)`"),
        "{stdout}"
    );
    assert!(
        stdout.contains("strict (strict/src/lib.rs): skipped: 1 under `forbid(unsafe_code)`"),
        "{stdout}"
    );
    assert!(
        stderr.contains("note: 3 functions of crate `mixed` are under `forbid(unsafe_code)`"),
        "{stderr}"
    );
    assert!(stderr.contains("write `deny(unsafe_code)` instead"), "{stderr}");
}

#[test]
fn check_exits_1_until_everything_is_tracked() {
    let fx = two_files();
    let before = sources(fx.root());
    let (code, stdout, stderr) = run(&fx, &["--check"]);
    assert_eq!(code, 1, "{stderr}");
    assert!(
        stdout.starts_with("3 functions are not tracked, in 3 files:\n  src/lib.rs:3: pair::first\n"),
        "{stdout}"
    );
    assert!(stderr.contains("cargo wear annotate --check: 3 functions are not tracked"), "{stderr}");
    assert_eq!(sources(fx.root()), before, "--check writes nothing");
    assert_eq!(run(&fx, &[]).0, 0);
    let (code, stdout, _) = run(&fx, &["--check"]);
    assert_eq!(code, 0);
    assert!(stdout.starts_with("every function is tracked"), "{stdout}");
    assert_eq!(run(&fx, &["--check", "--remove"]).0, 1, "bare attributes are there to remove");
}

/// The crate the end-to-end test annotates, builds and runs.
const APP_MAIN: &str = r#"//! An app annotated by `cargo wear annotate`.
mod shop;

fn main() {
    let path = std::env::args().nth(1).expect("a snapshot path");
    let _wear = wear::Recorder::to_file(path).start();
    let cart = shop::Cart::default();
    println!("{}", shop::total(&cart) + shop::Priced::price(&cart));
}
"#;

const APP_SHOP: &str = r#"//! The shop.

/// A cart.
#[derive(Default)]
pub struct Cart {
    items: Vec<u32>,
}

impl Cart {
    pub fn len(&self) -> usize {
        self.items.len()
    }
}

#[wear::tracked(timed)]
impl Cart {
    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }
}

pub trait Priced {
    fn price(&self) -> u32 {
        2
    }
}

impl Priced for Cart {}

pub fn total(cart: &Cart) -> u32 {
    fn sum(items: &[u32]) -> u32 {
        items.iter().sum()
    }
    let round = |x: u32| {
        fn up(x: u32) -> u32 {
            x + 1
        }
        up(x)
    };
    round(sum(&cart.items)) + cart.len() as u32 + u32::from(cart.is_empty()) + CAP + helpers::one() + CALLBACK()
}

pub const CAP: u32 = cap();

pub const CALLBACK: fn() -> u32 = {
    fn callback() -> u32 {
        4
    }
    callback
};

const fn cap() -> u32 {
    3
}

macro_rules! made {
    () => {
        pub fn made() {}
    };
}
made!();

pub mod helpers {
    pub fn one() -> u32 {
        1
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn totals() {
        assert_eq!(super::total(&super::Cart::default()), 6);
    }
}
"#;

#[test]
fn an_annotated_crate_builds_runs_and_scans_as_annotated() {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR")).join("..").canonicalize().expect("repo");
    let fx = Fixture::new("annotated-app");
    fx.write(
        "Cargo.toml",
        &format!(
            "[package]\nname = \"annotated-app\"\nversion = \"0.1.0\"\nedition = \"2024\"\n\n[dependencies]\n\
             wear = {{ path = {:?} }}\n\n[workspace]\n",
            repo.join("runtime")
        ),
    );
    // The repository's lock file: the same dependency versions as the workspace's own build.
    fs::copy(repo.join("Cargo.lock"), fx.path("Cargo.lock")).expect("lock file");
    fx.write("src/main.rs", APP_MAIN);
    fx.write("src/shop.rs", APP_SHOP);

    let options = Options {
        manifest_path: Some(fx.path("Cargo.toml")),
        packages: Vec::new(),
        paths: Vec::new(),
        mode: Mode::Add,
        cwd: fx.root().to_owned(),
    };
    let planned = plan(&options).expect("plans");
    let found: Vec<_> = planned.crates.iter().flat_map(|c| &c.found).map(|(_, f)| f.clone()).collect();
    let tracked = |place: Place| -> Vec<String> {
        let mut names: Vec<String> = found
            .iter()
            .filter(|f| f.place == place)
            .filter(|f| {
                matches!(f.verdict, Verdict::Annotate | Verdict::Tracked | Verdict::TrackedByContainer)
            })
            .map(|f| f.name.clone())
            .collect();
        names.sort();
        names
    };
    let items = tracked(Place::Item);
    assert_eq!(
        items,
        [
            "annotated_app::main",
            "annotated_app::shop::Cart::is_empty",
            "annotated_app::shop::Cart::len",
            "annotated_app::shop::Priced::price",
            "annotated_app::shop::helpers::one",
            "annotated_app::shop::total",
        ]
    );
    let nested = tracked(Place::Body);
    assert_eq!(nested, ["annotated_app::shop::total::sum", "annotated_app::shop::total::up"]);
    let initialised = tracked(Place::Initialiser);
    assert_eq!(initialised, ["annotated_app::shop::callback"]);
    let (code, _, stderr) = run(&fx, &[]);
    assert_eq!(code, 0, "{stderr}");
    assert!(!stderr.contains("note:"), "the crate depends on wear: {stderr}");

    let target = Path::new(env!("CARGO_TARGET_TMPDIR")).join("annotate-e2e");
    let build = Command::new(env!("CARGO"))
        .args(["build", "--quiet", "--manifest-path"])
        .arg(fx.path("Cargo.toml"))
        .env("CARGO_TARGET_DIR", &target)
        .output()
        .expect("cargo runs");
    assert!(build.status.success(), "{}", String::from_utf8_lossy(&build.stderr));
    let snapshot = fx.path("usage.json");
    let ran = Command::new(target.join("debug/annotated-app")).arg(&snapshot).output().expect("runs");
    assert!(ran.status.success(), "{}", String::from_utf8_lossy(&ran.stderr));
    assert_eq!(String::from_utf8_lossy(&ran.stdout).trim(), "12");

    let paths = |json: &serde_json::Value, pointer: &str| -> Vec<String> {
        let list = json.pointer(pointer).and_then(|v| v.as_array()).expect("a list of parts");
        let mut paths: Vec<String> =
            list.iter().map(|p| p["path"].as_str().expect("a path").to_owned()).collect();
        paths.sort();
        paths
    };
    let registered: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(&snapshot).expect("snapshot")).expect("json");
    let registered = paths(&registered, "/parts");
    let scan = fx.wear(&["scan", "--format", "json"]).output().expect("scan runs");
    assert!(scan.status.success(), "{}", String::from_utf8_lossy(&scan.stderr));
    let scanned = paths(&serde_json::from_slice(&scan.stdout).expect("json"), "");
    let sorted = |lists: &[&[String]]| {
        let mut all: Vec<String> = lists.concat();
        all.sort();
        all
    };
    // The scan lists every annotated function, nested ones and those declared in a `const` or
    // `static` initialiser too, under the names annotate gave them.
    assert_eq!(
        scanned,
        sorted(&[&items, &nested, &initialised]),
        "the scan lists exactly the annotated functions"
    );
    assert_eq!(registered, sorted(&[&items, &nested, &initialised]), "the program registers exactly them");
}
