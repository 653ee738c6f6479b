"""Benchmarks of reconciler (not part of the test suite); see run.py."""
