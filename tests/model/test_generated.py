"""Generated observation sequences: legal lifecycles pass, one injected illegal event fails the matching requirement.

A *plan* is an abstract run (acceptances, polls, POSTs in flight, product GETs,
each with a pause before it and a duration); :func:`render` turns it into a Log
with the hand builder. Legal plans follow the catalog's model: states never go
back (polling may skip some), progress is a non-decreasing number in [0, 1],
the product link appears only when terminated and never changes, timings are
sequential. The injection tests add or change exactly one event.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, replace

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conformance.model import RANK, TRANSITIONS, State
from conformance.observations import Expect, Log
from conformance.outcomes import Outcome

from .build import LogBuilder, failing, outcome

# MODEL_EXAMPLES=2000 for a deeper search; the default keeps the folder fast.
SETTINGS = settings(max_examples=int(os.environ.get("MODEL_EXAMPLES", "60")), deadline=None, database=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
#: the lifecycle's states in order, from the one protocol model
RANKS = tuple(state.value for state in sorted(RANK, key=RANK.__getitem__))
RETRY_AFTER = st.sampled_from([None, "1", "0", "Sun, 06 Nov 1994 08:49:37 GMT"])
PAUSE = st.floats(0.001, 0.2)
DURATION = st.floats(0.001, 0.05)


@dataclass(frozen=True)
class Event:
    what: str  # "accept" | "post" (a refused POST in flight) | "poll" | "fetch" (product GET) | "unknown"
    proc: int | None = None  # index into Plan.procs
    expect: Expect | None = None
    state: str | None = None
    progress: object = None
    product: str | None = None
    status: int | None = 200  # poll status; None: transport error
    see_other: bool = False
    retry_after: str | None = None
    pause: float = 0.01
    duration: float = 0.005


@dataclass(frozen=True)
class Proc:
    monitor: str
    product: str | None
    retry_after: str | None


@dataclass(frozen=True)
class Plan:
    pattern: str
    procs: tuple[Proc, ...]
    events: tuple[Event, ...]

    def polls(self):
        return [(i, e) for i, e in enumerate(self.events) if e.what == "poll"]


def render(plan: Plan) -> Log:
    b = LogBuilder(plan.pattern, gap=0.0)
    pid: dict[int, int] = {}
    for e in plan.events:
        b.wait(e.pause)
        kw = {"duration": e.duration}
        if e.what == "accept":
            proc = plan.procs[e.proc]
            pid[e.proc] = b.accept(proc.monitor, expect=e.expect, retry_after=proc.retry_after, **kw)
        elif e.what == "post":
            b.post(expect=e.expect, status=409, process=pid.get(e.proc), **kw)
        elif e.what == "fetch":
            b.product(plan.procs[e.proc].product, body=f"product of process {e.proc}", process=pid[e.proc], **kw)
        elif e.what == "unknown":
            b.unknown(status=404, **kw)
        elif e.see_other:
            b.see_other(pid[e.proc], e.product, **kw)
        elif e.status is None:
            b.poll(pid[e.proc], error="connection reset", **kw)
        elif e.status != 200:
            b.poll(pid[e.proc], status=e.status, body={"status": e.status}, retry_after=None,
                   headers=[("Content-Type", "application/problem+json")], **kw)
        else:
            b.poll(pid[e.proc], e.state, e.progress, e.product, retry_after=e.retry_after, **kw)
    return b.log


# -- legal plans ---------------------------------------------------------------------

PROGRESS = st.one_of(st.sampled_from([0, 1, 0.5]), st.integers(0, 100).map(lambda n: n / 100),
                     st.floats(0, 1, allow_subnormal=False))
IDENT = st.text("0123456789abcdef", min_size=24, max_size=24)


@st.composite
def lifecycle(draw, k: int, proc: Proc) -> list[Event]:
    """The polls of one process, in order: states non-decreasing, progress non-decreasing."""
    n = draw(st.integers(0, 6))
    ranks, current = [], None
    for _ in range(n):  # a walk through the model's transition table (polling may skip states)
        choices = sorted(TRANSITIONS[current] if current else State, key=RANK.__getitem__)
        current = draw(st.sampled_from(choices))
        ranks.append(RANK[current])
    values = iter(sorted(draw(st.lists(PROGRESS, min_size=n, max_size=n))))
    events = []
    last = 0.0
    for rank in ranks:
        state = RANKS[rank]
        progress = product = None
        see_other = False
        if state == "ready" and draw(st.booleans()):
            progress = 0
        elif state == "running":
            last = next(values)
            progress = last if draw(st.integers(0, 4)) else None  # progress is a SHOULD: sometimes absent
        elif state == "terminated":
            progress = draw(st.sampled_from([None, 1]))
            product = proc.product
            see_other = product is not None and draw(st.integers(0, 3)) == 0
        events.append(Event("poll", k, state=state, progress=progress, product=product, see_other=see_other,
                            retry_after=None if state == "terminated" else proc.retry_after,
                            pause=draw(PAUSE), duration=draw(DURATION)))
    if proc.product is not None and "terminated" in [e.state for e in events]:
        events += [Event("fetch", k, pause=draw(PAUSE), duration=draw(DURATION))
                   for _ in range(draw(st.integers(0, 2)))]
    return events


@st.composite
def single_plan(draw) -> Plan:
    n = draw(st.integers(1, 3))
    retry_after = draw(RETRY_AFTER)
    procs = tuple(Proc("/process", draw(st.sampled_from(["/product", None])), retry_after) for _ in range(n))
    events: list[Event] = []
    seen_end = None
    for k, proc in enumerate(procs):
        expect = Expect.ACCEPT if seen_end is None else Expect.REACCEPT if seen_end else Expect.ANY
        events.append(Event("accept", k, expect=expect, pause=draw(PAUSE), duration=draw(DURATION)))
        polls = draw(lifecycle(k, proc))
        for i, e in enumerate(polls):
            events.append(e)
            if e.what == "poll" and e.state != "terminated" and draw(st.integers(0, 2)) == 0:
                # a POST while the process was seen in flight: refused; CONFLICT if the next look proves it
                nxt = polls[i + 1] if i + 1 < len(polls) else None
                in_flight = nxt is not None and nxt.what == "poll" and nxt.state != "terminated"
                events.append(Event("post", k, expect=Expect.CONFLICT if in_flight else Expect.ANY,
                                    pause=draw(PAUSE), duration=draw(DURATION)))
        seen_end = any(e.state == "terminated" for e in polls)
    return Plan("single", procs, tuple(events))


@st.composite
def multi_plan(draw) -> Plan:
    n = draw(st.integers(1, 3))
    procs = tuple(
        Proc(f"/process/{ident}", draw(st.sampled_from([f"/product/{ident}", f"../product/{ident}", None])),
             draw(RETRY_AFTER))
        for ident in draw(st.lists(IDENT, min_size=n, max_size=n, unique=True))
    )
    queues = [[Event("accept", k, expect=Expect.ACCEPT, pause=draw(PAUSE), duration=draw(DURATION))]
              + draw(lifecycle(k, proc)) for k, proc in enumerate(procs)]
    if draw(st.booleans()):
        queues.append([Event("unknown", pause=draw(PAUSE), duration=draw(DURATION))])
    events = []
    while any(queues):
        q = draw(st.sampled_from([q for q in queues if q]))  # interleave, keeping each process's order
        events.append(q.pop(0))
    return Plan("multi", procs, tuple(events))


PLANS = st.one_of(single_plan(), multi_plan())


@SETTINGS
@given(PLANS)
def test_legal_lifecycles_fail_nothing(plan):
    log = render(plan)
    assert not failing(log, "monitor/"), plan
    assert not failing(log), plan  # nor anything else: the plans are legal in every respect


@SETTINGS
@given(PLANS)
def test_retry_after_warns_exactly_when_missing(plan):
    log = render(plan)
    got = outcome(log, "monitor/retry-after")
    pending = [e for e in plan.events if e.what == "poll" and e.state in ("ready", "running")]
    if not pending:
        assert got is Outcome.INCONCLUSIVE
    else:
        missing = any(plan.procs[e.proc].retry_after is None for e in pending)
        assert got is (Outcome.WARN if missing else Outcome.PASS)


# -- injecting one illegal event -------------------------------------------------------------

def insert_after(plan: Plan, i: int, *new: Event) -> Plan:
    return replace(plan, events=plan.events[:i + 1] + new + plan.events[i + 1:])


def change(plan: Plan, i: int, **fields) -> Plan:
    return replace(plan, events=plan.events[:i] + (replace(plan.events[i], **fields),) + plan.events[i + 1:])


def regress(draw, plan: Plan, i: int, events: list[Event], alone: str) -> tuple[Plan, str]:
    """Insert ``events`` (ending in a regression) after observation ``i``. Maybe put another POST first:
    then the regression is blamed on that POST (single: a 409, multi: another process's acceptance), not
    on the monitor (``alone``)."""
    if not draw(st.booleans()):
        return insert_after(plan, i, *events), alone
    if plan.pattern == "single":
        post = Event("post", plan.events[i].proc, expect=Expect.ANY)
        return insert_after(plan, i, post, *events), "single/conflict-no-effect"
    other = Proc(f"/process/{draw(IDENT)}-other", None, "1")
    plan = replace(plan, procs=plan.procs + (other,))
    post = Event("accept", len(plan.procs) - 1, expect=Expect.ACCEPT)
    return insert_after(plan, i, post, *events), "multi/independent"


def spots(plan: Plan, test) -> list[tuple[int, Event]]:
    return [(i, e) for i, e in plan.polls() if e.status == 200 and not e.see_other and test(e)]


def numeric(value) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def ran(e: Event) -> bool:
    return e.state == "running" and numeric(e.progress) and e.progress >= 0.01


@st.composite
def backwards_state(draw):
    """After a running or terminated observation, one that shows an earlier state."""
    plan = draw(PLANS.filter(lambda p: spots(p, lambda e: e.state != "ready")))
    i, e = draw(st.sampled_from(spots(plan, lambda e: e.state != "ready")))
    if e.state == "running":
        back = Event("poll", e.proc, state="ready", retry_after="1")
    else:
        state = draw(st.sampled_from(["ready", "running"]))
        seen = [v.progress for j, v in plan.polls() if j < i and v.proc == e.proc and v.state == "running"
                and numeric(v.progress)]
        back = Event("poll", e.proc, state=state, progress=seen[-1] if seen and state == "running" else None,
                     retry_after="1")
    return regress(draw, plan, i, [back], "monitor/transitions")


@st.composite
def progress_decrease(draw):
    """After a running observation with progress p > 0, a running one with less."""
    plan = draw(PLANS.filter(lambda p: spots(p, ran)))
    i, e = draw(st.sampled_from(spots(plan, ran)))
    lower = draw(st.floats(0, e.progress - 0.005, allow_subnormal=False))  # well beyond the float tolerance
    hidden = draw(st.booleans())  # a running observation without progress in between hides nothing
    dip = [Event("poll", e.proc, state="running", retry_after="1")] if hidden else []
    dip.append(Event("poll", e.proc, state="running", progress=lower, retry_after="1"))
    return regress(draw, plan, i, dip, "monitor/progress-monotonic")


@st.composite
def early_product(draw):
    """A ready or running observation that already links the product."""
    plan = draw(PLANS.filter(lambda p: spots(p, lambda e: e.state != "terminated")))
    i, e = draw(st.sampled_from(spots(plan, lambda e: e.state != "terminated")))
    link = plan.procs[e.proc].product or f"/early/{e.proc}"
    return change(plan, i, product=link), "monitor/product-when-terminated"


@st.composite
def changed_product(draw):
    """After a terminated observation with a product link, one with another link."""
    plan = draw(PLANS.filter(lambda p: spots(p, lambda e: e.product is not None)))
    i, e = draw(st.sampled_from(spots(plan, lambda e: e.product is not None)))
    other = Event("poll", e.proc, state="terminated", product=e.product + "?v=2",
                  see_other=draw(st.booleans()))
    return insert_after(plan, i, other), "monitor/product-stable"


@st.composite
def invalid_progress(draw):
    """A running observation whose progress is out of range or not a number."""
    plan = draw(PLANS.filter(lambda p: spots(p, lambda e: e.state == "running")))
    i, _e = draw(st.sampled_from(spots(plan, lambda e: e.state == "running")))
    bad = draw(st.sampled_from([1.5, 100, -0.1, "50%", "0.5", True, [0.5]]))
    return change(plan, i, progress=bad), "monitor/schema"


@st.composite
def failed_poll(draw):
    """A poll that does not answer 200: monitor/status-200, or accept/monitor-ready if it is the first look
    at the monitor and says 404/410."""
    plan = draw(PLANS.filter(lambda p: p.polls()))
    i, e = draw(st.sampled_from(plan.polls()))
    status = draw(st.sampled_from([None, 400, 401, 403, 404, 410, 429, 500, 502, 503]))
    first = all(v.proc != e.proc for j, v in plan.polls() if j < i)
    if first and draw(st.booleans()):
        i -= 1  # before the first look, right after the acceptance or whatever preceded it
        blamed = "accept/monitor-ready" if status in (404, 410) else "monitor/status-200"
    else:
        blamed = "monitor/status-200"
    if status is not None and status >= 500:  # a monitor that fails is unavailable, and a 5xx besides
        blamed = frozenset({blamed, "errors/no-5xx"})
    return insert_after(plan, i, Event("poll", e.proc, status=status)), blamed


ILLEGAL = {
    "backwards-state": backwards_state(),
    "progress-decrease": progress_decrease(),
    "early-product": early_product(),
    "changed-product": changed_product(),
    "invalid-progress": invalid_progress(),
    "failed-poll": failed_poll(),
}


def _check_one_illegal(case):
    plan, blamed = case
    log = render(plan)
    assert failing(log) == (set(blamed) if isinstance(blamed, frozenset) else {blamed}), plan


@SETTINGS
@given(backwards_state())
def test_backwards_state(case):
    _check_one_illegal(case)


@SETTINGS
@given(progress_decrease())
def test_progress_decrease(case):
    _check_one_illegal(case)


@SETTINGS
@given(early_product())
def test_product_before_termination(case):
    _check_one_illegal(case)


@SETTINGS
@given(changed_product())
def test_changed_product_link(case):
    _check_one_illegal(case)


@SETTINGS
@given(invalid_progress())
def test_invalid_progress(case):
    _check_one_illegal(case)


@SETTINGS
@given(failed_poll())
def test_failed_poll(case):
    _check_one_illegal(case)
