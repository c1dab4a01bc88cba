"""Benchmarks and stress runs; not part of the default test run."""
