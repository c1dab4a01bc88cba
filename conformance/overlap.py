"""Scenarios on one clock: what can overlap runs at once, and processes serve more than one probe.

A run is bound by the target's process duration D, not by the suite's CPU: what counts is how many
durations it waits through one after another. Here

- the polling-rate probe (safety/get-safe) is split into its two sides, so that any densely followed
  process can be its dense side (the single pattern's lifecycle) and, in the multi pattern, the dense
  and the sparse process run side by side;
- the multi pattern runs the lifecycle pair, the independence check, the burst, the polling-rate probe
  and the malformed POST as tasks of one event loop; each waits per process, bounded by its deadline
  and by one deadline for the whole phase, so a target whose monitors never answer or whose processes
  never end costs about one deadline, not one per process.

Nothing here decides anything: the checks read the log.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

from .model import State
from .observations import Expect, Kind, ProcessRecord, blamed_on_others
from .requirements.safety import first_look, slowdown_limit, sparse_interval, sparse_verdict
from .session import Session

# The polling-rate probe's dense poller: its first interval, how it slows down as the process lasts
# (a hundredth of the time so far: about 100 GETs per tenfold of time), and its poll cap.
DENSE_INTERVAL = 0.01
DENSE_SLOWDOWN = 0.01
DENSE_MAX_POLLS = 400
#: roles of the polling-rate probe's processes (safety.polling_sides reads them)
DENSE, SPARSE = "get-safe-fast", "get-safe-slow"


def dense_pace(elapsed: float) -> float:
    return max(DENSE_INTERVAL, DENSE_SLOWDOWN * elapsed)


def running_or_later(view) -> bool:
    if view.state is State.TERMINATED:
        return True
    return view.state is State.RUNNING and (view.progress is None or view.progress > 0)


async def follow_dense(s: Session, p: ProcessRecord, scenario: str, *, by: float | None = None) -> float | None:
    """Follow ``p`` to its end, densely, as the polling-rate probe's dense side; the time it took
    (acceptance to the first look that saw it terminated), or None if it was not seen to end."""
    p.role = DENSE
    end = await s.follow(p, scenario, interval=dense_pace, max_polls=DENSE_MAX_POLLS, by=by)
    if end is None or end.state is not State.TERMINATED:
        return None
    states = s.log.states(p.id)
    return max(0.02, states[-1][0].ex.ended - p.accepted_at) if states else 0.1


async def follow_sparse(s: Session, p: ProcessRecord, took: float, *, limit: float, by: float | None = None) -> None:
    """The sparse side: the first look comes ``limit`` after acceptance (when a process driven by time
    must be over), then at the sparse pace."""
    p.role = SPARSE
    await s.sleep(min(limit, s.cfg.deadline) - (s.now() - p.accepted_at))
    await s.follow(p, p.scenario, interval=sparse_interval(took), by=by)


def _driven(s: Session, fast: ProcessRecord, slow: ProcessRecord) -> bool:
    verdict = sparse_verdict(s.log, fast.id, slow.id)
    return verdict is not None and verdict[0]


async def confirm_sparse(s: Session, fast: ProcessRecord, slow: ProcessRecord, took: float) -> None:
    """A sparse run that looked driven by GETs at the first look is repeated once, first looked at
    after the full slowdown limit (only such a run can confirm a violation)."""
    if not _driven(s, fast, slow):
        return
    again = await s.start("get-safe-slow")
    if again is not None:
        await follow_sparse(s, again, took, limit=slowdown_limit(took))


async def polling_rate_after(s: Session, fast: ProcessRecord, took: float | None, *, prefer: bool) -> None:
    """The sparse side after a dense one already followed (single pattern: one process at a time)."""
    if took is None:
        return
    slow = await s.start("get-safe-slow", prefer=prefer)
    if slow is None:
        return
    await follow_sparse(s, slow, took, limit=first_look(took))
    await confirm_sparse(s, fast, slow, took)


async def polling_rate_together(s: Session, starts: Awaitable[list], *, by: float) -> None:
    """Multi pattern: the dense and the sparse process (``starts``: their two starts, sent together) run
    side by side."""
    fast, slow = await starts
    if slow is not None:
        slow.role = SPARSE
    if fast is None:
        return
    took = await follow_dense(s, fast, "get-safe-fast", by=by)
    if slow is None or took is None:
        return
    await follow_sparse(s, slow, took, limit=first_look(took), by=by)
    await confirm_sparse(s, fast, slow, took)


async def watch_alone(s: Session) -> None:
    """Where every step back the log shows fell between two looks across another request that may have
    started a process, that request may have caused it (multi/independent, single/conflict-no-effect) or the
    target may go back on its own and the request merely came at that moment (monitor/transitions,
    progress-monotonic). One more process, followed densely to its end with no such request sent meanwhile,
    tells them apart: a step back there is the target's own. Nothing is sent where the log shows no such
    step back (a conformant target pays nothing)."""
    if not blamed_on_others(s.log):
        return
    p = await s.start("alone")
    if p is not None and p.monitor:
        await s.follow(p, "alone", interval=dense_pace, max_polls=DENSE_MAX_POLLS)


# -- the multi pattern --------------------------------------------------------------

async def first_look_probes(s: Session, p: ProcessRecord, scenario: str, *, by: float | None = None) -> None:
    """Right after acceptance: the monitor must exist; HEAD behaves; a disallowed method gets 405."""
    await s.poll(p, scenario, "first GET right after the acceptance", by=by)
    await s.early_product(p, scenario)
    await s.head_pair(p.monitor, scenario, p.id)
    await s.raw_head(p.monitor, scenario, p.id)
    await s.method_probe("PATCH", p.monitor, scenario, p.id)


async def _to_the_end(s: Session, p: ProcessRecord, scenario: str, *, by: float) -> None:
    """Follow one process to its end (bounded), then look again."""
    end = await s.follow(p, scenario, by=by)
    if end is not None and end.state is State.TERMINATED:
        await s.poll(p, scenario, "look again after termination: terminated is final", by=by)


async def _burst(s: Session, by: float) -> None:
    """N simultaneous POSTs (all accepted, all distinct); every new monitor looked at once, all at once,
    then each followed to its end (so that no process of the phase is left unseen when products are read)."""
    try:
        steps = await s.burst("burst", Expect.ACCEPT)
    finally:
        if s.quiet is not None:
            s.quiet.set()
    adopted = [p for p in (s.adopt(st, "burst") for st in steps) if p is not None]
    await asyncio.gather(*(s.poll(p, "burst", "does the new monitor answer?", by=by) for p in adopted))
    await asyncio.gather(*(s.follow(p, "burst", by=by) for p in adopted))


async def _lifecycle_pair(s: Session, starts: Awaitable[list], by: float, looked: asyncio.Event,
                          clear: asyncio.Event) -> tuple[ProcessRecord | None, ProcessRecord | None]:
    """Two processes side by side (``starts``: their two starts, sent together); once the first is seen
    running, the burst arrives, so that both are seen before and after other acceptances
    (multi/independent); then both are followed to their end. ``looked`` is set once their first looks
    are taken; the burst waits for ``clear`` (the other probes' starts are answered)."""
    try:
        try:
            a, b = await starts
            await _first_looks(s, a, b, by)
        finally:
            looked.set()
        first = a or b
        if first is not None:
            await s.follow(first, "lifecycle", until=running_or_later, interval=dense_pace, by=by)
        await clear.wait()
        await asyncio.gather(_burst(s, by), *(_to_the_end(s, p, "lifecycle", by=by) for p in (a, b) if p is not None))
    finally:
        if s.quiet is not None:
            s.quiet.set()
    return a, b


async def _first_looks(s: Session, a: ProcessRecord | None, b: ProcessRecord | None, by: float) -> None:
    looks = []
    if a is not None:
        looks.append(first_look_probes(s, a, "lifecycle", by=by))
        looks.append(s.send(Kind.UNKNOWN, "GET", s.unknown_monitor(a.monitor), scenario="lifecycle",
                            purpose="GET a monitor URI that was never handed out: expect 404/410", by=by))
        looks.append(s.method_probe("PATCH", s.cfg.target_url, "lifecycle"))
    if b is not None:
        looks.append(s.poll(b, "lifecycle", "first GET right after the acceptance", by=by))
    await asyncio.gather(*looks)


async def run_multi(s: Session, probes: Callable[[asyncio.Event], Awaitable[None]] | None = None) -> None:
    """Every scenario of the multi pattern at once: the whole phase ends within one deadline (each wait is
    bounded by it), whatever the target's monitors do.

    ``probes`` (the idempotence probes) start once the first POSTs are answered and a monitor gave a
    usable look, and set the event they are given once their own process-starting POSTs are answered: the
    burst waits for it, so that no POST of theirs arrives together with another (a target that gives
    simultaneous POSTs one monitor would see a cancel remove a process the suite follows), and so that no
    POST of theirs falls between two later looks at the phase's processes (a step back the target takes
    on its own, e.g. at 40 % of the duration, is told from one another POST caused by looks that no POST
    straddles)."""
    by = s.phase_deadline()
    s.quiet = asyncio.Event()
    pair = asyncio.ensure_future(asyncio.gather(s.start("lifecycle"), s.start("lifecycle")))
    sides = asyncio.ensure_future(asyncio.gather(s.start("get-safe-fast"), s.start("get-safe-slow", prefer=True)))
    bad = asyncio.ensure_future(s.malformed("malformed"))
    looked, clear = asyncio.Event(), asyncio.Event()

    async def idempotence() -> None:
        try:
            await asyncio.wait([pair, sides, bad])
            # the first usable look at any monitor (or, where none comes, the lifecycle's first looks taken)
            waits = [asyncio.ensure_future(s.answered.wait()), asyncio.ensure_future(looked.wait())]
            _done, pending = await asyncio.wait(waits, return_when=asyncio.FIRST_COMPLETED)
            for task in pending:
                task.cancel()
            if probes is not None:
                await probes(clear)
        finally:
            clear.set()
            try:
                await s.after_burst()
            finally:
                s.settled.set()

    (a, b), *_ = await asyncio.gather(
        _lifecycle_pair(s, pair, by, looked, clear),
        polling_rate_together(s, sides, by=by),
        bad,
        idempotence(),
    )
    # products last, when every process of the phase has been seen at its end (product/stable can then
    # tell that no other process could have ended between two GETs of one product)
    for p in (a, b):
        if p is not None:
            await s.products(p, "lifecycle", head=(p is a))
    await watch_alone(s)
