"""The peer of bench-psi: OpenMined PSI (PyPI openmined-psi) on the same sets.

The server's setup message encodes its whole set under its key (a Golomb-compressed
set, false-positive rate 1e-9); the client's request and the server's response carry
the query. Setup is made per query in the library's protocol (the client needs it to
read the response), so a query's end-to-end cost is setup + request + response +
intersection; the setup's share is reported apart too. Prints one JSON object.
"""
import json
import sys
import time

import private_set_intersection.python as psi


def phone(i):
    return "+3069%08d" % i


def main():
    n, q, overlap = (int(a) for a in sys.argv[1:4])
    held = [phone(i) for i in range(n)]
    step = max(n // max(overlap, 1), 1)
    asked = [phone(i * step % n) if i < overlap else phone(n + i) for i in range(q)]
    server = psi.server.CreateWithNewKey(True)
    client = psi.client.CreateWithNewKey(True)
    t = time.perf_counter()
    setup = server.CreateSetupMessage(1e-9, len(asked), held, psi.DataStructure.GCS)
    setup_s = time.perf_counter() - t
    t = time.perf_counter()
    request = client.CreateRequest(asked)
    request_s = time.perf_counter() - t
    t = time.perf_counter()
    response = server.ProcessRequest(request)
    response_s = time.perf_counter() - t
    t = time.perf_counter()
    found = client.GetIntersection(setup, response)
    intersect_s = time.perf_counter() - t
    assert len(found) == overlap, (len(found), overlap)
    print(json.dumps({
        "version": getattr(psi, "__version__", "2.0.6"),
        "responder": n, "query": q, "overlap": overlap, "hits": len(found),
        "setup_s": setup_s, "request_s": request_s, "response_s": response_s, "intersect_s": intersect_s,
        "query_s": request_s + response_s + intersect_s,
        "end_to_end_s": setup_s + request_s + response_s + intersect_s,
        "setup_bytes": len(setup.SerializeToString()),
        "request_bytes": len(request.SerializeToString()),
        "response_bytes": len(response.SerializeToString()),
    }))


if __name__ == "__main__":
    main()
