# Shared by bench/graph/run.sh and leiden.sh (sourced, not run): the work directory,
# the peers' virtual environment, the release binary, and each size's edge list.
# Sets HERE, ROOT, OUT, WORK, SEED, PY, C and `sizes` (the arguments, or 100k and 1m).
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[1]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
OUT="$ROOT/bench/out"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
mkdir -p "$OUT"
SEED=1
sizes=("$@")
[ ${#sizes[@]} -eq 0 ] && sizes=(100k 1m)

VENV="$ROOT/bench/.venv-graph"
[ -x "$VENV/bin/python" ] || python3 -m venv "$VENV"
PY="$VENV/bin/python"
"$PY" -c 'import igraph, leidenalg, networkit, numpy' 2>/dev/null ||
    "$PY" -m pip install --quiet --disable-pip-version-check igraph leidenalg networkit numpy
echo "building release binaries" >&2
(cd "$ROOT" && cargo build --release --locked -q -p corridor-cli)
C="$ROOT/target/release/corridor"

# Writes SIZE's edge list (make_edges.py, seed SEED) to $WORK/SIZE.edges.
make_edges() {
    local size="$1" nodes edges
    case "$size" in
    100k) nodes=100000 edges=400000 ;;
    1m) nodes=1000000 edges=4000000 ;;
    *) echo "unknown size $size: 100k or 1m" >&2; exit 2 ;;
    esac
    echo "generating $size ($nodes nodes, $edges edges)" >&2
    "$PY" "$HERE/make_edges.py" "$nodes" "$edges" "$SEED" "$WORK/$size.edges"
}
