"""safety/ - GET and HEAD change nothing."""

import pytest

from conformance.observations import Kind
from conformance.outcomes import Outcome

from .build import BASE, LogBuilder, check_example, collector

PASS, FAIL, WARN, UNSEEN = Outcome.PASS, Outcome.FAIL, Outcome.WARN, Outcome.INCONCLUSIVE

CASES = []
example = collector(CASES)


def polling_rate_probe(fast: tuple[int, float], slow: tuple[int, float] | None):
    """Two processes polled (count, interval) apart; each ends at its last poll."""
    b = LogBuilder("single")
    for scenario, plan in (("get-safe-fast", fast), ("get-safe-slow", slow)):
        if plan is None:
            continue
        polls, interval = plan
        p = b.accept(scenario=scenario)
        for n in range(1, polls + 1):
            b.wait(interval)
            b.poll(p, "terminated" if n == polls else "running", None if n == polls else n / polls)
    return b.log


@example("safety/get-safe", PASS)
def same_pace_whatever_the_polling():
    return polling_rate_probe(fast=(10, 0.03), slow=(2, 0.15))


@example("safety/get-safe", FAIL)
def advances_with_polls():
    # The sparse poller needed as many polls as the dense one, so it took far longer.
    return polling_rate_probe(fast=(6, 0.01), slow=(6, 0.3))


@example("safety/get-safe", UNSEEN)
def too_fast_to_compare():
    return polling_rate_probe(fast=(3, 0.01), slow=(2, 0.05))


@example("safety/get-safe", UNSEEN)
def probe_did_not_run():
    return polling_rate_probe(fast=(6, 0.01), slow=None)


@example("safety/get-safe", UNSEEN)
def slow_probe_never_ended():
    log = polling_rate_probe(fast=(6, 0.01), slow=(2, 0.05))
    last = log.steps[-1]
    last.ex.response_body = b'{"state": "running", "progress": 0.9}'
    return log


@example("safety/head-no-content", PASS)
def head_without_content():
    b = LogBuilder()
    b.raw_head(BASE + "/process")
    return b.log


@example("safety/head-no-content", FAIL)
def head_with_content():
    b = LogBuilder()
    b.raw_head(BASE + "/process", trailing=b'{"state": "running"}')
    return b.log


@example("safety/head-no-content", UNSEEN)
def raw_head_failed():
    b = LogBuilder()
    b.exchange(Kind.RAW_HEAD, "HEAD", "/process", error="timed out")
    return b.log


def head_then_get(head_status=200, head_type="application/json"):
    b = LogBuilder()
    p = b.accept()
    b.head(b.monitor_of(p), status=head_status, content_type=head_type, process=p)
    b.poll(p, "running", 0.5)
    return b.log


@example("safety/head-matches-get", PASS)
def head_agrees():
    return head_then_get()


@example("safety/head-matches-get", WARN)
def head_other_status():
    return head_then_get(head_status=405)


@example("safety/head-matches-get", WARN)
def head_other_media_type():
    return head_then_get(head_type="text/html")


@example("safety/head-matches-get", UNSEEN)
def head_without_a_get_after_it():
    b = LogBuilder()
    p = b.accept()
    b.poll(p, "running", 0.5)
    b.head(b.monitor_of(p), process=p)
    return b.log


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_example(case):
    check_example(case)
