#!/usr/bin/env bash
# Synthetic data generation speed and memory, one command: times
# `corridor synth` at a given size (default medium, about 1M records).
# Usage: bench/synth/run.sh [SIZE]
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
SIZE="${1:-medium}"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
(cd "$ROOT" && cargo build --release --locked -q -p corridor-cli)
/usr/bin/time -v -o "$WORK/time.txt" "$ROOT/target/release/corridor" --json synth --seed 1 --size "$SIZE" --out "$WORK/data" >"$WORK/report.json"
records=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["records"])' "$WORK/report.json")
wall=$(awk -F': ' '/Elapsed \(wall clock\)/ {print $2}' "$WORK/time.txt")
rss=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$WORK/time.txt")
bytes=$(du -sb "$WORK/data" | cut -f1)
echo "corridor synth --size $SIZE: $records records, $((bytes / 1000000)) MB, wall $wall, peak RSS $((rss / 1024)) MiB"
