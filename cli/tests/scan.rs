//! The source scan on real crates on disk, read through the real `cargo metadata`: module
//! files found as rustc finds them, parts named as the macro names them, and broken files
//! reported without stopping the scan.
use std::fs;
use std::path::Path;

use wear_cli::scan::scan_workspace;

fn write(root: &Path, rel: &str, text: &str) {
    let path = root.join(rel);
    fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
    fs::write(path, text).expect("write");
}

fn crate_at(root: &Path, name: &str) {
    write(
        root,
        "Cargo.toml",
        &format!("[package]\nname = \"{name}\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\n[workspace]\n"),
    );
}

#[test]
fn follows_every_kind_of_module_declaration() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path();
    crate_at(root, "my-shop");
    write(
        root,
        "src/lib.rs",
        "mod cart;\nmod nested;\n#[path = \"odd/place.rs\"]\nmod moved;\nmod inline {\n    mod deeper;\n    \
         #[wear::tracked]\n    pub fn here() {}\n}\n#[cfg(test)]\nmod tests;\n#[cfg(test)]\nmod unit {\n    \
         #[wear::tracked]\n    fn hidden() {}\n}\n#[wear::tracked]\npub fn top() {}\n",
    );
    write(
        root,
        "src/cart.rs",
        "mod lines;\npub struct Cart;\n#[wear::tracked]\nimpl Cart {\n    pub fn add(&self) {}\n    const fn cap() -> usize { 3 }\n}\n",
    );
    write(root, "src/cart/lines.rs", "#[wear::tracked(limit_calls = 5)]\npub fn count() -> usize { 1 }\n");
    write(root, "src/nested/mod.rs", "mod child;\n");
    write(
        root,
        "src/nested/child.rs",
        "pub trait Price {\n    #[wear::tracked]\n    fn price(&self) -> u32 { 1 }\n}\n",
    );
    write(root, "src/odd/place.rs", "mod sub;\n#[wear::tracked]\npub fn moved() {}\n");
    write(root, "src/odd/sub.rs", "#[wear::tracked]\npub fn below() {}\n");
    write(root, "src/inline/deeper.rs", "#[wear::tracked]\npub fn deep() {}\n");
    write(root, "src/tests.rs", "#[wear::tracked]\nfn never() {}\n");

    let scan = scan_workspace(Some(&root.join("Cargo.toml"))).expect("scan");
    assert!(scan.warnings.is_empty(), "{:?}", scan.warnings);
    let found: Vec<_> = scan.parts.iter().map(|p| (p.path.as_str(), p.rel_file.as_str(), p.lines)).collect();
    assert_eq!(
        found,
        [
            ("my_shop::cart::Cart::add", "src/cart.rs", (5, 5)),
            ("my_shop::cart::lines::count", "src/cart/lines.rs", (2, 2)),
            ("my_shop::inline::deeper::deep", "src/inline/deeper.rs", (2, 2)),
            ("my_shop::inline::here", "src/lib.rs", (8, 8)),
            ("my_shop::moved::moved", "src/odd/place.rs", (3, 3)),
            ("my_shop::moved::sub::below", "src/odd/sub.rs", (2, 2)),
            ("my_shop::nested::child::Price::price", "src/nested/child.rs", (3, 3)),
            ("my_shop::top", "src/lib.rs", (18, 18)),
        ]
    );
    let count = scan.parts.iter().find(|p| p.path.ends_with("count")).expect("count");
    assert_eq!(count.limits.calls, Some(5));
    assert_eq!(count.package, "my-shop");
    assert_eq!(scan.root, root.canonicalize().expect("root"));
}

#[test]
fn a_broken_file_is_a_warning_and_the_rest_is_scanned() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path();
    crate_at(root, "broken");
    write(root, "src/lib.rs", "mod good;\nmod bad;\nmod gone;\n");
    write(
        root,
        "src/good.rs",
        "#[wear::tracked]\npub fn fine() {}\n#[wear::tracked(limit_calls = \"x\")]\npub fn wrong() {}\n",
    );
    write(root, "src/bad.rs", "#[wear::tracked]\npub fn half( {\n");

    let scan = scan_workspace(Some(&root.join("Cargo.toml"))).expect("scan");
    let paths: Vec<_> = scan.parts.iter().map(|p| p.path.as_str()).collect();
    assert_eq!(paths, ["broken::good::fine"]);
    let shown: Vec<String> = scan.warnings.iter().map(ToString::to_string).collect();
    assert_eq!(shown.len(), 3, "{shown:#?}");
    assert!(shown.iter().any(|w| w.contains("bad.rs:2: does not parse")), "{shown:#?}");
    assert!(shown.iter().any(|w| w.contains("lib.rs:3: module `gone` has no file")), "{shown:#?}");
    assert!(shown.iter().any(|w| w.contains("good.rs:4: `wrong` is left out")), "{shown:#?}");
}

#[test]
fn a_missing_manifest_is_a_clear_error() {
    let dir = tempfile::tempdir().expect("tempdir");
    let err = scan_workspace(Some(&dir.path().join("Cargo.toml"))).unwrap_err();
    assert!(err.to_string().contains("no such manifest"), "{err}");
    fs::write(dir.path().join("Cargo.toml"), "[package]\nname = \n").expect("write");
    let err = scan_workspace(Some(&dir.path().join("Cargo.toml"))).unwrap_err();
    assert!(err.to_string().contains("cargo cannot read the manifest"), "{err}");
    assert_eq!(err.line, Some(2), "{err}");
    assert!(err.help.is_some());
}

/// A crate whose sources outweigh what the scan keeps as syntax trees (1 MiB of source): the
/// files past it are parsed again for their functions, which are all found, where they are.
#[test]
fn a_crate_past_the_syntax_budget_is_scanned_whole() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path();
    crate_at(root, "big");
    let (files, fns) = (150, 20);
    let mut lib = String::new();
    let padding = format!("    // {}\n", "x".repeat(300));
    for f in 0..files {
        lib.push_str(&format!("pub mod m{f};\n"));
        let mut text = String::new();
        for g in 0..fns {
            text.push_str(&format!(
                "#[wear::tracked]\npub fn f{g}() -> u32 {{\n{padding}{padding}    {g}\n}}\n"
            ));
        }
        write(root, &format!("src/m{f}.rs"), &text);
    }
    write(root, "src/lib.rs", &lib);
    let source: usize =
        (0..files).map(|f| fs::metadata(root.join(format!("src/m{f}.rs"))).unwrap().len() as usize).sum();
    assert!(source > 3 << 19, "half again past the budget: {source} bytes");
    let scan = scan_workspace(Some(&root.join("Cargo.toml"))).expect("scan");
    assert!(scan.warnings.is_empty(), "{:?}", scan.warnings);
    assert_eq!(scan.parts.len(), files * fns);
    let last =
        scan.parts.iter().find(|p| p.path == format!("big::m{}::f{}", files - 1, fns - 1)).expect("the last");
    let line = 6 * (fns - 1) as u32 + 2;
    assert_eq!(
        (last.rel_file.as_str(), last.lines),
        (format!("src/m{}.rs", files - 1).as_str(), (line, line + 4))
    );
}
