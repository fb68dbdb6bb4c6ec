#!/usr/bin/env bash
# A short, bounded fuzz run of every target: fuzz/run.sh [SECONDS_PER_TARGET] (default 60).
# Installs cargo-fuzz from crates.io if missing. The machine has one stable toolchain;
# RUSTC_BOOTSTRAP lets cargo-fuzz use the unstable flags it needs.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
SECS="${1:-60}"
command -v cargo-fuzz >/dev/null || cargo install cargo-fuzz --locked
export RUSTC_BOOTSTRAP=1
for t in mapping ingest_csv ingest_jsonl; do
    mkdir -p "fuzz/corpus/$t"
    echo "== fuzzing $t for ${SECS}s"
    cargo fuzz run "$t" "fuzz/corpus/$t" -- -max_total_time="$SECS" -rss_limit_mb=2048
done
