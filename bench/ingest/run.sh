#!/usr/bin/env bash
# Ingest benchmark, one command: Corridor's ingest, FollowTheMoney's `ftm map` and a
# bare rusqlite loop, side by side on the same rows (one person, phone and passport
# per row). Writes bench/out/ingest.json and rewrites the ingest section of
# BENCHMARKS.md with the machine and date.
#
# Usage: bench/ingest/run.sh [ROWS]      (default 1000000; BENCH_SKIP_FTM=1 skips ftm)
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
ROWS="${1:-1000000}"
OUT="$ROOT/bench/out"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
mkdir -p "$OUT"

echo "building release binaries" >&2
(cd "$ROOT" && cargo build --release --locked -q -p corridor-cli -p bench-bare-sqlite)
CORRIDOR="$ROOT/target/release/corridor"
BARE="$ROOT/target/release/bench-bare-sqlite"

small=$(( ROWS / 10 ))
echo "generating $ROWS and $small rows" >&2
python3 "$HERE/make_rows.py" "$ROWS" "$WORK/rows.csv"
python3 "$HERE/make_rows.py" "$small" "$WORK/rows_small.csv"

# Runs a command under /usr/bin/time -v; prints "seconds peak_rss_kb" of the run.
timed() {
    local log="$WORK/time.$$.txt"
    /usr/bin/time -v -o "$log" "$@" >"$WORK/stdout.txt" 2>"$WORK/stderr.txt" || {
        echo "failed: $*" >&2; cat "$WORK/stderr.txt" >&2; exit 1; }
    local wall rss
    wall=$(awk -F': ' '/Elapsed \(wall clock\)/ {print $2}' "$log")
    rss=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$log")
    python3 - "$wall" "$rss" <<'PY'
import sys
parts = [float(p) for p in sys.argv[1].split(":")]
secs = sum(p * 60 ** i for i, p in enumerate(reversed(parts)))
print(f"{secs:.3f} {sys.argv[2]}")
PY
}

corridor_run() {
    local csv="$1" db="$WORK/corridor-$RANDOM.db"
    "$CORRIDOR" --store "$db" init >/dev/null
    read -r secs rss < <(timed "$CORRIDOR" --store "$db" --json ingest --mapping "$HERE/corridor_mapping.toml" "$csv")
    local statements rejected
    statements=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["statements"])' "$WORK/stdout.txt")
    rejected=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["rejected"])' "$WORK/stdout.txt")
    [ "$rejected" = "0" ] || { echo "corridor rejected $rejected rows" >&2; exit 1; }
    # Re-import of the same file: must change nothing.
    read -r resecs _ < <(timed "$CORRIDOR" --store "$db" --json ingest --mapping "$HERE/corridor_mapping.toml" "$csv")
    local unchanged
    unchanged=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["unchanged"])' "$WORK/stdout.txt")
    local size
    size=$(du -k "$db" | cut -f1)
    echo "$secs $rss $statements $resecs $unchanged $size"
}

echo "corridor ingest, $small rows" >&2
read -r c_small_secs c_small_rss c_small_st _ _ _ < <(corridor_run "$WORK/rows_small.csv")
# Disk writeback makes single runs vary by ±15% here: Corridor and the bare loop run
# three times each, alternating, and the median run is reported.
: >"$WORK/corridor.runs"; : >"$WORK/bare.runs"
for i in 1 2 3; do
    echo "corridor ingest, $ROWS rows (run $i of 3)" >&2
    corridor_run "$WORK/rows.csv" >>"$WORK/corridor.runs"
    echo "bare rusqlite loop, $ROWS rows (run $i of 3)" >&2
    read -r secs rss < <(timed "$BARE" "$WORK/rows.csv" "$WORK/bare.db")
    st=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["statements"])' "$WORK/stdout.txt")
    echo "$secs $rss $st" >>"$WORK/bare.runs"
done
read -r c_secs c_rss c_st c_resecs c_unchanged c_kb < <(sort -n "$WORK/corridor.runs" | sed -n 2p)
read -r b_secs b_rss b_st < <(sort -n "$WORK/bare.runs" | sed -n 2p)
c_all=$(cut -d' ' -f1 "$WORK/corridor.runs" | paste -sd, -)
b_all=$(cut -d' ' -f1 "$WORK/bare.runs" | paste -sd, -)

f_secs=null; f_rss=null; f_entities=null; f_version=null
if [ "${BENCH_SKIP_FTM:-0}" != "1" ]; then
    echo "ftm map, $ROWS rows (slow: about 7,000 rows/s)" >&2
    "$HERE/ftm_setup.sh" >&2
    line=$("$HERE/run_ftm.sh" "$WORK/rows.csv" | tail -n 1)
    f_secs=$(python3 -c 'import json,sys; print(json.loads(sys.argv[1])["seconds"])' "$line")
    f_rss=$(python3 -c 'import json,sys; print(json.loads(sys.argv[1])["peak_rss_kb"])' "$line")
    f_entities=$(python3 -c 'import json,sys; print(json.loads(sys.argv[1])["entities"])' "$line")
    f_version="\"$("$ROOT/bench/.venv/bin/python" -c 'import importlib.metadata as m; print(m.version("followthemoney"))')\""
fi

cat >"$OUT/ingest.json" <<JSON
{
  "date": "$(date -u +%Y-%m-%d)",
  "machine": "$(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//')",
  "rows": $ROWS,
  "corridor": {"runs": [$c_all], "seconds": $c_secs, "peak_rss_kb": $c_rss, "statements": $c_st, "reimport_seconds": $c_resecs, "reimport_unchanged": $c_unchanged, "store_kb": $c_kb},
  "corridor_small": {"rows": $small, "seconds": $c_small_secs, "peak_rss_kb": $c_small_rss, "statements": $c_small_st},
  "bare": {"runs": [$b_all], "seconds": $b_secs, "peak_rss_kb": $b_rss, "statements": $b_st},
  "ftm": {"version": $f_version, "seconds": $f_secs, "peak_rss_kb": $f_rss, "entities": $f_entities}
}
JSON
python3 "$HERE/report.py" "$OUT/ingest.json" "$ROOT/BENCHMARKS.md"
