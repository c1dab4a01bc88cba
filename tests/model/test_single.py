"""single/ - one process at a time, with the attribution of regressions across a rejected POST."""

import pytest

from conformance.observations import Expect
from conformance.outcomes import Outcome

from .build import BASE, LogBuilder, check_example, collector, failing, judged, outcome

PASS, FAIL, WARN = Outcome.PASS, Outcome.FAIL, Outcome.WARN
UNSEEN, NA = Outcome.INCONCLUSIVE, Outcome.NOT_APPLICABLE

CASES = []
example = collector(CASES)


def conflict_round(*, after: dict, status: int = 409, body=None, headers=None, expect=Expect.CONFLICT):
    """202, running at 0.5, a POST in flight, then one more look at the process (``after``)."""
    b = LogBuilder("single")
    p = b.accept()
    b.poll(p, "running", 0.5)
    kw = {} if body is None else {"body": body, "headers": headers or []}
    b.post(expect=expect, status=status, process=p, **kw)
    b.poll(p, **after)
    return b, p


@example("single/conflict-409", PASS)
@example("single/conflict-no-effect", PASS)
@example("single/conflict-explained", PASS)
@example("idempotence/post-profile", Outcome.INFO)
def conflict_in_flight():
    return conflict_round(after={"state": "running", "progress": 0.6})[0].log


@example("single/conflict-409", FAIL)
@example("single/conflict-no-effect", UNSEEN)
@example("single/conflict-explained", UNSEEN)
def post_in_flight_answered_500():
    return conflict_round(after={"state": "running", "progress": 0.6}, status=500, body=b"")[0].log


@example("single/conflict-409", FAIL)
def post_in_flight_accepted_while_the_old_process_went_on():
    return conflict_round(after={"state": "running", "progress": 0.6}, status=202, body={"monitor": "/process"})[0].log


@example("single/conflict-409", UNSEEN)
@example("single/conflict-no-effect", UNSEEN)
def post_in_flight_not_proven():
    # The process was terminated at the next look: the POST may have arrived after the end.
    return conflict_round(after={"state": "terminated"}, status=202, body={"monitor": "/process"},
                          expect=Expect.ANY)[0].log


@example("single/conflict-409", NA)
@example("single/conflict-no-effect", NA)
@example("single/conflict-explained", NA)
@example("single/same-monitor", NA)
@example("single/reaccept", NA)
@example("single/race-one-winner", NA)
def single_requirements_in_multi():
    b = LogBuilder("multi")
    p = b.accept("/process/1")
    b.post(expect=Expect.CONFLICT, status=409, process=p)
    return b.log


@example("single/conflict-no-effect", FAIL)
@example("monitor/progress-monotonic", PASS)
@example("monitor/transitions", PASS)
def progress_reset_by_a_rejected_post():
    return conflict_round(after={"state": "running", "progress": 0.1})[0].log


@example("single/conflict-no-effect", FAIL)
@example("monitor/transitions", PASS)
def state_reset_by_a_rejected_post():
    return conflict_round(after={"state": "ready"})[0].log


@example("single/conflict-no-effect", PASS)
@example("monitor/progress-monotonic", FAIL)
def progress_goes_back_on_its_own_too():
    # The target also regresses with no POST in between: the one across the 409 cannot be blamed on it.
    b, p = conflict_round(after={"state": "running", "progress": 0.1})
    b.poll(p, "running", 0.4)
    b.poll(p, "running", 0.3)
    return b.log


@example("single/conflict-no-effect", PASS)
@example("monitor/transitions", FAIL)
def state_goes_back_on_its_own_too():
    b, p = conflict_round(after={"state": "ready"})
    b.poll(p, "running", 0.2)
    b.poll(p, "ready")
    return b.log


def test_attribution_is_per_kind():
    # An intrinsic *progress* regression does not excuse a *state* reset across a 409.
    b, p = conflict_round(after={"state": "ready"})
    b.poll(p, "running", 0.4)
    b.poll(p, "running", 0.3)
    assert failing(b.log) == {"single/conflict-no-effect", "monitor/progress-monotonic"}


def test_the_straddled_409_is_named_in_the_evidence():
    b, p = conflict_round(after={"state": "running", "progress": 0.1})
    seqs = [s.seq for s in b.log.steps]  # 202, poll, 409, poll
    assert judged(b.log, "single/conflict-no-effect").evidence == tuple(seqs[1:])


@example("single/conflict-explained", PASS)
def conflict_as_problem_json():
    return conflict_round(after={"state": "running", "progress": 0.6},
                          body={"type": "about:blank", "title": "Conflict", "status": 409},
                          headers=[("Content-Type", "application/problem+json")])[0].log


@example("single/conflict-explained", WARN)
def conflict_without_body():
    return conflict_round(after={"state": "running", "progress": 0.6}, body=b"")[0].log


@example("single/conflict-explained", WARN)
def conflict_with_invalid_problem_json():
    return conflict_round(after={"state": "running", "progress": 0.6}, body={"status": "409"},
                          headers=[("Content-Type", "application/problem+json")])[0].log


@example("single/conflict-explained", WARN)
def conflict_with_broken_problem_json():
    return conflict_round(after={"state": "running", "progress": 0.6}, body=b"{oops",
                          headers=[("Content-Type", "application/problem+json")])[0].log


@example("single/same-monitor", PASS)
@example("single/reaccept", PASS)
@example("idempotence/post-profile", Outcome.INFO)
def two_processes_one_after_the_other():
    b = LogBuilder("single")
    b.lifecycle("/process")
    b.lifecycle(BASE + "/process", expect=Expect.REACCEPT)
    return b.log


@example("single/same-monitor", FAIL)
def new_monitor_per_process():
    b = LogBuilder("single")
    b.lifecycle("/process/1")
    b.lifecycle("/process/2", expect=Expect.REACCEPT)
    return b.log


@example("single/same-monitor", UNSEEN)
@example("single/reaccept", UNSEEN)
def one_process_only():
    b = LogBuilder("single")
    b.lifecycle()
    return b.log


@example("single/reaccept", FAIL)
def refused_after_termination():
    b = LogBuilder("single")
    b.lifecycle()
    b.post(expect=Expect.REACCEPT, status=409)
    return b.log


# -- race-one-winner ------------------------------------------------------------------

def race(statuses, *looks, pause: float = 0.0):
    """A burst on an idle resource, then looks at the winner's process (state, progress) pairs,
    the first one ``pause`` seconds after the burst."""
    b = LogBuilder("single")
    b.lifecycle()
    b.burst(statuses)
    b.wait(pause)
    pid = max(b.log.processes)
    for state, progress in looks:
        b.poll(pid, state, progress)
    return b


@example("single/race-one-winner", PASS)
def one_winner():
    return race([202, 409, 409, 409], ("running", 0.1)).log


@example("single/race-one-winner", PASS)
def one_winner_that_ended_at_once():
    return race([202, 409, 409, 409], ("terminated", None)).log


@example("single/race-one-winner", FAIL)
def two_winners_while_one_is_in_flight():
    # still running half a second after a burst that lasted a millisecond: the first winner's process
    # was certainly in flight when the second POST was accepted
    return race([202, 409, 202, 409], ("running", 0.1), ("terminated", None), pause=0.5).log


@example("single/race-one-winner", UNSEEN)
def two_winners_but_processes_are_short():
    # seen in flight right after the burst, but never alive for longer than the burst itself lasted:
    # the first process may have ended before the second POST arrived
    b = LogBuilder("single")
    b.burst([202, 409, 202, 409])
    b.poll(max(b.log.processes), "running", 0.1)
    return b.log


@example("single/race-one-winner", UNSEEN)
def two_winners_process_ended_within_the_burst():
    # The first process may have ended before the second POST arrived: two acceptances can be legitimate.
    return race([202, 409, 202, 409], ("terminated", None)).log


@example("single/race-one-winner", UNSEEN)
def two_winners_never_looked_at():
    return race([202, 202, 409]).log


def test_only_the_first_look_after_the_burst_counts():
    b = LogBuilder("single")
    steps = b.burst([202, 202, 409])
    pid = max(b.log.processes)
    b.poll(pid, "running", 0.1, at=steps[0].ex.started + 0.001)  # sent while the burst was still answering
    b.poll(pid, "terminated")
    b.poll(pid, "running", 0.2)  # later and illegal, but not the first look
    assert outcome(b.log, "single/race-one-winner") is UNSEEN


@example("single/race-one-winner", FAIL)
def a_burst_post_answered_500():
    return race([202, 409, 500, 409], ("terminated", None)).log


@example("single/race-one-winner", FAIL)
def nobody_won():
    return race([409, 409, 409]).log


@example("single/race-one-winner", UNSEEN)
@example("single/conflict-409", FAIL)
def posts_in_flight_are_not_refused():
    b = race([202, 202, 202], ("running", 0.1))
    b.post(expect=Expect.CONFLICT, status=202, process=max(b.log.processes))
    return b.log


@example("single/race-one-winner", UNSEEN)
def no_burst():
    b = LogBuilder("single")
    b.lifecycle()
    return b.log


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_example(case):
    check_example(case)
