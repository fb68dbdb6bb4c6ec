#!/usr/bin/env bash
# Every test: the workspace's (unit, integration, end-to-end), then the export
# formats checked with the tools that read them (NetworkX, python-igraph, the
# PyPI geojson validator, followthemoney's model), which
# bench/graph/validate_exports.sh installs from PyPI into a venv of its own, then the
# node's API fuzzed from its OpenAPI document with schemathesis (bench/api/fuzz.sh,
# also from PyPI): no server error, no answer the document does not describe.
# Usage: ./test-all.sh [cargo test arguments]
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"
cargo test --workspace --locked "$@"
./bench/graph/validate_exports.sh
./bench/api/fuzz.sh
