#!/usr/bin/env bash
# Identity encodings and Dice matching, Corridor against clkhash 0.18 and anonlink 0.15
# (PyPI) in one run, on the same synthetic records: encoding records/s (one core each),
# Dice comparisons/s of A x B encodings, and a popcount roofline measured here. Writes
# bench/out/bloom.json and prints it.
#
# Usage: bench/bloom/run.sh [RECORDS] [A] [B]   (default 100000 2000 20000)
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
N="${1:-100000}"; A="${2:-2000}"; B="${3:-20000}"
OUT="$ROOT/bench/out"; mkdir -p "$OUT"
VENV="$ROOT/bench/.venv-bloom"
[ -x "$VENV/bin/python" ] || python3 -m venv "$VENV"
"$VENV/bin/python" -c 'import clkhash, anonlink' 2>/dev/null ||
    "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check 'clkhash==0.18.3' 'anonlink==0.15.3'
echo "building bench-bloom (release)" >&2
(cd "$ROOT" && cargo build --release --locked -q -p bench-bloom)
BIN="${CARGO_TARGET_DIR:-$ROOT/target}/release/bench-bloom"
cd "$ROOT"
echo "corridor: $N records, $A x $B comparisons" >&2
C_JSON="$("$BIN" "$N" "$A" "$B" "$OUT/bloom_records.csv")"
echo "clkhash + anonlink: the same" >&2
P_JSON="$("$VENV/bin/python" "$HERE/peer_anonlink.py" "$OUT/bloom_records.csv" "$A" "$B")"
python3 - "$C_JSON" "$P_JSON" "$OUT/bloom.json" <<'PY'
import json, os, sys, datetime, platform
c, p = json.loads(sys.argv[1]), json.loads(sys.argv[2])
res = {"corridor": c, "clkhash_anonlink": p,
       "ratios": {"corridor_bf1_vs_clkhash_encoding": c["corridor_bf1_records_per_s_1core"] / p["clkhash_records_per_s_1core"],
                  "clk_compatible_vs_clkhash_encoding": c["clk_compatible_records_per_s_1core"] / p["clkhash_records_per_s_1core"],
                  "dice_1core_vs_anonlink": c["dice_pairs_per_s_1core"] / p["anonlink_dice_pairs_per_s"]},
       "machine": {"cpus": os.cpu_count(), "date": datetime.date.today().isoformat(), "python": platform.python_version()}}
open(sys.argv[3], "w").write(json.dumps(res, indent=1))
print(json.dumps(res, indent=1))
PY
