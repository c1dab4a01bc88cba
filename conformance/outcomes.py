"""Requirement levels, verdict outcomes and the gate that turns outcomes into an exit status."""

from __future__ import annotations

from enum import Enum
from typing import Iterable


class Level(str, Enum):
    MUST = "MUST"
    SHOULD = "SHOULD"
    MAY = "MAY"
    INFO = "info"
    MUST_IF_SUPPORTED = "MUST if supported"
    SHOULD_IF_SUPPORTED = "SHOULD if supported"
    SHOULD_IF_REQUIRED = "SHOULD if required"


class Outcome(str, Enum):
    PASS = "pass"
    FAIL = "fail"
    WARN = "warn"
    INFO = "info"
    NOT_APPLICABLE = "not-applicable"
    INCONCLUSIVE = "inconclusive"
    ERROR = "error"


# Order used when sorting for display: worst first.
SEVERITY = {
    Outcome.ERROR: 0,
    Outcome.FAIL: 1,
    Outcome.WARN: 2,
    Outcome.INCONCLUSIVE: 3,
    Outcome.INFO: 4,
    Outcome.NOT_APPLICABLE: 5,
    Outcome.PASS: 6,
}


def breaks_gate(outcome: Outcome, strict: bool) -> bool:
    """Whether one outcome makes the run fail the CI gate (catalog, 'Verdicts')."""
    if outcome in (Outcome.FAIL, Outcome.ERROR):
        return True
    return strict and outcome is Outcome.WARN


def overall_verdict(outcomes: Iterable[Outcome]) -> str:
    seen = set(outcomes)
    if Outcome.ERROR in seen:
        return "error"
    if Outcome.FAIL in seen:
        return "non-conformant"
    if Outcome.WARN in seen:
        return "conformant-with-warnings"
    return "conformant"
