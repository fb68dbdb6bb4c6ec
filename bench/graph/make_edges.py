"""Writes a synthetic network edge list shaped like smuggling networks: many small,
dense cells (a crew that phones, drives and crosses together), sparse links between
cells, and a few hubs (brokers, forgers, money agents) tied to hundreds of nodes.

    python3 make_edges.py NODES EDGES SEED OUT

Nodes are numbered 0..NODES-1 (every node has at least one edge); one `u v` per
line, no duplicates, no self-loops, lines in random order. The edge count is hit to
within rounding: about 60% inside cells, 12% on hubs, the rest between cells.
"""
import sys

import numpy as np


def main():
    n, m, seed, out = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
    rng = np.random.default_rng(seed)
    # Cells of 4..16 members, in node order; each node's cell bounds.
    sizes = []
    total = 0
    while total < n:
        s = int(rng.integers(4, 17))
        s = min(s, n - total)
        sizes.append(s)
        total += s
    if len(sizes) > 1 and sizes[-1] < 4:
        # No cell of one: every node must have an edge.
        last = sizes.pop()
        sizes[-1] += last
    sizes = np.array(sizes)
    starts = np.repeat(np.cumsum(sizes) - sizes, sizes)
    lens = np.repeat(sizes, sizes)

    def chunk(count):
        # Intra-cell: a random member to another member of its cell.
        u = rng.integers(0, n, count)
        v = starts[u] + rng.integers(0, lens[u])
        intra = np.stack([u, v], 1)
        return intra

    parts = []
    intra_n = int(m * 0.60)
    hub_n = int(m * 0.12)
    # A spanning path through each cell so every node has an edge and cells are connected.
    nodes = np.arange(n)
    chain = nodes[1:][starts[1:] == starts[:-1]]
    parts.append(np.stack([chain - 1, chain], 1))
    parts.append(chunk(intra_n - len(chain)))
    hubs = rng.choice(n, max(1, n // 2000), replace=False)
    # Hub degrees are heavy-tailed: a few brokers reach thousands.
    weights = rng.pareto(1.2, len(hubs)) + 1
    weights /= weights.sum()
    parts.append(np.stack([rng.choice(hubs, hub_n, p=weights), rng.integers(0, n, hub_n)], 1))

    edges = np.concatenate(parts)
    # Between cells: random pairs, topped up until the distinct edge count is m.
    while True:
        a, b = np.minimum(edges[:, 0], edges[:, 1]), np.maximum(edges[:, 0], edges[:, 1])
        keep = a != b
        edges = np.unique(np.stack([a[keep], b[keep]], 1), axis=0)
        short = m - len(edges)
        if short <= 0:
            break
        extra = rng.integers(0, n, (int(short * 1.02) + 10, 2))
        edges = np.concatenate([edges, extra])
    edges = edges[rng.permutation(len(edges))[:m]]
    with open(out, "w") as f:
        np.savetxt(f, edges, fmt="%d", delimiter=" ")


if __name__ == "__main__":
    main()
