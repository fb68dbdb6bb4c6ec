"""Score an entity-resolution result against FEBRL-style ground truth.

Usage: score.py TRUTH_CSV PREDICTION_CSV [--pairs PAIRS_CSV] [--link-only SOURCE_CSV]

TRUTH_CSV       rec_id,true_id
PREDICTION_CSV  rec_id plus cluster_id or identity; records missing from it
                count as singletons, records not in the truth are ignored.
--pairs         rec_id_l,rec_id_r,match_probability: also score the scored
                pairs at threshold 0.5 (p >= 0.5 is a link) and the best F1
                over all thresholds; pairs not listed count as non-links.
--link-only     CSV with rec_id,source: only pairs across two different
                sources count (predicted and true alike).

Clustered metrics: a predicted pair is two records in the same predicted
cluster, a true pair two records with the same true_id. Cluster precision is
the share of predicted clusters with more than one record whose records all
share one true_id. Sizes: the largest predicted cluster (largest_identity), the
number with more than 20 records (identities_over_20), a histogram of predicted
cluster sizes (size_histogram, singletons included) and the largest true
identity (largest_true_identity), all over the truth's records. Prints one
JSON object. Stdlib only.
"""

import argparse
import csv
import json
from collections import Counter, defaultdict


def read_map(path, key, *values):
    """CSV -> {row[key]: row[first of values present]}."""
    with open(path, newline="") as f:
        reader = csv.DictReader(f)
        col = next((v for v in values if v in reader.fieldnames), None)
        if col is None:
            raise SystemExit(f"{path}: needs one of the columns {values}")
        return {row[key]: row[col] for row in reader}


def n_pairs(members, source):
    """Pairs inside one group: all of them, or only cross-source ones."""
    if source is None:
        n = len(members)
        return n * (n - 1) // 2
    by_src = Counter(source[r] for r in members)
    total = sum(by_src.values())
    # cross-source pairs = all pairs - pairs within each source
    return (total * (total - 1) - sum(c * (c - 1) for c in by_src.values())) // 2


def prf(tp, predicted, true):
    p = tp / predicted if predicted else 0.0
    r = tp / true if true else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {"precision": round(p, 6), "recall": round(r, 6), "f1": round(f, 6)}


SIZE_BINS = [(1, 1, "1"), (2, 2, "2"), (3, 5, "3-5"), (6, 10, "6-10"), (11, 20, "11-20"),
             (21, 50, "21-50"), (51, None, "51+")]


def size_histogram(sizes):
    """Counts of clusters per size bin, every bin listed."""
    hist = {label: 0 for _, _, label in SIZE_BINS}
    for n in sizes:
        for lo, hi, label in SIZE_BINS:
            if n >= lo and (hi is None or n <= hi):
                hist[label] += 1
                break
    return hist


def cluster_sizes(truth, pred):
    """Predicted and true cluster sizes over the truth's records."""
    predicted = Counter(pred.get(rec, ("__singleton__", rec)) for rec in truth)
    true = Counter(truth.values())
    return {
        "largest_identity": max(predicted.values(), default=0),
        "identities_over_20": sum(1 for n in predicted.values() if n > 20),
        "size_histogram": size_histogram(predicted.values()),
        "largest_true_identity": max(true.values(), default=0),
        "true_size_histogram": size_histogram(true.values()),
    }


def score_clusters(truth, pred, source):
    clusters, cells, people = defaultdict(list), defaultdict(list), defaultdict(list)
    for rec, tid in truth.items():
        cid = pred.get(rec, ("__singleton__", rec))  # unclustered -> singleton
        clusters[cid].append(rec)
        cells[(cid, tid)].append(rec)
        people[tid].append(rec)
    true_pairs = sum(n_pairs(m, source) for m in people.values())
    predicted = sum(n_pairs(m, source) for m in clusters.values())
    tp = sum(n_pairs(m, source) for m in cells.values())
    multi = [m for m in clusters.values() if len(m) > 1]
    pure = sum(1 for m in multi if len({truth[r] for r in m}) == 1)
    return true_pairs, {
        "predicted_pairs": predicted, "true_positive_pairs": tp,
        **prf(tp, predicted, true_pairs),
        "clusters": len(clusters), "multi_record_clusters": len(multi),
        "cluster_precision": round(pure / len(multi), 6) if multi else 0.0,
    }


def score_pairs(path, truth, source, true_pairs):
    best_p = {}  # unordered pair -> highest probability listed
    with open(path, newline="") as f:
        for row in csv.DictReader(f):
            a, b = row["rec_id_l"], row["rec_id_r"]
            if a == b or a not in truth or b not in truth:
                continue
            if source is not None and source[a] == source[b]:
                continue
            key = (a, b) if a < b else (b, a)
            p = float(row["match_probability"])
            if p > best_p.get(key, -1.0):
                best_p[key] = p
    # Sweep thresholds from high to low: at each distinct probability t the
    # links are all pairs with p >= t.
    ranked = sorted(((p, truth[a] == truth[b]) for (a, b), p in best_p.items()),
                    reverse=True)
    tp = links = 0
    at_half = dict(prf(0, 0, true_pairs), threshold=0.5, links=0)
    best = dict(prf(0, 0, true_pairs), threshold=None, links=0)
    for i, (p, is_true) in enumerate(ranked):
        tp += is_true
        links += 1
        if i + 1 < len(ranked) and ranked[i + 1][0] == p:
            continue  # finish the tie group first
        cur = prf(tp, links, true_pairs)
        if p >= 0.5:
            at_half = dict(cur, threshold=0.5, links=links)
        if cur["f1"] > best["f1"]:
            best = dict(cur, threshold=p, links=links)
    true_listed = sum(1 for _, t in ranked if t)
    return {"listed_pairs": len(ranked), "true_pairs_listed": true_listed,
            "blocking_recall": round(true_listed / true_pairs, 6) if true_pairs else 0.0,
            "at_0.5": at_half, "best": best}


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("truth")
    ap.add_argument("prediction")
    ap.add_argument("--pairs")
    ap.add_argument("--link-only", metavar="SOURCE_CSV")
    args = ap.parse_args()

    truth = read_map(args.truth, "rec_id", "true_id")
    pred = read_map(args.prediction, "rec_id", "cluster_id", "identity")
    source = read_map(args.link_only, "rec_id", "source") if args.link_only else None
    true_pairs, clustered = score_clusters(truth, pred, source)
    out = {"truth": args.truth, "prediction": args.prediction,
           "link_only": bool(source), "records": len(truth),
           "unknown_predicted_records": sum(1 for r in pred if r not in truth),
           "true_pairs": true_pairs, "clustered": clustered, **cluster_sizes(truth, pred)}
    if args.pairs:
        out["pairs"] = score_pairs(args.pairs, truth, source, true_pairs)
    print(json.dumps(out))


if __name__ == "__main__":
    main()
