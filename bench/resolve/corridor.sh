#!/usr/bin/env bash
# Entity-resolution benchmark on the synthetic corridor data: Corridor vs Splink 4
# (DuckDB backend) on multi-agency, multi-script person records with ground truth.
# One command: generate the set, ingest every agency file, resolve with Corridor
# (its defaults: join at 0.9, review at 0.5), export the same person records as one
# flat CSV for Splink (`resolve records`), run Splink on it, and score both against
# the generator's truth with the one scorer (score.py).
# Corridor's time is `resolve run` + `resolve export` (ingest is reported apart:
# Splink's input is the flat CSV, already parsed); Splink's is its whole process.
# Writes bench/out/resolve_corridor_SIZE.json and prints a table.
#
# Usage: bench/resolve/corridor.sh SIZE [SEED]   (SIZE: demo, small, medium, large, or
#        a record count such as 100k; SEED default 1)
# Env:   CORRIDOR_BIN=path  use this corridor binary instead of building one
#        KEEP_WORK=1        keep the work directory (data, store, pairs, logs)
#        SKIP_PAIRS=1       leave out Corridor's scored-pair metrics (a second run writing
#                           every candidate pair: tens of millions at 1M)
#        SKIP_SPLINK=1      leave Splink out (at 1M it ran 740 s, reached 21.6 GB and
#                           filled the disk with DuckDB's spill on 2026-12-06)
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
SIZE="${1:?usage: corridor.sh SIZE [SEED]}"
SEED="${2:-1}"
OUT="$ROOT/bench/out"
WORK="$(mktemp -d)"
if [ -n "${KEEP_WORK:-}" ]; then
    trap 'echo "work directory kept: $WORK" >&2' EXIT
else
    trap 'rm -rf "$WORK"' EXIT
fi
mkdir -p "$OUT"

bash "$HERE/setup_venv.sh" >&2
PY="$ROOT/bench/.venv/bin/python"
if [ -n "${CORRIDOR_BIN:-}" ]; then
    C="$CORRIDOR_BIN"
else
    echo "building release binaries" >&2
    (cd "$ROOT" && cargo build --release --locked -q -p corridor-cli)
    C="$ROOT/target/release/corridor"
fi

# Runs a command under /usr/bin/time; appends "seconds peak_kib" to the file $1.
timed() {
    local file="$1"
    shift
    /usr/bin/time -f "%e %M" -a -o "$file" "$@"
}

DATA="$WORK/data"
STORE="$WORK/corridor.db"
echo "generating $SIZE (seed $SEED)" >&2
"$C" synth --seed "$SEED" --size "$SIZE" --out "$DATA" >/dev/null
"$C" --store "$STORE" init >/dev/null

echo "ingesting" >&2
: >"$WORK/ingest.times"
"$PY" -c 'import json,sys; [print(f["mapping"], f["data"]) for f in json.load(open(sys.argv[1]))["files"]]' \
    "$DATA/manifest.json" | while read -r mapping file; do
    # Exit 3 = rows rejected (kept in the rejects file); those are not records.
    timed "$WORK/ingest.times" "$C" --store "$STORE" ingest --mapping "$DATA/$mapping" "$DATA/$file" \
        --rejects "$WORK/rejects.jsonl" >/dev/null || [ $? -eq 3 ]
done

echo "corridor resolve" >&2
: >"$WORK/corridor.times"
timed "$WORK/corridor.times" "$C" --store "$STORE" --json resolve run --seed "$SEED" >"$WORK/corridor_run.json"
timed "$WORK/corridor.times" "$C" --store "$STORE" resolve export >"$WORK/corridor_export.csv"
# Every scored pair for the pairwise metrics, from a second, untimed run with the same
# seed (a run is deterministic): writing millions of pairs is not part of resolving.
if [ -z "${SKIP_PAIRS:-}" ]; then
    "$C" --store "$STORE" resolve run --seed "$SEED" --pairs "$WORK/corridor_pairs_raw.csv" >/dev/null
fi

# The same person records, one flat row each: Splink's input.
"$C" --store "$STORE" resolve records >"$WORK/records.csv"

if [ -z "${SKIP_SPLINK:-}" ]; then
    echo "splink" >&2
    /usr/bin/time -f "%e %M" -o "$WORK/splink.time" \
        "$PY" "$HERE/peer_splink_corridor.py" "$WORK/records.csv" "$WORK" --seed "$SEED" \
        >"$WORK/splink.json" 2>"$WORK/splink.log" || { tail -n 30 "$WORK/splink.log" >&2; exit 1; }
fi

# Truth and Corridor's output in score.py's formats, restricted to the person records
# of the flat CSV (ids `dataset:source_record:entity`; the truth's rows are keyed the
# same way, the export's `entity` column is that id).
"$PY" - "$WORK" "$DATA/truth/identities.csv" <<'PY'
import csv, sys
work, truth = sys.argv[1:]
ids = {r["id"] for r in csv.DictReader(open(f"{work}/records.csv", newline=""))}
with open(f"{work}/truth.csv", "w", newline="") as f:
    out = csv.writer(f)
    out.writerow(["rec_id", "true_id"])
    for r in csv.DictReader(open(truth, newline="")):
        rec = f"{r['dataset']}:{r['record_id']}:{r['entity']}"
        if rec in ids:
            out.writerow([rec, r["true_id"]])
with open(f"{work}/corridor_pred.csv", "w", newline="") as f:
    out = csv.writer(f)
    out.writerow(["rec_id", "identity"])
    for r in csv.DictReader(open(f"{work}/corridor_export.csv", newline="")):
        if r["entity"] in ids and r["identity"]:  # no identity: a singleton
            out.writerow([r["entity"], r["identity"]])
# Pairs: score.py needs the person ids. One source row can hold several persons
# (payer and beneficiary, owner and contacts ...), so record_id_l/_r alone are
# ambiguous; only a pairs file that also names the entities can be scored.
import os
raw = f"{work}/corridor_pairs_raw.csv"
with open(raw if os.path.exists(raw) else os.devnull, newline="") as f:
    reader = csv.DictReader(f)
    cols = next(((l, r) for l, r in (("entity_l", "entity_r"), ("id_l", "id_r"))
                 if l in (reader.fieldnames or []) and r in (reader.fieldnames or [])), None)
    if cols:
        with open(f"{work}/corridor_pairs.csv", "w", newline="") as g:
            out = csv.writer(g)
            out.writerow(["rec_id_l", "rec_id_r", "match_probability"])
            for r in reader:
                out.writerow([r[cols[0]], r[cols[1]], r["match_probability"]])
PY

if [ -z "${SKIP_SPLINK:-}" ]; then
    "$PY" "$HERE/score.py" "$WORK/truth.csv" "$WORK/splink_corridor_clusters_0.5.csv" \
        --pairs "$WORK/splink_corridor_pairs.csv" >"$WORK/score_splink.json"
fi
pairs=()
if [ -f "$WORK/corridor_pairs.csv" ]; then
    pairs=(--pairs "$WORK/corridor_pairs.csv")
else
    echo "corridor's --pairs file names no entities: its pairwise metrics are skipped" >&2
fi
"$PY" "$HERE/score.py" "$WORK/truth.csv" "$WORK/corridor_pred.csv" "${pairs[@]}" \
    >"$WORK/score_corridor.json"

"$PY" "$HERE/report_corridor.py" "$WORK" "$OUT/resolve_corridor_$SIZE.json" "$SIZE" "$SEED" \
    "$("$C" --version)"
