#!/usr/bin/env bash
# Run the load test; arguments go to `python -m benchmarks.load` (see --help).
set -eu
cd "$(dirname "$0")/../.."
exec .venv/bin/python -m benchmarks.load "$@"
