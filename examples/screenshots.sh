#!/usr/bin/env bash
# Regenerates the README's picture of the HTML report, docs/html-report.png: runs the demo
# (examples/demo.sh writes the shop's usage to target/wear-demo/shop.json) unless its usage is
# there already, renders the demo's HTML report, and has Debian's headless Chromium take a
# 1280x900 screenshot of it with the most urgent part's history open.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v chromium >/dev/null; then
  echo "error: chromium is missing: run \`bash .ci/backends\`, which installs it" >&2
  exit 2
fi

snapshot=target/wear-demo/shop.json
report=target/wear-demo/report.html
if [ ! -f "$snapshot" ]; then
  bash examples/demo.sh > /dev/null
fi
cargo run -q -p cargo-wear -- wear report --usage "$snapshot" --format html --output "$report"

# The first part of the due list is the most urgent: show its history in the picture.
first=$(cargo run -q -p cargo-wear -- wear report --usage "$snapshot" --format json |
  python3 -c 'import json, sys, urllib.parse; print(urllib.parse.quote(json.load(sys.stdin)["parts"][0]["part"]))')

mkdir -p docs
# --no-sandbox: CI and this machine run as root, where Chromium's sandbox cannot start.
chromium --headless --no-sandbox --disable-gpu --hide-scrollbars --window-size=1280,900 \
  --screenshot="$PWD/docs/html-report.png" "file://$PWD/$report#part=$first" 2>/dev/null
echo "wrote docs/html-report.png ($(wc -c < docs/html-report.png) bytes) from $report"
