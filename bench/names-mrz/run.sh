#!/usr/bin/env bash
# MRZ validation and name-key throughput, one command, side by side with the PyPI
# `mrz` package on the same MRZs. Usage: bench/names-mrz/run.sh [N_MRZ] [N_NAMES]
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
N_MRZ="${1:-200000}"
N_NAMES="${2:-1000000}"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
VENV="$ROOT/bench/.venv"
[ -x "$VENV/bin/python" ] || python3 -m venv "$VENV"
"$VENV/bin/python" -c 'import mrz' 2>/dev/null || "$VENV/bin/pip" install -q mrz
(cd "$ROOT" && cargo build --release --locked -q -p corridor-cli -p bench-mrz-parse)
CORRIDOR="$ROOT/target/release/corridor"
python3 "$HERE/make_inputs.py" "$N_MRZ" "$N_NAMES" "$WORK"

peer=$("$VENV/bin/python" "$HERE/peer_mrz.py" "$WORK/mrz.jsonl")
inmem=$("$ROOT/target/release/bench-mrz-parse" "$WORK/mrz.jsonl")
start=$(date +%s.%N)
"$CORRIDOR" mrz check --jsonl <"$WORK/mrz.jsonl" >"$WORK/mrz.out"
end=$(date +%s.%N)
ours_valid=$(grep -c '"valid":true' "$WORK/mrz.out" || true)
start_n=$(date +%s.%N)
/usr/bin/time -f "%M" -o "$WORK/rss" "$CORRIDOR" names keys <"$WORK/names.txt" >"$WORK/keys.out"
end_n=$(date +%s.%N)
python3 - "$inmem" "$peer" "$start" "$end" "$ours_valid" "$N_MRZ" "$start_n" "$end_n" "$N_NAMES" "$(cat "$WORK/rss")" "$("$VENV/bin/python" -c 'import importlib.metadata as m; print(m.version("mrz"))')" <<'PY'
import json, sys
inmem = json.loads(sys.argv.pop(1))
peer = json.loads(sys.argv[1])
ours = float(sys.argv[3]) - float(sys.argv[2])
n = int(sys.argv[5]); valid = int(sys.argv[4])
names_secs = float(sys.argv[7]) - float(sys.argv[6]); n_names = int(sys.argv[8])
print(f"MRZ: {n:,} TD3 zones (1 in 10 with one corrupted character)")
print(f"  corridor mrz check --jsonl (parse, every check, JSON in and out): {ours:.2f} s = {n/ours:,.0f}/s, {valid:,} valid")
print(f"  python mrz {sys.argv[10]} TD3CodeChecker (checking only, no I/O): {peer['seconds']:.2f} s = {n/peer['seconds']:,.0f}/s, {peer['valid']:,} valid")
print(f"  ratio (CLI with JSON I/O vs checking only): {peer['seconds']/ours:.1f}x")
print(f"  corridor_mrz::parse in memory, like the peer (median of 5): one core {inmem['seconds_one_core']:.3f} s = {n/inmem['seconds_one_core']:,.0f}/s -> {peer['seconds']/inmem['seconds_one_core']:.1f}x; "
      f"{inmem['cores']} cores {inmem['seconds_all_cores']:.3f} s = {n/inmem['seconds_all_cores']:,.0f}/s -> {peer['seconds']/inmem['seconds_all_cores']:.1f}x; {inmem['valid']:,} valid")
print(f"Names: corridor names keys on {n_names:,} names (Latin, Cyrillic, Greek, Arabic): {names_secs:.2f} s = {n_names/names_secs:,.0f}/s, peak RSS {int(sys.argv[9])//1024} MiB")
PY
