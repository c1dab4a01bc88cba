"""Conformant targets never flake, even with both CPU cores busy.

A small version of ``python -m benchmarks.stress``, sharing its code: five runs
of the suite (each a real reference server and a ``pytest --pyargs conformance``
subprocess) against valid variants at 0, 0.05 and 0.5 s, both patterns, while
two busy-looping processes compete for the CPU. Each run has a fresh random
``--conformance-seed``; a failure message names it with a replay command.
"""

from benchmarks.stress import plan_runs, run_many, summary
from fixtures.behaviour import PATTERNS, TEST_BASE

LOAD = 2
RUNS = 5
# round-robin over durations x patterns: 0/single, 0/multi, 0.05/single, 0.05/multi, 0.5/single
DURATIONS = (0.0, 0.05, 0.5)


def test_conformant_targets_do_not_flake_under_load(tmp_path):
    plans = plan_runs(RUNS, DURATIONS, PATTERNS)
    results = run_many(plans, TEST_BASE, tmp_path, load=LOAD)
    print(summary(results, LOAD))
    assert all(r.ok for r in results), summary(results, LOAD)
