"""safety/ - GET and HEAD change nothing."""

import pytest

from conformance.observations import Kind
from conformance.outcomes import Outcome

from .build import BASE, LogBuilder, check_example, collector

PASS, FAIL, WARN, UNSEEN = Outcome.PASS, Outcome.FAIL, Outcome.WARN, Outcome.INCONCLUSIVE

CASES = []
example = collector(CASES)


def polling_rate_probe(fast: tuple[int, float], *slows: tuple[int, float, float]):
    """A densely polled process (count, interval), then sparsely polled ones (count, wait before the first
    look, interval after it); each ends at its last poll."""
    b = LogBuilder("single")
    plans = [("get-safe-fast", (fast[0], fast[1], fast[1]))] + [("get-safe-slow", plan) for plan in slows]
    for scenario, (polls, first, interval) in plans:
        p = b.accept(scenario=scenario)
        for n in range(1, polls + 1):
            b.wait(first if n == 1 else interval)
            b.poll(p, "terminated" if n == polls else "running", None if n == polls else n / polls)
    return b.log


@example("safety/get-safe", PASS)
def same_pace_whatever_the_polling():
    # dense: ended after ~0.35 s; sparse: first looked at after 0.9 s (past the limit), already ended
    return polling_rate_probe((10, 0.03), (1, 0.9, 0.2))


@example("safety/get-safe", FAIL)
def advances_with_polls():
    # first looked at past the limit and still running; it needed as many GETs as the dense poller sent
    return polling_rate_probe((6, 0.01), (6, 0.6, 0.03), (6, 0.6, 0.03))


@example("safety/get-safe", FAIL)
def ends_after_three_gets_whatever_their_pace():
    """One state per GET: terminated at the 3rd GET, however fast they come (it once hid behind
    'too fast to compare polling rates')."""
    return polling_rate_probe((3, 0.01), (3, 0.4, 0.02), (3, 0.4, 0.02))


@example("safety/get-safe", UNSEEN)
def looked_driven_at_the_early_look_and_never_confirmed():
    # dense ended after ~0.15 s: the first sparse look (after 1.2x + margin) saw it running, but no run
    # was looked at past the full limit (2x + margin), which alone can confirm a violation
    return polling_rate_probe((6, 0.01), (6, 0.45, 0.03))


@example("safety/get-safe", PASS)
def slower_once_but_not_driven_by_gets():
    # the first sparse run looked driven (a slow job this time); the repeat ended by time
    return polling_rate_probe((3, 0.01), (3, 0.4, 0.02), (1, 0.4, 0.02))


@example("safety/get-safe", PASS)
def few_polls_but_time_driven():
    return polling_rate_probe((3, 0.01), (1, 0.4, 0.02))


@example("safety/get-safe", UNSEEN)
def ended_before_the_first_look():
    return polling_rate_probe((1, 0.01), (1, 0.3, 0.05))


@example("safety/get-safe", UNSEEN)
def probe_did_not_run():
    return polling_rate_probe((6, 0.01))


@example("safety/get-safe", UNSEEN)
def slow_probe_never_ended():
    log = polling_rate_probe((6, 0.01), (2, 0.45, 0.05))
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


def test_a_monitor_that_appears_between_head_and_get_is_no_mismatch():
    """accept/monitor-ready's window: GET 404, HEAD 404, then GET 200: the monitor appeared, HEAD did not lie."""
    from .build import judged

    b = LogBuilder("multi")
    p = b.accept("/process/1")
    b.poll(p, status=404)
    b.head(BASE + "/process/1", status=404, process=p)
    b.poll(p, "running", 0.1)
    assert judged(b.log, "safety/head-matches-get").outcome is PASS
    b.head(BASE + "/process/1", status=405, process=p)  # and a HEAD that answers otherwise than GET still warns
    b.poll(p, "running", 0.2)
    assert judged(b.log, "safety/head-matches-get").outcome is WARN
