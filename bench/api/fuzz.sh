#!/usr/bin/env bash
# Fuzzes the node server's API from its own OpenAPI document with schemathesis
# (PyPI, installed into a venv of its own): the demo store with one user per role,
# a case holding every data set, a purpose and a token per user; `corridor serve`
# on a free loopback port; schemathesis runs every operation with generated
# requests, once per user (the analyst with the case and purpose headers), and
# fails on any server error (5xx), a response that does not match the document, or
# a hang. Token revocation (DELETE) is left out: its ids are small numbers, and
# a generated one would revoke the fuzzers' own tokens mid-run; the administrator
# runs last, since its generated changes may disable the other users. Exits
# non-zero on any failure.
#
# Usage: bench/api/fuzz.sh
# Env:   EXAMPLES=N per operation (default 60); SEED=N (default 1, so CI runs the same
#        cases every time; give another to explore)
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
WORK="$(mktemp -d)"
SERVER=""
cleanup() {
    [ -n "$SERVER" ] && kill "$SERVER" 2>/dev/null || true
    rm -rf "$WORK"
}
trap cleanup EXIT
VENV="$ROOT/bench/.venv-api"
[ -x "$VENV/bin/python" ] || python3 -m venv "$VENV"
"$VENV/bin/python" -c 'import schemathesis' 2>/dev/null ||
    "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check 'schemathesis>=4,<5'
(cd "$ROOT" && cargo build --release --locked -q -p corridor-cli)
C="${CARGO_TARGET_DIR:-$ROOT/target}/release/corridor"

"$C" demo --no-serve --dir "$WORK/demo" >/dev/null
S="$WORK/demo/corridor.db"
as() { local u="$1"; shift; "$C" --store "$S" --user "$u" "$@"; }
pw() { "$VENV/bin/python" -c 'import secrets; print(secrets.token_hex(16))'; }
pw | as admin user add admin --role admin >/dev/null
for u in analyst:analyst supervisor:supervisor dpo:dpo; do
    pw | as admin user add "${u%%:*}" --role "${u##*:}" >/dev/null
done
as admin case add demo --description "every demo data set" >/dev/null
for d in $(as admin --json source list | "$VENV/bin/python" -c 'import json,sys; print(" ".join(d for s in json.load(sys.stdin) for d in s["datasets"]))'); do
    as admin case data add demo "$d" >/dev/null
done
as admin case member add demo analyst >/dev/null
as admin case member add demo supervisor >/dev/null
as admin purpose add investigation "criminal investigation of smuggling networks" >/dev/null

PORT="$("$VENV/bin/python" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
"$C" --store "$S" serve --listen "127.0.0.1:$PORT" 2>"$WORK/serve.log" &
SERVER=$!
URL="http://127.0.0.1:$PORT"
for _ in $(seq 100); do
    curl -fsS "$URL/api/v1/health" >/dev/null 2>&1 && break
    sleep 0.1
done
curl -fsS "$URL/api/v1/health" >/dev/null

status=0
for u in analyst supervisor dpo admin; do
    token="$(as admin token create --for "$u" --expires 1)"
    echo "== schemathesis as $u"
    "$VENV/bin/schemathesis" run "$URL/api/v1/openapi.json" \
        --checks all \
        --max-examples "${EXAMPLES:-60}" \
        --seed "${SEED:-1}" \
        --request-timeout 10 \
        --exclude-method DELETE \
        --exclude-path /api/v1/ingest \
        -H "Authorization: Bearer $token" \
        -H "Corridor-Case: demo" -H "Corridor-Purpose: investigation" \
        --no-color || status=1
done
# The upload's mapping is text whose meaning no schema can say, so a generated one is
# refused as bad input: the upload is fuzzed for server errors and hangs alone.
token="$(as admin token create --for analyst --expires 1)"
echo "== schemathesis, uploads, as analyst"
"$VENV/bin/schemathesis" run "$URL/api/v1/openapi.json" \
    --checks not_a_server_error \
    --include-path /api/v1/ingest \
    --max-examples "${EXAMPLES:-60}" \
    --seed "${SEED:-1}" \
    --request-timeout 10 \
    -H "Authorization: Bearer $token" \
    -H "Corridor-Case: demo" -H "Corridor-Purpose: investigation" \
    --no-color || status=1
if grep -q "panicked" "$WORK/serve.log"; then
    echo "the server panicked:" && cat "$WORK/serve.log"
    status=1
fi
kill "$SERVER" && wait "$SERVER" 2>/dev/null || true
SERVER=""
exit "$status"
