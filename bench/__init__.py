"""Benchmark scripts (contract §5). Run with ``make bench`` or ``python -m bench NAME``."""
