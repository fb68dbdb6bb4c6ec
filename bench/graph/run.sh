#!/usr/bin/env bash
# Network-analysis benchmark, one command: Corridor (`corridor graph analyze`) vs
# python-igraph, leidenalg and NetworKit on the same edge lists, each tool in its own
# process under /usr/bin/time (peak memory). Operations: load, connected
# components, PageRank, Leiden (modularity), betweenness from 1,000 sampled sources,
# 1,000 shortest paths, 2-hop neighbourhoods of 1,000 nodes.
# Graphs (bench/graph/make_edges.py): many small dense cells, sparse links between
# them, a few heavy-tailed hubs. Writes bench/out/graph_SIZE.json and the graph
# section of BENCHMARKS.md. Timings on this machine vary by a third from run to run,
# so the tools take turns for ROUNDS rounds (default 5 at 100k, 1 at 1m, where the
# peers' betweenness alone takes half an hour) and each figure is the median.
#
# Usage: bench/graph/run.sh [100k] [1m]     (both when none is given)
# Env:   ROUNDS=N   rounds at every size
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

for size in "${sizes[@]}"; do
    make_edges "$size"
    file="$WORK/$size.edges"
    rounds="${ROUNDS:-$([ "$size" = 100k ] && echo 5 || echo 1)}"
    results=()
    for round in $(seq "$rounds"); do
        for tool in corridor igraph leidenalg networkit; do
            echo "$tool on $size (round $round of $rounds)" >&2
            res="$WORK/${size}_${tool}_$round.json"
            if [ "$tool" = corridor ]; then
                /usr/bin/time -f "%e %M" -o "$WORK/time" "$C" graph analyze --edges "$file" --seed "$SEED" \
                    --sources 1000 --paths 1000 --neighbourhoods 1000 --hops 2 >"$res"
            else
                /usr/bin/time -f "%e %M" -o "$WORK/time" "$PY" "$HERE/peer.py" "$tool" "$file" "$SEED" >"$res"
            fi
            read -r seconds kib <"$WORK/time"
            results+=("$tool" "$res" "$seconds" "$kib")
        done
    done
    "$PY" "$HERE/report.py" "$size" "$OUT/graph_$size.json" "${results[@]}"
done
"$PY" "$HERE/report.py" --markdown "$ROOT/BENCHMARKS.md" "$OUT"
