#!/usr/bin/env python3
"""The real-crate suite: wear on published crates nobody here wrote.

For each crate of crates.toml (downloaded at run time, pinned by version and SHA-256, never
committed), it runs the crate's own tests without wear, then adds `wear`, puts
`#[wear::tracked]` on every function with `cargo wear annotate`, and checks that

- the crate still builds and its tests give the same results (contract 8: adding wear
  changes nothing else), and
- the parts its unit-test binary registers (`wear::snapshot()`) and the parts
  `cargo wear scan` finds, under the same features and cfg, match one to one on path,
  serial, file and lines (contract 1).

It prints a table per crate and a summary, writes results.json in the work folder, and exits
0 when every crate keeps its test results and matches one to one, 1 when one does not, 2 when
the suite itself could not run.

    python3 tests/real-crates/run.py                # every crate
    python3 tests/real-crates/run.py --ci           # the crates marked `ci = true`
    python3 tests/real-crates/run.py semver http    # these crates
"""
import argparse
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tarfile
import time
import tomllib
import urllib.request
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent
HOOK_NAME = "wear_real_crates_parts"
HOOK_ENV = "WEAR_REAL_CRATES_SNAPSHOT"
# Appended to the crate's library root: a unit test that writes the test binary's parts. It is
# a test, so `cargo wear annotate` leaves it alone, and it writes nothing unless asked to.
HOOK = f"""
#[cfg(test)]
#[test]
fn {HOOK_NAME}() {{
    extern crate std;
    if let Some(path) = std::env::var_os("{HOOK_ENV}") {{
        wear::snapshot().write_to(std::path::Path::new(&path)).expect("the parts are written");
    }}
}}
"""
# The cfg of a unit-test build, which the scan must model to list what the test binary has.
TEST_BUILD_CFG = ["--cfg", "test", "--cfg", "debug_assertions"]


class SuiteError(Exception):
    """The suite could not run (network, cargo, a crate that does not build without wear)."""


def log(message):
    print(message, file=sys.stderr, flush=True)


def run(cmd, cwd, env=None, timeout=3600, check=True, merge=True):
    """Runs a command; returns (exit code, output, seconds).

    The output is stdout and stderr together, or stdout alone when `merge` is false (for
    output that is parsed; stderr then goes to this script's stderr, where warnings show)."""
    start = time.monotonic()
    full_env = dict(os.environ)
    full_env.update(env or {})
    proc = subprocess.run(
        cmd,
        cwd=cwd,
        env=full_env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT if merge else subprocess.PIPE,
        timeout=timeout,
    )
    seconds = time.monotonic() - start
    out = proc.stdout.decode("utf-8", "replace")
    err = "" if merge else proc.stderr.decode("utf-8", "replace")
    if err:
        print(err, end="", file=sys.stderr, flush=True)
    if check and proc.returncode != 0:
        tail = "\n".join((out + err).splitlines()[-40:])
        raise SuiteError(f"`{' '.join(map(str, cmd))}` in {cwd} failed ({proc.returncode}):\n{tail}")
    return proc.returncode, out, seconds


def fetch(krate, cache):
    """The crate's sources, unpacked from its `.crate` file after checking its SHA-256."""
    name, version = krate["name"], krate["version"]
    archive = cache / f"{name}-{version}.crate"
    if not archive.exists():
        url = f"https://static.crates.io/crates/{name}/{name}-{version}.crate"
        log(f"  downloading {url}")
        cache.mkdir(parents=True, exist_ok=True)
        with urllib.request.urlopen(url, timeout=120) as response:
            data = response.read()
        partial = archive.with_suffix(".partial")
        partial.write_bytes(data)
        partial.replace(archive)
    digest = hashlib.sha256(archive.read_bytes()).hexdigest()
    if digest != krate["sha256"]:
        archive.unlink()
        raise SuiteError(f"{archive.name}: SHA-256 {digest}, crates.toml pins {krate['sha256']}")
    return archive


def unpack(archive, dest):
    if dest.exists():
        shutil.rmtree(dest)
    dest.parent.mkdir(parents=True, exist_ok=True)
    with tarfile.open(archive) as tar:
        tar.extractall(dest.parent, filter="data")
    unpacked = dest.parent / archive.name.removesuffix(".crate")
    unpacked.rename(dest)
    manifest = dest / "Cargo.toml"
    text = manifest.read_text()
    if "\n[workspace]" not in text:
        # A crate of its own, whatever folder it is unpacked in.
        manifest.write_text(text + "\n[workspace]\n")
    # The package's own lock file, when it has one, is for its binaries; tests resolve afresh.
    (dest / "Cargo.lock").unlink(missing_ok=True)


def feature_args(krate):
    args = []
    if krate.get("no_default_features"):
        args.append("--no-default-features")
    if krate.get("features"):
        args += ["--features", ",".join(krate["features"])]
    return args


RUNNING = re.compile(r"^\s+(Running|Doc-tests)\s+(.*?)(\s+\(.*\))?$")
RESULT = re.compile(r"test result: (\w+)\. (\d+) passed; (\d+) failed; (\d+) ignored")


def test_results(output):
    """Passed, failed and ignored tests of each test binary, by its source (`src/lib.rs`,
    `tests/x.rs`, `Doc-tests name`)."""
    results = {}
    current = None
    for line in output.splitlines():
        m = RUNNING.match(line)
        if m:
            kind, what = m.group(1), m.group(2)
            current = f"doc-tests {what}" if kind == "Doc-tests" else what.removeprefix("unittests ")
            continue
        m = RESULT.search(line)
        if m and current:
            results[current] = {"passed": int(m.group(2)), "failed": int(m.group(3)), "ignored": int(m.group(4))}
            current = None
    return results


def totals(results):
    return {k: sum(r[k] for r in results.values()) for k in ("passed", "failed", "ignored")}


def lib_root(dir):
    _, out, _ = run(["cargo", "metadata", "--format-version", "1", "--no-deps"], dir, merge=False)
    package = json.loads(out)["packages"][0]
    for target in package["targets"]:
        if "lib" in target["kind"] or "rlib" in target["kind"]:
            return Path(target["src_path"])
    raise SuiteError(f"{dir}: the crate has no library")


def count_attributes(dir):
    count = 0
    for path in (dir / "src").rglob("*.rs"):
        count += path.read_text(errors="replace").count("#[wear::tracked]")
    return count


def cargo_wear():
    """The workspace's own cargo-wear, built once."""
    run(["cargo", "build", "--quiet", "--locked", "-p", "cargo-wear"], REPO)
    _, out, _ = run(["cargo", "metadata", "--format-version", "1", "--no-deps"], REPO, merge=False)
    binary = Path(json.loads(out)["target_directory"]) / "debug" / "cargo-wear"
    if not binary.exists():
        raise SuiteError(f"{binary} was not built")
    return binary


def part_key(path, serial, file, lines):
    return (path, serial, file.replace("\\", "/"), tuple(lines))


def check_crate(krate, work, cache, wear_bin):
    name, version = krate["name"], krate["version"]
    log(f"== {name} {version}: {krate['why']}")
    archive = fetch(krate, cache)
    base = work / f"{name}-{version}"
    plain, tracked = base / "plain", base / "tracked"
    unpack(archive, plain)
    unpack(archive, tracked)
    features = feature_args(krate)
    row = {"crate": name, "version": version}

    # Without wear: the crate as published.
    run(["cargo", "generate-lockfile"], plain)
    shutil.copy(plain / "Cargo.lock", tracked / "Cargo.lock")
    plain_env = {"CARGO_TARGET_DIR": str(base / "target-plain")}
    log("  building its tests without wear")
    _, _, row["build_plain_s"] = run(["cargo", "test", "--no-run", *features], plain, plain_env)
    log("  running its tests without wear")
    _, out, _ = run(["cargo", "test", "--no-fail-fast", *features], plain, plain_env, check=False)
    row["tests_plain"] = test_results(out)

    # With wear: every function annotated, the parts hook in the library.
    before = count_attributes(tracked)
    run(["cargo", "add", "--quiet", "wear", "--path", str(REPO / "runtime")], tracked)
    log("  annotating every function")
    _, out, _ = run([str(wear_bin), "wear", "annotate"], tracked)
    row["annotate_output"] = out.strip().splitlines()[-12:]
    row["annotated"] = count_attributes(tracked) - before
    with open(lib_root(tracked), "a") as lib:
        lib.write(HOOK)
    tracked_env = {"CARGO_TARGET_DIR": str(base / "target-tracked")}
    log("  building its tests with wear")
    code, out, row["build_tracked_s"] = run(["cargo", "test", "--no-run", *features], tracked, tracked_env, check=False)
    if code != 0:
        row["build_error"] = "\n".join(out.splitlines()[-40:])
        row["tests_tracked"] = {}
        row["ok"] = False
        return row
    log("  running its tests with wear")
    _, out, _ = run(["cargo", "test", "--no-fail-fast", *features], tracked, tracked_env, check=False)
    row["tests_tracked"] = test_results(out)

    # The parts the unit-test binary registers, against the parts the scan finds.
    snapshot = base / "parts.json"
    snapshot.unlink(missing_ok=True)
    run(
        ["cargo", "test", "--lib", *features, "--", HOOK_NAME, "--exact"],
        tracked,
        {**tracked_env, HOOK_ENV: str(snapshot)},
    )
    registered = {
        part_key(p["path"], p["serial"], p["file"], p["lines"]) for p in json.loads(snapshot.read_text())["parts"]
    }
    # With the build's target folder, where the scan reads what build scripts set.
    _, out, _ = run(
        [str(wear_bin), "wear", "scan", "--format", "json", *features, *TEST_BUILD_CFG],
        tracked,
        tracked_env,
        merge=False,
    )
    scanned = {part_key(p["path"], p["serial"], p["file"], p["lines"]) for p in json.loads(out)}
    matched = registered & scanned
    row["parts_runtime"], row["parts_scan"], row["parts_matched"] = len(registered), len(scanned), len(matched)
    row["runtime_only"] = sorted(map(list, registered - scanned))
    row["scan_only"] = sorted(map(list, scanned - registered))

    # The hook is one more passing test of the library's unit tests.
    expected = json.loads(json.dumps(row["tests_plain"]))
    for key, result in expected.items():
        if key.startswith("src/") and key == str(lib_root(tracked).relative_to(tracked)):
            result["passed"] += 1
    row["same_tests"] = expected == row["tests_tracked"]
    row["ok"] = row["same_tests"] and registered == scanned and len(registered) > 0
    return row


def show(rows):
    header = (
        f"{'crate':<22} {'tests without':>14} {'tests with':>11} {'annotated':>9} "
        f"{'runtime':>7} {'scan':>6} {'matched':>7} {'build without':>13} {'build with':>10}  result"
    )
    print(header)
    print("-" * len(header))
    for row in rows:
        def tests(key):
            t = totals(row.get(key, {}))
            return f"{t['passed']}/{t['failed']}" if row.get(key) else "-"

        build_with = f"{row['build_tracked_s']:.1f} s" if "build_tracked_s" in row else "-"
        verdict = "ok" if row.get("ok") else ("BUILD FAILED" if "build_error" in row else "DIFFERS")
        if "error" in row:
            verdict = "SUITE ERROR"
        print(
            f"{row['crate'] + ' ' + row['version']:<22} {tests('tests_plain'):>14} {tests('tests_tracked'):>11} "
            f"{row.get('annotated', '-'):>9} {row.get('parts_runtime', '-'):>7} {row.get('parts_scan', '-'):>6} "
            f"{row.get('parts_matched', '-'):>7} "
            f"{(str(round(row['build_plain_s'], 1)) + ' s') if 'build_plain_s' in row else '-':>13} "
            f"{build_with:>10}  {verdict}"
        )
    print("tests: passed/failed over every test binary (the parts hook adds one passing test with wear)")
    for row in rows:
        for label, key in (("only registered by the program", "runtime_only"), ("only found by the scan", "scan_only")):
            if row.get(key):
                print(f"\n{row['crate']}: {len(row[key])} parts {label}:")
                for part in row[key][:15]:
                    print(f"  {part[0]}  {part[1]}  {part[2]}:{part[3][0]}-{part[3][1]}")
        if "build_error" in row:
            print(f"\n{row['crate']} does not build with wear:\n{row['build_error']}")
        if "error" in row:
            print(f"\n{row['crate']}: {row['error']}")
        if row.get("tests_plain") and row.get("tests_tracked") and not row.get("same_tests"):
            print(f"\n{row['crate']}: test results differ\n  without: {row['tests_plain']}\n  with:    {row['tests_tracked']}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("crates", nargs="*", help="crate names from crates.toml (default: all)")
    parser.add_argument("--ci", action="store_true", help="only the crates marked `ci = true`")
    parser.add_argument("--work", type=Path, default=Path(os.environ.get("TMPDIR", "/tmp")) / "wear-real-crates")
    parser.add_argument("--cache", type=Path, default=Path.home() / ".cache" / "wear" / "real-crates")
    parser.add_argument("--keep", action="store_true", help="keep each crate's builds (they take gigabytes)")
    args = parser.parse_args()

    crates = tomllib.loads((HERE / "crates.toml").read_text())["crate"]
    known = {c["name"] for c in crates}
    unknown = [c for c in args.crates if c not in known]
    if unknown:
        print(f"error: {', '.join(unknown)} not in {HERE / 'crates.toml'} (it has {', '.join(sorted(known))})", file=sys.stderr)
        return 2
    if args.crates:
        crates = [c for c in crates if c["name"] in args.crates]
    if args.ci:
        crates = [c for c in crates if c.get("ci")]

    try:
        wear_bin = cargo_wear()
    except SuiteError as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    rows = []
    for krate in crates:
        try:
            rows.append(check_crate(krate, args.work, args.cache, wear_bin))
        except (SuiteError, OSError, subprocess.TimeoutExpired, json.JSONDecodeError) as e:
            rows.append({"crate": krate["name"], "version": krate["version"], "error": str(e), "ok": False})
        finally:
            if not args.keep:
                for target in ("target-plain", "target-tracked"):
                    shutil.rmtree(args.work / f"{krate['name']}-{krate['version']}" / target, ignore_errors=True)
    args.work.mkdir(parents=True, exist_ok=True)
    (args.work / "results.json").write_text(json.dumps(rows, indent=2))
    print()
    show(rows)
    if any("error" in r for r in rows):
        return 2
    return 0 if all(r.get("ok") for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
