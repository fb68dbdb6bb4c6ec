"""PEER side of the corridor resolve benchmark: Splink 4 (DuckDB) on the synthetic
multi-agency, multi-script person records.

Usage: peer_splink_corridor.py FLAT_CSV OUTDIR [--seed N]   (seed of the u sampling, default 2)

FLAT_CSV is `corridor --store STORE resolve records`: one row per person record
(id,agency,dataset,source_record,name,aliases,given,surname,birth_date,sex,
nationality,phones,documents,biometrics,address,category; lists joined by "; ").
Trains and predicts a dedupe_only model built the way Splink's FEBRL notebooks
build theirs (see peer_splink.py), clusters at 0.5 and writes
OUTDIR/splink_corridor_pairs.csv (rec_id_l,rec_id_r,match_probability) and
OUTDIR/splink_corridor_clusters_0.5.csv (rec_id,cluster_id). Prints one JSON
line on stdout; Splink's own logging goes to stderr. The time covers reading the
CSV through writing the clusters.

What a Splink user has to do with this input (Splink reads one value per column
and has no notion of scripts), kept to what Splink's docs and notebooks do:
  * names: lower-cased, punctuation and digits dropped, whitespace collapsed.
    first_name / surname come from `given` / `surname` when the agency filled
    them, otherwise from `name`: first token / last token (a one-token name has
    no surname). Names stay in the script the agency wrote them in: Splink has
    no transliteration, so "Омар Алшами" and "Omar Alshami" share no characters.
    `aliases` (mostly the same name in the person's own script: Arabic,
    Bengali, Ge'ez ...) is not used: it would only ever match another alias.
  * dob: `birth_date` when it is a full date (YYYY-MM-DD); year-only and
    year-month dates are NULL there. birth_year (the first four characters of
    any precision) is used only for blocking.
  * phone, document, biometric: the first entry of each list.
  * address: not modelled (empty in the synthetic records).
Comparisons: NameComparison on first_name and surname (term frequencies on
surname, as febrl4.ipynb), DateOfBirthComparison (format passed through: see
upstream bug #2714 in peer_splink.py; ISO is DuckDB's default format anyway, so
the fix changes nothing here), ExactMatch sex, nationality (term frequencies),
phone and biometric, LevenshteinAtThresholds on document.
Training as the FEBRL notebooks: probability_two_random_records_match from
deterministic rules (recall 0.8, as febrl4.ipynb), u by random sampling
(max_pairs=1e6, seed=--seed), two EM sessions (blocked on dob, then on
first_name + surname, as Splink's getting-started tutorial). predict() runs
with no threshold (every blocked pair is kept); clustering at 0.5.
Blocking: every rule scores under ~0.5M pairs on the 100k set (~1.9M in all);
blocking on surname alone would score ~26M there.
Known weakness, kept because it is what the standard recipe gives: on common
names the first_name + surname EM session converges to m(dob exact) ~ 0.1
(true share ~ 0.92), so a same-day birth date counts for little.
"""

import contextlib
import importlib.metadata
import json
import os
import re
import resource
import sys
import time

import duckdb
import pandas as pd
import splink.comparison_library as cl
from splink import DuckDBAPI, Linker, SettingsCreator, block_on
from splink_common import FixedDateOfBirthComparison, predict_and_cluster


def clean(value):
    """Lower case, punctuation/digits -> space, whitespace collapsed; '' -> None."""
    if not isinstance(value, str):
        return None
    value = " ".join(re.sub(r"[\W\d_]+", " ", value.lower()).split())
    return value or None


def first(value):
    """First entry of a '; '-joined list, or None."""
    if not isinstance(value, str):
        return None
    return value.split(";")[0].strip() or None


def prepare(df):
    """The flat export -> the columns the model reads (unique id: rec_id)."""
    tokens = df["name"].map(lambda n: (clean(n) or "").split())
    out = pd.DataFrame({"rec_id": df["id"]})
    out["first_name"] = df["given"].map(clean).fillna(
        tokens.map(lambda t: t[0] if t else None))
    out["surname"] = df["surname"].map(clean).fillna(
        tokens.map(lambda t: t[-1] if len(t) > 1 else None))
    full = df["birth_date"].fillna("").str.fullmatch(r"\d{4}-\d{2}-\d{2}")
    out["dob"] = df["birth_date"].where(full)
    out["birth_year"] = df["birth_date"].str[:4]
    out["sex"] = df["sex"]
    out["nationality"] = df["nationality"]
    out["phone"] = df["phones"].map(first)
    out["document"] = df["documents"].map(first)
    out["biometric"] = df["biometrics"].map(first)
    # pandas' None/NaN -> SQL NULL either way; keep everything a string column.
    return out.astype(object).where(out.notna(), None)


def model(seed):
    """Settings plus training steps (seed: for the u sampling)."""
    # Every rule below scores under ~0.5M pairs on the 100k set (~1.9M in all).
    blocking_rules = [
        block_on("surname", "birth_year"),
        block_on("first_name", "dob"),
        block_on("first_name", "surname"),
        "l.first_name = r.surname and l.surname = r.first_name",  # order swapped
        block_on("dob"),
        block_on("phone"),
        block_on("document"),
        block_on("biometric"),
    ]
    settings = SettingsCreator(
        unique_id_column_name="rec_id",
        link_type="dedupe_only",
        blocking_rules_to_generate_predictions=blocking_rules,
        comparisons=[
            cl.NameComparison("first_name"),
            cl.NameComparison("surname").configure(term_frequency_adjustments=True),
            FixedDateOfBirthComparison(
                "dob", input_is_string=True, datetime_format="%Y-%m-%d",
                invalid_dates_as_null=True,
            ),
            cl.ExactMatch("sex"),
            cl.ExactMatch("nationality").configure(term_frequency_adjustments=True),
            cl.ExactMatch("phone"),
            cl.LevenshteinAtThresholds("document", [1, 2]),
            cl.ExactMatch("biometric"),
        ],
        retain_intermediate_calculation_columns=True,
    )

    def train(linker):
        deterministic_rules = [
            block_on("biometric"),
            block_on("document"),
            block_on("first_name", "surname", "dob"),
            "l.first_name = r.surname and l.surname = r.first_name "
            "and l.dob = r.dob",
        ]
        t = linker.training
        t.estimate_probability_two_random_records_match(deterministic_rules, recall=0.8)
        t.estimate_u_using_random_sampling(max_pairs=1e6, seed=seed)
        t.estimate_parameters_using_expectation_maximisation(block_on("dob"))
        t.estimate_parameters_using_expectation_maximisation(
            block_on("first_name", "surname"))

    return settings, train


def run(flat_csv, outdir, seed):
    settings, train = model(seed)
    pairs_csv = os.path.join(outdir, "splink_corridor_pairs.csv")
    clusters_csv = os.path.join(outdir, "splink_corridor_clusters_0.5.csv")

    t0 = time.perf_counter()
    # All columns as strings; only the empty string is missing (-> NULL).
    raw = pd.read_csv(flat_csv, dtype=str, keep_default_na=False, na_values=[""])
    df = prepare(raw)
    con = duckdb.connect()
    linker = Linker(df, settings, db_api=DuckDBAPI(connection=con))

    train(linker)
    pairs_scored = predict_and_cluster(linker, con, pairs_csv, clusters_csv)
    seconds = time.perf_counter() - t0
    lam = linker._settings_obj._probability_two_random_records_match
    return seconds, len(df), pairs_scored, lam


def main():
    args = sys.argv[1:]
    seed = 2
    if len(args) == 4 and args[2] == "--seed" and args[3].isdigit():
        seed = int(args[3])
        args = args[:2]
    if len(args) != 2:
        raise SystemExit(__doc__)
    flat_csv, outdir = args
    with contextlib.redirect_stdout(sys.stderr):  # keep stdout for the JSON line
        seconds, records, pairs_scored, lam = run(flat_csv, outdir, seed)
    peak_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux
    print(json.dumps({
        "tool": "splink",
        "version": importlib.metadata.version("splink"),
        "dataset": "corridor",
        "records": records,
        "seed": seed,
        "seconds_total": round(seconds, 3),
        "peak_rss_mib": round(peak_kib / 1024, 1),
        "pairs_scored": pairs_scored,
        "probability_two_random_records_match": lam,
    }))


if __name__ == "__main__":
    main()
