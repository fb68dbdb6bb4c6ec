#!/usr/bin/env python3
"""Collects corridor.sh's results into one JSON file and prints a table.

Usage: report_corridor.py WORKDIR OUT_JSON SIZE SEED CORRIDOR_VERSION

WORKDIR holds: corridor_run.json (`resolve run --json`), corridor.times and
ingest.times (/usr/bin/time "%e %M" lines), splink.json (the JSON line of
peer_splink_corridor.py), splink.time, score_corridor.json, score_splink.json.
"""
import datetime
import importlib.metadata
import json
import os
import platform
import sys

work, out_json, size, seed, corridor_version = sys.argv[1:6]


def load(name):
    """A JSON file, or the last line of one that is not (a JSON line after logging)."""
    with open(os.path.join(work, name)) as f:
        text = f.read().strip()
    try:
        return json.loads(text)
    except json.JSONDecodeError:
        return json.loads(text.splitlines()[-1])


def times(name):
    """(seconds summed, peak RSS MiB) of the /usr/bin/time lines in a file."""
    secs, peak = 0.0, 0
    with open(os.path.join(work, name)) as f:
        for line in f:
            parts = line.split()
            if len(parts) == 2 and parts[1].isdigit():  # skip "Command exited ..." lines
                secs += float(parts[0])
                peak = max(peak, int(parts[1]))
    return round(secs, 3), round(peak / 1024, 1)


c_run = load("corridor_run.json")
c_secs, c_peak = times("corridor.times")
i_secs, i_peak = times("ingest.times")
# Splink is left out where it cannot finish here (SKIP_SPLINK=1 in corridor.sh: at
# 1M its DuckDB spill filled the disk after 740 s).
splink_ran = os.path.exists(os.path.join(work, "score_splink.json"))
s_run = load("splink.json") if splink_ran else None
s_wall, s_peak = times("splink.time") if splink_ran else (None, None)
c_score = load("score_corridor.json")
s_score = load("score_splink.json") if splink_ran else None

result = {
    "benchmark": "resolve-corridor",
    "date": str(datetime.date.today()),
    "machine": {"cores": os.cpu_count(), "system": platform.system()},
    "size": size,
    "seed": int(seed),
    "records": c_score["records"],
    "true_pairs": c_score["true_pairs"],
    "corridor": {
        "version": corridor_version,
        "settings": "defaults: join at match probability 0.9, review at 0.5",
        "identities": c_run.get("identities"),
        "links": c_run.get("links"),
        "review": c_run.get("review"),
        "candidate_pairs": c_run.get("candidate_pairs"),
        "seconds_resolve_and_export": c_secs,
        "peak_rss_mib": c_peak,
        "seconds_ingest": i_secs,
        "peak_rss_mib_ingest": i_peak,
        "largest_identity": c_score.get("largest_identity"),
        "identities_over_20": c_score.get("identities_over_20"),
        "score": c_score,
    },
    "splink": {
        "version": importlib.metadata.version("splink"),
        "duckdb": importlib.metadata.version("duckdb"),
        "settings": "peer_splink_corridor.py; clusters at 0.5",
        "run": s_run,
        "seconds_process": s_wall,
        "peak_rss_mib_process": s_peak,
        "largest_identity": s_score.get("largest_identity") if s_score else None,
        "identities_over_20": s_score.get("identities_over_20") if s_score else None,
        "score": s_score,
    },
}
with open(out_json, "w") as f:
    json.dump(result, f, indent=2)


def row(tool, sc, secs, peak):
    cl = sc["clustered"]
    cells = [tool, f"{cl['precision']:.4f}", f"{cl['recall']:.4f}", f"{cl['f1']:.4f}",
             f"{cl['cluster_precision']:.4f}"]
    if "pairs" in sc:
        p5, best = sc["pairs"]["at_0.5"], sc["pairs"]["best"]
        cells += [f"{p5['precision']:.4f}", f"{p5['recall']:.4f}", f"{p5['f1']:.4f}",
                  f"{best['f1']:.4f}", f"{sc['pairs']['blocking_recall']:.4f}"]
    else:
        cells += ["-"] * 5
    cells += [str(sc.get("largest_identity", "-")), str(sc.get("identities_over_20", "-"))]
    cells += [f"{secs:.1f}", f"{peak:.0f}"]
    return cells


head = ["tool", "P", "R", "F1", "cluster P", "pairs@0.5 P", "R", "F1", "best pair F1",
        "blocking R", "largest", ">20", "seconds", "peak MiB"]
rows = [
    row("Corridor (0.9)", c_score, c_secs, c_peak),
]
if splink_ran:
    rows.append(row(f"Splink {result['splink']['version']} (0.5)", s_score, s_wall, s_peak))
widths = [max(len(r[i]) for r in [head] + rows) for i in range(len(head))]
print(f"corridor data, size {size}, seed {seed}: {result['records']} person records, "
      f"{result['true_pairs']} true pairs")
for r in [head] + rows:
    print("  ".join(c.rjust(w) if i else c.ljust(w) for i, (c, w) in enumerate(zip(r, widths))))
print(f"largest: records in the largest predicted identity (largest true identity "
      f"{c_score.get('largest_true_identity', '-')}); >20: predicted identities of more than 20 records.")
print(f"Corridor: resolve run + export; ingest {i_secs:.1f} s (peak {i_peak:.0f} MiB) apart. " + (
      f"Splink: whole process (in-process {s_run['seconds_total']:.1f} s from reading the CSV)."
      if splink_ran else "Splink: not run (SKIP_SPLINK)."))
print(f"written {out_json}")
