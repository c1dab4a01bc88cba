"""Deterministic scenarios: the fixed sequences where order, timing or concurrency is the point.

They only gather observations; verdicts come from the requirement checks.
"""

from __future__ import annotations

from . import capabilities, fuzz, overlap
from .observations import Expect, Kind
from .model import State
from .overlap import first_look_probes, running_or_later
from .session import Session

async def run_single(s: Session) -> None:
    # 1. lifecycle: acceptance, first look, a POST in flight, the end, the product
    p = await s.start("lifecycle")
    if p is not None:
        await first_look_probes(s, p, "lifecycle")
        await s.method_probe("PATCH", s.cfg.target_url, "lifecycle")
        # A POST in flight as early as possible (a long Retry-After can hide the whole running
        # phase from polite polling) ...
        early = s.last_view.get(p.id)
        if early is not None and early.state is not State.TERMINATED:
            await s.post_in_flight(p, "lifecycle")
            p = s.current or p
        # ... and, if that one came before the process had made progress (ready, or running at 0 where a
        # dialect has no ready state), once more once it has, so that a rejected POST that resets the
        # process shows up as a step backwards.
        if early is None or not running_or_later(early):
            view = await s.follow(p, "lifecycle", until=running_or_later, interval=overlap.dense_pace)
            if view is not None and view.state is not State.TERMINATED:
                await s.post_in_flight(p, "lifecycle")
            p = s.current or p
        # followed to its end densely: the dense side of the polling-rate probe
        took = await overlap.follow_dense(s, p, "lifecycle") if p.monitor else None
        if took is not None:
            await s.poll(p, "lifecycle", "look again after termination: terminated is final")
            await s.products(p, "lifecycle", head=True)
        # 2. polling rate: the sparse side (a reacceptance; it carries an unknown Prefer token)
        await overlap.polling_rate_after(s, p, took, prefer=True)
    # 3. cancel, Idempotency-Key and PUT, before the scenarios whose processes nothing needs to see end:
    # where a cancel is seen to free the resource at once, those are cancelled instead of waited for
    await capabilities.run(s)
    # 4. a malformed POST on an idle resource, then a valid one
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
            await capabilities.finish(s, [probe], "after-malformed")
    # 5. races: N simultaneous POSTs on an idle resource
    for _ in range(s.cfg.race_rounds):
        if not await s.ensure_idle():
            break
        steps = await s.burst("race", Expect.RACE)
        winners = [st for st in steps if st.ex.status is not None and 200 <= st.ex.status < 300]
        if winners:
            p = s.adopt(winners[0], "race")
            if p is not None and len(winners) == 1:
                # the one winner's process, seen in flight after the burst, then out of the way
                await s.poll(p, "race", "is the winner's process in flight after the burst?")
                await capabilities.finish(s, [p], "race")
            elif p is not None:
                await s.follow(p, "race")  # several winners: all their processes end about together
        if len(winners) != 1:
            break  # already decided; no need to spend another round
    await fuzz.negative(s)
    await s.ensure_idle()
    await overlap.watch_alone(s)


async def run_multi(s: Session) -> None:
    # everything at once, on one clock: the lifecycle pair, the independence check, the burst, the
    # polling-rate probe, the malformed POST and the idempotence probes (cancel, Idempotency-Key and PUT),
    # whose POSTs come before the burst's (conformance.overlap)
    await overlap.run_multi(s, probes=lambda clear: capabilities.run(s, clear))
    # then the negative requests
    await fuzz.negative(s)
