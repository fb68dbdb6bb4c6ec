#!/usr/bin/env bash
# Leiden alone, several rounds: Corridor (`corridor graph analyze`, its Leiden step)
# against igraph's and NetworKit's Leiden on the same edge lists as bench/graph/run.sh
# (make_edges.py, seed 1), each run in a fresh process, the tools taking turns in each
# round; medians reported. run.sh times every operation but only once at 1M (the
# peers' betweenness takes half an hour there); this gives Leiden, the closest
# contest, the rounds this machine's noise needs. Writes bench/out/leiden_SIZE.json
# and the Leiden-rounds section of BENCHMARKS.md.
#
# Usage: bench/graph/leiden.sh [100k] [1m]     (both when none is given)
# Env:   ROUNDS=N   rounds at every size (default 7 at 100k, 5 at 1m)
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

for size in "${sizes[@]}"; do
    make_edges "$size"
    file="$WORK/$size.edges"
    rounds="${ROUNDS:-$([ "$size" = 100k ] && echo 7 || echo 5)}"
    : >"$WORK/$size.jsonl"
    for round in $(seq "$rounds"); do
        for tool in corridor igraph networkit; do
            echo "$tool on $size (round $round of $rounds)" >&2
            if [ "$tool" = corridor ]; then
                "$C" graph analyze --edges "$file" --seed "$SEED" --sources 1 --paths 1 --neighbourhoods 1 |
                    "$PY" -c 'import json,sys; r=json.load(sys.stdin); print(json.dumps({"tool": "corridor", "milliseconds": r["milliseconds"]["leiden"], "modularity": r["leiden"]["modularity"], "communities": r["leiden"]["communities"]}))' \
                    >>"$WORK/$size.jsonl"
            else
                "$PY" "$HERE/leiden_peer.py" "$tool" "$file" "$SEED" >>"$WORK/$size.jsonl"
            fi
            sleep 2
        done
    done
    "$PY" - "$size" "$WORK/$size.jsonl" "$OUT/leiden_$size.json" <<'PY'
import datetime, json, statistics, sys
size, runs, out = sys.argv[1:]
by = {}
for line in open(runs):
    r = json.loads(line)
    by.setdefault(r["tool"], []).append(r)
tools = []
for tool, rs in by.items():
    ms = [r["milliseconds"] for r in rs]
    q = [r["modularity"] for r in rs]
    tools.append({"tool": tool, "version": rs[0].get("version", ""), "rounds": len(rs),
                  "median_ms": statistics.median(ms), "min_ms": min(ms), "max_ms": max(ms),
                  "median_modularity": statistics.median(q), "min_modularity": min(q), "max_modularity": max(q),
                  "communities": statistics.median(r["communities"] for r in rs)})
json.dump({"size": size, "date": str(datetime.date.today()), "tools": tools}, open(out, "w"), indent=1)
for t in tools:
    print(size, t["tool"], "median %.1f ms (%.1f-%.1f)" % (t["median_ms"], t["min_ms"], t["max_ms"]),
          "modularity %.5f (%.5f-%.5f)" % (t["median_modularity"], t["min_modularity"], t["max_modularity"]), file=sys.stderr)
PY
done

"$PY" - "$ROOT/BENCHMARKS.md" "$OUT" <<'PY'
import glob, json, os, platform, sys
md, out = sys.argv[1:]
lines = ["<!-- leiden:start -->", "### Leiden alone, several rounds", "",
         f"Measured with `bench/graph/leiden.sh` on {os.cpu_count()} cores ({platform.system()}): each tool in a fresh "
         "process per round, the tools taking turns; the time is the Leiden call's alone (two iterations, "
         "modularity), medians with the range over the rounds. Corridor's seed is fixed (1); igraph's is "
         "seeded through Python's `random` (1); NetworKit's parallel run is not deterministic.", ""]
def nodes(path):
    size = os.path.basename(path)[len("leiden_"):-len(".json")]
    return float(size[:-1]) * {"k": 1e3, "m": 1e6}.get(size[-1], 1) if size[:-1] else 0


for path in sorted(glob.glob(os.path.join(out, "leiden_*.json")), key=nodes):
    d = json.load(open(path))
    lines += [f"**{d['size']}** (measured {d['date']}, {d['tools'][0]['rounds']} rounds)", "",
              "| tool | Leiden, median ms | range ms | modularity, median | range | communities |",
              "|---|---:|---:|---:|---:|---:|"]
    for t in d["tools"]:
        name = t["tool"] + (f" {t['version']}" if t["version"] else "")
        lines.append(f"| {name} | {t['median_ms']:.1f} | {t['min_ms']:.1f}–{t['max_ms']:.1f} | "
                     f"{t['median_modularity']:.4f} | {t['min_modularity']:.4f}–{t['max_modularity']:.4f} | {t['communities']:.0f} |")
    lines.append("")
lines.append("<!-- leiden:end -->")
text = open(md).read()
block = "\n".join(lines)
if "<!-- leiden:start -->" in text:
    head, rest = text.split("<!-- leiden:start -->", 1)
    text = head + block + rest.split("<!-- leiden:end -->", 1)[1]
else:
    anchor = "<!-- graph:end -->"
    text = text.replace(anchor, anchor + "\n\n" + block, 1)
open(md, "w").write(text)
PY
