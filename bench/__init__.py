"""Benchmarks: `make bench` (``python -m bench [name-filter]``) prints one row per case."""
