#!/usr/bin/env bash
# Create bench/.venv (relative to the repo root) and install the pinned
# FollowTheMoney release used by run_ftm.sh. Idempotent.
set -euo pipefail

FTM_VERSION="4.11.2"

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_ROOT="$(cd "$SCRIPT_DIR/../.." && pwd)"
VENV="$REPO_ROOT/bench/.venv"
PYTHON="${PYTHON:-python3}"

if [ ! -x "$VENV/bin/python" ]; then
    "$PYTHON" -m venv "$VENV"
fi

installed="$("$VENV/bin/python" -c 'import importlib.metadata as m; print(m.version("followthemoney"))' 2>/dev/null || true)"
if [ "$installed" != "$FTM_VERSION" ]; then
    "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check \
        "followthemoney==$FTM_VERSION"
fi

"$VENV/bin/ftm" --help >/dev/null
echo "followthemoney $("$VENV/bin/python" -c 'import importlib.metadata as m; print(m.version("followthemoney"))') in $VENV"
