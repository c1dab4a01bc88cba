"""The synthetic documents the view tests use are valid result documents."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator

from .sample import make_report

SCHEMA = Path(__file__).resolve().parents[2] / "schemas" / "report.schema.json"

VARIANTS = {
    "failing": {},
    "passing": {"failing": False},
    "strict-multi": {"pattern": "multi", "strict": True, "label": "vendor"},
    "many-processes": {"processes": 40},
}


@pytest.mark.parametrize("kwargs", VARIANTS.values(), ids=list(VARIANTS))
def test_sample_validates(kwargs: dict) -> None:
    validator = Draft202012Validator(json.loads(SCHEMA.read_text(encoding="utf-8")))
    errors = [e.message for e in validator.iter_errors(make_report(**kwargs))]
    assert errors == []


def test_sample_covers_every_outcome() -> None:
    outcomes = {r["outcome"] for r in make_report()["requirements"]}
    assert {"pass", "fail", "warn", "error", "inconclusive", "not-applicable", "info"} <= outcomes


def test_loader_rejects_an_invalid_document(tmp_path: Path) -> None:
    from conformance.report.compare import ReportError, load_report

    good = tmp_path / "good.json"
    good.write_text(json.dumps(make_report()), encoding="utf-8")
    assert load_report(good)["verdict"] == "error"
    broken = make_report()
    broken["requirements"][0]["outcome"] = "bogus"
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(broken), encoding="utf-8")
    with pytest.raises(ReportError, match=r"bad\.json: does not validate .*requirements/0/outcome"):
        load_report(bad)
