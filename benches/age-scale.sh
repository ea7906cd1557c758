#!/usr/bin/env bash
# `cargo wear heatmap --all` at the scale of the largest repositories (issue 19): a generated cargo
# workspace shaped like a long-lived project (benches/age-history.py --workspace: 40,000 commits,
# 40% of them merges of short side branches, about 1,500 .rs files and 500k lines, renames, moves
# and a rustfmt-like reformatting commit every 5,000 commits). Prints, in one run, each with its
# target and "met" or "MISSED":
#   - the floor: `git log -p -U0 -M -- '*.rs'`, every commit's diff of the Rust files with
#     rename detection (the walk detects renames too; merges get no diff, as in the walk, which
#     passes a merge's lines to the parent that has them unchanged);
#   - `git blame --porcelain HEAD` over a fixed random sample of the .rs files (SAMPLE percent,
#     one file at a time), scaled to every file;
#   - `cargo wear heatmap --all` cold (empty age and scan caches; the run writes them), warm (caches, nothing
#     new) and after one new commit that edits one file (cache of its parent), with wall time
#     and peak memory (/usr/bin/time -f %M: maximum resident set size);
#   - agreement with git blame, lines and functions, over the sampled files (the measure of
#     benches/benches/age.rs, `--agreement`; blaming every file at this size takes hours).
#
#   benches/age-scale.sh                  # full size: generating takes minutes, the run ~10 min
#   QUICK=1 benches/age-scale.sh          # 1,500 commits, 60 files: a smoke run in seconds
#   COMMITS=10000 FILES=500 benches/age-scale.sh
#
# Also MERGES (0.4), REFORMAT_EVERY (5000), FNS_PER_FILE (20-34: functions in a new file, which
# makes ~1,500 files hold ~500k lines), SAMPLE (percent of files blamed: 2), AGREEMENT=0 to skip
# the agreement (it builds the wear-benches bench once). The repository is built once under
# $CARGO_TARGET_DIR/wear-bench/ and reused; the new commit is undone after its run.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
target=${CARGO_TARGET_DIR:-$root/target}
if [ "${QUICK:-0}" = 1 ]; then
    : "${COMMITS:=1500}" "${FILES:=60}" "${REFORMAT_EVERY:=500}" "${FNS_PER_FILE:=8-14}" "${SAMPLE:=10}"
fi
commits=${COMMITS:-40000}
files=${FILES:-1500}
merges=${MERGES:-0.4}
reformat=${REFORMAT_EVERY:-5000}
fns=${FNS_PER_FILE:-20-34}
sample_pct=${SAMPLE:-2}
repo="$target/wear-bench/age-scale-c$commits-f$files-m$merges-r$reformat-n$fns"
work="$target/wear-bench/age-scale-run"

python3 "$root/benches/age-history.py" "$repo" --commits "$commits" --files "$files" --workspace \
    --merges "$merges" --reformat-every "$reformat" --fns-per-file "$fns"
cargo build --release --quiet --locked -p cargo-wear --manifest-path "$root/Cargo.toml"
if [ "${AGREEMENT:-1}" = 1 ]; then
    cargo bench --quiet --locked -p wear-benches --bench age --no-run --manifest-path "$root/Cargo.toml"
fi
wear="$target/release/cargo-wear"
rm -rf "$work"
mkdir -p "$work/blame"
cd "$repo"
git checkout -q -f main # should an earlier run have stopped on its new commit

# measure NAME CMD...: runs CMD (a function below) with its output in $work/out.NAME; sets secs_NAME
# (wall), cpu_NAME (user + system: what the other builds on a shared machine disturb least) and
# mib_NAME (the largest resident set among CMD's processes).
if [ -x /usr/bin/time ]; then
    measure() {
        local name=$1
        shift
        /usr/bin/time -f '%e %M %U %S' -o "$work/time" bash -c '"$@"' _ "$@" > "$work/out.$name"
        read -r s kib user sys < "$work/time"
        printf -v "secs_$name" '%s' "$s"
        printf -v "cpu_$name" '%s' "$(awk -v u="$user" -v s="$sys" 'BEGIN { printf "%.2f", u + s }')"
        printf -v "mib_$name" '%s' "$(awk -v k="$kib" 'BEGIN { printf "%.1f", k / 1024 }')"
    }
else # no GNU time: wall time only
    measure() {
        local name=$1 start end
        shift
        start=$(date +%s.%N)
        "$@" > "$work/out.$name"
        end=$(date +%s.%N)
        printf -v "secs_$name" '%s' "$(awk -v a="$start" -v b="$end" 'BEGIN { printf "%.2f", b - a }')"
        printf -v "mib_$name" '%s' "?"
        printf -v "cpu_$name" '%s' "?"
    }
fi
# The generated history's dates run years ahead of today's clock: the report's instant is the
# day after its newest commit, so that no line counts as "dated after --now".
newest=$(git log --format=%at main | sort -n | tail -1)
now=$(date -u -d "@$((newest + 86400))" +%Y-%m-%d)
heatmap() { CARGO_TARGET_DIR="$repo/target" "$wear" wear heatmap --all --now "$now" --color never --width 120; }
floor() { git log -p -U0 -M --format=%H -- '*.rs'; }
blame_sample() {
    local i=0 f
    while IFS= read -r f; do
        i=$((i + 1))
        git blame --porcelain HEAD -- "$f" > "$work/blame/$i"
    done < "$work/sample"
}
export repo wear work now
export -f heatmap floor blame_sample

n_files=$(git ls-files '*.rs' | wc -l)
n_lines=$(git ls-files -z '*.rs' | xargs -0 cat | wc -l)
n_commits=$(git rev-list --count HEAD)
n_merges=$(git rev-list --count --merges HEAD)
# A fixed random sample of the .rs files (seeded; at least one file).
git ls-files '*.rs' | python3 -c "
import random, sys
names = sys.stdin.read().split('\n')[:-1]
k = max(1, round(len(names) * $sample_pct / 100))
print('\n'.join(sorted(random.Random(19).sample(names, k))))" > "$work/sample"
n_sample=$(wc -l < "$work/sample")

cat .git/objects/pack/* > /dev/null # the page cache, as for a repository in use
measure floor floor
measure blame blame_sample
rm -rf "$repo/target/wear/age-cache" "$repo/target/wear/scan-cache"
measure cold heatmap
# /usr/bin/time reports the largest process, not wear and its `git cat-file` together: a second
# cold run samples the resident memory of both every 0.1 s (VmRSS), and prints the largest sum.
both_peak() {
    rm -rf "$repo/target/wear/age-cache" "$repo/target/wear/scan-cache"
    heatmap > /dev/null &
    local pid=$! top=0 kib proc sum todo tree
    while kill -0 "$pid" 2> /dev/null; do
        # The subshell running the function (a few MiB), wear under it, and git under wear.
        sum=0 todo=$pid tree=
        while [ -n "$todo" ]; do
            tree="$tree $todo"
            todo=$(for proc in $todo; do pgrep -P "$proc" || true; done | tr '\n' ' ' | sed 's/ *$//')
        done
        for proc in $tree; do
            kib=$(awk '/^VmRSS/ { print $2 }' "/proc/$proc/status" 2> /dev/null || true)
            sum=$((sum + ${kib:-0}))
        done
        if [ "$sum" -gt "$top" ]; then top=$sum; fi
        sleep 0.1
    done
    wait "$pid"
    awk -v k="$top" 'BEGIN { printf "%.1f", k / 1024 }'
}
mib_both="?"
if [ -d /proc/self ] && command -v pgrep > /dev/null; then mib_both=$(both_peak); fi
parts=$(sed -n 's/^heatmap of \([0-9]*\) parts.*/\1/p' "$work/out.cold")
measure warm heatmap

# One new commit, on a detached HEAD so that main stays as built: a line changed in one function
# of one sampled file. The run finds the cache of its parent.
edited=$(head -1 "$work/sample")
trap 'git -C "$repo" checkout -q -f main' EXIT
git checkout -q --detach
sed -i '0,/^\( *\)let mut total = input;/s//\1let mut total = input + 1;/' "$edited"
GIT_AUTHOR_DATE="@$((newest + 3600)) +0000" GIT_COMMITTER_DATE="@$((newest + 3600)) +0000" \
    git -c user.name=Bench -c user.email=bench@example.com commit -q -am "One new commit" --no-verify
rm -f "$repo/target/wear/age-cache/$(git rev-parse HEAD).bin" # the same commit id every run
measure one heatmap
git checkout -q -f main
trap - EXIT

agreement="skipped (AGREEMENT=0)"
line_share=
fn_share=
if [ "${AGREEMENT:-1}" = 1 ]; then
    awk -v d="$work/blame" '{ printf "%s\t%s/%d\n", $0, d, NR }' "$work/sample" > "$work/list"
    read -r line_share fn_share agreement < <(cargo bench --quiet --locked -p wear-benches --bench age \
        --manifest-path "$root/Cargo.toml" -- --agreement "$repo" "$work/list")
fi

met() { awk "BEGIN { exit !($1) }" && echo met || echo MISSED; }
blame_all=$(awk -v s="$secs_blame" -v k="$n_sample" -v n="$n_files" 'BEGIN { printf "%.1f", s * n / k }')
echo
echo "heatmap --all of $n_files .rs files ($n_lines lines, $parts functions), $n_commits commits" \
    "($n_merges merges): $repo"
row() { printf '  %-56s %8s s %8s s %9s MiB\n' "$@"; }
printf '  %-56s %8s   %8s   %9s\n' "" "wall" "cpu" "peak mem"
row "git log -p -U0 -M -- '*.rs' (the floor)" "$secs_floor" "$cpu_floor" "$mib_floor"
row "git blame --porcelain, $n_sample sampled files one by one" "$secs_blame" "$cpu_blame" "$mib_blame"
printf '  %-56s %8s s\n' "git blame --porcelain, scaled to all $n_files files" "$blame_all"
row "cargo wear heatmap --all, cold (empty cache)" "$secs_cold" "$cpu_cold" "$mib_cold"
printf '  %-56s %8s   %8s   %9s MiB\n' "  the same, wear and its git cat-file summed (sampled)" "" "" "$mib_both"
row "cargo wear heatmap --all, warm (cache, nothing new)" "$secs_warm" "$cpu_warm" "$mib_warm"
row "cargo wear heatmap --all, one new commit" "$secs_one" "$cpu_one" "$mib_one"
echo "  agreement with git blame over the $n_sample sampled files: $agreement"
echo "  targets (on wall time):"
r_floor=$(awk -v c="$secs_cold" -v f="$secs_floor" 'BEGIN { printf "%.2f", c / f }')
r_blame=$(awk -v c="$secs_cold" -v b="$blame_all" 'BEGIN { printf "%.1f", b / c }')
peak=$(printf '%s\n' "$mib_cold" "$mib_warm" "$mib_one" | sort -g | tail -1)
echo "    cold <= 1.5x the floor: ${r_floor}x, $(met "$r_floor <= 1.5")"
echo "    cold >= 10x faster than git blame over every file: ${r_blame}x, $(met "$r_blame >= 10")"
if [ "$peak" = "?" ]; then
    echo "    peak memory <= 256 MiB: unknown (no /usr/bin/time)"
else
    echo "    peak memory <= 256 MiB: $peak MiB for wear's process, $(met "$peak <= 256")"
    if [ "$mib_both" != "?" ]; then
        echo "      and $mib_both MiB with its git cat-file, $(met "$mib_both <= 256")"
    fi
fi
echo "    warm <= 0.5 s: $secs_warm s, $(met "$secs_warm <= 0.5")"
echo "    one new commit <= 1 s: $secs_one s, $(met "$secs_one <= 1")"
if [ -n "$line_share" ]; then
    printf '    agreement >= 99%% of lines: %.2f%%, %s\n' "$line_share" "$(met "$line_share >= 99")"
    printf '    agreement >= 98.5%% of functions: %.2f%%, %s\n' "$fn_share" "$(met "$fn_share >= 98.5")"
fi
