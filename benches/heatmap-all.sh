#!/usr/bin/env bash
# `cargo wear heatmap --all --no-cache` (every function of a workspace, its age from git, cold:
# no age cache) against `git blame --porcelain` over every .rs file, on a tokio-sized generated
# cargo workspace: 800 files, 4,600 commits of realistic edits, moves and merges
# (benches/age-history.py --workspace). Prints both times and the ratio; the target is 4x.
#
#   benches/heatmap-all.sh                       # tokio size
#   COMMITS=600 FILES=60 benches/heatmap-all.sh  # a quick run
#
# FILES is the generator's target; files come and go around it, and 900 leaves 802 .rs files at
# HEAD after 4,600 commits (775 generated sources, the rest lib.rs/mod.rs).
#
# git blame runs file by file, once in sequence and once two at a time (xargs -P2, this machine
# has two cores), so the single walk is compared with git at its fairest. Every command runs
# once first to warm the page cache; wear's time is the median of three runs.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
target=${CARGO_TARGET_DIR:-$root/target}
commits=${COMMITS:-4600}
files=${FILES:-900}
repo="$target/wear-bench/heatmap-all-c$commits-f$files"

python3 "$root/benches/age-history.py" "$repo" --commits "$commits" --files "$files" --workspace
cargo build --release --quiet -p cargo-wear --manifest-path "$root/Cargo.toml"
wear="$target/release/cargo-wear"
cd "$repo"

seconds() { # runs "$@" with output discarded, prints its wall time in seconds
    local start end
    start=$(date +%s.%N)
    "$@" > /dev/null
    end=$(date +%s.%N)
    awk -v a="$start" -v b="$end" 'BEGIN { printf "%.2f", b - a }'
}
heatmap() { CARGO_TARGET_DIR="$repo/target" "$wear" wear heatmap --all --no-cache --color never --width 120; }
blame_all() { git ls-files -z '*.rs' | xargs -0 -n1 -P"$1" git blame --porcelain HEAD -- ; }

n_files=$(git ls-files '*.rs' | wc -l)
n_lines=$(git ls-files -z '*.rs' | xargs -0 cat | wc -l)
n_commits=$(git rev-list --count HEAD)
parts=$(heatmap | sed -n 's/^heatmap of \([0-9]*\) parts.*/\1/p')
blame_all 2 > /dev/null

wear_runs=("$(seconds heatmap)" "$(seconds heatmap)" "$(seconds heatmap)")
wear_secs=$(printf '%s\n' "${wear_runs[@]}" | sort -n | sed -n 2p)
blame1=$(seconds blame_all 1)
blame2=$(seconds blame_all 2)

echo
echo "heatmap --all of $n_files .rs files ($n_lines lines, $parts functions), $n_commits commits: $repo"
printf '  %-52s %8s s\n' "git blame --porcelain, file by file" "$blame1"
printf '  %-52s %8s s\n' "git blame --porcelain, two at a time (xargs -P2)" "$blame2"
printf '  %-52s %8s s  (runs: %s)\n' "cargo wear heatmap --all --no-cache" "$wear_secs" "${wear_runs[*]}"
awk -v w="$wear_secs" -v b1="$blame1" -v b2="$blame2" 'BEGIN {
    r1 = b1 / w; r2 = b2 / w
    printf "  %.1fx faster than git blame in sequence, %.1fx faster than two at a time: target 4x %s\n",
        r1, r2, (r2 >= 4 ? "met" : "MISSED")
}'
