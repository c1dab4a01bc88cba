"""Run order of the project's own tests: the longest first.

``pytest -n 4`` hands tests to its workers in collection order, so a long test collected last (the stress run,
85 s with two busy loops beside it) would run alone at the end while the other workers idle. The tests below
start first instead; everything else keeps its order. Order only: no test depends on another.
"""

from __future__ import annotations

import pytest

#: node-id prefixes of the tests that take longest (measured with ``pytest -n 4 --durations=60``), longest first
LONGEST_FIRST = (
    "tests/stress/",
    "tests/test_ci_commands.py",
    "tests/peers/",
    "tests/report/test_browser.py",
)


def _rank(item: pytest.Item) -> int:
    return next((i for i, prefix in enumerate(LONGEST_FIRST) if item.nodeid.startswith(prefix)), len(LONGEST_FIRST))


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    items.sort(key=_rank)  # stable: within a rank, collection order
