"""Loads an edge list and runs one peer's Leiden (modularity, two iterations), printing
JSON with the milliseconds of the Leiden call alone, its modularity and community count.

    python3 leiden_peer.py igraph|networkit EDGES SEED

The same calls as peer.py's (igraph: community_leiden(objective_function="modularity",
n_iterations=2); NetworKit: ParallelLeiden(g, iterations=2) on every core), without
the other operations, so that Leiden can run for several rounds at 1M nodes, where
the peers' betweenness alone takes half an hour.
"""
import json
import sys
import time

tool, path, seed = sys.argv[1], sys.argv[2], int(sys.argv[3])
if tool == "igraph":
    import random

    import igraph as ig

    random.seed(seed)
    ig.set_random_number_generator(random)
    g = ig.Graph.Read_Edgelist(path, directed=False).simplify()
    t = time.perf_counter()
    part = g.community_leiden(objective_function="modularity", n_iterations=2)
    ms = (time.perf_counter() - t) * 1000
    out = {"version": ig.__version__, "modularity": g.modularity(part.membership), "communities": len(part)}
elif tool == "networkit":
    import networkit as nk

    nk.engineering.setSeed(seed, True)
    g = nk.graphio.EdgeListReader(" ", 0, directed=False).read(path)
    g.removeMultiEdges()
    g.removeSelfLoops()
    leiden = nk.community.ParallelLeiden(g, iterations=2)
    t = time.perf_counter()
    leiden.run()
    ms = (time.perf_counter() - t) * 1000
    part = leiden.getPartition()
    out = {
        "version": nk.__version__,
        "modularity": nk.community.Modularity().getQuality(part, g),
        "communities": part.numberOfSubsets(),
    }
else:
    sys.exit(f"unknown tool {tool}: igraph or networkit")
out.update({"tool": tool, "milliseconds": ms})
print(json.dumps(out))
