//! Tracked functions in a shared library opened with `dlopen` after the program started: the
//! hot path's thread-local (initial-exec, see `runtime/src/count/call_bias.rs`) must resolve there
//! too, and counts from several threads stay exact. The library lives outside the workspace
//! (`tests/cdylib`); this test builds it with cargo into this package's scratch directory.
use std::path::Path;
use std::process::Command;

#[test]
fn a_dlopened_library_counts_exactly_from_many_threads() {
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR")).join("cdylib").join("Cargo.toml");
    // Shared with `off.rs`: the dependencies build once for both.
    let target = Path::new(env!("CARGO_TARGET_TMPDIR")).join("external");
    let out = Command::new(env!("CARGO"))
        .args(["build", "--quiet", "--locked", "--manifest-path"])
        .arg(&manifest)
        .env("CARGO_TARGET_DIR", &target)
        .output()
        .expect("cargo runs");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let path = target.join("debug").join(format!(
        "{}wear_cdylib_check{}",
        std::env::consts::DLL_PREFIX,
        std::env::consts::DLL_SUFFIX
    ));

    // SAFETY: the library's initialisers are Rust's and wear's, which run no code at load.
    let library = unsafe { libloading::Library::new(&path) }.expect("the library opens");
    // SAFETY: both symbols are `extern "C"` functions with these signatures in tests/cdylib.
    let (ping, calls) = unsafe {
        (
            *library.get::<extern "C" fn(u64) -> u64>(b"wear_check_ping").expect("ping is exported"),
            *library.get::<extern "C" fn() -> u64>(b"wear_check_calls").expect("calls is exported"),
        )
    };
    assert_eq!(calls(), 0, "nothing counted before the first call");
    for i in 0..1_000 {
        assert_eq!(ping(i), i + 1, "the tracked function behaves as written");
    }
    let threads: Vec<_> =
        (0..8).map(|_| std::thread::spawn(move || (0..10_000).map(|i| ping(i)).sum::<u64>())).collect();
    for thread in threads {
        assert_eq!(thread.join().expect("no panic"), (1..=10_000).sum::<u64>());
    }
    assert_eq!(calls(), 1_000 + 8 * 10_000, "every call from every thread counted");
}
