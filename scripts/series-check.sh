#!/bin/sh
# Checks that the patch series applies to an OpenBSD tree in order, each patch with no fuzz and no offset:
#   scripts/series-check.sh /usr/src        (the tree of vmm_machdep.c,v 1.59; see 0000-cover-letter.txt)
# Copies the files the series touches into a scratch folder (the tree itself is not changed), applies every
# src/port/variants/series/0*.diff there with patch -p1 -F0, and fails on a reject, a fuzz or an offset.
set -eu
usage() { echo "usage: scripts/series-check.sh TREE" >&2; exit 2; }
[ $# -eq 1 ] || usage
tree=$1
here=$(cd "$(dirname "$0")/.." && pwd)
series="$here/src/port/variants/series"
[ -d "$tree/sys/arch/amd64" ] || { echo "series-check: $tree: no sys/arch/amd64 (not an OpenBSD src tree)" >&2; exit 2; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
for p in "$series"/0*.diff; do
  for f in $(sed -n 's|^--- a/||p' "$p"); do
    [ -f "$work/$f" ] && continue
    [ -f "$tree/$f" ] || { echo "series-check: $tree/$f: missing" >&2; exit 2; }
    mkdir -p "$work/$(dirname "$f")" && cp "$tree/$f" "$work/$f"
  done
done
status=0
for p in "$series"/0*.diff; do
  name=$(basename "$p")
  if ! out=$(cd "$work" && patch -p1 -F0 -N --no-backup-if-mismatch <"$p" 2>&1); then
    echo "$name: does not apply"; echo "$out" | sed 's/^/  /'; status=1; continue
  fi
  if echo "$out" | grep -q -i -e offset -e fuzz; then
    echo "$name: applies only with an offset or fuzz"; echo "$out" | sed 's/^/  /'; status=1; continue
  fi
  echo "$name: applies cleanly"
done
exit $status
