"""Benchmark tooling: the synthetic cascade, parent accuracy, ingest and serving figures.

Never part of ``make test``: run ``python -m bench.run --plans N``.
"""
