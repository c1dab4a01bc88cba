"""errors/no-5xx: judged on every exchange of the run, the driver's record included."""

from conformance.evidence import Exchange
from conformance.observations import Expect
from conformance.outcomes import Outcome
from conformance.requirements.errors import NO_5XX_EXCEPTIONS

from .build import BASE, LogBuilder, check_example, collector, judged

import pytest

PASS, FAIL, WARN, UNSEEN = Outcome.PASS, Outcome.FAIL, Outcome.WARN, Outcome.INCONCLUSIVE

CASES = []
example = collector(CASES)


@example("errors/no-5xx", PASS)
def no_5xx_anywhere():
    b = LogBuilder()
    b.lifecycle()
    b.malformed(400)
    return b.log


@example("errors/no-5xx", PASS)
def back_pressure_is_excused():
    b = LogBuilder("multi")
    b.post(expect=Expect.ACCEPT, status=503, headers=[("Retry-After", "1")])
    b.accept("/process/1", expect=Expect.ACCEPT)
    return b.log


@example("errors/no-5xx", FAIL)
def unavailable_without_retry_after():
    b = LogBuilder("multi")
    b.post(expect=Expect.ACCEPT, status=503)
    return b.log


@example("errors/no-5xx", FAIL)
@example("safety/head-matches-get", UNSEEN)  # one defect, one ID: the 5xx is no-5xx's
def head_500_on_a_monitor():
    b = LogBuilder()
    p = b.accept()
    b.head("/process", status=500, content_type="application/problem+json", process=p)
    b.poll(p)
    return b.log


@example("errors/no-5xx", FAIL)
def redirect_hop_only_in_the_wire():
    """A 5xx on an exchange no step names (a redirect hop) still counts."""
    b = LogBuilder()
    b.lifecycle()
    b.log.wire = [s.ex for s in b.log.steps] + [Exchange(
        seq=len(b.log.steps) + 1, method="GET", url=BASE + "/elsewhere", request_headers=[], request_body=None,
        purpose="redirect 1", started=2000.0, ended=2000.1, status=502)]
    return b.log


@example("errors/no-5xx", UNSEEN)
def nothing_answered():
    b = LogBuilder()
    b.post(expect=Expect.ANY, error="connection refused")
    return b.log


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_example(case):
    check_example(case)


def test_evidence_names_every_5xx_exchange():
    b = LogBuilder("multi")
    bad = [b.post(expect=Expect.ACCEPT, status=500 + i % 4) for i in range(8)]
    finding = judged(b.log, "errors/no-5xx")
    assert finding.outcome is FAIL
    assert set(finding.evidence) == {s.seq for s in bad}
    for s in bad:
        assert f"#{s.seq}" in finding.observed
    assert "8 of the run's 8" in finding.message


def test_exceptions_are_a_table_of_predicates():
    assert all(isinstance(why, str) and callable(test) for why, test in NO_5XX_EXCEPTIONS)


def test_a_dialects_no_cancel_answer_is_no_server_error():
    """Google says 'no cancel here' with 501 UNIMPLEMENTED to :cancel: the profile declares it."""
    from conformance.observations import Kind
    from conformance.profiles import PROFILES

    b = LogBuilder("multi", PROFILES["google"])
    b.exchange(Kind.CANCEL, "POST", "/v1/operations/1:cancel", status=501, body={"error": {"code": 501}})
    assert judged(b.log, "errors/no-5xx").outcome is Outcome.PASS
    b.exchange(Kind.CANCEL, "POST", "/v1/operations/1", status=501, body={"error": {"code": 501}})
    assert judged(b.log, "errors/no-5xx").outcome is Outcome.FAIL
