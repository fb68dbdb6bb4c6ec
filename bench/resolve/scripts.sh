#!/usr/bin/env bash
# Do scripts cost resolution anything? Generates the synthetic corridor data twice
# from one seed — as agencies write it (Cyrillic, Greek, Arabic, Ge'ez and Latin
# names) and its Latin-only twin (same people, records and noise) — ingests each
# into its own store, resolves, and scores both against the generator's truth.
#
# Usage: bench/resolve/scripts.sh [SIZE] [SEED]     (SIZE: demo, small, ... default demo)
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
SIZE="${1:-demo}"
SEED="${2:-1}"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
(cd "$ROOT" && cargo build --release --locked -q -p corridor-cli)
C="$ROOT/target/release/corridor"

for variant in mixed latin; do
    flag=()
    [ "$variant" = latin ] && flag=(--latin-only)
    data="$WORK/$variant"
    "$C" synth --seed "$SEED" --size "$SIZE" --out "$data" "${flag[@]}" >/dev/null
    store="$WORK/$variant.db"
    "$C" --store "$store" init >/dev/null
    python3 -c 'import json,sys; [print(f["mapping"], f["data"]) for f in json.load(open(sys.argv[1]))["files"]]' \
        "$data/manifest.json" | while read -r mapping file; do
        "$C" --store "$store" ingest --mapping "$data/$mapping" "$data/$file" \
            --rejects "$WORK/rejects.jsonl" >/dev/null
    done
    start=$(date +%s.%N)
    "$C" --store "$store" --json resolve run --seed "$SEED" --truth "$data/truth/identities.csv" >"$WORK/$variant.json"
    end=$(date +%s.%N)
    python3 - "$variant" "$WORK/$variant.json" "$start" "$end" <<'PY'
import json, sys
r = json.load(open(sys.argv[2]))
s = r["scores"]
print(f"{sys.argv[1]:>6}: {r['records']} person records -> {r['identities']} identities; "
      f"precision {s['precision']:.4f}, recall {s['recall']:.4f}, F1 {s['f1']:.4f}, "
      f"cluster precision {s['cluster_precision']:.4f}; resolve {float(sys.argv[4]) - float(sys.argv[3]):.1f} s")
PY
done
