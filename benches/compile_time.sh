#!/usr/bin/env bash
# What `#[wear::tracked]` adds to compile time. Generates two crates with the same 1,000
# functions over 10 modules, one with `#[wear::tracked]` on every function and one without,
# both depending on this workspace's `wear`, and builds each from clean in debug and release
# (dependencies are built once first and shared). Only the generated crate is timed: rustc's
# own time (through a RUSTC_WRAPPER) and the whole `cargo build`. Repetitions alternate the two
# crates and the median is shown.
#
# Usage: benches/compile_time.sh [REPETITIONS]   (default 5)
#        benches/compile_time.sh --instructions
#   counts the instructions of one non-incremental debug rustc run of each crate under
#   callgrind instead: exact and repeatable, unlike time on a shared machine (the proc macro
#   runs inside rustc, so its work is counted too). It also counts the same crate with the
#   peers' attributes on every function (tracing's `#[instrument]`, `#[autometrics]`), and
#   with `#[wear::tracked]` built the way a user who opts into optimised proc macros gets it
#   (`[profile.dev.build-override] opt-level = 3`). WEAR_COMPILE_KINDS="plain tracked" counts
#   only the crates it names.
# The crates and their target dir go under target/wear-compile-time (WEAR_COMPILE_DIR to move).
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(dirname "$here")
instructions=false
if [[ ${1:-} == --instructions ]]; then
    instructions=true
    shift
fi
reps=${1:-5}
modules=10
per_module=100
work=${WEAR_COMPILE_DIR:-${CARGO_TARGET_DIR:-$root/target}/wear-compile-time}

rm -rf "$work/plain" "$work/tracked" "$work/tracked_opt" "$work/tracing" "$work/autometrics" "$work/times"
mkdir -p "$work/times"

# Records how long rustc takes for the generated crates; every other crate passes through.
cat >"$work/rustc-timer.sh" <<'EOF'
#!/usr/bin/env bash
case " $* " in
*" --crate-name wear_compile_"*) ;;
*) exec "$@" ;;
esac
start=$EPOCHREALTIME
if [[ -n ${WEAR_COMPILE_CALLGRIND:-} ]]; then
    valgrind --tool=callgrind --callgrind-out-file="$WEAR_COMPILE_CALLGRIND/$(printf '%s\n' "$@" | grep -m1 '^wear_compile_').out" "$@" 2>/dev/null
else
    "$@"
fi
rc=$?
end=$EPOCHREALTIME
name=$(printf '%s\n' "$@" | grep -m1 '^wear_compile_')
echo "$start $end" >"$WEAR_COMPILE_TIMES/$name"
exit $rc
EOF
chmod +x "$work/rustc-timer.sh"

# generate KIND ATTRIBUTE [DEPENDENCY [PROFILE]]: a crate named wear_compile_KIND with ATTRIBUTE
# above every function, depending on DEPENDENCY (a Cargo.toml line; wear by default), with
# PROFILE (Cargo.toml text) appended.
generate() {
    local kind=$1 attribute=$2 dir="$work/$1"
    local dependency=${3:-"wear = { path = \"$root/runtime\" }"} profile=${4:-}
    mkdir -p "$dir/src"
    cat >"$dir/Cargo.toml" <<EOF
[package]
name = "wear_compile_$kind"
version = "0.0.0"
edition = "2024"
publish = false

[dependencies]
$dependency

# Not part of any enclosing workspace.
[workspace]
$profile
EOF
    # The workspace's lock file: the same dependency versions, already downloaded.
    cp "$root/Cargo.lock" "$dir/Cargo.lock"
    : >"$dir/src/lib.rs"
    for ((m = 0; m < modules; m++)); do
        echo "pub mod m$m;" >>"$dir/src/lib.rs"
        {
            echo "//! Generated: $per_module functions."
            for ((f = 0; f < per_module; f++)); do
                [[ -n $attribute ]] && echo "$attribute"
                cat <<EOF
pub fn f${m}_$f(items: &[u64], bias: u64) -> u64 {
    let mut acc = bias ^ $f;
    for (i, item) in items.iter().enumerate() {
        if item % $((f % 7 + 2)) == 0 {
            acc = acc.wrapping_add(*item);
        } else {
            acc ^= (i as u64).rotate_left($((f % 63 + 1)));
        }
    }
    acc
}

EOF
            done
        } >"$dir/src/m$m.rs"
    done
}

generate plain ""
generate tracked "#[wear::tracked]"
# The peers, with the versions and features the overhead bench compares (Cargo.lock pins them).
workspace_dep() { grep -m1 "^$1 = " "$root/Cargo.toml"; }
generate tracing "#[tracing::instrument]" "$(workspace_dep tracing)"
generate autometrics "#[autometrics::autometrics]" "$(workspace_dep autometrics)"
generate tracked_opt "#[wear::tracked]" "" "$(printf '[profile.dev.build-override]\nopt-level = 3')"

export CARGO_TARGET_DIR="$work/target"
export RUSTC_WRAPPER="$work/rustc-timer.sh"
export WEAR_COMPILE_TIMES="$work/times"

# build KIND PROFILE-FLAGS...: one clean build of the generated crate; prints "rustc cargo" seconds.
build() {
    local kind=$1
    shift
    local manifest="$work/$kind/Cargo.toml"
    cargo clean --quiet -p "wear_compile_$kind" --manifest-path "$manifest" "$@"
    rm -f "$WEAR_COMPILE_TIMES/wear_compile_$kind"
    local start=$EPOCHREALTIME
    cargo build --quiet --manifest-path "$manifest" "$@"
    local end=$EPOCHREALTIME
    local rustc
    rustc=$(cat "$WEAR_COMPILE_TIMES/wear_compile_$kind" 2>/dev/null) || {
        echo "error: the build of wear_compile_$kind did not run rustc" >&2
        exit 2
    }
    awk -v r="$rustc" -v s="$start" -v e="$end" \
        'BEGIN { split(r, t, " "); printf "%.3f %.3f\n", t[2] - t[1], e - s }'
}

median() {
    sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

if $instructions; then
    command -v valgrind >/dev/null || {
        echo "error: valgrind is not installed (apt-get install valgrind)" >&2
        exit 2
    }
    export CARGO_INCREMENTAL=0 WEAR_COMPILE_CALLGRIND="$work/callgrind"
    mkdir -p "$WEAR_COMPILE_CALLGRIND"
    declare -A ir
    # WEAR_COMPILE_KINDS="plain tracked" counts only these (the peers take most of the time).
    read -r -a kinds <<<"${WEAR_COMPILE_KINDS:-plain tracked tracked_opt tracing autometrics}"
    for kind in "${kinds[@]}"; do
        (unset WEAR_COMPILE_CALLGRIND; cargo build --quiet --manifest-path "$work/$kind/Cargo.toml")
        echo "counting the instructions of rustc on wear_compile_$kind (a minute or two)..." >&2
        build "$kind" >/dev/null
        ir[$kind]=$(awk '/^(summary|totals):/ { print $2; exit }' "$WEAR_COMPILE_CALLGRIND/wear_compile_$kind.out")
    done
    declare -A what=(
        [plain]="no attribute"
        [tracked]="#[wear::tracked]"
        [tracked_opt]="#[wear::tracked], proc macros at opt-level 3"
        [tracing]="#[tracing::instrument]"
        [autometrics]="#[autometrics]"
    )
    echo
    echo "instructions of one debug rustc run of $((modules * per_module)) functions (callgrind, not incremental)"
    echo
    printf '%-12s %-46s %16s %9s\n' crate attribute instructions added
    for kind in "${kinds[@]}"; do
        awk -v k="$kind" -v w="${what[$kind]}" -v a="${ir[plain]}" -v b="${ir[$kind]}" \
            'BEGIN { printf "%-12s %-46s %16.0f %+8.1f%%\n", k, w, b, (b - a) / a * 100 }'
    done
    exit 0
fi

declare -A result
for profile in debug release; do
    flags=()
    [[ $profile == release ]] && flags=(--release)
    echo "building dependencies ($profile)..." >&2
    for kind in plain tracked; do
        cargo build --quiet --manifest-path "$work/$kind/Cargo.toml" "${flags[@]}"
    done
    for kind in plain tracked; do
        : >"$work/times/$kind-$profile"
    done
    for ((r = 1; r <= reps; r++)); do
        for kind in plain tracked; do
            build "$kind" "${flags[@]}" >>"$work/times/$kind-$profile"
            echo "  $profile $kind #$r: $(tail -1 "$work/times/$kind-$profile") (rustc, cargo build) s" >&2
        done
    done
    for kind in plain tracked; do
        result[$kind-$profile-rustc]=$(cut -d' ' -f1 "$work/times/$kind-$profile" | median)
        result[$kind-$profile-cargo]=$(cut -d' ' -f2 "$work/times/$kind-$profile" | median)
    done
done

echo
echo "compile time of $((modules * per_module)) functions in $modules modules, median of $reps clean builds (s)"
echo
printf '%-8s %-12s %9s %9s %8s\n' profile measured plain tracked "+%"
for profile in debug release; do
    for what in rustc cargo; do
        label=$what
        [[ $what == cargo ]] && label="cargo build"
        awk -v p="$profile" -v w="$label" -v a="${result[plain-$profile-$what]}" \
            -v b="${result[tracked-$profile-$what]}" \
            'BEGIN { printf "%-8s %-12s %9.2f %9.2f %+7.1f%%\n", p, w, a, b, (b - a) / a * 100 }'
    done
done
echo
echo "rustc = the generated crate's rustc alone; cargo build = the whole command (cargo's own"
echo "start-up and fingerprint checks included). The target is at most +10%."
