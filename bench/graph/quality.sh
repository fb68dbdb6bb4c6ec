#!/usr/bin/env bash
# How well the networks Corridor finds match the generator's true networks:
# synthetic corridor data (seeded) → ingest → resolve → `network list --truth`,
# adjusted Rand index and NMI over every record of a member of a true network
# (facilitators and the people they moved). Also times the network step. Writes the
# network-quality section of BENCHMARKS.md.
#
# Usage: bench/graph/quality.sh [SIZE...]     (default: demo small)
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
sizes=("$@")
[ ${#sizes[@]} -eq 0 ] && sizes=(demo small)
(cd "$ROOT" && cargo build --release --locked -q -p corridor-cli)
C="$ROOT/target/release/corridor"
SEED=1

for size in "${sizes[@]}"; do
    data="$WORK/$size"
    store="$WORK/$size.db"
    echo "$size: generating, ingesting, resolving" >&2
    "$C" synth --seed "$SEED" --size "$size" --out "$data" >/dev/null
    "$C" --store "$store" init >/dev/null
    python3 -c 'import json,sys; [print(f["mapping"], f["data"]) for f in json.load(open(sys.argv[1]))["files"]]' \
        "$data/manifest.json" | while read -r mapping file; do
        "$C" --store "$store" ingest --mapping "$data/$mapping" "$data/$file" --rejects "$WORK/rejects.jsonl" >/dev/null
    done
    "$C" --store "$store" resolve run --seed "$SEED" >/dev/null
    for r in 1 0.5; do
        /usr/bin/time -f "%e %M" -o "$WORK/time" \
            "$C" --store "$store" --json network list --truth "$data/truth" --resolution "$r" >"$WORK/${size}_$r.json"
        read -r seconds kib <"$WORK/time"
        echo "$size $r $seconds $kib $WORK/${size}_$r.json" >>"$WORK/runs"
    done
done

python3 - "$WORK/runs" "$ROOT/BENCHMARKS.md" <<'PY'
import datetime, json, os, sys
rows = []
for line in open(sys.argv[1]):
    size, r, seconds, kib, path = line.split()
    d = json.load(open(path))
    q = d["quality"]
    rows.append(
        f"| {size} | {r} | {d['parties']:,} | {d['links']:,} | {len(d['networks'])} | {q['true_networks']} | "
        f"{q['records']:,} | **{q['adjusted_rand_index']:.3f}** | **{q['nmi']:.3f}** | {d['modularity']:.3f} | "
        f"{float(seconds):.2f} | {round(int(kib) / 1024)} |"
    )
    print(rows[-1])
section = f"""<!-- network-quality:start -->
## Networks against the generator's truth

Measured {datetime.date.today()} on {os.cpu_count()} cores with `bench/graph/quality.sh`: synthetic corridor data
(seed 1) ingested and resolved, then `corridor network list --truth` on all the evidence. Scored over every
record of a member of a true network (its facilitators and the people it moved): adjusted Rand index and
NMI of the true network against the network found (a party in no network of 3 or more counts alone).
Seconds and peak memory are the whole `network list` process (reading every entity, building the graph,
Leiden, betweenness, scoring). Resolution 1 is the default.

| data | Leiden resolution | parties | links | networks | true networks | records scored | ARI | NMI | modularity | seconds | peak MiB |
|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|
""" + "\n".join(rows) + """
<!-- network-quality:end -->"""
md = sys.argv[2]
text = open(md).read()
start, end = text.find("<!-- network-quality:start -->"), text.find("<!-- network-quality:end -->")
if start >= 0 and end >= 0:
    text = text[:start] + section + text[end + len("<!-- network-quality:end -->"):]
else:
    text = text.rstrip("\n") + "\n\n" + section + "\n"
open(md, "w").write(text)
PY
