#!/usr/bin/env bash
# `cargo wear diff` on the 40,000-commit repository of benches/age-scale.sh (issue 21: under 2 s
# warm; what it costs cold). A clone of that repository gets `#[wear::tracked]` on every function
# (`cargo wear annotate`, committed as the base), then one line of one function changes in the
# work tree. Prints wall time and peak memory (/usr/bin/time) of `diff --base` cold (no caches:
# the head's age walk over all history, both scans) and warm (caches, twice), beside
# `git diff --stat` of the same change as a floor.
#
#   benches/diff-scale.sh            # full size (generates the repository first if needed)
#   QUICK=1 benches/diff-scale.sh    # 1,500 commits, 60 files: seconds
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
target=${CARGO_TARGET_DIR:-$root/target}
if [ "${QUICK:-0}" = 1 ]; then
    : "${COMMITS:=1500}" "${FILES:=60}" "${REFORMAT_EVERY:=500}" "${FNS_PER_FILE:=8-14}"
fi
commits=${COMMITS:-40000}
files=${FILES:-1500}
merges=${MERGES:-0.4}
reformat=${REFORMAT_EVERY:-5000}
fns=${FNS_PER_FILE:-20-34}
repo="$target/wear-bench/age-scale-c$commits-f$files-m$merges-r$reformat-n$fns"
work="$target/wear-bench/diff-scale-run"

python3 "$root/benches/age-history.py" "$repo" --commits "$commits" --files "$files" --workspace \
    --merges "$merges" --reformat-every "$reformat" --fns-per-file "$fns"
cargo build --release --quiet --locked -p cargo-wear --manifest-path "$root/Cargo.toml"
wear="$target/release/cargo-wear"
rm -rf "$work"
git clone -q --no-hardlinks "$repo" "$work"
cd "$work"
newest=$(git log -1 --format=%at)
now=$(date -u -d "@$((newest + 86400))" +%Y-%m-%d)
CARGO_TARGET_DIR="$work/target" "$wear" wear annotate > /dev/null 2>&1
GIT_AUTHOR_DATE="@$((newest + 3600)) +0000" GIT_COMMITTER_DATE="@$((newest + 3600)) +0000" \
    git -c user.name=Bench -c user.email=bench@example.com commit -q -am "Track every function" --no-verify
git branch -f base HEAD
edited=$(git ls-files -z '*.rs' | xargs -0 grep -l 'let mut total = input;' | sed -n 1p)
sed -i '0,/^\( *\)let mut total = input;/s//\1let mut total = input + 1;/' "$edited"
rm -rf "$work/target"

run() {
    local name=$1
    shift
    /usr/bin/time -f '%e %M' -o "$work/time" "$@" > "$work/out.$name" 2> "$work/err.$name"
    read -r secs kib < "$work/time"
    printf '  %-44s %7s s %9s MiB\n' "$name" "$secs" "$(awk -v k="$kib" 'BEGIN { printf "%.1f", k / 1024 }')"
}
diff_run() { CARGO_TARGET_DIR="$work/target" "$wear" wear diff --base base --now "$now"; }
export -f diff_run
export work wear now

echo "cargo wear diff on $(git rev-list --count HEAD) commits, $(git ls-files '*.rs' | wc -l) .rs files," \
    "one line changed in $edited"
run "git diff --stat base (the floor)" git diff --stat base
run "cargo wear diff --base base, cold" bash -c diff_run
run "cargo wear diff --base base, warm" bash -c diff_run
run "cargo wear diff --base base, warm again" bash -c diff_run
echo "  first line: $(head -1 "$work/out.cargo wear diff --base base, warm")"
