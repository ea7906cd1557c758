//! A library linked into a release binary: the program lists every tracked function of the
//! library, called or not, whatever the LTO and codegen-units settings (contract 2), even when
//! it calls one function of the library and the linker removes the code of all the others.
//!
//! The binary and its library live outside the workspace (`tests/linked`, the library in
//! `tests/linked/parts`): this test builds them with cargo in release, once per setting, into
//! the scratch target directory `off.rs` and `cdylib.rs` use, runs the program and compares the
//! parts of its snapshot with the parts `wear_identity::site` finds in the library's sources.
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

/// A part as both sides give it: path, serial, file (from the fixture's root) and lines.
type PartKey = (String, String, String, [u32; 2]);

/// Every part of the library, from its sources. Its modules are one file each, `src/NAME.rs`.
fn scanned_parts(fixture: &Path) -> BTreeSet<PartKey> {
    let mut parts = BTreeSet::new();
    for entry in std::fs::read_dir(fixture.join("parts/src")).expect("the library's sources") {
        let path = entry.expect("an entry").path();
        let stem = path.file_stem().and_then(|s| s.to_str()).expect("a file name").to_owned();
        let source = std::fs::read_to_string(&path).expect("a readable source");
        let sites = wear_identity::site::sites_in_source(&source).expect("the source parses");
        for site in sites.into_iter().filter(|s| matches!(s.tracked, Some(Ok(_)))) {
            let module = std::iter::once("wear_linked_parts".to_owned())
                .chain((stem != "lib").then(|| stem.clone()))
                .collect::<Vec<_>>()
                .join("::");
            parts.insert((
                site.part_path(&module),
                site.serial.to_string(),
                format!("parts/src/{stem}.rs"),
                [site.lines.0 as u32, site.lines.1 as u32],
            ));
        }
    }
    parts
}

/// The names in the `wear-linked-marker(NAME)` strings found in `bytes`. Every function of the
/// library holds one, so the markers in a binary say whose code the linker kept.
fn markers(bytes: &[u8]) -> BTreeSet<String> {
    const OPEN: &[u8] = b"wear-linked-marker(";
    let mut found = BTreeSet::new();
    let mut rest = bytes;
    while let Some(at) = rest.windows(OPEN.len()).position(|w| w == OPEN) {
        rest = &rest[at + OPEN.len()..];
        let end = rest.iter().position(|&b| b == b')').expect("a marker is closed");
        found.insert(String::from_utf8(rest[..end].to_vec()).expect("a marker is text"));
        rest = &rest[end..];
    }
    found
}

/// Builds the binary in release with `lto` and `codegen_units`, runs it, and returns the parts
/// of its snapshot with their calls, and the binary's bytes.
fn build_and_run(
    fixture: &Path,
    target: &Path,
    lto: &str,
    codegen_units: u32,
) -> (Vec<(PartKey, u64)>, Vec<u8>) {
    let out = Command::new(env!("CARGO"))
        .args(["build", "--quiet", "--release", "--locked", "--manifest-path"])
        .arg(fixture.join("Cargo.toml"))
        .args(["--config", &format!("profile.release.lto={lto}")])
        .args(["--config", &format!("profile.release.codegen-units={codegen_units}")])
        .env("CARGO_TARGET_DIR", target)
        .output()
        .expect("cargo runs");
    assert!(out.status.success(), "lto={lto}: {}", String::from_utf8_lossy(&out.stderr));

    let binary = target.join("release").join(format!("wear-linked-check{}", std::env::consts::EXE_SUFFIX));
    let dir = tempfile::tempdir().expect("tempdir");
    let snapshot_path = dir.path().join("snapshot.json");
    let run = Command::new(&binary).arg(&snapshot_path).output().expect("the binary runs");
    assert!(run.status.success(), "{}", String::from_utf8_lossy(&run.stderr));

    let snapshot: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&snapshot_path).expect("the snapshot")).expect("JSON");
    let parts = snapshot["parts"]
        .as_array()
        .expect("parts")
        .iter()
        .map(|p| {
            let text = |field: &str| p[field].as_str().expect(field).to_owned();
            let line = |i: usize| p["lines"][i].as_u64().expect("a line") as u32;
            let key = (text("path"), text("serial"), text("file"), [line(0), line(1)]);
            (key, p["calls"].as_u64().expect("calls"))
        })
        .collect();
    (parts, std::fs::read(&binary).expect("the binary"))
}

#[test]
fn a_release_binary_lists_every_part_of_a_linked_library_with_any_lto_and_codegen_units() {
    let fixture = Path::new(env!("CARGO_MANIFEST_DIR")).join("linked");
    // Shared with `off.rs` and `cdylib.rs`; the variants share it too: what does not depend on
    // the profile (proc macros, build scripts) builds once.
    let target: PathBuf = Path::new(env!("CARGO_TARGET_TMPDIR")).join("external");
    let scanned = scanned_parts(&fixture);
    assert!(scanned.len() >= 30, "the library has a few dozen parts: {}", scanned.len());
    let called = "wear_linked_parts::text::word_count";

    for lto in ["\"fat\"", "\"thin\"", "false"] {
        for codegen_units in [16, 1] {
            let variant = format!("lto={lto} codegen-units={codegen_units}");
            let started = Instant::now();
            let (parts, binary) = build_and_run(&fixture, &target, lto, codegen_units);
            eprintln!("{variant}: built and ran in {:.1} s", started.elapsed().as_secs_f64());

            let listed: BTreeSet<PartKey> = parts.iter().map(|(key, _)| key.clone()).collect();
            assert_eq!(listed.len(), parts.len(), "{variant}: no part is listed twice");
            assert_eq!(listed, scanned, "{variant}: the program lists exactly the library's parts");
            for (key, calls) in &parts {
                let expected = u64::from(key.0 == called);
                assert_eq!(*calls, expected, "{variant}: calls of {}", key.0);
            }

            // The binary's strings say whose code was kept: the called function's always.
            let kept = markers(&binary);
            assert!(kept.contains("word_count"), "{variant}: markers found {kept:?}");
            // With LTO the optimiser drops every function nothing calls, before any object is
            // written; without it, the linker's section GC does. Either way the parts above were
            // listed while the code of every function but the called one is gone: tracking keeps
            // no dead code alive (wear's cold-path stub sits in its own function's section,
            // `runtime/src/count/fast_hit.rs`).
            assert_eq!(kept, BTreeSet::from(["word_count".to_owned()]), "{variant}: code kept");
        }
    }
}
