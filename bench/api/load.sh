#!/usr/bin/env bash
# Load and search benchmark of the node server, one command, over loopback.
#
# Data: the hub-scale person population of bench/resolve/population.py (ten
# agencies' files, names in Latin, Cyrillic, Greek and Arabic scripts, phones,
# passports, and the truth of who is who), ingested into a node with one case
# holding every data set, an analyst, a purpose and a token.
#
# Measures, with `corridor serve` (release) on one side and the load generator on
# the other (wrk from Debian for throughput; a Python client for per-query latency
# and recall):
#   1. selector lookups (phone and passport numbers through /api/v1/search): req/s,
#      p50/p99 (wrk, 4 connections, 20 s);
#   2. entity detail (/api/v1/entities/{id}): req/s, p50/p99 (wrk);
#   3. name searches in mixed scripts: p50/p95 and recall@10 (does the top 10 hold
#      another record of the same person, written in another script?), and the
#      same queries against PostgreSQL with pg_trgm (Debian; a cluster started
#      on loopback by this script; a GIN trigram index on the names, the query
#      `name % q ORDER BY similarity DESC LIMIT 10`): its latency and recall;
#   4. entity reads every 50 ms while another 1,000,000 rows are uploaded and
#      ingested through the API: count, failures, p50/p99.
# Writes bench/out/api_load.json; bench/api/report.py puts it in BENCHMARKS.md.
#
# Usage: bench/api/load.sh [RECORDS]   (default 1000000)
# Env:   POP_DIR=DIR  reuse a population written by population.py at that size
#        QUERIES=N    name queries (default 1000)
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
RECORDS="${1:-1000000}"
OUT="$ROOT/bench/out"
WORK="$(mktemp -d)"
SERVER=""
PGDATA=""
cleanup() {
    [ -n "$SERVER" ] && kill "$SERVER" 2>/dev/null || true
    if [ -n "$PGDATA" ]; then
        su postgres -c "$PGBIN/pg_ctl -D $PGDATA -m immediate stop" >/dev/null 2>&1 || true
    fi
    rm -rf "$WORK"
}
trap cleanup EXIT
mkdir -p "$OUT"

command -v wrk >/dev/null || { apt-get install -y -q wrk >/dev/null 2>&1 || (apt-get update -q >/dev/null && apt-get install -y -q wrk >/dev/null); }
PGBIN="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)"
if [ -z "$PGBIN" ] || [ ! -x "$PGBIN/initdb" ]; then
    apt-get install -y -q postgresql postgresql-contrib >/dev/null 2>&1 ||
        (apt-get update -q >/dev/null && apt-get install -y -q postgresql postgresql-contrib >/dev/null)
    PGBIN="$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)"
fi
VENV="$ROOT/bench/.venv-load"
[ -x "$VENV/bin/python" ] || python3 -m venv "$VENV"
"$VENV/bin/python" -c 'import psycopg' 2>/dev/null ||
    "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check 'psycopg[binary]>=3.1,<4'

echo "building the release binary" >&2
(cd "$ROOT" && cargo build --release --locked -q -p corridor-cli)
C="${CARGO_TARGET_DIR:-$ROOT/target}/release/corridor"

POP="${POP_DIR:-}"
if [ -z "$POP" ]; then
    POP="$WORK/pop"
    people=$((RECORDS * 6 / 10))
    echo "generating $RECORDS records ($people people)" >&2
    python3 "$ROOT/bench/resolve/population.py" --people "$people" --duplicates $((RECORDS - people)) --seed 1 --out "$POP" >/dev/null
fi
S="$WORK/node.db"
"$C" --store "$S" init >/dev/null
echo "ingesting" >&2
start=$(date +%s.%N)
while read -r m f; do
    "$C" --store "$S" ingest --mapping "$POP/$m" "$POP/$f" --rejects /dev/null >/dev/null || [ $? -eq 3 ]
done < <(python3 -c 'import json,sys; [print(f["mapping"], f["data"]) for f in json.load(open(sys.argv[1]))["files"]]' "$POP/manifest.json")
ingest_s=$(echo "$(date +%s.%N) - $start" | bc)

as() { local u="$1"; shift; "$C" --store "$S" --user "$u" "$@"; }
pw() { python3 -c 'import secrets; print(secrets.token_hex(16))'; }
pw | as root user add root --role admin >/dev/null
pw | as root user add ana --role analyst >/dev/null
as root case add bench --description "every data set" >/dev/null
for m in "$POP"/*.mapping.toml; do
    as root case data add bench "$(basename "$m" .mapping.toml)" >/dev/null
done
as root case member add bench ana >/dev/null
as root purpose add investigation "criminal investigation of smuggling networks" >/dev/null
TOKEN="$(as root token create --for ana --expires 1)"

PORT="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
"$C" --store "$S" serve --listen "127.0.0.1:$PORT" 2>"$WORK/serve.log" &
SERVER=$!
URL="http://127.0.0.1:$PORT"
for _ in $(seq 600); do
    curl -fsS "$URL/api/v1/health" >/dev/null 2>&1 && break
    sleep 0.5
done
curl -fsS "$URL/api/v1/health" >/dev/null

echo "starting PostgreSQL on loopback" >&2
PGDATA="$WORK/pg"
PGPORT="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
mkdir -p "$PGDATA" && chown postgres "$PGDATA" "$WORK" && chmod 755 "$WORK"
su postgres -c "$PGBIN/initdb -D $PGDATA -A trust -E UTF8 --locale C.UTF-8" >/dev/null
su postgres -c "$PGBIN/pg_ctl -D $PGDATA -o '-p $PGPORT -k $PGDATA -c listen_addresses=127.0.0.1 -c shared_buffers=512MB' -l $PGDATA/log start" >/dev/null
for _ in $(seq 100); do
    su postgres -c "$PGBIN/pg_isready -h 127.0.0.1 -p $PGPORT" >/dev/null 2>&1 && break
    sleep 0.2
done

echo "measuring" >&2
"$VENV/bin/python" "$HERE/load.py" \
    --url "$URL" --token "$TOKEN" --case bench --purpose investigation \
    --population "$POP" --work "$WORK" --pg "host=127.0.0.1 port=$PGPORT user=postgres dbname=postgres" \
    --queries "${QUERIES:-1000}" --records "$RECORDS" --ingest-seconds "$ingest_s" \
    --server-pid "$SERVER" --out "$OUT/api_load.json"
echo "wrote $OUT/api_load.json" >&2
