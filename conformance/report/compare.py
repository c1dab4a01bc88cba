"""Comparison page: many result documents side by side.

Targets are columns (label, else URL, plus pattern), requirements are rows
(the union of IDs, in catalogue group order).  Each cell shows the outcome in
colour and links to that target's own HTML report (the JSON file's name with
``.html``), at the requirement's anchor.
"""
from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any
from urllib.parse import quote

from . import model
from .html import environment
from ..schemas import errors as schema_errors
from .text import shorten, visible


class ReportError(Exception):
    """A result document that cannot be used; the message is one line naming the file."""


def load_report(path: Path) -> dict[str, Any]:
    """Read and validate one result document."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ReportError(f"{path}: no such file") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ReportError(f"{path}: cannot read: {exc}") from None
    try:
        document = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ReportError(f"{path}: not JSON: {exc}") from None
    problems = schema_errors("report.schema.json", document)
    if problems:
        first = shorten(" ".join(problems[0].split()), 200)
        more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
        raise ReportError(f"{path}: does not validate against report.schema.json: {first}{more}")
    return document


_VERDICT_BADGE = {"conformant": "pass", "conformant-with-warnings": "warn", "non-conformant": "fail"}


def _href(json_path: Path, out_dir: Path) -> str:
    html_path = json_path.resolve().with_suffix(".html")
    relative = os.path.relpath(html_path, out_dir.resolve())
    return quote(Path(relative).as_posix())


def _column(path: Path, report: dict[str, Any], out_dir: Path) -> dict[str, Any]:
    target = report.get("target") or {}
    verdict = str(report.get("verdict", "error"))
    label = target.get("label") or target.get("url") or "unknown target"
    return {
        "label": visible(label),
        "url": visible(target.get("url") or ""),
        "pattern": visible(report.get("pattern")),
        "profile": visible(report.get("profile")),
        "verdict": model.VERDICT_LABELS.get(verdict, visible(verdict)),
        "badge_css": _VERDICT_BADGE.get(verdict, "error"),
        "href": _href(path, out_dir),
        "has_html": path.with_suffix(".html").is_file(),
        "file": visible(path.name),
        "counts": ", ".join(f"{n} {visible(o)}" for o, n in model.counts(report) if n),
    }


def context(entries: list[tuple[Path, dict[str, Any]]], out_path: Path) -> dict[str, Any]:
    """Columns, grouped rows and cells, ready for the template."""
    out_dir = out_path.parent
    columns = [_column(path, report, out_dir) for path, report in entries]
    known: dict[str, dict[str, Any]] = {}
    for _, report in entries:
        for req in report.get("requirements") or []:
            known.setdefault(str(req.get("id")), req)
    outcome_of = [
        {str(r.get("id")): str(r.get("outcome")) for r in report.get("requirements") or []}
        for _, report in entries
    ]
    groups = []
    for group, reqs in model.grouped(known.values()):
        rows = []
        for req in reqs:
            rid = str(req.get("id"))
            cells = []
            for column, outcomes in zip(columns, outcome_of):
                outcome = outcomes.get(rid)
                if outcome is None:
                    cells.append(None)
                    continue
                css = outcome if outcome in model.OUTCOME_ORDER else "unknown"
                cells.append({
                    "css": css,
                    "label": model.OUTCOME_LABELS.get(outcome, visible(outcome)),
                    "href": f"{column['href']}#{model.anchor(rid)}",
                })
            seen = {cell["css"] for cell in cells if cell}
            rows.append({
                "id": visible(rid),
                "level": visible(req.get("level")),
                "statement": visible(req.get("statement")),
                "cells": cells,
                "differs": len(seen) > 1,
            })
        groups.append({"name": visible(group), "rows": rows})
    return {"columns": columns, "groups": groups}


def render_compare(entries: list[tuple[Path, dict[str, Any]]], out_path: Path) -> str:
    """Render the comparison page that will be written to ``out_path``."""
    return environment().get_template("compare.html.j2").render(**context(entries, out_path))
