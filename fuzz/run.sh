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
# Seed the exchange corpus with a real partner card and a real query envelope, so the
# fuzzer starts past the JSON and reaches the checks behind it.
mkdir -p fuzz/corpus/exchange
if [ ! -s fuzz/corpus/exchange/query ]; then
    cargo build --release -q -p corridor-cli
    C="${CARGO_TARGET_DIR:-target}/release/corridor"
    SEED="$(mktemp -d)"
    for n in a b; do "$C" --store "$SEED/$n.db" init >/dev/null; done
    "$C" --store "$SEED/a.db" node card --name "Node A" --country RS --out fuzz/corpus/exchange/card 2>"$SEED/a.fp"
    "$C" --store "$SEED/b.db" node card --name "Node B" --country GR --out "$SEED/b.card" 2>"$SEED/b.fp"
    "$C" --store "$SEED/a.db" partner add b --card "$SEED/b.card" \
        --fingerprint "$(sed -n 's/^fingerprint: //p' "$SEED/b.fp")" >/dev/null
    printf '+306931111111\n+381641234567\n' >"$SEED/phones"
    "$C" --store "$SEED/a.db" --case seed --purpose fuzz hit query --partner b --kind phone \
        --selectors "$SEED/phones" --out fuzz/corpus/exchange/query >/dev/null
    rm -rf "$SEED"
fi
# A disclosed record as a receiver checks it, and a disclosure request's body.
cat >fuzz/corpus/exchange/package <<'JSON'
{"records":[{"reference":"gr-i/1","agency":"gr-hcg","entities":[{"name":"person","schema":"Person","statements":[{"id":1,"prop":"name","value":"Ali Hassan","grading":"B2","handling":"H1","tlp":null,"assessment":"fact"},{"id":2,"prop":"category","value":"suspect","grading":"B2","handling":"H1","tlp":null,"assessment":"fact"}]},{"name":"phone","schema":"Phone","statements":[{"id":3,"prop":"number","value":"+306931111111","grading":"B2","handling":"H0","tlp":"amber","assessment":"fact"}]},{"name":"uses","schema":"Uses","statements":[{"id":4,"prop":"user","value":"person","grading":"B2","handling":"H1","tlp":null,"assessment":"fact"},{"id":5,"prop":"object","value":"phone","grading":"B2","handling":"H1","tlp":null,"assessment":"fact"}]}]}]}
JSON
printf '{"kind":"phone","hit":"5f0c0a1b","purpose":"investigation","legal_basis":"Art. 7","officer":"ana","query":"q-5f0c","selector":null}' >fuzz/corpus/exchange/ask
for t in mapping mrz names ingest_csv ingest_jsonl ingest_schemas edgelist exchange; do
    mkdir -p "fuzz/corpus/$t"
    echo "== fuzzing $t for ${SECS}s"
    cargo fuzz run "$t" "fuzz/corpus/$t" -- -max_total_time="$SECS" -rss_limit_mb=2048
done
