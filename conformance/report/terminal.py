"""Terminal summary of one result document.

One line per requirement that needs a reader's attention (fail, error, warn,
inconclusive), worst first, then one line with the verdict and the counts.
Every control character the server could have put in a message is shown as a
repr-style escape, so a report can never move the cursor or retitle a window.
"""
from __future__ import annotations

from typing import Any

from . import model
from .text import shorten, visible

LABELS = {"fail": "FAIL", "error": "ERROR", "warn": "WARN", "inconclusive": "INCONCLUSIVE"}


def requirement_line(req: dict[str, Any], width: int = 160) -> str:
    """``FAIL  accept/status-202  expected 202, got 200`` for one requirement."""
    outcome = str(req.get("outcome", "error"))
    label = LABELS.get(outcome, visible(outcome).upper())
    detail = model.expected_observed(req) or str(req.get("message") or "")
    line = f"{label:<5} {visible(req.get('id'))}  {visible(detail)}".rstrip()
    return shorten(line, width)


def verdict_line(report: dict[str, Any]) -> str:
    """``non-conformant: 2 fail, 1 warn, 30 pass (http://host/resource, single)``."""
    verdict = str(report.get("verdict", "error"))
    label = model.VERDICT_LABELS.get(verdict, visible(verdict))
    counts = ", ".join(f"{n} {visible(outcome)}" for outcome, n in model.counts(report) if n)
    where = f"{visible(model.target_label(report))}, {visible(report.get('pattern'))}"
    return f"{label}: {counts or 'no requirement checked'} ({where})"


def summary_lines(report: dict[str, Any]) -> list[str]:
    """Lines for the end of a pytest run: problems first, the verdict last."""
    lines = [requirement_line(req) for req in model.problems(report.get("requirements") or [])]
    answer = (report.get("idempotence") or {}).get("answer") if isinstance(report.get("idempotence"), dict) else None
    if answer:
        lines.append(shorten(f"idempotent? {visible(answer)}", 400))
    lines.append(verdict_line(report))
    return lines
