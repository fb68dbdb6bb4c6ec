"""Runs the network benchmark's operations in one peer tool and prints JSON with each
step's milliseconds and the figures to compare (component count, modularity, ...).

    python3 peer.py igraph|leidenalg|networkit EDGES SEED

Each operation is the one the tool's documentation recommends for the job:
- igraph (python-igraph, C core): Graph.Read_Edgelist, connected_components,
  pagerank (PRPACK), community_leiden(objective="modularity"), betweenness with a
  sampled `sources` subset (igraph_betweenness_subset), get_shortest_path per pair,
  neighborhood(order=k).
- leidenalg (on an igraph graph): find_partition(ModularityVertexPartition); only
  Leiden is timed, the rest is igraph's.
- networkit (parallel C++): EdgeListReader, ConnectedComponents, PageRank,
  ParallelLeiden, EstimateBetweenness (the same number of sampled sources, run in
  parallel), BidirectionalBFS per pair; it has no k-hop neighbourhood call, so that
  step is left out rather than timed through a Python loop.
The sampled nodes are drawn with numpy from the seed: the same counts as Corridor,
not the same nodes (each tool's estimate is of the same quantity).
"""
import json
import sys
import time

import numpy as np

tool, path, seed = sys.argv[1], sys.argv[2], int(sys.argv[3])
SOURCES, PATHS, CENTRES, HOPS = 1000, 1000, 1000, 2
ms = {}
out = {"tool": tool, "milliseconds": ms}


def timed(name, fn):
    t = time.perf_counter()
    result = fn()
    ms[name] = round((time.perf_counter() - t) * 1000, 2)
    return result


def samples(n):
    rng = np.random.default_rng(seed)
    sources = sorted(rng.choice(n, min(SOURCES, n), replace=False).tolist())
    a = rng.integers(0, n, PATHS)
    b = (a + rng.integers(1, n, PATHS)) % n
    centres = sorted(rng.choice(n, min(CENTRES, n), replace=False).tolist())
    return sources, list(zip(a.tolist(), b.tolist())), centres


def run_igraph(leiden_by_leidenalg):
    import igraph as ig

    out["version"] = ig.__version__
    g = timed("load", lambda: ig.Graph.Read_Edgelist(path, directed=False).simplify())
    n = g.vcount()
    out["nodes"], out["edges"] = n, g.ecount()
    sources, pairs, centres = samples(n)
    comps = timed("components", lambda: g.connected_components())
    out["components"] = len(comps)
    timed("pagerank", lambda: g.pagerank(damping=0.85, directed=False))
    if leiden_by_leidenalg:
        import leidenalg

        out["version"] = leidenalg.version
        part = timed(
            "leiden",
            lambda: leidenalg.find_partition(
                g, leidenalg.ModularityVertexPartition, seed=seed, n_iterations=2
            ),
        )
        out["modularity"] = part.modularity
        out["communities"] = len(part)
        return
    part = timed(
        "leiden",
        lambda: g.community_leiden(objective_function="modularity", n_iterations=2),
    )
    out["modularity"] = g.modularity(part.membership)
    out["communities"] = len(part)
    timed("betweenness", lambda: g.betweenness(directed=False, sources=sources))
    found = timed("paths", lambda: [g.get_shortest_path(a, b) for a, b in pairs])
    hops = [len(p) - 1 for p in found if p]
    out["paths_found"], out["mean_hops"] = len(hops), sum(hops) / max(1, len(hops))
    near = timed("neighbourhoods", lambda: g.neighborhood(centres, order=HOPS))
    out["mean_neighbourhood"] = sum(len(x) - 1 for x in near) / len(near)


def run_networkit():
    import networkit as nk

    out["version"] = nk.__version__
    out["threads"] = nk.getMaxNumberOfThreads()

    def load():
        g = nk.graphio.EdgeListReader(" ", 0, directed=False).read(path)
        g.removeMultiEdges()
        g.removeSelfLoops()
        return g

    g = timed("load", load)
    n = g.numberOfNodes()
    out["nodes"], out["edges"] = n, g.numberOfEdges()
    sources, pairs, _ = samples(n)
    cc = nk.components.ConnectedComponents(g)
    timed("components", cc.run)
    out["components"] = cc.numberOfComponents()
    timed("pagerank", nk.centrality.PageRank(g, 0.85, 1e-9).run)
    leiden = nk.community.ParallelLeiden(g, iterations=2)
    timed("leiden", leiden.run)
    part = leiden.getPartition()
    out["modularity"] = nk.community.Modularity().getQuality(part, g)
    out["communities"] = part.numberOfSubsets()
    timed(
        "betweenness",
        nk.centrality.EstimateBetweenness(g, len(sources), False, True).run,
    )

    def paths():
        found = []
        for a, b in pairs:
            bfs = nk.distance.BidirectionalBFS(g, a, b, storePred=True)
            bfs.run()
            # getPath() holds the nodes between the two ends.
            found.append([a, *bfs.getPath(), b] if bfs.getDistance() < 1e300 else None)
        return found

    found = timed("paths", paths)
    hops = [len(p) - 1 for p in found if p is not None]
    out["paths_found"], out["mean_hops"] = len(hops), sum(hops) / max(1, len(hops))


if tool == "igraph":
    run_igraph(False)
elif tool == "leidenalg":
    run_igraph(True)
elif tool == "networkit":
    run_networkit()
else:
    sys.exit(f"unknown tool {tool}: igraph, leidenalg or networkit")
print(json.dumps(out))
