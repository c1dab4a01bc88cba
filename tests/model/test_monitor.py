"""monitor/ - the status monitor."""

import pytest

from conformance.outcomes import Outcome

from .build import BASE, LogBuilder, check_example, collector, outcome, at, polled

PASS, FAIL, WARN, INFO = Outcome.PASS, Outcome.FAIL, Outcome.WARN, Outcome.INFO
UNSEEN, NA = Outcome.INCONCLUSIVE, Outcome.NOT_APPLICABLE

CASES = []
example = collector(CASES)


@example("monitor/status-200", PASS)
@example("monitor/schema", PASS)
@example("monitor/transitions", PASS)
@example("monitor/progress-monotonic", PASS)
@example("monitor/progress-present", PASS)
@example("monitor/terminates", PASS)
@example("monitor/product-when-terminated", PASS)
@example("monitor/retry-after", PASS)
@example("monitor/no-store", PASS)
@example("monitor/see-other", INFO)
def clean_lifecycle():
    b = LogBuilder()
    b.lifecycle()
    return b.log


@example("monitor/status-200", UNSEEN)
@example("monitor/schema", UNSEEN)
@example("monitor/transitions", UNSEEN)
@example("monitor/progress-monotonic", UNSEEN)
@example("monitor/progress-present", UNSEEN)
@example("monitor/terminates", UNSEEN)
@example("monitor/product-when-terminated", UNSEEN)
@example("monitor/product-stable", UNSEEN)
@example("monitor/retry-after", UNSEEN)
@example("monitor/no-store", UNSEEN)
@example("monitor/see-other", INFO)
@example("monitor/unknown-404", NA)
def accepted_never_polled():
    b = LogBuilder()
    b.accept()
    return b.log


# -- status-200 ------------------------------------------------------------------

@example("monitor/status-200", PASS)
@example("monitor/see-other", INFO)
@example("monitor/terminates", PASS)
def see_other_at_termination():
    b = LogBuilder()
    p = b.accept()
    b.poll(p, "running", 0.5)
    b.see_other(p, "/product")
    b.product("/product", process=p)
    return b.log


@example("monitor/status-200", FAIL)
@example("monitor/schema", PASS)  # error bodies are not monitor bodies
def poll_answered_500():
    return polled(
        at("running", 0.2),
        at(status=500, body={"status": 500}, headers=[("Content-Type", "application/problem+json")]),
    )


@example("monitor/status-200", FAIL)
def poll_transport_error():
    return polled(at("running", 0.2), at(error="connection refused"))


@example("monitor/status-200", UNSEEN)
@example("accept/monitor-ready", FAIL)
def monitor_never_exists():
    return polled(at(status=404), at(status=404))


# -- schema ------------------------------------------------------------------------

@example("monitor/schema", FAIL)
def progress_above_one():
    return polled(at("running", 1.5))


@example("monitor/schema", FAIL)
@example("monitor/progress-present", PASS)  # present, if useless
def progress_as_string():
    return polled(at("running", "50%"))


@example("monitor/schema", FAIL)
def unknown_state():
    return polled(at("finished"))


@example("monitor/schema", FAIL)
@example("http/json-content-type", PASS)
def monitor_body_not_json():
    return polled(at(body=b"running", headers=[("Content-Type", "text/plain")]))


# -- transitions and progress ------------------------------------------------------

@example("monitor/transitions", PASS)
def skipped_states():
    return polled(at("ready"), at("terminated", product="/product"), at("terminated", product="/product"))


@example("monitor/transitions", FAIL)
@example("monitor/product-when-terminated", PASS)
def running_after_terminated():
    return polled(at("terminated", product="/product"), at("running", 0.9))


@example("monitor/transitions", FAIL)
@example("monitor/progress-monotonic", UNSEEN)
def ready_after_running():
    return polled(at("running", 0.5), at("ready"))


@example("monitor/transitions", UNSEEN)
def observed_once():
    return polled(at("running", 0.5))


@example("monitor/progress-monotonic", PASS)
def progress_equal_then_up():
    b = LogBuilder()
    p = b.accept()
    for value in (0, 0, 0.5, 0.5, 1):
        b.poll(p, "running", value)
    return b.log


@example("monitor/progress-monotonic", FAIL)
@example("monitor/transitions", PASS)
def progress_decreases():
    return polled(at("running", 0.5), at("running", 0.2))


@example("monitor/progress-monotonic", FAIL)
def progress_decreases_across_an_observation_without_progress():
    return polled(at("running", 0.5), at("running"), at("running", 0.2))


@example("monitor/progress-monotonic", UNSEEN)
def progress_reported_once():
    return polled(at("running", 0.5), at("terminated"))


def test_overlapping_observations_are_not_ordered():
    # The later-sent GET started before the earlier one ended: the server may have answered them in either order.
    b = LogBuilder()
    p = b.accept()
    first = b.poll(p, "running", 0.5, duration=0.2)
    b.poll(p, "running", 0.1, at=first.ex.started + 0.05)
    assert outcome(b.log, "monitor/progress-monotonic") is not FAIL


@example("monitor/progress-present", WARN)
def running_without_progress():
    return polled(at("running"))


# -- terminates ---------------------------------------------------------------------

@example("monitor/terminates", FAIL)
def never_terminates():
    b = LogBuilder()
    p = b.accept()
    for value in (0.1, 0.1, 0.1):
        b.poll(p, "running", value)
    b.log.processes[p].timed_out = True
    return b.log


@example("monitor/terminates", PASS)
@example("monitor/status-200", FAIL)
def terminated_then_forgotten():
    """Seen terminated, then its monitor answered 404 until the deadline: the process did terminate (the lost
    monitor is monitor/status-200's finding, not a process that never ended)."""
    b = LogBuilder()
    p = b.accept()
    b.poll(p, "running", 0.5)
    b.poll(p, "terminated", product="/product")
    for _ in range(3):
        b.poll(p, None, status=404, body=b"")
    b.log.processes[p].timed_out = True
    return b.log


# -- product link --------------------------------------------------------------------

@example("monitor/product-when-terminated", FAIL)
def product_while_running():
    return polled(at("running", 0.5, product="/product"))


@example("monitor/product-when-terminated", PASS)
@example("monitor/product-stable", UNSEEN)
def terminated_without_product():
    return polled(at("running", 0.5), at("terminated"), at("terminated"))


@example("monitor/product-stable", PASS)
def same_product_link_in_other_spellings():
    b = LogBuilder()
    p = b.accept()
    b.poll(p, "terminated", product="/product")
    b.poll(p, "terminated", product=BASE + "/product")
    b.poll(p, "terminated", product="product")  # relative to /process
    b.see_other(p, "/product")
    return b.log


@example("monitor/product-stable", FAIL)
def product_link_changes():
    return polled(at("terminated", product="/product/1"), at("terminated", product="/product/2"))


# -- caching hints --------------------------------------------------------------------

@example("monitor/retry-after", WARN)
def running_without_retry_after():
    return polled(at("running", 0.5, retry_after=None))


@example("monitor/retry-after", UNSEEN)
def only_terminated_seen():
    return polled(at("terminated"))


@pytest.mark.parametrize("value", ["no-store", "no-cache", "max-age=0", "private, max-age=0", "No-Store"])
def test_no_store_accepts(value):
    b = LogBuilder()
    p = b.accept()
    b.poll(p, "running", 0.5, cache_control=value)
    assert outcome(b.log, "monitor/no-store") is PASS


@example("monitor/no-store", WARN)
def cacheable_monitor():
    return polled(at("running", 0.1), at("running", 0.2, cache_control="max-age=60"))


@example("monitor/no-store", WARN)
def no_cache_control():
    return polled(at("running", 0.1, cache_control=None))


# -- unknown-404 ----------------------------------------------------------------------

@example("monitor/unknown-404", PASS)
def unknown_monitor_404():
    b = LogBuilder("multi")
    b.unknown(status=404)
    b.unknown(status=410)
    return b.log


@example("monitor/unknown-404", FAIL)
def unknown_monitor_answers():
    b = LogBuilder("multi")
    b.unknown(status=200)
    return b.log


@example("monitor/unknown-404", UNSEEN)
def unknown_monitor_not_probed():
    b = LogBuilder("multi")
    b.lifecycle("/process/f00d")
    return b.log


@example("monitor/unknown-404", NA)
def unknown_monitor_in_single():
    b = LogBuilder("single")
    b.unknown(status=200)
    return b.log


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_example(case):
    check_example(case)
