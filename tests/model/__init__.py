"""Unit tests of the sans-I/O protocol model: hand-built and generated observation logs, no network."""
