"""idempotence/delete, key-*, put-create: the capability checks on hand-built probe logs."""

from dataclasses import replace

import pytest

from conformance.answer import answer
from conformance.judge import judge
from conformance.observations import Expect, Kind
from conformance.outcomes import Outcome
from conformance.profiles import PROFILES

from .build import ProbeBuilder, check_example, collector, judged

CASES = []
example = collector(CASES)


def declared(b: ProbeBuilder, *capabilities: str) -> ProbeBuilder:
    b.log.expected = frozenset(capabilities)
    return b


# -- cancel -------------------------------------------------------------------------------------------

#: the seed's wire with a word for "cancelled" (the seed itself has one word for every end, 'terminated')
SAYS_CANCELLED = replace(PROFILES["seed"], states={**PROFILES["seed"].states, "cancelled": "cancelled"})


def cancelled(pattern: str = "single", *, first: int = 204, repeats=(404, 404), afters=((404, None),),
              bystander_after=None, post_after: int | None = 202, expected=(), profile=PROFILES["seed"]):
    """A cancel probe: a young process cancelled, repeats, looks after, (multi) a bystander, (single) a POST."""
    b = declared(ProbeBuilder(pattern, profile), *expected)
    monitor = "/process" if pattern == "single" else "/process/a"
    p = b.accept(monitor)
    other = b.accept("/process/b") if pattern == "multi" else None
    if other is not None:
        b.log.processes[other].role = "bystander"
        b.look(Kind.CANCEL, other, "bystander", "running", 0.1)
    b.poll(p, "running", 0.1)
    b.cancel(p, "first", status=first)
    if first in (200, 202, 204):
        b.log.processes[p].role = "cancelled"
        b.cancel(p, "repeat", status=repeats[0])
        for status, state in afters:
            b.look(Kind.CANCEL, p, "after", state, status=status)
        for r in repeats[1:]:
            b.cancel(p, "repeat", status=r)
    if other is not None:
        if bystander_after is None:
            b.look(Kind.CANCEL, other, "bystander", "running", 0.5)
            b.look(Kind.CANCEL, other, "bystander", "terminated")
        else:
            b.look(Kind.CANCEL, other, "bystander", status=bystander_after)
    if pattern == "single" and post_after is not None and first in (200, 202, 204):
        b.post(expect=Expect.AFTER_CANCEL, status=post_after,
               body={"monitor": "/process"} if post_after == 202 else b"busy")
    return b.log


@example("idempotence/delete", Outcome.PASS)
def cancel_then_gone():
    return cancelled()


@example("idempotence/delete", Outcome.PASS)
def cancel_shown_cancelled_multi():
    b = declared(ProbeBuilder("multi", PROFILES["google"]))
    p = b.accept(monitor=None, status=200, body={"name": "operations/1", "done": False})
    assert b.log.processes[p].monitor
    b.log.processes[p].role = "cancelled"
    b.cancel(p, "first", status=200, body={})
    b.cancel(p, "repeat", status=200, body={})
    done = {"name": "operations/1", "done": True, "error": {"code": 1, "message": "cancelled"}}
    b.role(b.exchange(Kind.CANCEL, "GET", b.monitor_of(p), body=done, process=p), "after")
    return b.log


@example("idempotence/delete", Outcome.FAIL)
def repeat_answers_500():
    return cancelled(repeats=(500,))


@example("idempotence/delete", Outcome.FAIL)
def cancelled_process_comes_back():
    return cancelled(afters=((404, None), (200, "running")))


@example("idempotence/delete", Outcome.FAIL)
def cancel_kills_the_bystander():
    return cancelled("multi", bystander_after=404)


@example("single/reaccept", Outcome.FAIL)
def resource_blocked_after_cancel():
    return cancelled(post_after=409)


@example("idempotence/delete", Outcome.FAIL)
def young_process_ends_succeeded():
    return cancelled(afters=((200, "terminated"),), profile=SAYS_CANCELLED)


@example("idempotence/delete", Outcome.PASS)
def young_process_terminated_where_the_dialect_cannot_say_cancelled():
    """The seed has one word for every end: 'terminated' is all a cancelled process can show (the catalog:
    afterwards the monitor is gone or terminated)."""
    return cancelled(afters=((200, "terminated"),))


def cancelled_without_progress(age: float, *, see_other: bool = False, profile=SAYS_CANCELLED):
    """A target that tells no progress: one process followed to its end by itself (in flight for at least 2 s),
    then one cancelled ``age`` seconds after its acceptance, that ended succeeded (``see_other``: its monitor
    then answers 303 See Other to the product)."""
    b = ProbeBuilder("single", profile)
    done = b.accept("/process")
    b.wait(2.0)
    b.poll(done, "running")
    b.poll(done, "terminated")
    p = b.accept("/process")
    b.log.processes[p].role = "cancelled"
    b.poll(p, "running")
    b.wait(age)
    b.cancel(p, "first")
    if see_other:
        b.role(b.exchange(Kind.CANCEL, "GET", b.monitor_of(p), status=303, headers=[("Location", "/product")],
                          process=p), "after")
    else:
        b.look(Kind.CANCEL, p, "after", "terminated")
    return b.log


@example("idempotence/delete", Outcome.FAIL)
def young_process_without_progress_ends_succeeded():
    return cancelled_without_progress(0.2)  # a tenth of the way, by the other process's pace


@example("idempotence/delete", Outcome.PASS)
def late_cancel_without_progress_overtaken_by_the_end():
    return cancelled_without_progress(1.5)  # three quarters of the way: the natural end may come first


@example("idempotence/delete", Outcome.PASS)
def late_cancel_overtaken_by_the_end_see_other():
    """A 303 See Other is an end (the product handed over), not "still in flight"."""
    return cancelled_without_progress(1.5, see_other=True)


@example("idempotence/delete", Outcome.FAIL)
def young_process_ends_with_see_other():
    return cancelled_without_progress(0.2, see_other=True)


@example("idempotence/delete", Outcome.NOT_APPLICABLE)
def no_cancel_operation():
    return cancelled(first=405)


@example("idempotence/delete", Outcome.FAIL)
def declared_but_no_cancel():
    return cancelled(first=405, expected=("delete",))


@example("idempotence/delete", Outcome.INCONCLUSIVE)
def nothing_cancelled():
    return ProbeBuilder("single").log


def test_cancel_not_in_the_dialect():
    b = ProbeBuilder("single", PROFILES["azure"])
    assert judged(b.log, "idempotence/delete").outcome is Outcome.NOT_APPLICABLE


# -- Idempotency-Key ----------------------------------------------------------------------------------

def keyed(pattern: str = "multi", *, replay=(202, "/process/a"), looks=(("running", 0.2), ("running", 0.3)),
          mismatch: int | None = 422, burst=None, expected=()):
    b = declared(ProbeBuilder(pattern), *expected)
    monitor = "/process/a" if pattern == "multi" else "/process"
    original = b.keyed("original", monitor=monitor)
    p = b.adopt(original)
    b.look(Kind.KEYED, p, "look", *looks[0])
    status, named = replay
    b.keyed("replay", status=status, monitor=named)
    b.look(Kind.KEYED, p, "look", *looks[1])
    if mismatch is not None:
        b.keyed("mismatch", status=mismatch, key="k1", monitor="/process/z")
    for i, (status, named) in enumerate(burst or ()):
        b.keyed("concurrent", status=status, monitor=named, key="k2", at=b.clock + 0.01 + i * 0.0001, duration=0.02)
    return b.log


@example("idempotence/key-replay", Outcome.PASS)
def replay_gets_the_original():
    return keyed()


@example("idempotence/key-replay", Outcome.PASS)
def single_replay_in_flight_gets_the_original():
    return keyed("single", replay=(202, "/process"))


@example("idempotence/key-replay", Outcome.FAIL)
def replay_starts_a_second_process():
    return keyed(replay=(202, "/process/b"))


@example("idempotence/key-replay", Outcome.FAIL)
def single_replay_refused_while_declared():
    return keyed("single", replay=(409, None), mismatch=None, expected=("idempotency-key",))


@example("idempotence/key-replay", Outcome.FAIL)
def replay_restarts_the_process():
    return keyed("single", replay=(202, "/process"), looks=(("running", 0.6), ("running", 0.1)))


@example("idempotence/key-replay", Outcome.NOT_APPLICABLE)
def key_ignored():
    return keyed(replay=(202, "/process/b"), mismatch=202)


@example("idempotence/key-replay", Outcome.INCONCLUSIVE)
def single_replay_after_the_end():
    return keyed("single", replay=(202, "/process"), looks=(("terminated", None), ("terminated", None)),
                 mismatch=202)


@example("idempotence/key-mismatch", Outcome.PASS)
def mismatch_refused():
    return keyed()


@example("idempotence/key-mismatch", Outcome.WARN)
def mismatch_accepted():
    return keyed(mismatch=202)


@example("idempotence/key-mismatch", Outcome.FAIL)
def mismatch_accepted_while_declared():
    return keyed(mismatch=202, expected=("idempotency-key",))


@example("idempotence/key-mismatch", Outcome.NOT_APPLICABLE)
def mismatch_without_key_support():
    return keyed(replay=(202, "/process/b"), mismatch=202)


@example("idempotence/key-concurrent", Outcome.PASS)
def burst_one_monitor():
    return keyed(burst=[(202, "/process/c")] * 3 + [(409, None)])


@example("idempotence/key-concurrent", Outcome.WARN)
def burst_two_monitors():
    return keyed(burst=[(202, "/process/c"), (202, "/process/d"), (202, "/process/c")])


@example("idempotence/key-concurrent", Outcome.FAIL)
def burst_odd_status_declared():
    return keyed(burst=[(202, "/process/c"), (500, None)], expected=("idempotency-key",))


@example("idempotence/key-concurrent", Outcome.INCONCLUSIVE)
def no_burst():
    return keyed()


@example("idempotence/key-missing", Outcome.PASS)
def missing_key_refused():
    b = declared(ProbeBuilder("multi"), "key-required", "idempotency-key")
    b.keyed("missing", status=400, key=None)
    return b.log


@example("idempotence/key-missing", Outcome.FAIL)
def missing_key_accepted():
    b = declared(ProbeBuilder("multi"), "key-required", "idempotency-key")
    b.keyed("missing", status=202, key=None, monitor="/process/x")
    return b.log


@example("idempotence/key-missing", Outcome.NOT_APPLICABLE)
def keys_not_required():
    b = ProbeBuilder("multi")
    b.accept("/process/1")
    return b.log


# -- PUT -----------------------------------------------------------------------------------------------

def put(create: int = 201, repeat: int = 200, other: int = 409, looks=(("running", 0.2), ("running", 0.3),
        ("running", 0.4)), expected=()):
    b = declared(ProbeBuilder("multi"), *expected)
    c = b.put("create", status=create)
    if not 200 <= create < 300:
        return b.log
    p = b.adopt(c, "put")
    b.look(Kind.PUT, p, "look", *looks[0])
    b.put("repeat", status=repeat)
    b.look(Kind.PUT, p, "look", *looks[1])
    b.put("other", status=other)
    b.look(Kind.PUT, p, "look", *looks[2])
    return b.log


@example("idempotence/put-create", Outcome.PASS)
def put_once():
    return put()


@example("idempotence/put-create", Outcome.WARN)
def put_repeat_restarts():
    return put(looks=(("running", 0.5), ("running", 0.1), ("running", 0.2)))


@example("idempotence/put-create", Outcome.FAIL)
def put_other_body_accepted_declared():
    return put(other=201, expected=("put-create",))


@example("idempotence/put-create", Outcome.NOT_APPLICABLE)
def put_not_supported():
    return put(create=405)


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_example(case):
    check_example(case)


def test_the_answer_names_the_ways_found():
    log = keyed(burst=[(202, "/process/c")] * 2)
    result = answer(log, {req.id: f for req, f in judge(log)})
    rows = {r["request"]: r for r in result["matrix"]}
    assert rows["POST with the same Idempotency-Key"]["effect"] == "one effect"
    assert rows["POST with the same Idempotency-Key"]["evidence"]
    assert result["answer"].startswith("Yes: ")
    assert "Idempotency-Key had the effect of one" in result["answer"]
    caps = {c["capability"]: c for c in result["capabilities"]}
    assert caps["idempotency-key"]["found"] == "yes" and not caps["idempotency-key"]["declared"]


def test_the_answer_without_any_way():
    log = cancelled(first=405)
    result = answer(log, {req.id: f for req, f in judge(log)})
    rows = {r["request"]: r for r in result["matrix"]}
    assert rows["DELETE to cancel, repeated"]["effect"] == "not supported"
    assert result["answer"].startswith("Not by any mechanism")
    assert {c["capability"]: c["found"] for c in result["capabilities"]}["delete"] == "no"


def test_a_step_back_the_target_takes_on_its_own_is_no_restart():
    """A target whose progress goes down anyway (monitor/progress-monotonic) does not fail key-replay too."""
    log = keyed("single", replay=(202, "/process"), looks=(("running", 0.6), ("running", 0.1)))
    assert judged(log, "idempotence/key-replay").outcome is Outcome.FAIL
    b = ProbeBuilder("single", start=max(s.ex.ended for s in log.steps))  # later than the probe's requests
    b.log = log
    other = b.accept("/process")
    b.poll(other, "running", 0.5)
    b.poll(other, "running", 0.2)  # backwards with nothing in between: the target's own doing
    assert judged(log, "idempotence/key-replay").outcome is Outcome.PASS


def test_a_cancelled_monitor_answering_like_an_unknown_one_is_gone():
    """Where never-issued monitors answer 200 (monitor/unknown-404 judges that), a cancelled one that
    answers the same is gone, not back in flight."""
    log = cancelled("multi", afters=((200, "ready"),))
    assert judged(log, "idempotence/delete").outcome is Outcome.FAIL
    b = ProbeBuilder("multi")
    b.log = log
    b.role(b.exchange(Kind.UNKNOWN, "GET", "/process/never", body={"state": "ready"}), None)
    assert judged(log, "idempotence/delete").outcome is Outcome.PASS


def test_a_process_marked_cancelled_without_a_first_cancel_is_no_suite_error():
    """A process cancelled again after something else cancelled it (the probes cancel what they start) has
    repeats on record and no first cancel: idempotence/delete judges the others, it does not crash."""
    log = cancelled()
    b = ProbeBuilder("single")
    b.log = log
    other = b.accept("/process")
    b.log.processes[other].role = "cancelled"
    b.cancel(other, "repeat", status=404)
    assert judged(log, "idempotence/delete").outcome is Outcome.PASS


def _put_restart_beside_a_post(disturbed_elsewhere: bool):
    """The repeated PUT sets its process back, and another POST was taken between the looks around it."""
    b = ProbeBuilder("multi")
    c = b.put("create", status=201)
    p = b.adopt(c, "put")
    b.look(Kind.PUT, p, "look", "running", 0.5)
    b.put("repeat", status=200)
    b.accept("/process/other")
    b.look(Kind.PUT, p, "look", "running", 0.1)
    if disturbed_elsewhere:  # the polls show the target setting a process back when another is accepted
        q = b.accept("/process/q")
        b.poll(q, "running", 0.6)
        b.accept("/process/r")
        b.poll(q, "ready")
    return b.log


def test_a_step_back_beside_another_post_is_the_probes_unless_the_target_disturbs_others():
    assert judged(_put_restart_beside_a_post(False), "idempotence/put-create").outcome is Outcome.WARN
    assert judged(_put_restart_beside_a_post(True), "idempotence/put-create").outcome is Outcome.PASS
