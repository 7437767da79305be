#!/usr/bin/env bash
# The `make bench` entry point: full benchmark, or `bench/run_all.sh --quick`.
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON="${PYTHON:-.venv/bin/python}"
exec "$PYTHON" -m bench "$@"
