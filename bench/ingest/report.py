#!/usr/bin/env python3
"""Turns bench/out/ingest.json into the ingest section of BENCHMARKS.md."""
import json
import re
import sys

res = json.load(open(sys.argv[1]))
path = sys.argv[2]
rows = res["rows"]
c, b, f, cs = res["corridor"], res["bare"], res["ftm"], res["corridor_small"]


def rate(n, s):
    return f"{n / s:,.0f}" if s else "–"


lines = [
    "<!-- ingest:begin -->",
    "## Ingest",
    "",
    f"Measured {res['date']} on {res['machine']}, with `bench/ingest/run.sh {rows}`.",
    f"Same {rows:,} rows for every tool (one person, phone and passport per row, from `bench/ingest/make_rows.py`).",
    "Corridor and the bare loop: median of three runs "
    f"(Corridor {', '.join(f'{x:.1f}' for x in c.get('runs', []))} s; bare loop {', '.join(f'{x:.1f}' for x in b.get('runs', []))} s); `ftm map`: one run.",
    "",
    "| tool | seconds | rows/s | statements/s | peak memory |",
    "|---|---:|---:|---:|---:|",
    f"| Corridor `ingest` | {c['seconds']:.1f} | {rate(rows, c['seconds'])} | {rate(c['statements'], c['seconds'])} | {c['peak_rss_kb'] / 1024:.0f} MiB |",
]
if f["seconds"] is not None:
    lines.append(
        f"| FollowTheMoney `ftm map` {f['version']} | {f['seconds']:.1f} | {rate(rows, f['seconds'])} | – ({f['entities']:,} entities) | {f['peak_rss_kb'] / 1024:.0f} MiB |"
    )
lines.append(
    f"| bare rusqlite loop (ceiling) | {b['seconds']:.1f} | {rate(rows, b['seconds'])} | {rate(b['statements'], b['seconds'])} | {b['peak_rss_kb'] / 1024:.0f} MiB |"
)
lines += [
    "",
    f"- Corridor stored {c['statements']:,} statements ({c['statements'] / rows:.0f} per row); the bare loop appended {b['statements']:,}.",
    f"- Corridor vs bare loop: {c['statements'] / c['seconds'] / (b['statements'] / b['seconds']):.2f} of the ceiling's statements/s (goal ≥ 0.5).",
]
if f["seconds"] is not None:
    lines.append(f"- Corridor vs `ftm map`: {f['seconds'] / c['seconds']:.1f}× the rows/s (goal ≥ 10×).")
lines += [
    f"- Memory does not grow with the input: {cs['rows']:,} rows peaked at {cs['peak_rss_kb'] / 1024:.0f} MiB, {rows:,} rows at {c['peak_rss_kb'] / 1024:.0f} MiB.",
    f"- Re-import of the same file: {c['reimport_unchanged']:,} rows unchanged, nothing written, {c['reimport_seconds']:.1f} s. Store file: {c['store_kb'] / 1024:.0f} MiB.",
    "<!-- ingest:end -->",
]
section = "\n".join(lines)
try:
    text = open(path).read()
except FileNotFoundError:
    text = "# Benchmarks\n\nEvery figure here was measured by the command named with it; rerun it to check.\n\n"
if "<!-- ingest:begin -->" in text:
    text = re.sub(r"<!-- ingest:begin -->.*?<!-- ingest:end -->", lambda _: section, text, flags=re.S)
else:
    text = text.rstrip() + "\n\n" + section + "\n"
open(path, "w").write(text)
print(section)
