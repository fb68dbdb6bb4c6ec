"""Collects one size's results, or writes the graph section of BENCHMARKS.md.

    report.py SIZE OUT_JSON (TOOL RESULT_JSON SECONDS PEAK_KIB)...
    report.py --markdown BENCHMARKS_MD OUT_DIR

A tool named more than once ran in several rounds: each operation's time is the
median over the rounds (this machine's timings vary by a third from run to run),
and so are modularity and community count; peak memory is the largest.
"""
import datetime
import glob
import json
import os
import platform
import statistics
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
    tools, rounds = merge_rounds(tools)
    doc = {"size": size, "date": str(datetime.date.today()), "rounds": rounds, "tools": tools}
    json.dump(doc, open(out_path, "w"), indent=1)
    for t in tools:
        print(t["tool"], t["milliseconds"], t.get("modularity"), t["peak_mib"], "MiB", file=sys.stderr)


def merge_rounds(runs):
    """One result per tool, in first-run order: medians over its rounds."""
    by_tool = {}
    for r in runs:
        by_tool.setdefault(r["tool"], []).append(r)
    merged = []
    for tool, rs in by_tool.items():
        m = dict(rs[0])
        m["milliseconds"] = {
            op: statistics.median(r["milliseconds"][op] for r in rs)
            for op in rs[0]["milliseconds"]
            if all(op in r["milliseconds"] for r in rs)
        }
        for key in ("modularity", "communities", "process_seconds"):
            values = [r[key] for r in rs if r.get(key) is not None]
            if values:
                m[key] = statistics.median(values)
        m["peak_mib"] = max(r["peak_mib"] for r in rs)
        m["rounds"] = len(rs)
        merged.append(m)
    return merged, max(len(rs) for rs in by_tool.values())


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
        rounds = doc.get("rounds", 1)
        how = f"median of {rounds} rounds" if rounds > 1 else "one run each"
        lines.append(
            f"\n**{size}**: {t0['nodes']:,} nodes, {t0['edges']:,} edges (measured {doc['date']}, {how}). "
            "Seconds unless marked ms; – is an operation the tool does not run (leidenalg is only Leiden).\n"
        )
        lines.append("| tool | " + " | ".join(OPS) + " | modularity | communities | peak MiB |")
        lines.append("|---|" + "---:|" * (len(OPS) + 3))
        for t in doc["tools"]:
            name = t["tool"] + (f" {t['version']}" if "version" in t else "")
            mod = f"{t['modularity']:.4f}" if t.get("modularity") is not None else "–"
            communities = t.get("communities")
            communities = f"{communities:g}" if communities is not None else "–"
            peak = t["peak_mib"] if t["tool"] != "leidenalg" else f"({t['peak_mib']})"
            lines.append(
                f"| {name} | " + " | ".join(cell(t, op) for op in OPS)
                + f" | {mod} | {communities} | {peak} |"
            )
    section = f"""<!-- graph:start -->
## Network analysis (vs igraph, leidenalg, NetworKit)

Measured on {os.cpu_count()} cores ({cpu}, {platform.system()}) with `bench/graph/run.sh`: every tool reads
the same edge list (`bench/graph/make_edges.py`: cells of 4–16 members, links between cells, a few
heavy-tailed hubs) in its own process; where several rounds ran, the tools take turns in each round
and every figure is the median over the rounds. Betweenness from 1,000 sampled sources, 1,000 shortest paths
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
