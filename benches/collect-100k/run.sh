#!/usr/bin/env bash
# What one collection (`wear::export::collect()`) costs in a program with 100,000 parts.
#
# A single crate with 100,000 generated `#[wear::tracked]` functions takes over 13 minutes and
# ~7 GB to build in release, so this script spreads them over CRATES library crates of
# PARTS_PER_CRATE parts each (files of 100 functions), which cargo builds in parallel, plus a
# binary depending on all of them that times collect() with 1, 2 and 8 threads having called
# every part, beside a baseline (summing plain AtomicU64s) measured in the same run.
#
# Everything is generated under ${CARGO_TARGET_DIR:-target}/wear-bench/collect-100k/, a
# workspace of its own outside this one (CI never sees it). Everything builds with the normal
# release profile; OPT_LEVEL / CODEGEN_UNITS override it for the generated crates only
# (per-package profile overrides; the runtime, and so collect(), keeps the release settings).
# Measured on 2 shared cores: 10 x 10,000 parts build in ~55 s, peak rustc RSS 0.8 GB, with
# opt-level 3 or 1 alike.
#
#   benches/collect-100k/run.sh                      # 10 crates x 10,000 parts
#   CRATES=2 PARTS_PER_CRATE=1000 benches/collect-100k/run.sh   # a quick smoke run
#
# Environment: CRATES (10), PARTS_PER_CRATE (10000, a multiple of 100), OPT_LEVEL (3),
# CODEGEN_UNITS (16), JOBS (cargo's default), WEAR_COLLECT_SAMPLES (31).
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
crates="${CRATES:-10}"
per="${PARTS_PER_CRATE:-10000}"
opt="${OPT_LEVEL:-3}"
cgu="${CODEGEN_UNITS:-16}"
if (( per % 100 != 0 || per < 100 || crates < 1 )); then
    echo "run.sh: PARTS_PER_CRATE must be a positive multiple of 100 and CRATES positive (got $per, $crates)" >&2
    exit 2
fi
files=$((per / 100))
target="${CARGO_TARGET_DIR:-$repo/target}"
case "$target" in /*) ;; *) target="$repo/$target" ;; esac
export CARGO_TARGET_DIR="$target"
root="$target/wear-bench/collect-100k"
mkdir -p "$root"

# Generate (only files whose content changed are rewritten, so a rerun rebuilds nothing).
write() { # path: content on stdin
    local tmp
    tmp="$(mktemp)"
    cat >"$tmp"
    if cmp -s "$tmp" "$1"; then rm "$tmp"; else mkdir -p "$(dirname "$1")"; mv "$tmp" "$1"; fi
}
members=""
deps=""
overrides=""
calls=""
for ((c = 0; c < crates; c++)); do
    name=$(printf 'parts%02d' "$c")
    members+="\"$name\", "
    deps+="$name = { path = \"../$name\" }"$'\n'
    overrides+="[profile.release.package.$name]"$'\n'"opt-level = $opt"$'\n'"codegen-units = $cgu"$'\n'
    calls+="    $name::call_all();"$'\n'
    write "$root/$name/Cargo.toml" <<TOML
[package]
name = "$name"
version = "0.0.0"
edition = "2024"
publish = false

[dependencies]
wear = { path = "$repo/runtime" }
TOML
    {
        echo "//! $per generated parts in $files files of 100."
        for ((f = 0; f < files; f++)); do printf 'pub mod m%03d;\n' "$f"; done
        echo "/// Calls every part of this crate once."
        echo "pub fn call_all() {"
        for ((f = 0; f < files; f++)); do printf '    m%03d::call_all();\n' "$f"; done
        echo "}"
    } | write "$root/$name/src/lib.rs"
    for ((f = 0; f < files; f++)); do
        awk -v f="$f" 'BEGIN {
            print "//! 100 generated parts."
            for (i = 0; i < 100; i++) {
                printf "#[wear::tracked]\n#[inline(never)]\npub fn p%02d() {}\n", i
            }
            print "/// Calls every part of this file once."
            print "pub fn call_all() {"
            for (i = 0; i < 100; i++) printf "    p%02d();\n", i
            print "}"
        }' | write "$root/$name/src/$(printf 'm%03d' "$f").rs"
    done
done
# Drop crates left from a run with more of them.
for old in "$root"/parts*; do
    [[ " $members " == *"\"$(basename "$old")\""* ]] || rm -rf "$old"
done

write "$root/Cargo.toml" <<TOML
[workspace]
resolver = "3"
members = ["bench", ${members%, }]

[profile.release]
# The runtime (and so collect()) builds with the normal release settings.

$overrides
TOML
write "$root/bench/Cargo.toml" <<TOML
[package]
name = "collect-100k"
version = "0.0.0"
edition = "2024"
publish = false

[dependencies]
wear = { path = "$repo/runtime" }
$deps
TOML
sed -e "s|@CALLS@|${calls//$'\n'/\\n}|" -e "s|@PARTS@|$((crates * per))|" -e "s|@CRATES@|$crates|" \
    "$here/main.rs.in" | write "$root/bench/src/main.rs"
# Same dependency versions as the wear workspace.
[[ -f "$root/Cargo.lock" ]] || cp "$repo/Cargo.lock" "$root/Cargo.lock"

echo "generated $crates crates x $per parts under $root (opt-level $opt, codegen-units $cgu for them)"
cd "$root"
log="$root/build-time.txt"
started=$(date +%s)
/usr/bin/time -v -o "$log" cargo build --release ${JOBS:+-j "$JOBS"} -p collect-100k
ended=$(date +%s)
echo "build: $((ended - started)) s wall; peak RSS of one process (rustc): $(awk -F': ' '/Maximum resident/ {printf "%.2f GB", $2 / 1048576}' "$log")"
echo
"$target/release/collect-100k"
