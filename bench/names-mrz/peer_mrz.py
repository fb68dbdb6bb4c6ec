#!/usr/bin/env python3
"""Validates every TD3 MRZ of mrz.jsonl with the PyPI `mrz` package; prints one JSON line."""
import json
import sys
import time

from mrz.checker.td3 import TD3CodeChecker

docs = [json.loads(l)["lines"] for l in open(sys.argv[1])]
start = time.perf_counter()
valid = 0
for lines in docs:
    if bool(TD3CodeChecker("\n".join(lines))):
        valid += 1
secs = time.perf_counter() - start
print(json.dumps({"tool": "python mrz", "documents": len(docs), "valid": valid, "seconds": secs}))
