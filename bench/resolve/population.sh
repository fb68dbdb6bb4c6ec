#!/usr/bin/env bash
# Entity resolution at hub scale, checked the way an outside party would check it:
# a population with corridor-concentrated names (bench/resolve/population.py: 60% true
# people, 40% duplicate records, a quarter of the names in Arabic, Cyrillic or Greek
# script, ten agencies' files), each file ingested with a plain mapping as README.md's
# "Resolving your own person list" writes it, then `resolve run` with default settings
# and `resolve export`, scored against the generator's truth with score.py.
# Times: ingest (all files), resolve run and export apart, each with peak RSS.
# Writes bench/out/population_SIZE.json and prints it.
#
# Usage: bench/resolve/population.sh SIZE [SEED]   (SIZE: total records, e.g. 20k, 100k, 1m;
#        SEED default 1)
# Env:   CORRIDOR_BIN=path  the corridor binary (default target/release/corridor; not built here)
#        KEEP_WORK=1        keep the work directory (data, store, export, logs)
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
SIZE="${1:?usage: population.sh SIZE [SEED]   (SIZE such as 20k, 100k, 1m)}"
SEED="${2:-1}"
C="${CORRIDOR_BIN:-$ROOT/target/release/corridor}"
OUT="$ROOT/bench/out"
PY="${PYTHON:-python3}"

case "$SIZE" in
    *[kK]) RECORDS=$(( ${SIZE%[kK]} * 1000 )) ;;
    *[mM]) RECORDS=$(( ${SIZE%[mM]} * 1000000 )) ;;
    *[!0-9]*|"") echo "SIZE: a record count such as 20k, 100k or 1m, not '$SIZE'" >&2; exit 2 ;;
    *) RECORDS=$SIZE ;;
esac
PEOPLE=$(( RECORDS * 6 / 10 ))
DUPLICATES=$(( RECORDS - PEOPLE ))
[ -x "$C" ] || { echo "no corridor binary at $C (build it, or set CORRIDOR_BIN)" >&2; exit 2; }
[ -x /usr/bin/time ] || { echo "needs /usr/bin/time (GNU time)" >&2; exit 2; }

WORK="$(mktemp -d)"
if [ -n "${KEEP_WORK:-}" ]; then
    trap 'echo "work directory kept: $WORK" >&2' EXIT
else
    trap 'rm -rf "$WORK"' EXIT
fi
mkdir -p "$OUT"
DATA="$WORK/data"
STORE="$WORK/corridor.db"

# Runs a command under /usr/bin/time; appends "seconds peak_kib" to the file $1.
timed() {
    local file="$1"
    shift
    /usr/bin/time -f "%e %M" -a -o "$file" "$@"
}

echo "generating $RECORDS records: $PEOPLE people + $DUPLICATES duplicates (seed $SEED)" >&2
"$PY" "$HERE/population.py" --people "$PEOPLE" --duplicates "$DUPLICATES" --seed "$SEED" \
    --out "$DATA" >"$WORK/generate.json"

"$C" --store "$STORE" init >/dev/null

echo "ingesting" >&2
: >"$WORK/ingest.times"
"$PY" -c 'import json,sys; [print(f["mapping"], f["data"]) for f in json.load(open(sys.argv[1]))["files"]]' \
    "$DATA/manifest.json" | while read -r mapping file; do
    # Exit 3 = some rows rejected (kept in the rejects file); those are not records.
    timed "$WORK/ingest.times" "$C" --store "$STORE" ingest --mapping "$DATA/$mapping" "$DATA/$file" \
        --rejects "$WORK/rejects.jsonl" >>"$WORK/ingest.log" || [ $? -eq 3 ]
done

echo "resolve run" >&2
: >"$WORK/resolve.times"
timed "$WORK/resolve.times" "$C" --store "$STORE" --json resolve run >"$WORK/run.json"
echo "resolve export" >&2
: >"$WORK/export.times"
timed "$WORK/export.times" "$C" --store "$STORE" resolve export >"$WORK/export.csv"

# Truth and prediction in score.py's form, keyed by the person entity's id
# (dataset:record_id:person): every generated record counts, ingested or not (a
# rejected row is a record the outside party expected to see resolved). Records the
# export lists without an identity are singletons.
"$PY" - "$DATA/truth.csv" "$WORK/export.csv" "$WORK/truth_scored.csv" "$WORK/pred_scored.csv" <<'PY'
import csv, sys
truth_in, export, truth_out, pred_out = sys.argv[1:]
ids = set()
with open(truth_in, newline="") as f, open(truth_out, "w", newline="") as g:
    out = csv.writer(g)
    out.writerow(["rec_id", "true_id"])
    for r in csv.DictReader(f):
        rec = f"{r['dataset']}:{r['record_id']}:person"
        ids.add(rec)
        out.writerow([rec, r["true_id"]])
with open(export, newline="") as f, open(pred_out, "w", newline="") as g:
    out = csv.writer(g)
    out.writerow(["rec_id", "identity"])
    for r in csv.DictReader(f):
        if r["entity"] in ids and r["identity"]:
            out.writerow([r["entity"], r["identity"]])
PY
"$PY" "$HERE/score.py" "$WORK/truth_scored.csv" "$WORK/pred_scored.csv" >"$WORK/score.json"

# Which binary and tree: the version alone does not tell builds of a dirty tree apart.
BUILD="$(readlink -f "$C") built $(date -u -r "$C" +%Y-%m-%dT%H:%M:%SZ); tree $(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)$(git -C "$ROOT" diff --quiet -- crates 2>/dev/null || echo ' with uncommitted changes under crates/')"
"$PY" - "$WORK" "$DATA" "$OUT/population_$SIZE.json" "$SIZE" "$SEED" "$("$C" --version)" "$BUILD" <<'PY'
import datetime, json, os, platform, sys
work, data, out_json, size, seed, version, build = sys.argv[1:8]

def times(name):
    """(seconds summed, peak RSS MiB) of the /usr/bin/time lines in a file."""
    secs, peak = 0.0, 0
    with open(os.path.join(work, name)) as f:
        for line in f:
            parts = line.split()
            if len(parts) == 2 and parts[1].isdigit():  # skip "Command exited ..." lines
                secs += float(parts[0])
                peak = max(peak, int(parts[1]))
    return round(secs, 2), round(peak / 1024, 1)

run = json.load(open(os.path.join(work, "run.json")))
score = json.load(open(os.path.join(work, "score.json")))
stats = json.load(open(os.path.join(data, "stats.json")))
manifest = json.load(open(os.path.join(data, "manifest.json")))
rejected = 0
if os.path.exists(os.path.join(work, "rejects.jsonl")):
    with open(os.path.join(work, "rejects.jsonl")) as f:
        rejected = sum(1 for line in f if line.strip())
i_secs, i_peak = times("ingest.times")
r_secs, r_peak = times("resolve.times")
e_secs, e_peak = times("export.times")
cl = score["clustered"]
result = {
    "benchmark": "resolve-population",
    "date": str(datetime.date.today()),
    "machine": {"cores": os.cpu_count(), "system": platform.system()},
    "corridor": version, "build": build,
    "size": size, "seed": int(seed),
    "records": score["records"], "people": manifest["people"], "duplicates": manifest["duplicates"],
    "records_resolved": run.get("records"), "rows_rejected": rejected,
    "non_latin_share": stats["non_latin_share"],
    "seconds_ingest": i_secs, "peak_mib_ingest": i_peak,
    "seconds_resolve": r_secs, "peak_mib_resolve": r_peak,
    "seconds_export": e_secs, "peak_mib_export": e_peak,
    "candidate_pairs": run.get("candidate_pairs"),
    "identities": run.get("identities"), "links": run.get("links"), "review": run.get("review"),
    "true_pairs": score["true_pairs"],
    "precision": cl["precision"], "recall": cl["recall"], "f1": cl["f1"],
    "cluster_precision": cl["cluster_precision"],
    "largest_identity": score["largest_identity"],
    "identities_over_20": score["identities_over_20"],
    "size_histogram": score["size_histogram"],
    "largest_true_identity": score["largest_true_identity"],
    "true_size_histogram": score["true_size_histogram"],
    "oversized_blocks": {b["rule"]: b["oversized_blocks"] for b in run.get("blocking", [])
                         if b.get("oversized_blocks")},
    "timings": run.get("timings"),
    "score": score,
}
with open(out_json, "w") as f:
    json.dump(result, f, indent=2)
brief = {k: v for k, v in result.items() if k not in ("score", "timings", "true_size_histogram")}
print(json.dumps(brief, indent=2))
print(f"written {out_json}", file=sys.stderr)
PY
