#!/usr/bin/env bash
# The wear demo: the annotated shop service runs its workload and writes a snapshot of its
# counters, then `cargo wear` joins those calls with the age of each function's lines in git
# and prints the due list, under the policy in wear.toml.
set -euo pipefail
cd "$(dirname "$0")/.."

snapshot=target/wear-demo/shop.json
echo "== the shop runs (cargo run -p wear-example-shop), writing $snapshot"
mkdir -p target/wear-demo
WEAR_SNAPSHOT="$snapshot" cargo run -q -p wear-example-shop -- "${1:-20000}" > target/wear-demo/shop.log
head -n 1 target/wear-demo/shop.log
echo
echo "== cargo wear report --usage $snapshot"
cargo run -q -p cargo-wear -- wear report --usage "$snapshot"
echo
echo "== cargo wear check --usage $snapshot (the CI gate: exit 1 when a part is overdue)"
if cargo run -q -p cargo-wear -- wear check --usage "$snapshot" --format github; then
  echo "check passed"
else
  echo "check failed with exit code $? (as a CI job would)"
fi
