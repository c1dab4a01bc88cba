"""accept/ - the response that accepts the request."""

import pytest

from conformance.observations import Expect
from conformance.outcomes import Outcome

from .build import BASE, LogBuilder, check_example, collector, at, polled

PASS, FAIL, WARN = Outcome.PASS, Outcome.FAIL, Outcome.WARN
UNSEEN, NA = Outcome.INCONCLUSIVE, Outcome.NOT_APPLICABLE

CASES = []
example = collector(CASES)


@example("accept/status-202", PASS)
@example("accept/monitor-link", PASS)
@example("accept/retry-after", PASS)
@example("accept/location-consistent", NA)
def clean_acceptance():
    b = LogBuilder()
    b.accept("/process")
    return b.log


@example("accept/status-202", FAIL)
def accepted_with_200():
    b = LogBuilder()
    b.accept("/process", status=200)
    return b.log


@example("accept/status-202", FAIL)
def idle_single_post_answered_500():
    b = LogBuilder("single")
    b.post(expect=Expect.ACCEPT, status=500, body=b"oops")
    return b.log


@example("accept/status-202", UNSEEN)
def idle_single_post_answered_409():
    # Someone else's process may be in flight: a 409 on a POST the suite believed idle is not judged here.
    b = LogBuilder("single")
    b.post(expect=Expect.ACCEPT, status=409)
    return b.log


@example("accept/status-202", UNSEEN)
@example("multi/accept-all", FAIL)
def multi_post_answered_500():
    # In the multi pattern a refusal is multi/accept-all's business, not the acceptance status's.
    b = LogBuilder("multi")
    b.post(expect=Expect.ACCEPT, status=500, body=b"oops")
    return b.log


@example("accept/status-202", UNSEEN)
@example("accept/monitor-link", UNSEEN)
@example("accept/retry-after", UNSEEN)
@example("accept/monitor-ready", UNSEEN)
@example("accept/prefer-tolerant", UNSEEN)
def nothing_sent():
    return LogBuilder().log


@example("accept/monitor-link", FAIL)
def acceptance_without_monitor():
    b = LogBuilder()
    b.accept(None, body={"id": 7})
    return b.log


@example("accept/monitor-link", FAIL)
def acceptance_body_not_json():
    b = LogBuilder()
    b.accept(None, body=b"Accepted, see /process")
    return b.log


@example("accept/monitor-link", FAIL)
def monitor_link_not_a_string():
    b = LogBuilder()
    b.accept(None, body={"monitor": 17})
    return b.log


@example("accept/monitor-ready", PASS)
def monitor_answers_at_once():
    return polled(at("ready"))


@example("accept/monitor-ready", FAIL)
@example("monitor/status-200", PASS)
def monitor_404_window():
    # The 404 window belongs to accept/monitor-ready; monitor/status-200 judges from the first answer on.
    b = LogBuilder()
    p = b.accept()
    b.poll(p, status=404, body={"status": 404}, headers=[("Content-Type", "application/problem+json")])
    b.poll(p, "running", 0.1)
    return b.log


@example("accept/monitor-ready", PASS)
@example("monitor/status-200", FAIL)
def monitor_404_later():
    return polled(at("running", 0.1), at(status=404))


@example("accept/location-consistent", PASS)
def location_same_monitor():
    b = LogBuilder()
    b.accept("/process", headers=[("Location", BASE + "/process")])  # absolute vs relative: same URI
    return b.log


@example("accept/location-consistent", PASS)
def content_location_same_monitor():
    b = LogBuilder()
    b.accept("process", headers=[("Content-Location", "/process")])  # both resolve against /resource
    return b.log


@example("accept/location-consistent", FAIL)
def location_other_monitor():
    b = LogBuilder()
    b.accept("/process", headers=[("Location", "/status")])
    return b.log


@example("accept/location-consistent", FAIL)
def content_location_other_monitor():
    b = LogBuilder()
    b.accept("/process", headers=[("Location", "/process"), ("Content-Location", "/resource")])
    return b.log


@example("accept/retry-after", WARN)
@example("http/retry-after-syntax", NA)
def acceptance_without_retry_after():
    b = LogBuilder()
    b.accept(retry_after=None)
    return b.log


@example("accept/prefer-tolerant", PASS)
def unknown_prefer_ignored():
    b = LogBuilder()
    b.accept(expect=Expect.PREFER, request_headers=[("Prefer", "conformance-probe-unknown-token=1")])
    return b.log


@example("accept/prefer-tolerant", FAIL)
def unknown_prefer_refused():
    b = LogBuilder()
    b.post(expect=Expect.PREFER, status=400, body={"title": "bad Prefer"},
           request_headers=[("Prefer", "conformance-probe-unknown-token=1")])
    return b.log


@example("accept/prefer-tolerant", FAIL)
def unknown_prefer_refused_plain_accepted():
    """The refusal is the token's: the same POST without it is accepted."""
    b = LogBuilder()
    b.post(expect=Expect.PREFER, status=400, body={"title": "bad Prefer"},
           request_headers=[("Prefer", "conformance-probe-unknown-token=1")])
    b.accept(expect=Expect.ACCEPT)
    return b.log


@example("accept/prefer-tolerant", UNSEEN)
@example("single/reaccept", FAIL)
def refused_with_and_without_the_token():
    """The resource refuses every POST after the first process (single/reaccept): the token changed nothing."""
    b = LogBuilder()
    p = b.accept()
    b.poll(p, "terminated", product="/product")
    b.post(expect=Expect.PREFER, status=409, request_headers=[("Prefer", "conformance-probe-unknown-token=1")])
    b.post(expect=Expect.REACCEPT, status=409)
    return b.log


@example("accept/prefer-tolerant", UNSEEN)
def refused_under_load_like_plain_posts():
    """A multi-pattern target that refuses when busy refused the token's POST as it refused plain ones."""
    b = LogBuilder("multi")
    b.accept("/process/1")
    b.post(expect=Expect.ACCEPT, status=409)
    b.post(expect=Expect.PREFER, status=409, request_headers=[("Prefer", "conformance-probe-unknown-token=1")])
    b.accept("/process/2")
    return b.log


@example("accept/prefer-tolerant", FAIL)
@example("accept/status-202", PASS)
def unknown_prefer_turns_async_into_sync():
    """pygeoapi 0.21: 'Prefer: respond-async, x=1' is not matched as respond-async; the job runs synchronously."""
    b = LogBuilder()
    b.lifecycle()
    b.post(expect=Expect.PREFER, status=200, body={"result": 1},
           request_headers=[("Prefer", "respond-async, conformance-probe-unknown-token=1")])
    return b.log


@example("accept/prefer-tolerant", PASS)
@example("accept/status-202", FAIL)
def every_post_answers_200():
    """The acceptance status is wrong everywhere: the unknown token changed nothing."""
    b = LogBuilder()
    b.accept(status=200)
    b.accept(status=200, expect=Expect.PREFER, request_headers=[("Prefer", "conformance-probe-unknown-token=1")])
    return b.log


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_example(case):
    check_example(case)


def test_monitor_link_resolves_against_the_request_url():
    b = LogBuilder()
    p = b.accept("status/7")
    assert b.log.processes[p].monitor == BASE + "/status/7"
    assert b.log.processes[p].accepted_at == b.log.steps[0].ex.ended
