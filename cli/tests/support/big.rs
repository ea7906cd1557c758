//! A large generated workspace, for the pictures at scale: `crates` crates of `modules`
//! modules, each module `functions` tracked functions and an inline `deep` module of a fifth
//! as many, bodies of one to twenty lines; crates added a year apart, then edits to some
//! modules; and a usage snapshot with calls spread over six orders of magnitude.
use super::{Fixture, Reading, snapshot};

/// The shape of the workspace.
#[derive(Clone, Copy, Debug)]
pub struct Shape {
    pub crates: usize,
    pub modules: usize,
    pub functions: usize,
}

impl Shape {
    /// Parts in the workspace: each module's functions and its `deep` module's.
    pub fn parts(self) -> usize {
        self.crates * self.modules * (self.functions + self.deep())
    }

    fn deep(self) -> usize {
        (self.functions / 5).max(1)
    }
}

/// The crate's name: `c00`, `c01`, ...
pub fn crate_name(c: usize) -> String {
    format!("c{c:02}")
}

/// A function's text: tracked, `lines` lines long, its body changed when `edited`.
fn function(name: &str, lines: usize, edited: bool, indent: &str) -> String {
    let mut text = format!("{indent}#[wear::tracked]\n{indent}pub fn {name}() -> usize {{\n");
    for i in 1..lines {
        text.push_str(&format!("{indent}    let _ = {i};\n"));
    }
    text.push_str(&format!("{indent}    {}\n{indent}}}\n\n", if edited { lines + 1 } else { lines }));
    text
}

fn module_text(shape: Shape, c: usize, m: usize, edited: usize) -> String {
    let lines = |f: usize| 1 + (c * 7 + m * 5 + f * 3) % 20;
    let mut text: String =
        (0..shape.functions).map(|f| function(&format!("f{f}"), lines(f), f < edited, "")).collect();
    text.push_str("pub mod deep {\n");
    for g in 0..shape.deep() {
        text.push_str(&function(&format!("g{g}"), lines(g + 1), false, "    "));
    }
    text.push_str("}\n");
    text
}

/// The workspace, committed: crate `c` added on March 1st of year 2000 + c % 26, then three
/// rounds of edits to a third of the modules.
pub fn workspace(shape: Shape) -> Fixture {
    let fx = Fixture::new("big");
    let members: Vec<String> = (0..shape.crates).map(|c| format!("\"crates/{}\"", crate_name(c))).collect();
    fx.write("Cargo.toml", &format!("[workspace]\nmembers = [{}]\nresolver = \"2\"\n", members.join(", ")));
    for c in 0..shape.crates {
        let name = crate_name(c);
        fx.write(
            &format!("crates/{name}/Cargo.toml"),
            &format!("[package]\nname = \"{name}\"\nversion = \"0.1.0\"\nedition = \"2021\"\n"),
        );
        let lib: String = (0..shape.modules).map(|m| format!("pub mod m{m};\n")).collect();
        fx.write(&format!("crates/{name}/src/lib.rs"), &lib);
        for m in 0..shape.modules {
            fx.write(&format!("crates/{name}/src/m{m}.rs"), &module_text(shape, c, m, 0));
        }
        fx.commit(&format!("add {name}"), "Ana", &format!("{}-03-01", 2000 + c % 26));
    }
    for (round, date) in ["2025-06-01", "2026-05-01", "2026-11-01"].iter().enumerate() {
        for c in 0..shape.crates {
            for m in (0..shape.modules).filter(|m| (m + c + round) % 9 == 0) {
                let name = crate_name(c);
                fx.write(&format!("crates/{name}/src/m{m}.rs"), &module_text(shape, c, m, 3 + 5 * round));
            }
        }
        fx.commit(&format!("edits {round}"), "Bo", date);
    }
    fx
}

/// Calls for every part, by a hash of its path: 0 to about a million, skewed low.
pub fn calls_of(path: &str) -> u64 {
    let h =
        path.bytes().fold(0xcbf2_9ce4_8422_2325u64, |h, b| (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3));
    match h % 10 {
        0 => 0,
        d => 10u64.pow(u32::try_from(d % 7).unwrap_or(0)) + h % 1000,
    }
}

/// Writes `usage/fleet.json`: every scanned part with [`calls_of`] its path.
pub fn write_usage(fx: &Fixture) {
    let serials = fx.serials();
    let readings: Vec<Reading<'_>> = serials
        .iter()
        .map(|(path, serial)| Reading { path, serial, calls: calls_of(path), busy_ns: None })
        .collect();
    fx.write("usage/fleet.json", &snapshot("a1", "2026-11-01T00:00:00Z", "2026-11-20T00:00:00Z", &readings));
}

/// The workspace with its usage and its HTML report as of `now`, in `wear.html`.
pub fn with_page(shape: Shape, now: &str) -> Fixture {
    let fx = workspace(shape);
    write_usage(&fx);
    let args =
        ["report", "--now", now, "--usage", "usage/fleet.json", "--format", "html", "--output", "wear.html"];
    let out = fx.wear(&args).output().expect("cargo-wear runs");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    fx
}
