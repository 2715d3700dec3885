"""Benchmarks: ``python -m bench`` prints each figure beside its target, with the machine."""
