"""errors/ (bad input, unknown things) and http/ (hygiene)."""

import pytest

from conformance.observations import Expect
from conformance.outcomes import Outcome

from .build import BASE, LogBuilder, check_example, collector, judged, outcome, at, polled

PASS, FAIL, WARN = Outcome.PASS, Outcome.FAIL, Outcome.WARN
UNSEEN, NA = Outcome.INCONCLUSIVE, Outcome.NOT_APPLICABLE

CASES = []
example = collector(CASES)


# -- errors/malformed-body ----------------------------------------------------------

@pytest.mark.parametrize("status", [400, 415, 422])
def test_malformed_refused(status):
    b = LogBuilder()
    b.malformed(status)
    b.accept(expect=Expect.PROBE)
    assert outcome(b.log, "errors/malformed-body") is PASS


@example("errors/malformed-body", PASS)
def malformed_refused_then_valid_accepted():
    b = LogBuilder()
    b.malformed(400)
    b.accept(expect=Expect.PROBE)
    return b.log


@example("errors/malformed-body", FAIL)
def malformed_accepted():
    b = LogBuilder()
    b.malformed(202)
    return b.log


@example("errors/malformed-body", UNSEEN)  # a 5xx is judged by errors/no-5xx, once
@example("errors/no-5xx", FAIL)
def malformed_crashes():
    b = LogBuilder()
    b.malformed(500)
    return b.log


@example("errors/malformed-body", FAIL)
def malformed_refused_but_started_something():
    b = LogBuilder("single")
    b.malformed(400)
    b.post(expect=Expect.PROBE, status=409)
    return b.log


@example("errors/malformed-body", UNSEEN)
def no_malformed_post():
    b = LogBuilder()
    b.lifecycle()
    return b.log


# -- errors/method-405 ----------------------------------------------------------------

@example("errors/method-405", PASS)
def method_not_allowed_with_allow():
    b = LogBuilder()
    b.method("PATCH", BASE + "/resource")
    b.method("PATCH", BASE + "/process", allow="GET, HEAD, DELETE")
    return b.log


@example("errors/method-405", FAIL)
def method_405_without_allow():
    b = LogBuilder()
    b.method("PATCH", allow=None)
    return b.log


@example("errors/method-405", FAIL)
def method_404():
    b = LogBuilder()
    b.method("PATCH", status=404, allow=None)
    return b.log


@example("errors/method-405", UNSEEN)  # a 5xx is judged by errors/no-5xx, once
@example("errors/no-5xx", FAIL)
def method_500():
    b = LogBuilder()
    b.method("PATCH", status=500, allow=None)
    return b.log


@example("errors/method-405", UNSEEN)
def method_allowed():
    b = LogBuilder()
    b.method("PATCH", status=200, allow=None)
    b.method("PATCH", error="connection reset")
    return b.log


@example("errors/method-405", UNSEEN)
def no_method_probe():
    return LogBuilder().log


# -- http/json-content-type ----------------------------------------------------------

@example("http/json-content-type", PASS)
def json_labelled_as_json():
    b = LogBuilder()
    p = b.accept()
    b.poll(p, "running", 0.5, headers=[("Content-Type", "application/vnd.example+json; charset=utf-8")])
    b.malformed(400)  # application/problem+json
    return b.log


@example("http/json-content-type", FAIL)
def json_labelled_as_text():
    b = LogBuilder()
    b.accept(body=b'{"monitor": "/process"}', headers=[("Content-Type", "text/plain")])
    return b.log


@example("http/json-content-type", FAIL)
def json_without_label():
    return polled(at(body=b'{"state": "ready"}'))


@example("http/json-content-type", UNSEEN)
def no_json_at_all():
    b = LogBuilder()
    b.post(expect=Expect.CONFLICT, status=409)  # text/plain explanation
    b.post(expect=Expect.CONFLICT, status=409, body=b"42", headers=[("Content-Type", "text/plain")])  # a scalar
    b.product("/product", body=b'{"json": "but a product"}')  # products may be anything
    return b.log


# -- http/retry-after-syntax ---------------------------------------------------------

@example("http/retry-after-syntax", PASS)
def retry_after_well_formed():
    b = LogBuilder()
    p = b.accept(retry_after="5")
    b.poll(p, "ready", retry_after="Sun, 06 Nov 1994 08:49:37 GMT")
    b.poll(p, "running", 0.5, retry_after="Sunday, 06-Nov-94 08:49:37 GMT")
    b.poll(p, "running", 0.6, retry_after="Sun Nov  6 08:49:37 1994")
    return b.log


@pytest.mark.parametrize("value", ["soon", "-1", "1.5", "5s", "Sun, 06 Nov 1994 08:49:37 CET", ""])
def test_retry_after_malformed(value):
    b = LogBuilder()
    p = b.accept(retry_after="1")
    b.poll(p, "running", 0.5, retry_after=value)
    finding = judged(b.log, "http/retry-after-syntax")
    assert finding.outcome is FAIL
    assert finding.evidence == (2,)


@example("http/retry-after-syntax", FAIL)
def retry_after_on_a_409_malformed():
    b = LogBuilder()
    b.post(expect=Expect.CONFLICT, status=409, headers=[("Content-Type", "text/plain"), ("Retry-After", "later")])
    return b.log


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_example(case):
    check_example(case)
