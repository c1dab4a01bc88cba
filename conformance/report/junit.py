"""JUnit XML view of one or more result documents.

One ``<testsuite name="conformance-<pattern>">`` per document, one
``<testcase classname="<group>" name="<id>">`` per requirement:

* fail -> ``<failure>``, error -> ``<error>`` (message: expected vs observed);
* warn -> ``<failure type="warning">`` when the run was strict, otherwise a
  ``<system-out>`` line starting ``WARN``;
* not-applicable, inconclusive -> ``<skipped>`` (``INCONCLUSIVE: ...``);
* pass, info -> a plain test case (info adds an ``INFO`` line).

Text is built with :mod:`xml.etree.ElementTree` and passed through
:func:`text.visible` first, so characters XML 1.0 forbids never appear.
"""
from __future__ import annotations

import xml.etree.ElementTree as ET
from typing import Any

from . import model
from .text import shorten, visible


def _message(req: dict[str, Any]) -> str:
    said = model.expected_observed(req)
    message = str(req.get("message") or "")
    if said and message:
        return visible(f"{said}: {message}")
    return visible(said or message or req.get("outcome", ""))


def _details(req: dict[str, Any], exchanges: dict[int, dict[str, Any]]) -> str:
    lines = [
        f"{visible(req.get('level'))}: {visible(req.get('statement'))}",
        f"message: {visible(req.get('message') or '')}",
    ]
    if req.get("expected") is not None:
        lines.append(f"expected: {visible(req.get('expected'))}")
    if req.get("observed") is not None:
        lines.append(f"observed: {visible(req.get('observed'))}")
    for seq in req.get("evidence") or []:
        exchange = exchanges.get(seq)
        if exchange is None:
            lines.append(f"evidence #{visible(seq)}: not in the wire log")
            continue
        response = exchange.get("response") or {}
        outcome = visible(exchange.get("error")) if exchange.get("error") else visible(response.get("status"))
        lines.append(
            f"evidence #{visible(seq)}: {visible(exchange.get('method'))} {visible(exchange.get('url'))}"
            f" -> {outcome}"
        )
    for command in req.get("reproduce") or []:
        lines.append(f"reproduce: {visible(command)}")
    hypothesis = req.get("hypothesis") or {}
    if isinstance(hypothesis, dict) and hypothesis.get("seed") is not None:
        lines.append(f"hypothesis seed: {visible(hypothesis.get('seed'))}")
    if isinstance(hypothesis, dict) and hypothesis.get("replay"):
        lines.append(f"hypothesis replay: {visible(hypothesis.get('replay'))}")
    return "\n".join(lines)


def _testcase(suite: ET.Element, req: dict[str, Any], strict: bool,
              exchanges: dict[int, dict[str, Any]], tally: dict[str, int]) -> None:
    case = ET.SubElement(suite, "testcase", {
        "classname": visible(model.group_of(req)),
        "name": visible(req.get("id")),
        "time": "0",
    })
    outcome = req.get("outcome")
    tally["tests"] += 1
    if outcome == "fail":
        node = ET.SubElement(case, "failure", {"message": _message(req), "type": "fail"})
        node.text = _details(req, exchanges)
        tally["failures"] += 1
    elif outcome == "error" or outcome not in model.OUTCOME_ORDER:
        node = ET.SubElement(case, "error", {"message": _message(req), "type": "error"})
        node.text = _details(req, exchanges)
        tally["errors"] += 1
    elif outcome == "warn" and strict:
        node = ET.SubElement(case, "failure", {"message": _message(req), "type": "warning"})
        node.text = _details(req, exchanges)
        tally["failures"] += 1
    elif outcome == "warn":
        ET.SubElement(case, "system-out").text = f"WARN {_message(req)}\n{_details(req, exchanges)}"
    elif outcome == "not-applicable":
        ET.SubElement(case, "skipped", {"message": "not applicable: " + _message(req)})
        tally["skipped"] += 1
    elif outcome == "inconclusive":
        ET.SubElement(case, "skipped", {"message": "INCONCLUSIVE: " + _message(req)})
        tally["skipped"] += 1
    elif outcome == "info" and req.get("message"):
        ET.SubElement(case, "system-out").text = "INFO " + visible(req.get("message"))


def _testsuite(parent: ET.Element, report: dict[str, Any], tally_all: dict[str, int]) -> None:
    tally = {"tests": 0, "failures": 0, "errors": 0, "skipped": 0}
    suite = ET.SubElement(parent, "testsuite", {"name": f"conformance-{visible(report.get('pattern'))}"})
    properties = ET.SubElement(suite, "properties")
    target = report.get("target") or {}
    facts = {
        "target": target.get("url"),
        "label": target.get("label"),
        "pattern": report.get("pattern"),
        "profile": report.get("profile"),
        "verdict": report.get("verdict"),
        "suite.version": (report.get("suite") or {}).get("version"),
        "strict": str(model.is_strict(report)).lower(),
    }
    for name, value in facts.items():
        if value is not None:
            ET.SubElement(properties, "property", {"name": name, "value": visible(value)})
    strict = model.is_strict(report)
    exchanges = model.exchanges_by_seq(report)
    for req in report.get("requirements") or []:
        _testcase(suite, req, strict, exchanges, tally)
    notes = [visible(note) for note in report.get("notes") or []]
    verdict = visible(report.get("verdict"))
    ET.SubElement(suite, "system-out").text = "\n".join(
        [f"verdict: {verdict} ({visible(model.target_label(report))})", *(f"NOTE {n}" for n in notes)]
    )
    duration = report.get("duration_s")
    suite.set("time", f"{float(duration):.3f}" if isinstance(duration, (int, float)) else "0")
    if report.get("started"):
        suite.set("timestamp", shorten(visible(report.get("started")), 64))
    for key, value in tally.items():
        suite.set(key, str(value))
        tally_all[key] += value


def render_junit(reports: list[dict[str, Any]]) -> str:
    """Render result documents as one JUnit XML document (a ``<testsuites>``)."""
    root = ET.Element("testsuites", {"name": "async-request-conformance"})
    tally = {"tests": 0, "failures": 0, "errors": 0, "skipped": 0}
    for report in reports:
        _testsuite(root, report, tally)
    for key, value in tally.items():
        root.set(key, str(value))
    ET.indent(root)
    return '<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"
