"""Writes the reference values the graph tests compare against.

Run once with python-igraph, leidenalg and networkx installed (PyPI):
    python3 make_reference.py
It writes karate.edges, random.edges and reference.json beside itself. The tests
read only those files; neither Python nor these packages are needed to run them.
"""
import json
import random
from pathlib import Path

import igraph as ig
import leidenalg
import networkx as nx

here = Path(__file__).parent


def write_edges(path, edges):
    path.write_text("".join(f"{u} {v}\n" for u, v in edges))


def reference(g):
    """igraph's values for one graph (nodes 0..n-1, unweighted, undirected)."""
    part = leidenalg.find_partition(
        g, leidenalg.ModularityVertexPartition, seed=1, n_iterations=-1
    )
    return {
        "nodes": g.vcount(),
        "edges": g.ecount(),
        "components": len(g.connected_components()),
        "betweenness": g.betweenness(directed=False),
        "pagerank": g.pagerank(damping=0.85, directed=False),
        "degree": g.degree(),
        "distances_from_0": [
            -1 if d == float("inf") else int(d) for d in g.distances(source=[0])[0]
        ],
        "two_hop_sizes": [len(g.neighborhood(v, order=2)) - 1 for v in range(g.vcount())],
        "leidenalg_modularity": part.modularity,
    }


karate = nx.karate_club_graph()
karate_edges = sorted((min(u, v), max(u, v)) for u, v in karate.edges())
write_edges(here / "karate.edges", karate_edges)

rng = random.Random(20261204)
n = 400
random_edges = set()
# A planted partition: eight dense cells with sparse links between them, so the
# community structure is real and the paths cross cells.
for _ in range(1600):
    u = rng.randrange(n)
    v = (u // 50) * 50 + rng.randrange(50) if rng.random() < 0.85 else rng.randrange(n)
    if u != v:
        random_edges.add((min(u, v), max(u, v)))
random_edges = sorted(random_edges)
write_edges(here / "random.edges", random_edges)

out = {}
for name, edges in (("karate", karate_edges), ("random", random_edges)):
    g = ig.Graph(n=max(max(e) for e in edges) + 1, edges=edges)
    out[name] = reference(g)
out["karate"]["networkx_betweenness"] = [
    nx.betweenness_centrality(karate, normalized=False)[v] for v in range(34)
]
(here / "reference.json").write_text(json.dumps(out, indent=1) + "\n")
