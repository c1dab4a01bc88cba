"""JUnit XML view."""
from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from conformance.report.junit import render_junit

from .sample import make_report

XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def _cases(root: ET.Element, suite: int = 0) -> dict[str, ET.Element]:
    return {case.get("name"): case for case in root.findall("testsuite")[suite].findall("testcase")}


def test_one_suite_per_report_one_case_per_requirement() -> None:
    xml = render_junit([make_report(), make_report(pattern="multi", failing=False)])
    root = ET.fromstring(xml)
    suites = root.findall("testsuite")
    assert [s.get("name") for s in suites] == ["conformance-single", "conformance-multi"]
    cases = _cases(root)
    assert len(cases) == len(make_report()["requirements"])
    assert cases["accept/status-202"].get("classname") == "accept"
    assert cases["idempotence/delete"].get("classname") == "idempotence"
    assert not XML_INVALID.search(xml)


def test_outcomes_map_to_junit_elements() -> None:
    cases = _cases(ET.fromstring(render_junit([make_report()])))
    failure = cases["accept/status-202"].find("failure")
    assert failure is not None and failure.get("message").startswith("expected 202, got 200")
    assert "curl -si" in failure.text and "evidence #1" in failure.text
    error = cases["monitor/terminates"].find("error")
    assert error is not None and "timeout budget spent" in error.get("message")
    warn = cases["accept/retry-after"]
    assert warn.find("failure") is None and warn.find("system-out").text.startswith("WARN")
    assert cases["single/conflict-409"].find("skipped").get("message").startswith("INCONCLUSIVE:")
    assert cases["idempotence/delete"].find("skipped") is not None
    assert list(cases["accept/monitor-link"]) == []


def test_strict_turns_warn_into_failure() -> None:
    root = ET.fromstring(render_junit([make_report(strict=True)]))
    failure = _cases(root)["accept/retry-after"].find("failure")
    assert failure is not None and failure.get("type") == "warning"
    suite = root.find("testsuite")
    assert suite.get("failures") == "4" and suite.get("errors") == "1" and suite.get("skipped") == "2"


def test_hostile_text_survives_as_text() -> None:
    root = ET.fromstring(render_junit([make_report()]))
    message = _cases(root)["monitor/progress-monotonic"].find("failure").get("message")
    assert "\\x1b[2J" in message and "\x1b" not in message
    error = _cases(root)["monitor/terminates"].find("error").get("message")
    assert "<script>document.title='pwned'</script>" in error  # parsed back: plain text
    assert root.find("testsuite/properties/property[@name='target']").get("value").startswith("http://")
