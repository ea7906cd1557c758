//! Modules and functions written inside item-level macro calls, as real crates write them:
//! tokio's `macro_rules!` wrappers (`cfg_rt! { pub mod runtime; }`, defined in a module read
//! after the call), `cfg_if!`, and other macros whose body is items; and one warning naming the
//! `.rs` files no declaration reached. The real binary on a real workspace.
mod support;

use std::collections::BTreeSet;

use serde_json::Value;
use support::Fixture;

const MANIFEST: &str = r#"[package]
name = "wrapped"
version = "0.1.0"
edition = "2021"

[features]
default = ["rt"]
rt = []
net = []

[dependencies]
cfg-if = "1"

[workspace]
"#;

const LIB: &str = r#"#[macro_use]
mod macros;

cfg_rt! {
    pub mod runtime;
    #[wear::tracked]
    pub fn spawn() {}
}

cfg_net! {
    pub mod net;
    #[wear::tracked]
    pub fn connect() {}
}

cfg_if::cfg_if! {
    if #[cfg(windows)] {
        mod sys_windows;
    } else if #[cfg(unix)] {
        mod sys_unix;
    } else {
        mod sys_other;
    }
}

plain_items! {
    mod through_other_macro;
}

#[wear::tracked]
pub fn top() {}
"#;

const MACROS: &str = r#"macro_rules! cfg_rt {
    ($($item:item)*) => {
        $(
            #[cfg(feature = "rt")]
            #[cfg_attr(docsrs, doc(cfg(feature = "rt")))]
            $item
        )*
    }
}

macro_rules! cfg_net {
    ($($item:item)*) => { $( #[cfg(feature = "net")] $item )* }
}

macro_rules! plain_items {
    ($($item:item)*) => { $( $item )* }
}
"#;

fn tracked(name: &str) -> String {
    format!("#[wear::tracked]\npub fn {name}() {{}}\n")
}

fn fixture() -> Fixture {
    let fx = Fixture::new("wrapped");
    fx.write("Cargo.toml", MANIFEST);
    fx.write("src/lib.rs", LIB);
    fx.write("src/macros.rs", MACROS);
    for module in ["runtime", "net", "sys_windows", "sys_unix", "sys_other", "through_other_macro"] {
        fx.write(&format!("src/{module}.rs"), &tracked(&format!("in_{module}")));
    }
    fx.write("src/forgotten.rs", &tracked("never_declared"));
    fx.write("src/also/forgotten.rs", &tracked("nor_this"));
    fx
}

fn scan(fx: &Fixture, args: &[&str]) -> (BTreeSet<String>, String) {
    let out = fx.wear(&["scan", "--format", "json"]).args(args).output().expect("runs");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let parts: Value = serde_json::from_slice(&out.stdout).expect("json");
    let paths = parts
        .as_array()
        .expect("an array")
        .iter()
        .map(|p| p["path"].as_str().expect("a path").to_owned())
        .collect();
    (paths, String::from_utf8_lossy(&out.stderr).into_owned())
}

fn set(paths: &[&str]) -> BTreeSet<String> {
    paths.iter().map(|p| p.to_string()).collect()
}

#[test]
fn modules_declared_in_macro_calls_are_followed_under_the_wrappers_cfg() {
    let fx = fixture();
    let (default, stderr) = scan(&fx, &[]);
    assert_eq!(
        default,
        set(&[
            "wrapped::runtime::in_runtime",
            "wrapped::spawn",
            "wrapped::sys_unix::in_sys_unix",
            "wrapped::through_other_macro::in_through_other_macro",
            "wrapped::top",
        ]),
        "{stderr}"
    );
    let (with_net, _) = scan(&fx, &["--features", "net"]);
    assert!(with_net.is_superset(&set(&["wrapped::net::in_net", "wrapped::connect"])), "{with_net:?}");
    let (without_rt, _) = scan(&fx, &["--no-default-features"]);
    assert!(!without_rt.contains("wrapped::runtime::in_runtime") && !without_rt.contains("wrapped::spawn"));
}

#[test]
fn files_no_declaration_reached_are_named_in_one_warning() {
    let fx = fixture();
    let (_, stderr) = scan(&fx, &[]);
    let warnings: Vec<&str> = stderr.lines().filter(|l| l.contains("not reached")).collect();
    assert_eq!(warnings.len(), 1, "{stderr}");
    assert!(
        warnings[0].contains("2 .rs files are not reached")
            && warnings[0].contains("src/also/forgotten.rs, src/forgotten.rs"),
        "{}",
        warnings[0]
    );
    // Files of modules the build leaves out (`net`, other platforms) were reached.
    for reached in ["src/net.rs", "src/sys_windows.rs", "src/sys_other.rs"] {
        assert!(!warnings[0].contains(reached), "{reached} was declared: {}", warnings[0]);
    }
}
