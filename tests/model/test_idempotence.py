"""idempotence/post-profile: what repeated identical POSTs did, reported from observation."""

import pytest

from conformance.observations import Expect
from conformance.outcomes import Outcome
from conformance.requirements.idempotence import post_profile_summary

from .build import LogBuilder, check_example, collector

CASES = []
example = collector(CASES)


def in_flight_then_again():
    b = LogBuilder("single")
    p = b.accept()
    b.poll(p, "running", 0.2)
    b.post(expect=Expect.CONFLICT, status=409, process=p)
    b.poll(p, "terminated", product="/product")
    b.accept(expect=Expect.REACCEPT)
    return b.log


@example("idempotence/post-profile", Outcome.INFO)
def single_pattern_profile():
    return in_flight_then_again()


@example("idempotence/post-profile", Outcome.INCONCLUSIVE)
def nothing_repeated():
    b = LogBuilder("single")
    b.accept()
    return b.log


def test_single_pattern_verdicts():
    summary = post_profile_summary(in_flight_then_again())
    assert summary["post_in_flight"]["verdict"] == "one effect"
    assert summary["post_after_termination"]["verdict"] == "new effect each time"
    assert "post_multi" not in summary


def test_in_flight_post_with_another_outcome():
    b = LogBuilder("single")
    p = b.accept()
    b.post(expect=Expect.CONFLICT, status=409, process=p)
    b.post(expect=Expect.CONFLICT, status=202, process=p)
    summary = post_profile_summary(b.log)
    assert summary["post_in_flight"]["verdict"] == "several effects"
    assert "1 had another outcome" in summary["post_in_flight"]["summary"]


def test_multi_pattern_verdict():
    b = LogBuilder("multi")
    b.accept("/process/1")
    b.accept("/process/2")
    assert post_profile_summary(b.log)["post_multi"]["verdict"] == "new effect each time"


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_example(case):
    check_example(case)
