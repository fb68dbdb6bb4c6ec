"""Collects one size's results, or writes the graph section of BENCHMARKS.md.

    report.py SIZE OUT_JSON (TOOL RESULT_JSON SECONDS PEAK_KIB)...
    report.py --markdown BENCHMARKS_MD OUT_DIR
"""
import datetime
import glob
import json
import os
import platform
import sys

OPS = ["load", "components", "pagerank", "leiden", "betweenness", "paths", "neighbourhoods"]


def collect():
    size, out_path, rest = sys.argv[1], sys.argv[2], sys.argv[3:]
    tools = []
    for i in range(0, len(rest), 4):
        tool, path, seconds, kib = rest[i : i + 4]
        r = json.load(open(path))
        if tool == "corridor":
            r = {
                "tool": "corridor",
                "milliseconds": r["milliseconds"],
                "nodes": r["nodes"],
                "edges": r["edges"],
                "components": r["components"]["count"],
                "modularity": r["leiden"]["modularity"],
                "communities": r["leiden"]["communities"],
                "paths_found": r["paths"]["found"],
                "mean_hops": r["paths"]["mean_hops"],
            }
        r["process_seconds"] = float(seconds)
        r["peak_mib"] = round(int(kib) / 1024)
        tools.append(r)
    doc = {"size": size, "date": str(datetime.date.today()), "tools": tools}
    json.dump(doc, open(out_path, "w"), indent=1)
    for t in tools:
        print(t["tool"], t["milliseconds"], t.get("modularity"), t["peak_mib"], "MiB", file=sys.stderr)


def cell(t, op):
    v = t["milliseconds"].get(op)
    if v is None or (t["tool"] == "leidenalg" and op != "leiden"):
        return "–"
    return f"{v / 1000:.3f}" if v >= 1000 else f"{v:.1f} ms"


def markdown():
    md_path, out_dir = sys.argv[2], sys.argv[3]
    cpu = "unknown CPU"
    try:
        for line in open("/proc/cpuinfo"):
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    lines = []
    for size in ("100k", "1m"):
        path = os.path.join(out_dir, f"graph_{size}.json")
        if not os.path.exists(path):
            continue
        doc = json.load(open(path))
        t0 = doc["tools"][0]
        lines.append(
            f"\n**{size}**: {t0['nodes']:,} nodes, {t0['edges']:,} edges (measured {doc['date']}). "
            "Seconds unless marked ms; – is an operation the tool does not run (leidenalg is only Leiden).\n"
        )
        lines.append("| tool | " + " | ".join(OPS) + " | modularity | communities | peak MiB |")
        lines.append("|---|" + "---:|" * (len(OPS) + 3))
        for t in doc["tools"]:
            name = t["tool"] + (f" {t['version']}" if "version" in t else "")
            mod = f"{t['modularity']:.4f}" if t.get("modularity") is not None else "–"
            peak = t["peak_mib"] if t["tool"] != "leidenalg" else f"({t['peak_mib']})"
            lines.append(
                f"| {name} | " + " | ".join(cell(t, op) for op in OPS)
                + f" | {mod} | {t.get('communities', '–')} | {peak} |"
            )
    section = f"""<!-- graph:start -->
## Network analysis (vs igraph, leidenalg, NetworKit)

Measured on {os.cpu_count()} cores ({cpu}, {platform.system()}) with `bench/graph/run.sh`: every tool reads
the same edge list (`bench/graph/make_edges.py`: cells of 4–16 members, links between cells, a few
heavy-tailed hubs) in its own process. Betweenness from 1,000 sampled sources, 1,000 shortest paths
between random pairs, 2-hop neighbourhoods of 1,000 random nodes (the same counts, each tool its own
sample). Leiden: two iterations, modularity of the partition returned. Peak memory is the process's
(for Python tools it includes the interpreter; leidenalg's process also holds igraph's graph).
""" + "\n".join(lines) + """
<!-- graph:end -->"""
    text = open(md_path).read() if os.path.exists(md_path) else "# Benchmarks\n"
    start, end = text.find("<!-- graph:start -->"), text.find("<!-- graph:end -->")
    if start >= 0 and end >= 0:
        text = text[:start] + section + text[end + len("<!-- graph:end -->"):]
    else:
        text = text.rstrip("\n") + "\n\n" + section + "\n"
    open(md_path, "w").write(text)
    print(section)


if sys.argv[1] == "--markdown":
    markdown()
else:
    collect()
