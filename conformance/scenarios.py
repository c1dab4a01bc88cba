"""Deterministic scenarios: the fixed sequences where order, timing or concurrency is the point.

They only gather observations; verdicts come from the requirement checks.
"""

from __future__ import annotations

import asyncio

from . import capabilities
from . import fuzz
from .observations import Expect, Kind
from .requirements.safety import slowdown_limit, sparse_interval, sparse_verdict
from .model import State
from .session import Session
from .waits import retry_after_seconds

# The polling-rate probe (safety/get-safe): the dense poller's interval and poll cap.
DENSE_INTERVAL = 0.01
DENSE_MAX_POLLS = 400


def _running_or_later(view) -> bool:
    if view.state is State.TERMINATED:
        return True
    return view.state is State.RUNNING and (view.progress is None or view.progress > 0)


async def _first_look(s: Session, p, scenario: str) -> None:
    """Right after acceptance: the monitor must exist; HEAD behaves; a disallowed method gets 405."""
    await s.poll(p, scenario, "first GET right after the acceptance")
    await s.early_product(p, scenario)
    await s.head_pair(p.monitor, scenario, p.id)
    await s.raw_head(p.monitor, scenario, p.id)
    await s.method_probe("PATCH", p.monitor, scenario, p.id)


async def _polling_rate_probe(s: Session, prefer: bool) -> None:
    """Two processes, one polled densely and one sparsely: time, not polls, must drive them."""
    fast = await s.start("get-safe-fast")
    if fast is None:
        return
    end = await s.follow(fast, "get-safe-fast", interval=DENSE_INTERVAL, max_polls=DENSE_MAX_POLLS)
    if end is None:
        return
    states = s.log.states(fast.id)
    took = max(0.02, states[-1][0].ex.ended - fast.accepted_at) if states else 0.1
    for attempt in range(2):
        slow = await s.start("get-safe-slow", prefer=prefer and attempt == 0)
        if slow is None:
            return
        # the first look comes when a process driven by time must be over (a wait computed from the
        # pace just observed, bounded by the deadline and the budget)
        await s.sleep(min(slowdown_limit(took), s.cfg.deadline) - (s.now() - slow.accepted_at))
        await s.follow(slow, "get-safe-slow", interval=sparse_interval(took))
        verdict = sparse_verdict(s.log, fast.id, slow.id)
        if verdict is None or not verdict[0]:
            return  # time drives it (or there is nothing to judge): no second run needed


async def run_single(s: Session) -> None:
    # 1. lifecycle: acceptance, first look, a POST in flight, the end, the product
    p = await s.start("lifecycle")
    if p is not None:
        await _first_look(s, p, "lifecycle")
        await s.method_probe("PATCH", s.cfg.target_url, "lifecycle")
        # A POST in flight as early as possible (a long Retry-After can hide the whole running
        # phase from polite polling) ...
        early = s.last_view.get(p.id)
        if early is not None and early.state is not State.TERMINATED:
            await s.post_in_flight(p, "lifecycle")
            p = s.current or p
        # ... and, if that one came while the process was still ready, once more while it runs,
        # so that a rejected POST that resets the process shows up as a step backwards.
        if early is None or early.state is State.READY:
            view = await s.follow(p, "lifecycle", until=_running_or_later)
            if view is not None and view.state is not State.TERMINATED:
                await s.post_in_flight(p, "lifecycle")
            p = s.current or p
        if p.monitor and await s.follow(p, "lifecycle") is not None:
            await s.poll(p, "lifecycle", "look again after termination: terminated is final")
            await s.products(p, "lifecycle", head=True)
    # 2. polling rate (reaccepts; the sparse one carries an unknown Prefer token)
    await _polling_rate_probe(s, prefer=True)
    # 3. a malformed POST on an idle resource, then a valid one
    if await s.ensure_idle():
        bad = await s.malformed("malformed")
        if bad.ex.status is not None and 200 <= bad.ex.status < 300:
            s.adopt(bad, "malformed")  # it started something after all: wait for it before going on
            bad.kind = Kind.MALFORMED
        elif await s.ensure_idle():
            step_before = len(s.log.steps)
            probe = await s.start("after-malformed")
            for step in s.log.steps[step_before:]:
                if step.kind is Kind.POST:
                    step.expect = Expect.PROBE
            if probe is not None:
                await s.follow(probe, "after-malformed")
    # 4. races: N simultaneous POSTs on an idle resource
    for _ in range(s.cfg.race_rounds):
        if not await s.ensure_idle():
            break
        steps = await s.burst("race", Expect.RACE)
        winners = [st for st in steps if st.ex.status is not None and 200 <= st.ex.status < 300]
        if winners:
            p = s.adopt(winners[0], "race")
            if p is not None:
                await s.follow(p, "race")
        if len(winners) != 1:
            break  # already decided; no need to spend another round
    # 5. cancel, Idempotency-Key and PUT: what the target offers, and whether repeating it changes anything
    await capabilities.run(s)
    await fuzz.negative(s)
    await s.ensure_idle()


async def run_multi(s: Session) -> None:
    # 1. two overlapping processes: first look, independence, products
    a = await s.start("lifecycle")
    if a is not None:
        await _first_look(s, a, "lifecycle")
        await s.send(Kind.UNKNOWN, "GET", s.unknown_monitor(a.monitor), scenario="lifecycle",
                     purpose="GET a monitor URI that was never handed out: expect 404/410")
        await s.method_probe("PATCH", s.cfg.target_url, "lifecycle")
        await s.follow(a, "lifecycle", until=_running_or_later)
    b = await s.start("lifecycle")
    live = [p for p in (a, b) if p is not None]
    if b is not None:
        await s.poll(b, "lifecycle", "first GET right after the acceptance")
    while live and s.budget_left() > 0:
        waits = []
        for p in list(live):
            step, view = await s.poll(p, "lifecycle")
            if p.id in s.lost:  # its monitor gave no usable response: the session stopped following it
                live.remove(p)
            elif view is not None and view.state is State.TERMINATED:
                live.remove(p)
                await s.poll(p, "lifecycle", "look again after termination: terminated is final")
                await s.products(p, "lifecycle", head=(p is a))
            elif s.now() - p.accepted_at > s.cfg.deadline:
                p.timed_out = True
                live.remove(p)
            else:
                ra = retry_after_seconds(step.ex.header("retry-after"))
                waits.append(0.05 if ra is None else ra)
        if live:
            await s.sleep(min(waits) if waits else 0.05)
    # 2. N simultaneous POSTs: all accepted, all distinct
    steps = await s.burst("burst", Expect.ACCEPT)
    adopted = [p for p in (s.adopt(st, "burst") for st in steps) if p is not None]
    # look at all new monitors at once: a target whose monitors hang costs one timeout, not N
    await asyncio.gather(*(s.poll(p, "burst", "does the new monitor answer?") for p in adopted))
    # 3. polling rate (the sparse process carries an unknown Prefer token)
    await _polling_rate_probe(s, prefer=True)
    # 4. a malformed POST
    await s.malformed("malformed")
    # 5. cancel, Idempotency-Key and PUT: what the target offers, and whether repeating it changes anything
    await capabilities.run(s)
    await fuzz.negative(s)
