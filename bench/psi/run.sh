#!/usr/bin/env bash
# Selector PSI, Corridor against OpenMined PSI (PyPI openmined-psi) in one run, on the
# same sets: a responder of RESPONDER phone numbers, a query of QUERY of which OVERLAP
# are held. Writes bench/out/psi.json and prints it.
#
# Usage: bench/psi/run.sh [RESPONDER] [QUERY] [OVERLAP]   (default 1000000 10000 1000)
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
N="${1:-1000000}"; Q="${2:-10000}"; O="${3:-1000}"
OUT="$ROOT/bench/out"; mkdir -p "$OUT"
VENV="$ROOT/bench/.venv-psi"
[ -x "$VENV/bin/python" ] || python3 -m venv "$VENV"
"$VENV/bin/python" -c 'import private_set_intersection.python' 2>/dev/null ||
    "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check 'openmined-psi==2.0.6'
echo "building bench-psi (release)" >&2
(cd "$ROOT" && cargo build --release --locked -q -p bench-psi)
B="${CARGO_TARGET_DIR:-$ROOT/target}/release/bench-psi"
echo "corridor: $N held, $Q asked, $O in common" >&2
C_JSON="$(/usr/bin/time -f '%M' -o "$OUT/psi_corridor.rss" "$B" "$N" "$Q" "$O")"
echo "openmined-psi: the same" >&2
P_JSON="$(/usr/bin/time -f '%M' -o "$OUT/psi_peer.rss" "$VENV/bin/python" "$HERE/peer_openmined.py" "$N" "$Q" "$O")"
python3 - "$C_JSON" "$P_JSON" "$OUT/psi_corridor.rss" "$OUT/psi_peer.rss" "$OUT/psi.json" <<'PY'
import json, os, platform, sys, datetime
c, p = json.loads(sys.argv[1]), json.loads(sys.argv[2])
c["peak_rss_mib"] = int(open(sys.argv[3]).read().split()[-1]) / 1024
p["peak_rss_mib"] = int(open(sys.argv[4]).read().split()[-1]) / 1024
res = {"corridor": c, "openmined_psi": p,
       "machine": {"cpus": os.cpu_count(), "date": datetime.date.today().isoformat(), "python": platform.python_version()}}
open(sys.argv[5], "w").write(json.dumps(res, indent=1))
print(json.dumps(res, indent=1))
PY
