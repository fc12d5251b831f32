"""Benchmarks for Pulse: `python -m bench` (or `make bench`) runs them; see bench/README.md."""
