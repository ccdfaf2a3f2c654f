"""Benchmarks: `python -m bench.recognition` (see bench/engine.py for the measuring helpers)."""
