"""errors/problem-json: every error response with content, in the dialect's error format."""

import json

import pytest

from conformance.observations import Expect
from conformance.outcomes import Outcome
from conformance.profiles import PROFILES

from .build import LogBuilder, check_example, collector, judged

PASS, WARN, UNSEEN = Outcome.PASS, Outcome.WARN, Outcome.INCONCLUSIVE
PROBLEM = "application/problem+json"

CASES = []
example = collector(CASES)


def _error(b: LogBuilder, status: int, body, media: str) -> None:
    raw = body if isinstance(body, bytes) else json.dumps(body).encode()
    b.post(expect=Expect.ANY, status=status, body=raw, headers=[("Content-Type", media)])


@example("errors/problem-json", PASS)
def problem_details_with_their_status():
    b = LogBuilder()
    _error(b, 400, {"type": "about:blank", "title": "Bad Request", "status": 400}, PROBLEM)
    b.method("PATCH", status=405, allow="GET, HEAD")  # an empty 405: nothing to judge
    return b.log


@example("errors/problem-json", PASS)
def seed_conflict_as_plain_text():
    """The seed writes its 409 as text (the catalog's own wire): in the format for that status."""
    b = LogBuilder()
    _error(b, 409, b"A request has already been accepted, retry later.", "text/plain")
    return b.log


@example("errors/problem-json", WARN)
def html_error_page():
    b = LogBuilder()
    _error(b, 500, b"<html><body>Internal Server Error</body></html>", "text/html")
    return b.log


@example("errors/problem-json", WARN)
def problem_status_disagrees():
    b = LogBuilder()
    _error(b, 422, {"title": "Unprocessable", "status": 400}, PROBLEM)
    return b.log


@example("errors/problem-json", WARN)
def plain_text_400_in_the_seed():
    b = LogBuilder()
    _error(b, 400, b"bad body", "text/plain")
    return b.log


@example("errors/problem-json", UNSEEN)
def no_error_response():
    b = LogBuilder()
    b.lifecycle()
    return b.log


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_example(case):
    check_example(case)


AZURE_ERROR = {"error": {"code": "InvalidRequestContent", "message": "not JSON"}}
GOOGLE_ERROR = {"error": {"code": 400, "message": "not JSON", "status": "INVALID_ARGUMENT"}}


@pytest.mark.parametrize("dialect, body, media, outcome", [
    ("azure", AZURE_ERROR, "application/json", PASS),
    ("azure", {"code": "X", "message": "flat"}, "application/json", WARN),
    ("azure", AZURE_ERROR, PROBLEM, WARN),
    ("google", GOOGLE_ERROR, "application/json", PASS),
    ("google", {"error": {**GOOGLE_ERROR["error"], "code": 404}}, "application/json", WARN),
    ("ogc", {"type": "about:blank", "status": 400}, PROBLEM, PASS),
    ("ogc", b"A request has already been accepted.", "text/plain", WARN),  # only the seed writes text
])
def test_each_dialect_has_its_format(dialect, body, media, outcome):
    b = LogBuilder("multi", PROFILES[dialect])
    _error(b, 400 if dialect != "ogc" or outcome is PASS else 409, body, media)
    assert judged(b.log, "errors/problem-json").outcome is outcome
