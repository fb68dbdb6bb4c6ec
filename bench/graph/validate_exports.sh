#!/usr/bin/env bash
# Checks every `corridor network export` format with the tools that read it, on the
# demo store: GraphML with NetworkX and python-igraph, GEXF with NetworkX (the
# parser Gephi-compatible tools share), Cytoscape.js JSON by its element counts,
# GeoJSON with the PyPI `geojson` validator (RFC 7946), FollowTheMoney entities with
# `ftm validate` (followthemoney): it must accept every entity and drop no value,
# and a strict check with followthemoney's model: required properties per schema,
# the range of every entity reference, values in FtM's normal form.
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
C="${CARGO_TARGET_DIR:-$ROOT/target}/release/corridor"

"$C" demo --no-serve --dir "$WORK/demo" >/dev/null
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
check("followthemoney (ftm validate)", not lost and len(raw) == len(clean),
      f"{len(raw)} entities {dict(collections.Counter(e['schema'] for e in raw))}; values dropped: {lost or 'none'}")

# Strict: what `ftm validate` does not check. FtM's model, per entity: a known,
# concrete schema; only its properties, none deprecated or stub; every value
# already in FtM's normal form; the schema's own required properties; and each
# entity reference pointing to an entity of this file within the property's range.
from followthemoney import model
from followthemoney.types import registry
by_id = {e["id"]: e for e in raw}
problems = collections.Counter()
examples = {}
def problem(kind, detail):
    problems[kind] += 1
    examples.setdefault(kind, detail)
for e in raw:
    schema = model.get(e.get("schema") or "")
    if schema is None or schema.abstract:
        problem("unknown or abstract schema", e.get("schema")); continue
    if not registry.entity.validate(e.get("id") or ""):
        problem("invalid id", e.get("id"))
    props = e.get("properties", {})
    for name, values in props.items():
        prop = schema.get(name)
        if prop is None:
            problem(f"{schema.name}.{name} is no property", name); continue
        if prop.stub or prop.deprecated:
            problem(f"{schema.name}.{name} is stub or deprecated", name)
        for v in values:
            cleaned = prop.type.clean_text(v, format=prop.format)
            if cleaned is None:
                problem(f"{schema.name}.{name}: invalid {prop.type.name}", v)
            elif cleaned != v:
                problem(f"{schema.name}.{name}: not in normal form", f"{v!r} -> {cleaned!r}")
            if prop.type == registry.entity:
                target = by_id.get(v)
                if target is None or v == e["id"]:
                    problem(f"{schema.name}.{name}: dangling or self reference", v)
                elif prop.range is not None and not model.get(target["schema"]).is_a(prop.range):
                    problem(f"{schema.name}.{name}: {target['schema']} outside range {prop.range.name}", v)
    for req in schema.required:
        if not props.get(req):
            problem(f"{schema.name} without required {req}", e["id"])
check("followthemoney (strict: required, ranges, normal form)", not problems,
      f"{len(raw)} entities; problems: {dict(problems) or 'none'}; examples: {examples or 'none'}")
sys.exit(1 if failures else 0)
PY
