#!/usr/bin/env bash
# The unattended nightly: random, property and sweep within one time budget, seeded by the UTC date, writing
# DIR/summary.json, summary.md, summary.html, map.svg and crashes/. Exit 1 when a signature not already in the
# crash store was found, 0 otherwise, 2 on bad usage. Any other `vmm-difffuzz nightly` option may follow.
# Usage: scripts/nightly.sh --time SECONDS --out DIR [--jobs N] [--seed N] [--shard I/N] [--impl NAME]
set -uo pipefail

usage="usage: scripts/nightly.sh --time SECONDS --out DIR [--jobs N] [--seed N] [--shard I/N] [--impl NAME] [--against NAME]"
has_time=0
has_out=0
for arg in "$@"; do
  case $arg in
    --time | --time=?*) has_time=1 ;;
    --out | --out=?*) has_out=1 ;;
    --help) echo "$usage"; exit 0 ;;
  esac
done
if [ $# -eq 0 ] || [ $has_time -eq 0 ] || [ $has_out -eq 0 ]; then
  echo "$usage" >&2
  exit 2
fi

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# Worker threads start in a fraction of a second from the compiled JavaScript and in seconds from the TypeScript
# sources (each compiles them again), which the budget would pay for: compile first when dist/ is out of date.
compiled=$root/dist/src/cli/main.js
if [ "${VMM_DIFFFUZZ_NO_BUILD:-0}" != 1 ] &&
  { [ ! -f "$compiled" ] || [ -n "$(find "$root/src" "$root/reference" -name '*.ts' -newer "$compiled" -print -quit)" ]; }; then
  echo "nightly.sh: compiling (npm run build) first" >&2
  (cd "$root" && npm run --silent build >/dev/null 2>&1) || echo "nightly.sh: the build reported errors; running what it emitted" >&2
fi
exec node "$root/bin/vmm-difffuzz.js" nightly "$@"
