"""multi/ - many processes side by side, with the attribution of regressions across another acceptance."""

import pytest

from conformance.observations import Expect
from conformance.outcomes import Outcome

from .build import LogBuilder, check_example, collector, failing

PASS, FAIL, WARN = Outcome.PASS, Outcome.FAIL, Outcome.WARN
UNSEEN, NA = Outcome.INCONCLUSIVE, Outcome.NOT_APPLICABLE

CASES = []
example = collector(CASES)

A = "/process/9f2c4e1a7b3d5f60c8e2a4b6"
B = "/process/03d1b7e9a5c2f4e6a8b0c1d2"
C = "/process/7e5a3c1f9d8b6a4c2e0f1a2b"


def overlapping(after: dict):
    """Process A running at 0.5, process B accepted, then one more look at A (``after``)."""
    b = LogBuilder("multi")
    a = b.accept(A)
    b.poll(a, "running", 0.5)
    b.accept(B)
    b.poll(a, **after)
    return b, a


@example("multi/accept-all", PASS)
@example("multi/distinct-monitors", PASS)
@example("multi/independent", PASS)
def two_processes_side_by_side():
    return overlapping({"state": "running", "progress": 0.6})[0].log


@example("multi/accept-all", UNSEEN)
@example("multi/distinct-monitors", UNSEEN)
@example("multi/independent", UNSEEN)
@example("multi/unguessable", UNSEEN)
def nothing_sent():
    return LogBuilder("multi").log


@example("multi/accept-all", NA)
@example("multi/distinct-monitors", NA)
@example("multi/independent", NA)
@example("multi/unguessable", NA)
def multi_requirements_in_single():
    b = LogBuilder("single")
    b.lifecycle("/process/1")
    b.lifecycle("/process/1", expect=Expect.REACCEPT)
    b.lifecycle("/process/1", expect=Expect.REACCEPT)
    return b.log


@example("multi/accept-all", FAIL)
def refused_with_409():
    b = LogBuilder("multi")
    b.accept(A)
    b.post(expect=Expect.ACCEPT, status=409)
    return b.log


@example("multi/accept-all", PASS)
def back_pressure_with_retry_after():
    b = LogBuilder("multi")
    b.post(expect=Expect.ACCEPT, status=429, body=b"slow down", headers=[("Retry-After", "1")])
    b.post(expect=Expect.ACCEPT, status=503, body=b"busy", headers=[("Retry-After", "2")])
    b.accept(A)
    return b.log


@example("multi/accept-all", FAIL)
def back_pressure_without_retry_after():
    b = LogBuilder("multi")
    b.post(expect=Expect.ACCEPT, status=503, body=b"busy")
    return b.log


@example("multi/distinct-monitors", FAIL)
def same_monitor_twice():
    b = LogBuilder("multi")
    b.accept(A)
    b.accept("http://127.0.0.1:9" + A)
    return b.log


@example("multi/distinct-monitors", FAIL)
def same_monitor_in_a_burst():
    b = LogBuilder("multi")
    b.burst([202, 202, 202], expect=Expect.ACCEPT, monitor=A)
    return b.log


@example("multi/independent", FAIL)
@example("monitor/progress-monotonic", PASS)
def progress_reset_by_another_acceptance():
    return overlapping({"state": "running", "progress": 0.1})[0].log


@example("multi/independent", FAIL)
@example("monitor/transitions", PASS)
def state_reset_by_another_acceptance():
    return overlapping({"state": "ready"})[0].log


@example("multi/independent", PASS)
@example("monitor/progress-monotonic", FAIL)
def progress_goes_back_on_its_own_too():
    b, a = overlapping({"state": "running", "progress": 0.1})
    b.poll(a, "running", 0.3)
    b.poll(a, "running", 0.2)
    return b.log


@example("multi/independent", PASS)
@example("monitor/progress-monotonic", FAIL)
def progress_reset_across_another_acceptance_and_a_head_of_its_own():
    """Between the two looks came both another acceptance and a HEAD of this process's monitor: the HEAD may
    as well be the cause, so the step back is the process's own (a self-proof run under load had a scenario's
    HEAD, past mid-way, reset the progress right beside another acceptance, and multi/independent took it)."""
    b = LogBuilder("multi")
    a = b.accept(A)
    b.poll(a, "running", 0.5)
    b.head(A, process=a)
    b.accept(B)
    b.poll(a, "running", 0.1)
    return b.log


def test_intrinsic_regression_in_another_process_excuses_this_one():
    # Backwards-on-its-own is a property of the target, whichever process shows it.
    b, a = overlapping({"state": "ready"})
    other = max(b.log.processes)
    b.poll(other, "terminated")
    b.poll(other, "running", 0.5)
    assert failing(b.log) == {"monitor/transitions"}


@example("multi/independent", UNSEEN)
def never_observed_across_an_acceptance():
    b = LogBuilder("multi")
    b.lifecycle(A, "/product/a")
    b.lifecycle(B, "/product/b")
    return b.log


@example("multi/unguessable", PASS)
def random_identifiers():
    b = LogBuilder("multi")
    for monitor in (A, B, C):
        b.accept(monitor)
    return b.log


@example("multi/unguessable", WARN)
def sequential_identifiers():
    b = LogBuilder("multi")
    for n in (41, 42, 43):
        b.accept(f"/process/{n}")
    return b.log


@example("multi/unguessable", WARN)
def short_identifiers():
    b = LogBuilder("multi")
    for ident in ("a1f", "b7c", "c2d"):
        b.accept(f"/jobs/{ident}/status")
    return b.log


@example("multi/unguessable", UNSEEN)
def two_identifiers_only():
    b = LogBuilder("multi")
    b.accept("/process/1")
    b.accept("/process/2")
    return b.log


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_example(case):
    check_example(case)


def _across(request) -> LogBuilder:
    """Process A running at 0.5, then ``request(builder)`` (a request that may start a process), then A ready."""
    from .build import ProbeBuilder

    b = ProbeBuilder("multi")
    a = b.accept(A)
    b.poll(a, "running", 0.5)
    request(b)
    b.poll(a, "ready")
    return b


@example("multi/independent", FAIL)
@example("monitor/transitions", PASS)
def set_back_across_a_taken_keyed_post():
    """A POST with an idempotency key that was taken starts a process like any POST: a step back across it is
    multi/independent's finding, not a transition the target made on its own."""
    return _across(lambda b: b.keyed("original", monitor=B)).log


@example("multi/independent", FAIL)
@example("monitor/transitions", PASS)
def set_back_across_a_taken_put():
    return _across(lambda b: b.put("original", C)).log


@example("monitor/transitions", FAIL)
def set_back_across_a_refused_keyed_post():
    """A refused keyed POST started nothing: the step back is the target's own."""
    return _across(lambda b: b.keyed("mismatch", status=422)).log
