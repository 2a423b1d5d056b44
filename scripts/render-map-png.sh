#!/usr/bin/env bash
# Renders a summary.html (the divergence map near its top) to a PNG with headless Chromium, installing Debian's
# chromium package when it is missing. Usage: scripts/render-map-png.sh SUMMARY_HTML OUT_PNG [WIDTHxHEIGHT]
set -euo pipefail

usage() {
  echo "usage: scripts/render-map-png.sh SUMMARY_HTML OUT_PNG [WIDTHxHEIGHT]" >&2
  exit 2
}

[ $# -ge 2 ] && [ $# -le 3 ] || usage
html=$1
out=$2
size=${3:-1400x1900}
[ -f "$html" ] || { echo "render-map-png.sh: $html: no such file" >&2; exit 2; }
[[ $size =~ ^[0-9]+x[0-9]+$ ]] || { echo "render-map-png.sh: size must be WIDTHxHEIGHT, not \"$size\"" >&2; exit 2; }

browser=$(command -v chromium || command -v chromium-browser || true)
if [ -z "$browser" ]; then
  echo "render-map-png.sh: installing Debian's chromium" >&2
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
  browser=$(command -v chromium)
fi

profile=$(mktemp -d)
trap 'rm -rf "$profile"' EXIT
abs_html=$(cd "$(dirname "$html")" && pwd)/$(basename "$html")
abs_out=$(cd "$(dirname "$out")" && pwd)/$(basename "$out")

"$browser" --headless --no-sandbox --disable-gpu --disable-quic --no-first-run --disable-background-networking \
  --disable-component-update --disable-sync --hide-scrollbars --user-data-dir="$profile" \
  --screenshot="$abs_out" --window-size="${size/x/,}" "file://$abs_html" >/dev/null 2>&1
[ -s "$abs_out" ] || { echo "render-map-png.sh: chromium wrote no screenshot" >&2; exit 1; }
echo "wrote $out ($size)"
