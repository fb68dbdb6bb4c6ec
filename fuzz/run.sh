#!/usr/bin/env bash
# A short, bounded fuzz run of every target: fuzz/run.sh [SECONDS_PER_TARGET] (default 60).
# Installs cargo-fuzz from crates.io if missing. The machine has one stable toolchain;
# RUSTC_BOOTSTRAP lets cargo-fuzz use the unstable flags it needs.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
SECS="${1:-60}"
command -v cargo-fuzz >/dev/null || cargo install cargo-fuzz --locked
export RUSTC_BOOTSTRAP=1
# Seed the MRZ corpus with the Doc 9303 specimens so the fuzzer starts from valid layouts.
mkdir -p fuzz/corpus/mrz
printf 'P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<\nL898902C36UTO7408122F1204159ZE184226B<<<<<10\n' >fuzz/corpus/mrz/td3
printf 'I<UTOD231458907<<<<<<<<<<<<<<<\n7408122F1204159UTO<<<<<<<<<<<6\nERIKSSON<<ANNA<MARIA<<<<<<<<<<\n' >fuzz/corpus/mrz/td1
for t in mapping mrz names ingest_csv ingest_jsonl ingest_schemas edgelist exchange; do
    mkdir -p "fuzz/corpus/$t"
    echo "== fuzzing $t for ${SECS}s"
    cargo fuzz run "$t" "fuzz/corpus/$t" -- -max_total_time="$SECS" -rss_limit_mb=2048
done
