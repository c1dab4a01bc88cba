"""Terminal summary."""
from __future__ import annotations

from conformance.report.terminal import summary_lines

from .sample import make_report


def test_one_line_per_problem_then_verdict() -> None:
    lines = summary_lines(make_report())
    assert lines[0] == "FAIL  accept/status-202  expected 202, got 200"
    assert [line.split()[0] for line in lines[:-2]] == ["FAIL", "FAIL", "ERROR", "WARN", "WARN", "INCONCLUSIVE"]
    assert lines[-2].startswith("idempotent? Yes: on this target")  # the seed's question, answered
    assert lines[-1].startswith("error: 2 fail, 1 error, 2 warn, 1 inconclusive")
    assert "http://127.0.0.1:8000/resource, single" in lines[-1]


def test_control_characters_are_escaped() -> None:
    lines = summary_lines(make_report())
    text = "\n".join(lines)
    assert all(ch.isprintable() for line in lines for ch in line)
    assert "\\x1b[2J\\x1b]0;owned\\x07\\x00\\x08\\u202e" in text


def test_message_with_newlines_stays_on_one_line() -> None:
    report = make_report()
    report["requirements"][0].update(expected=None, observed=None, message="a\nb\rc")
    assert summary_lines(report)[0] == "FAIL  accept/status-202  a\\nb\\rc"


def test_passing_report_has_only_the_answer_and_the_verdict() -> None:
    lines = summary_lines(make_report(failing=False))
    assert len(lines) == 2 and lines[0].startswith("idempotent? ") and lines[1].startswith("conformant: ")
