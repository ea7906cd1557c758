#!/usr/bin/env bash
# Machine instructions that each variant of `work` adds per call, counted by callgrind: exact
# and repeatable, unlike time. Builds the `calls` driver in release, runs it once per variant
# under `valgrind --tool=callgrind`, collecting only inside `measured_loop` (after a warm-up
# call, so one-time setup is not counted), and subtracts the uninstrumented run.
#
# Usage: benches/callgrind.sh [CALLS]   (default 1000000 calls per variant)
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(dirname "$here")
calls=${1:-1000000}

command -v valgrind >/dev/null || {
    echo "error: valgrind is not installed (apt-get install valgrind)" >&2
    exit 2
}

cd "$root"
cargo build --quiet --release -p wear-benches --bin calls
bin="${CARGO_TARGET_DIR:-$root/target}/release/calls"

out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

declare -A ir whats
names=()
while IFS=$'\t' read -r name what; do
    names+=("$name")
    whats["$name"]=$what
done < <("$bin" --list)

for name in "${names[@]}"; do
    if ! valgrind --tool=callgrind --collect-atstart=no --toggle-collect='*measured_loop*' \
        --callgrind-out-file="$out/$name.out" "$bin" "$name" "$calls" \
        >"$out/$name.stdout" 2>"$out/$name.log"; then
        echo "error: callgrind run of '$name' failed:" >&2
        cat "$out/$name.log" >&2
        exit 2
    fi
    total=$(awk '/^(summary|totals):/ { print $2; exit }' "$out/$name.out")
    if [[ -z $total ]]; then
        echo "error: no instruction total in callgrind output of '$name'" >&2
        exit 2
    fi
    ir["$name"]=$total
done

base=${ir[plain]}
echo
echo "instructions per call (callgrind Ir inside measured_loop, $calls calls per variant)"
echo
printf '%-12s %-36s %16s %10s %12s\n' variant what "Ir total" "Ir/call" "added/call"
for name in "${names[@]}"; do
    awk -v n="$name" -v w="${whats[$name]}" -v t="${ir[$name]}" -v b="$base" -v c="$calls" \
        'BEGIN { printf "%-12s %-36s %16.0f %10.2f %12.2f\n", n, w, t, t / c, (t - b) / c }'
done
echo
echo "Ir/call includes the loop, the call and work itself; added/call = variant - plain."
