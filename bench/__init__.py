"""Groundswell's clustering benchmark: `python -m bench [--quick]` (see bench/README.md)."""
