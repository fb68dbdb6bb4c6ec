#!/usr/bin/env bash
# Run FollowTheMoney's CSV mapping over CSV and report one JSON line:
#   {"tool":"ftm map","rows":N,"entities":E,"seconds":S,"peak_rss_kb":K}
# Usage: run_ftm.sh CSV
# Env:   FTM_MODE=map (default; `ftm map ftm_mapping.yml`, csv_url from
#                    $FTM_BENCH_CSV) or map-csv (`ftm map-csv -i CSV ...`)
#        FTM_OUT=path  keep the entity JSONL there (default: temp file, deleted)
#        FTM_SIGN=0    pass --no-sign (default: ftm's default, HMAC-signed IDs)
set -euo pipefail

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_ROOT="$(cd "$SCRIPT_DIR/../.." && pwd)"
VENV="$REPO_ROOT/bench/.venv"
MAPPING="$SCRIPT_DIR/ftm_mapping.yml"

if [ $# -ne 1 ]; then
    echo "usage: $0 CSV" >&2
    exit 2
fi
CSV="$(realpath "$1")"
[ -f "$CSV" ] || { echo "no such file: $1" >&2; exit 2; }

if [ ! -x "$VENV/bin/ftm" ]; then
    "$SCRIPT_DIR/ftm_setup.sh" >&2
fi

MODE="${FTM_MODE:-map}"
SIGN_ARGS=()
if [ "${FTM_SIGN:-1}" = "0" ]; then SIGN_ARGS=(--no-sign); fi

WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
OUT="${FTM_OUT:-$WORK/entities.jsonl}"

case "$MODE" in
    map)
        # csv_url in the mapping is ${FTM_BENCH_CSV}; must be a path without
        # '?' or '#' (ftm runs it through urlparse()).
        CMD=("$VENV/bin/ftm" map "${SIGN_ARGS[@]}" -o "$OUT" "$MAPPING") ;;
    map-csv)
        CMD=("$VENV/bin/ftm" map-csv "${SIGN_ARGS[@]}" -i "$CSV" -o "$OUT" "$MAPPING") ;;
    *)
        echo "FTM_MODE must be map or map-csv" >&2; exit 2 ;;
esac

export FTM_BENCH_CSV="$CSV"
start=$(date +%s.%N)
if [ -x /usr/bin/time ]; then
    /usr/bin/time -v -o "$WORK/time.txt" "${CMD[@]}" 2>"$WORK/stderr.txt"
    end=$(date +%s.%N)
    peak=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$WORK/time.txt")
else
    # Fallback: peak RSS of the (waited-for) child via getrusage, in KiB on Linux.
    peak=$("$VENV/bin/python" - "${CMD[@]}" 2>"$WORK/stderr.txt" <<'PY'
import resource, subprocess, sys
subprocess.run(sys.argv[1:], check=True)
print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
PY
)
    end=$(date +%s.%N)
fi

# Rows = data records in the CSV (header excluded; no embedded newlines).
rows=$(( $(wc -l < "$CSV") - 1 ))
entities=$(wc -l < "$OUT")
discarded=$(grep -c 'Discard' "$WORK/stderr.txt" || true)
skipped=$(grep -c 'Skipping entity' "$WORK/stderr.txt" || true)
if [ "$discarded" != "0" ] || [ "$skipped" != "0" ]; then
    echo "warning: ftm discarded $discarded values, skipped $skipped entities (see its stderr)" >&2
fi
seconds=$(awk -v s="$start" -v e="$end" 'BEGIN {printf "%.3f", e - s}')
tool="ftm $MODE"
printf '{"tool":"%s","rows":%d,"entities":%d,"seconds":%s,"peak_rss_kb":%d}\n' \
    "$tool" "$rows" "$entities" "$seconds" "$peak"
