#!/usr/bin/env bash
# Render the charts of a few answers to PNG with headless Chromium (not a test: a look at what users see).
# Usage: scripts/chart_png.sh [OUT_DIR]   (needs /usr/bin/chromium: apt-get install chromium)
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:-docs/img}
tmp=$(mktemp -d)
.venv/bin/python -m core ask "../shared/realbooks/Adidas US Sales Datasets.xlsx" --no-llm \
  -q "Show the monthly trend of total sales in 2021" -q "Compare total sales by sales method" --chart-out "$tmp" >/dev/null
mkdir -p "$out"
n=0
for name in chart-trend chart-by-method; do
  n=$((n + 1))
  chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run --disable-background-networking \
    --disable-component-update --disable-sync --user-data-dir="$(mktemp -d)" --window-size=900,420 \
    --screenshot="$out/$name.png" "file://$tmp/chart-0$n.html" 2>/dev/null
done
echo "wrote $out/chart-trend.png $out/chart-by-method.png"
