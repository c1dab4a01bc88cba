"""Shared vocabulary of the report views: orderings, labels, anchors, lookups."""
from __future__ import annotations

import re
from typing import Any, Iterable

#: Outcomes from most to least severe; views sort and count in this order.
OUTCOME_ORDER: tuple[str, ...] = (
    "fail", "error", "warn", "inconclusive", "info", "not-applicable", "pass",
)
#: Outcomes that a reader must look at.
PROBLEM_OUTCOMES: frozenset[str] = frozenset({"fail", "error", "warn", "inconclusive"})

#: Catalogue order of requirement groups; unknown groups follow alphabetically.
GROUP_ORDER: tuple[str, ...] = (
    "accept", "monitor", "product", "single", "multi",
    "safety", "idempotence", "errors", "http",
)

VERDICT_LABELS: dict[str, str] = {
    "conformant": "conformant",
    "conformant-with-warnings": "conformant with warnings",
    "non-conformant": "non-conformant",
    "error": "error",
}

VERDICT_MEANINGS: dict[str, str] = {
    "conformant": "every requirement checked was met",
    "conformant-with-warnings": "every MUST was met; some SHOULDs were not",
    "non-conformant": "at least one requirement was violated",
    "error": "the suite could not run some checks",
}

OUTCOME_LABELS: dict[str, str] = {
    "pass": "pass", "fail": "FAIL", "error": "ERROR", "warn": "warn",
    "info": "info", "not-applicable": "n/a", "inconclusive": "inconclusive",
}

_NOT_ANCHOR = re.compile(r"[^a-z0-9-]+")


def anchor(requirement_id: str) -> str:
    """HTML id of a requirement: ``accept/status-202`` -> ``req-accept-status-202``."""
    return "req-" + _NOT_ANCHOR.sub("-", str(requirement_id).lower()).strip("-")


def severity(outcome: str) -> int:
    """Sort key: lower is worse; unknown outcomes sort just before ``pass``."""
    try:
        return OUTCOME_ORDER.index(outcome)
    except ValueError:
        return len(OUTCOME_ORDER) - 1


def group_of(requirement: dict[str, Any]) -> str:
    """The group of a requirement, from ``group`` or the ID's prefix."""
    group = requirement.get("group") or str(requirement.get("id", "")).split("/")[0]
    return str(group).strip("/") or "other"


def group_key(group: str) -> tuple[int, str]:
    """Sort key putting groups in catalogue order, unknown ones after."""
    try:
        return (GROUP_ORDER.index(group), group)
    except ValueError:
        return (len(GROUP_ORDER), group)


def grouped(requirements: Iterable[dict[str, Any]]) -> list[tuple[str, list[dict[str, Any]]]]:
    """Requirements grouped in catalogue order, each group in report order."""
    groups: dict[str, list[dict[str, Any]]] = {}
    for requirement in requirements:
        groups.setdefault(group_of(requirement), []).append(requirement)
    return sorted(groups.items(), key=lambda item: group_key(item[0]))


def problems(requirements: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """Non-passing requirements, worst first (stable within one outcome)."""
    found = [r for r in requirements if r.get("outcome") in PROBLEM_OUTCOMES]
    return sorted(found, key=lambda r: severity(r.get("outcome", "")))


def counts(report: dict[str, Any]) -> list[tuple[str, int]]:
    """Outcome counts in severity order, from ``counts`` or recomputed."""
    given = report.get("counts")
    if not isinstance(given, dict) or not given:
        given = {}
        for requirement in report.get("requirements") or []:
            outcome = requirement.get("outcome", "error")
            given[outcome] = given.get(outcome, 0) + 1
    ordered = sorted(given.items(), key=lambda item: (severity(item[0]), item[0]))
    return [(outcome, int(number)) for outcome, number in ordered]


def expected_observed(requirement: dict[str, Any]) -> str:
    """``expected X, got Y`` when the requirement says both, else ``""``."""
    expected, observed = requirement.get("expected"), requirement.get("observed")
    parts = []
    if expected not in (None, ""):
        parts.append(f"expected {expected}")
    if observed not in (None, ""):
        parts.append(f"got {observed}")
    return ", ".join(parts)


def exchanges_by_seq(report: dict[str, Any]) -> dict[int, dict[str, Any]]:
    """The report's exchanges keyed by ``seq``."""
    found: dict[int, dict[str, Any]] = {}
    for exchange in report.get("exchanges") or []:
        seq = exchange.get("seq")
        if isinstance(seq, int):
            found[seq] = exchange
    return found


def is_strict(report: dict[str, Any]) -> bool:
    """Whether the run treated SHOULD violations (warn) as failures."""
    options = report.get("options") or {}
    for key in ("strict", "conformance_strict", "conformance-strict"):
        if options.get(key):
            return True
    return False


def target_label(report: dict[str, Any]) -> str:
    """Short name of the target: its label, else its URL."""
    target = report.get("target") or {}
    return str(target.get("label") or target.get("url") or "unknown target")


def format_duration(seconds: Any) -> str:
    """``0.42 s``, ``12.3 s``, ``2 min 05 s``."""
    try:
        value = float(seconds)
    except (TypeError, ValueError):
        return "?"
    if value < 10:
        return f"{value:.2f} s"
    if value < 120:
        return f"{value:.1f} s"
    minutes, rest = divmod(int(round(value)), 60)
    return f"{minutes} min {rest:02d} s"
