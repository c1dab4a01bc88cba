"""The run's own check of its report against schemas/report.schema.json looks at one exchange per shape
(conformance.result.validate_report): it must find what a check of every exchange finds, at the same place."""
from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator

from conformance.result import EXCHANGE_KEYWORDS, validate_report

from .sample import make_report

SCHEMA = json.loads((Path(__file__).resolve().parents[2] / "schemas" / "report.schema.json").read_text("utf-8"))


def _keywords(node) -> set[str]:
    if isinstance(node, dict):
        keys = set(node) - {"properties"}
        for k, v in node.items():
            keys |= set().union(*(_keywords(s) for s in v.values())) if k == "properties" else _keywords(v)
        return keys
    if isinstance(node, list):
        return set().union(set(), *(_keywords(v) for v in node))
    return set()


def test_the_exchange_schema_looks_only_at_shapes():
    used = _keywords(SCHEMA["$defs"]["exchange"]) | _keywords(SCHEMA["$defs"]["headers"])
    assert used <= EXCHANGE_KEYWORDS, f"keywords that look at values: {sorted(used - EXCHANGE_KEYWORDS)}"


def _many() -> dict:
    report = make_report(processes=40)
    base = report["exchanges"]
    report["exchanges"] = [dict(copy.deepcopy(base[i % len(base)]), seq=i + 1) for i in range(60)]
    return report


def _full(report: dict) -> list[str]:
    return sorted("/".join(map(str, e.absolute_path)) for e in Draft202012Validator(SCHEMA).iter_errors(report))


BREAKS = {
    "status as text": lambda ex: ex["response"].__setitem__("status", "200"),
    "seq 0": lambda ex: ex.__setitem__("seq", 0),
    "a header of three strings": lambda ex: ex["request"]["headers"].append(["a", "b", "c"]),
    "no purpose": lambda ex: ex.pop("purpose"),
    "truncated as a number": lambda ex: ex["response"].__setitem__("truncated", 1),
}


@pytest.mark.parametrize("name", list(BREAKS))
def test_one_broken_exchange_among_many_is_found_where_it_is(name):
    report = _many()
    assert validate_report(report) == [] == _full(report)
    BREAKS[name](report["exchanges"][47])
    found = validate_report(report)
    assert found and all(e.startswith("exchanges/47") for e in found), found
    assert sorted(e.split(":")[0] for e in found) == _full(report)
