#!/usr/bin/env bash
# Regenerates the pictures of the README and the guide with Debian's headless Chromium:
# - docs/src/images/heatmap.png: the demo's terminal heatmap (24-bit colour), drawn as a dark
#   terminal page;
# - docs/src/images/html-report.png: the demo's HTML report, 1280x900, with the most urgent
#   part's history open;
# - docs/src/images/heatmap-summary.png and html-drilldown.png: a generated workspace of eight
#   crates and 1,600 functions (benches/age-history.py, 1,500 commits), its terminal summary
#   (`heatmap --all`) and its HTML page opened on one module, with the breadcrumbs above.
# Runs `cargo wear demo` first (the shop's workload, its usage and the HTML report).
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v chromium >/dev/null; then
  echo "error: chromium is missing: run \`bash .ci/backends\`, which installs it" >&2
  exit 2
fi

cargo wear demo --color never > /dev/null
target=$(cargo metadata --format-version 1 --no-deps |
  python3 -c 'import json, sys; print(json.load(sys.stdin)["target_directory"])')
snapshot=$target/wear-demo/shop.json
report=$target/wear-demo/report.html
mkdir -p docs
# --no-sandbox: CI and this machine run as root, where Chromium's sandbox cannot start.
shot() { # FILE WIDTH HEIGHT URL
  chromium --headless --no-sandbox --disable-gpu --hide-scrollbars --window-size="$2,$3" \
    --screenshot="$PWD/$1" "$4" 2>/dev/null
  echo "wrote $1 ($(wc -c < "$1") bytes)"
}

# ANSI colour on standard input to a dark terminal page on standard output.
terminal_page() {
  python3 -c '
import html, re, sys
out, style = [], ""
for part in re.split(r"(\x1b\[[0-9;]*m)", sys.stdin.read()):
    m = re.fullmatch(r"\x1b\[([0-9;]*)m", part)
    if not m:
        out.append(f"<span style=\"{style}\">{html.escape(part)}</span>" if style else html.escape(part))
        continue
    codes = [int(c) for c in m.group(1).split(";") if c] or [0]
    if codes[:2] == [38, 2]:
        style += "color:rgb({},{},{});".format(*codes[2:5])
    elif 1 in codes:
        style += "font-weight:bold;"
    elif 0 in codes:
        style = ""
print("<!DOCTYPE html><meta charset=utf-8><body style=\"margin:0;background:#1e1e1e;color:#d4d4d4\">"
      "<pre style=\"font:14px/1.25 DejaVu Sans Mono,monospace;padding:12px;margin:0\">"
      + "".join(out) + "</pre>")
'
}

# The heatmap, as a terminal with 24-bit colour shows it.
heat=$target/wear-demo/heatmap.html
COLORTERM=truecolor cargo wear heatmap --usage "$snapshot" --by calls --filter wear_example_shop \
  --color always --width 110 2>/dev/null | terminal_page > "$heat"
lines=$(COLORTERM=truecolor cargo wear heatmap --usage "$snapshot" --by calls --filter wear_example_shop \
  --width 110 2>/dev/null | wc -l)
shot docs/src/images/heatmap.png 1000 $((lines * 18 + 30)) "file://$heat"

# The HTML report, with the most urgent part (the first of the due list) open.
first=$(cargo wear report --usage "$snapshot" --format json |
  python3 -c 'import json, sys, urllib.parse; print(urllib.parse.quote(json.load(sys.stdin)["parts"][0]["path"]))')
shot docs/src/images/html-report.png 1280 900 "file://$report#part=$first"

# A larger workspace: the terminal's summary per crate, and the HTML page opened on a module.
big=$target/wear-shots/fleet
if [ ! -d "$big/.git" ]; then
  python3 benches/age-history.py "$big" --commits 1500 --files 300 --workspace > /dev/null 2>&1
fi
cargo build --quiet -p cargo-wear
wear=$target/debug/cargo-wear
summary=$target/wear-shots/summary.html
(cd "$big" && COLORTERM=truecolor "$wear" wear heatmap --all --now 2015-10-01 --color always --width 100) |
  terminal_page > "$summary"
shot docs/src/images/heatmap-summary.png 860 420 "file://$summary"
(cd "$big" && "$wear" wear heatmap --all --now 2015-10-01 --html "$target/wear-shots/fleet.html" > /dev/null)
shot docs/src/images/html-drilldown.png 1280 760 "file://$target/wear-shots/fleet.html#module=fleet_engine"
