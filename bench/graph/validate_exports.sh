#!/usr/bin/env bash
# Checks every `corridor network export` format with the tools that read it, on the
# demo store: GraphML with NetworkX and python-igraph, GEXF with NetworkX (the
# parser Gephi-compatible tools share), Cytoscape.js JSON by its element counts,
# GeoJSON with the PyPI `geojson` validator (RFC 7946), FollowTheMoney entities with
# `ftm validate` (followthemoney): it must accept every entity and drop no value.
# Exits non-zero on any failure.
#
# Usage: bench/graph/validate_exports.sh
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
VENV="$ROOT/bench/.venv-graph"
[ -x "$VENV/bin/python" ] || python3 -m venv "$VENV"
PY="$VENV/bin/python"
"$PY" -c 'import networkx, igraph, geojson, followthemoney' 2>/dev/null ||
    "$PY" -m pip install --quiet --disable-pip-version-check networkx igraph geojson followthemoney
(cd "$ROOT" && cargo build --release --locked -q -p corridor-cli)
C="$ROOT/target/release/corridor"

"$C" demo --dir "$WORK/demo" >/dev/null
S="$WORK/demo/corridor.db"
for f in graphml gexf cytoscape geojson ftm; do
    "$C" --store "$S" --purpose "export check" network export --format "$f" --out "$WORK/net.$f"
done
"$C" --store "$S" --json network list >"$WORK/list.json"
"$VENV/bin/ftm" validate -i "$WORK/net.ftm" -o "$WORK/net.clean.ftm"

"$PY" - "$WORK" <<'PY'
import collections, json, sys
import geojson, igraph, networkx

work = sys.argv[1]
listing = json.load(open(f"{work}/list.json"))
parties, links = listing["parties"], listing["links"]
failures = []

def check(name, ok, detail):
    print(f"{'ok  ' if ok else 'FAIL'} {name}: {detail}")
    if not ok:
        failures.append(name)

g = networkx.read_graphml(f"{work}/net.graphml")
check("graphml (networkx)", (g.number_of_nodes(), g.number_of_edges()) == (parties, links),
      f"{g.number_of_nodes()} nodes, {g.number_of_edges()} edges; the store has {parties}, {links}")
i = igraph.Graph.Read_GraphML(f"{work}/net.graphml")
check("graphml (igraph)", (i.vcount(), i.ecount()) == (parties, links), f"{i.vcount()} nodes, {i.ecount()} edges")
h = networkx.read_gexf(f"{work}/net.gexf")
check("gexf (networkx)", (h.number_of_nodes(), h.number_of_edges()) == (parties, links),
      f"{h.number_of_nodes()} nodes, {h.number_of_edges()} edges")
cy = json.load(open(f"{work}/net.cytoscape"))["elements"]
check("cytoscape", (len(cy["nodes"]), len(cy["edges"])) == (parties, links), f"{len(cy['nodes'])} nodes, {len(cy['edges'])} edges")
gj = geojson.load(open(f"{work}/net.geojson"))
errors = gj.errors()
check("geojson (RFC 7946)", gj.is_valid and len(gj["features"]) > 0, f"{len(gj['features'])} features, errors: {errors or 'none'}")
raw = [json.loads(l) for l in open(f"{work}/net.ftm")]
clean = {e["id"]: e for e in (json.loads(l) for l in open(f"{work}/net.clean.ftm"))}
lost = collections.Counter()
for e in raw:
    c = clean.get(e["id"])
    if c is None:
        lost["entity"] += 1
        continue
    for prop, values in e["properties"].items():
        lost[(e["schema"], prop)] += max(0, len(values) - len(c["properties"].get(prop, [])))
lost = {k: v for k, v in lost.items() if v}
ids = set(clean)
refs = ("involved", "person", "associate", "payer", "beneficiary", "subject", "object", "member", "organization", "holder")
dangling = sum(1 for e in raw for p in refs for v in e["properties"].get(p, []) if v not in ids)
check("followthemoney (ftm validate)", not lost and not dangling and len(raw) == len(clean),
      f"{len(raw)} entities {dict(collections.Counter(e['schema'] for e in raw))}; values dropped: {lost or 'none'}; dangling references: {dangling}")
sys.exit(1 if failures else 0)
PY
