//! The `off` feature: a crate built with `wear/off` runs its tracked functions unchanged and
//! registers nothing. The crate lives outside the workspace (features unify across a build),
//! so this test builds it with cargo, into this package's scratch target directory.
use std::path::Path;
use std::process::Command;

#[test]
fn with_off_tracked_functions_work_and_nothing_is_registered() {
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR")).join("off").join("Cargo.toml");
    let target = Path::new(env!("CARGO_TARGET_TMPDIR")).join("external");
    let out = Command::new(env!("CARGO"))
        .args(["run", "--quiet", "--locked", "--manifest-path"])
        .arg(&manifest)
        .env("CARGO_TARGET_DIR", &target)
        .output()
        .expect("cargo runs");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(String::from_utf8_lossy(&out.stdout).trim(), "added=1 parts=0");
}
