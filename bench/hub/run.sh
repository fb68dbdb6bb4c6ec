#!/usr/bin/env bash
# Hub-scale benchmark, one command: what must not grow with the number of records.
# On 1,000,000 rows of person + phone + passport (bench/ingest/make_rows.py), plus 400
# rows sharing a phone with earlier ones, resolved:
#   1. `network list` the first time (wall time, peak memory), and a node's next
#      requests from its kept graph (`crates/app/examples/graph_cache.rs`);
#   2. one new person row ingested and matched at once against the resolved store,
#      from the CLI and on a running node (`crates/app/examples/ingest_one.rs`:
#      three rows in turn, the store open);
#   3. logged reads (`show`) every 0.25 s while 1,000,000 changed rows are ingested
#      (a batch is one transaction): how many fail, and their latency.
# Writes bench/out/hub.json. Usage: bench/hub/run.sh [ROWS] (default 1000000).
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
ROWS="${1:-1000000}"
OUT="$ROOT/bench/out"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
mkdir -p "$OUT"

echo "building the release binary" >&2
(cd "$ROOT" && cargo build --release --locked -q -p corridor-cli && cargo build --release --locked -q -p corridor-app --example graph_cache --example ingest_one)
C="${CARGO_TARGET_DIR:-$ROOT/target}/release/corridor"
MAPPING="$ROOT/bench/ingest/corridor_mapping.toml"
S="$WORK/hub.db"

# Wall seconds and peak RSS (KiB) of a command, as "seconds kib".
timed() {
    /usr/bin/time -f "%e %M" -o "$WORK/time" "$@" >"$WORK/stdout" 2>"$WORK/stderr" || {
        echo "failed: $*" >&2; cat "$WORK/stderr" >&2; exit 1; }
    cat "$WORK/time"
}

echo "generating $ROWS rows twice (the second: the same records, changed)" >&2
python3 "$ROOT/bench/ingest/make_rows.py" "$ROWS" "$WORK/rows.csv"
python3 "$ROOT/bench/ingest/make_rows.py" "$ROWS" "$WORK/changed.csv" 2
python3 - "$WORK/rows.csv" "$WORK/shared.csv" "$WORK/one.csv" <<'PY'
import csv, sys
rows = csv.reader(open(sys.argv[1])); header = next(rows)
shared = csv.writer(open(sys.argv[2], "w", newline="")); shared.writerow(header)
first = None
for i, row in enumerate(rows):
    if i >= 400:
        break
    first = first or list(row)
    # Another record of someone else's phone: a shared selector, a link.
    # Another person (other name, a full birth date) with the same phone.
    shared.writerow(["x-" + row[0], "Jovan", f"Sharovski{i}", "1971-06-15", row[4], row[5], f"ZQ{i:07d}", row[7]])
one = csv.writer(open(sys.argv[3], "w", newline="")); one.writerow(header)
one.writerow(["new-" + first[0]] + first[1:])
for k in range(3):
    w = csv.writer(open(sys.argv[3].replace(".csv", f"{k}.csv"), "w", newline="")); w.writerow(header)
    w.writerow([f"node{k}-" + first[0]] + first[1:])
PY

"$C" --store "$S" init >/dev/null
echo "ingesting, resolving" >&2
read -r ingest_s ingest_kib < <(timed "$C" --store "$S" ingest --mapping "$MAPPING" "$WORK/rows.csv" --rejects /dev/null)
"$C" --store "$S" ingest --mapping "$MAPPING" "$WORK/shared.csv" --rejects /dev/null >/dev/null
read -r resolve_s resolve_kib < <(timed "$C" --store "$S" resolve run)

echo "network list" >&2
read -r list_s list_kib < <(timed "$C" --store "$S" --json network list)
python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(d["parties"], d["links"])' "$WORK/stdout" > "$WORK/graph"
read -r parties links < "$WORK/graph"
"${CARGO_TARGET_DIR:-$ROOT/target}/release/examples/graph_cache" "$S" > "$WORK/cache.json"

echo "one record ingested and matched" >&2
read -r one_s one_kib < <(timed "$C" --store "$S" --json ingest --mapping "$MAPPING" "$WORK/one.csv" --rejects /dev/null)
one_outcome=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["resolution"]["outcome"])' "$WORK/stdout")
"${CARGO_TARGET_DIR:-$ROOT/target}/release/examples/ingest_one" "$S" "$MAPPING" "$WORK/one0.csv" "$WORK/one1.csv" "$WORK/one2.csv" > "$WORK/node_one.json"

echo "reads during a $ROWS-row ingest" >&2
"$C" --store "$S" --purpose bench ingest --mapping "$MAPPING" "$WORK/changed.csv" --rejects /dev/null >"$WORK/long.out" 2>&1 &
ingesting=$!
sleep 1
: > "$WORK/reads"
while kill -0 "$ingesting" 2>/dev/null; do
    id=$(printf "bench-persons:P%07d:person" $(( (RANDOM * 30) % ROWS + 1 )))
    python3 - "$C" "$S" "$id" >> "$WORK/reads" <<'PY'
import subprocess, sys, time
t = time.monotonic()
rc = subprocess.run([sys.argv[1], "--store", sys.argv[2], "--purpose", "bench", "show", sys.argv[3]],
                    stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL).returncode
print(f"{time.monotonic() - t:.4f} {rc}")
PY
    sleep 0.25
done
wait "$ingesting"
verify=$("$C" --store "$S" audit verify | head -1)

python3 - "$WORK/reads" "$OUT/hub.json" <<PY
import json, statistics, sys, platform, datetime, os
reads = [l.split() for l in open(sys.argv[1]) if l.strip()]
t = sorted(float(a) for a, _ in reads)
failed = sum(1 for _, rc in reads if rc != "0")
out = {
    "date": datetime.date.today().isoformat(), "machine": platform.processor() or platform.machine(),
    "cores": os.cpu_count(), "rows": $ROWS,
    "ingest": {"seconds": $ingest_s, "peak_mib": $ingest_kib // 1024},
    "resolve_run": {"seconds": $resolve_s, "peak_mib": $resolve_kib // 1024},
    "network_list": {"seconds": $list_s, "peak_mib": $list_kib // 1024, "parties": $parties, "links": $links},
    "node_graph_cache": json.load(open("$WORK/cache.json")),
    "one_record_ingest": {"seconds": $one_s, "peak_mib": $one_kib // 1024, "outcome": "$one_outcome"},
    "one_record_on_a_node": [{"seconds": r["seconds"], "outcome": r["resolution"]["outcome"]} for r in json.load(open("$WORK/node_one.json"))],
    "reads_during_ingest": {"reads": len(t), "failed": failed,
        "median_s": statistics.median(t) if t else None, "max_s": t[-1] if t else None},
    "audit_after": "$verify",
}
json.dump(out, open(sys.argv[2], "w"), indent=2)
print(json.dumps(out, indent=2))
PY
