"""The idempotence probes: cancel, Idempotency-Key and PUT, each run whether or not the user declared it.

Each probe first finds out whether the target has the capability (a cancel answered 405, a replayed key
that starts a second process, a PUT answered 405 say it does not) and then gathers what the
``idempotence/*`` checks judge. Steps carry a ``role`` naming which request of the probe they were.
The looks a probe takes at its own processes between its requests are probe steps too (not monitor
polls): a process a repeated request restarted is the probe's finding, not a monitor's misbehaviour.

Every probe leaves the target clean for what follows: the processes it started are cancelled or
followed to their end (single pattern: the resource is idle again, or the session knows it is stuck).
"""

from __future__ import annotations

import asyncio
import secrets
from typing import Awaitable, Callable

from .model import State
from .observations import Expect, Kind, ProcessRecord, Step
from .overlap import dense_pace
from .request_body import variant
from .requirements.idempotence import BYSTANDER, CANCELLED  # the process roles the checks read: theirs
from .session import Session, new_key
from .waits import Backoff, retry_after_seconds


def _2xx(step: Step) -> bool:
    return step.ex.status is not None and 200 <= step.ex.status < 300


def other_body(s: Session) -> bytes:
    """A payload that differs from the valid one but stays as plausible (conformance.request_body)."""
    return variant(s.cfg.body, s.driver.config.body_type)


async def _look(s: Session, kind: Kind, p: ProcessRecord, scenario: str, role: str, purpose: str) -> Step:
    """GET the monitor of ``p`` as a probe step, following redirects as a poll does (read with the profile
    like a poll; the hops stay in the wire log)."""
    ex = await s.driver.get_following(p.monitor, purpose=purpose, process=p.id)
    return s.log.add(Step(kind, ex, scenario, p.id, role=role))


async def _look_until(s: Session, kind: Kind, p: ProcessRecord, scenario: str, role: str, purpose: str,
                      done: Callable[[Step], bool], give_up: float, *,
                      pace: Callable[[float], float] | None = None) -> Step:
    """Look at ``p`` (as probe steps) until ``done`` holds for a look, the look fails, or ``give_up``
    (monotonic time) or the budget is reached; Retry-After-aware unless a ``pace`` (seconds to wait, from
    the time since acceptance) is forced. Returns the last look."""
    backoff = Backoff()
    while True:
        step = await _look(s, kind, p, scenario, role, purpose)
        give_up = _bounded(s, give_up)
        if step.ex.status is None or done(step) or s.now() >= give_up or s.budget_left() <= 0:
            return step
        wait = pace(s.now() - p.accepted_at) if pace else backoff.next(retry_after_seconds(step.ex.header("retry-after")))
        await s.sleep(min(wait, give_up - s.now()))


def _bounded(s: Session, give_up: float) -> float:
    """``give_up``, or the end of the multi pattern's probe phase if that comes first."""
    end = s.phase_end
    return give_up if end is None else min(give_up, end)


#: the PUT probe's repeat waits for this progress: a restart there takes over half a duration to climb back
#: past the look before it, so a look after the repeat that a loaded host delays still shows the step back (sent
#: at the first progress above 0, a restart at 23 % was seen at 60 % by a look that came late in a CI run)
PUT_REPEAT_AT = 0.5


async def _advance(s: Session, kind: Kind, p: ProcessRecord, scenario: str, purpose: str,
                   at_least: float = 0.0) -> None:
    """Until ``p`` is running with progress above ``at_least`` (any, where it gives none), or ended: a repeat
    sent then can show a restart as a step back (one sent after the end too: terminated, then in flight)."""
    def advanced(step: Step) -> bool:
        view = s.log.readable_view(step)
        return view is None or view.state is State.TERMINATED or (
            view.state is State.RUNNING and (view.progress is None or view.progress > at_least))

    # densely, as the lifecycle's POST in flight is placed: a polite pace can miss the whole running phase
    await _look_until(s, kind, p, scenario, "look", purpose, advanced, p.accepted_at + s.cfg.deadline, pace=dense_pace)


def _ended_or_gone(s: Session, step: Step) -> bool:
    view = s.log.readable_view(step)
    return step.ex.status in s.log.profile.unknown_statuses or (view is not None and view.state is State.TERMINATED)


async def _watch(s: Session, p: ProcessRecord, scenario: str, role: str, purpose: str) -> Step:
    """Until the monitor is gone or shows the process ended: after a cancel (which may take a moment),
    or at a bystander."""
    return await _look_until(s, Kind.CANCEL, p, scenario, role, purpose, lambda step: _ended_or_gone(s, step),
                             s.now() + s.cfg.deadline)


async def _cancel(s: Session, p: ProcessRecord, scenario: str, role: str) -> Step:
    cancel = s.log.profile.cancel
    assert cancel is not None and p.monitor is not None
    return await s.send(Kind.CANCEL, cancel.method, cancel.target(p.monitor), scenario=scenario, process=p.id,
                        role=role, purpose=f"{cancel.method} to cancel the process ({role})",
                        body=b"{}" if cancel.method == "POST" else None,
                        headers={"Content-Type": "application/json"} if cancel.method == "POST" else None)


async def cancel_probe(s: Session, posted: asyncio.Event | None = None) -> None:
    """Cancel a process in flight, repeat the cancel, and see what became of it (and, multi, of a
    bystander; single, whether the resource takes a new POST). ``posted`` is set once its two POSTs and
    its first cancel are answered (or none will be sent): a POST sent at the same moment as one of them
    could, on a target that gives simultaneous POSTs one monitor, make the cancel remove a process the
    suite follows; and a process accepted before the cancel could be the one a broken cancel removes."""
    p = bystander = first = None
    try:
        p, bystander = await _cancel_probe_starts(s)
        if p is not None:
            first = await _first_cancel(s, p, bystander)
    finally:
        _set(posted)
    if p is not None and first is not None:
        await _cancel_probe_rest(s, p, bystander, first)


async def _cancel_probe_starts(s: Session) -> tuple[ProcessRecord | None, ProcessRecord | None]:
    if s.log.profile.cancel is None:
        return None, None
    p = await s.start("cancel")
    if p is None:
        return None, None
    return p, (await s.start("cancel") if s.log.pattern == "multi" else None)


async def _first_cancel(s: Session, p: ProcessRecord, bystander: ProcessRecord | None) -> Step:
    """The looks right before the cancel (at the bystander as a probe step: what the cancel did to it is
    this probe's finding), and the cancel."""
    looks = [s.poll(p, "cancel", "look right before the cancel")]
    if bystander is not None:
        bystander.role = BYSTANDER
        looks.append(_look(s, Kind.CANCEL, bystander, "cancel", BYSTANDER, "the other process, before the cancel"))
    await asyncio.gather(*looks)
    return await _cancel(s, p, "cancel", "first")


async def _cancel_probe_rest(s: Session, p: ProcessRecord, bystander: ProcessRecord | None, first: Step) -> None:
    cancel, scenario = s.log.profile.cancel, "cancel"
    if first.ex.status not in cancel.first:
        # no cancel here (or a broken one): the processes run on; wait for them as usual
        await asyncio.gather(*(s.follow(q, scenario, by=s.phase_end) for q in (p, bystander) if q is not None))
        return
    p.role = CANCELLED
    s.cancelled.add(p.id)
    if bystander is not None:
        # only where the bystander is seen untouched right after the cancel do the probes cancel what they
        # start instead of waiting for its end (a cancel that takes another process with it would take one
        # the suite follows); single: once a new POST is taken right after a cancel (_post_after_cancel)
        look = await _look(s, Kind.CANCEL, bystander, scenario, BYSTANDER, "the other process, right after the cancel")
        view = s.log.readable_view(look)
        s.cancel_frees = view is not None and view.state is not State.TERMINATED
    await _cancel(s, p, scenario, "repeat")
    await _watch(s, p, scenario, "after", "look at the process after the cancel")
    await _cancel(s, p, scenario, "repeat")
    await _look(s, Kind.CANCEL, p, scenario, "after", "look again after the repeated cancel: never a restart")
    if bystander is not None:
        await _watch(s, bystander, scenario, BYSTANDER, "the other process: expect it to go on to its own end")
    if s.log.pattern == "single":
        await _post_after_cancel(s, scenario)


async def _post_after_cancel(s: Session, scenario: str) -> None:
    """Single pattern: the resource must take a new POST once the cancelled process is gone or ended.
    Refusals are retried (Retry-After-aware) until the deadline, so the run goes on either way."""
    backoff = Backoff(first=0.05, cap=1.0)
    give_up = s.now() + s.cfg.deadline
    first_try = None
    while True:
        step = await s.send(Kind.POST, "POST", s.cfg.target_url, scenario=scenario, expect=Expect.AFTER_CANCEL,
                            purpose="POST after the cancelled process is gone: expect acceptance",
                            body=s.cfg.body, headers=s.post_headers())
        first_try = first_try or step
        if _2xx(step):
            s.cancel_frees = step is first_try  # a cancel frees the resource at once: cleanups may cancel
            await finish(s, [s.adopt(step, scenario)], scenario)
            return
        if step.ex.status != s.log.profile.conflict_status or s.now() >= give_up or s.budget_left() <= 0:
            if step.ex.status == s.log.profile.conflict_status:
                s.stuck = True
                s.note("the resource still refused POSTs a deadline after its process was cancelled; later "
                       "single-pattern scenarios were skipped")
            return
        await s.sleep(min(backoff.next(retry_after_seconds(step.ex.header("retry-after"))), give_up - s.now()))


async def _keyed(s: Session, key: str | None, body: bytes, scenario: str, role: str, purpose: str,
                 process: int | None = None) -> Step:
    headers = s.post_headers()
    name = s.log.profile.idempotency_header
    headers.pop(name, None)
    if key is not None:
        headers[name] = key
    return await s.send(Kind.KEYED, "POST", s.cfg.target_url, scenario=scenario, purpose=purpose, role=role,
                        body=body, headers=headers, process=process)


def _adopt_new(s: Session, step: Step, known: set[str | None], scenario: str) -> ProcessRecord | None:
    """Follow what an accepted probe request started when it names a monitor not seen in the probe yet."""
    if not _2xx(step):
        return None
    monitor = s.log.accept_view(step).monitor
    if monitor in known:
        return None
    known.add(monitor)
    return s.adopt(step, scenario)


def _set(event: asyncio.Event | None) -> None:
    if event is not None:
        event.set()


async def _key_in_flight(s: Session, scenario: str, posted: asyncio.Event | None) -> tuple | None:
    """The key probe's original (``posted`` is set once it is answered) and its replay in flight, with the
    looks around it: (key, original, its process, the monitors seen, the processes started), or None when
    the original was not accepted."""
    try:
        if s.log.pattern == "single" and not await s.ensure_idle():
            return None
        key = new_key()
        original = await _keyed(s, key, s.cfg.body, scenario, "original", "POST with an idempotency key")
    finally:
        _set(posted)
    if not _2xx(original):
        return None
    p = s.adopt(original, scenario)
    known = {s.log.accept_view(original).monitor}
    started = [q for q in [p] if q is not None]
    pid = p.id if p else None
    if p is not None:
        await s.after_burst()
        await _advance(s, Kind.KEYED, p, scenario, "look at the process before the replay")
    replay = await _keyed(s, key, s.cfg.body, scenario, "replay", "the same POST with the same key: expect the "
                          "original response", process=pid)
    started += [q for q in [_adopt_new(s, replay, known, scenario)] if q is not None]
    if p is not None:
        await _look(s, Kind.KEYED, p, scenario, "look", "look at the process after the replay")
    return key, original, p, known, started


async def key_probe(s: Session, burst_after: Awaitable | None = None, posted: asyncio.Event | None = None) -> None:
    """Idempotency-Key: an original keyed POST (``posted`` is set once it is answered); its replay while
    the process is in flight and again after its end; the key with another payload (single pattern: on
    the idle resource, so that a refusal cannot be the resource being busy); and one key in a burst of
    simultaneous POSTs (once ``burst_after`` is done: the multi pattern's cancel probe runs beside no
    burst)."""
    scenario = "idempotency-key"
    first = await _key_in_flight(s, scenario, posted)
    if first is None:
        return
    key, original, p, known, started = first
    pid = p.id if p else None
    if p is not None:
        await _ended(s, p, scenario)
        late = await _keyed(s, key, s.cfg.body, scenario, "replay", "the same POST with the same key after the "
                            "process ended: expect the original response, and nothing started", process=pid)
        started += [q for q in [_adopt_new(s, late, known, scenario)] if q is not None]
        after = await _look(s, Kind.KEYED, p, scenario, "look", "look at the process after the late replay: "
                            "still ended")
        if _2xx(late) and (view := s.log.readable_view(after)) is not None and view.state is not State.TERMINATED:
            # the same monitor shows a process in flight again: the replay started one; follow it
            started += [q for q in [s.adopt(late, scenario)] if q is not None]
    if s.log.pattern == "single":
        await finish(s, [q for q in started if q is not p], scenario)
        started = [p] if p is not None else []
        if not await s.ensure_idle():
            return
    mismatch = await _keyed(s, key, other_body(s), scenario, "mismatch",
                            "the same key with another payload: expect 422")
    started += [q for q in [_adopt_new(s, mismatch, known, scenario) or _took_single(s, mismatch, scenario)]
                if q is not None]
    # a record that shares the original's monitor (a replay that started a process behind it) is followed as the
    # original, not cancelled beside it: a cancel then would race the original's looks
    leftovers = asyncio.gather(finish(s, [q for q in started if q is not p and (p is None or q.monitor != p.monitor)],
                                      scenario),
                               *(s.follow(q, scenario, by=s.phase_end) for q in started
                                 if q is p and q.id not in s.cancelled))
    if s.log.pattern == "multi" and not s.cancel_frees:
        # processes are independent: the burst need not wait a whole duration for those processes' ends (where
        # a cancel ends them at once, it is not sent beside the burst: the cancel probe runs beside no burst)
        await asyncio.gather(leftovers, _key_burst(s, scenario, burst_after))
        return
    await leftovers
    if s.log.pattern == "single" and not await s.ensure_idle():
        return
    await _key_burst(s, scenario, burst_after)


async def _key_burst(s: Session, scenario: str, burst_after: Awaitable | None) -> None:
    """One key in a burst of simultaneous POSTs (once ``burst_after`` is done); what they start, finished."""
    if burst_after is not None:
        await burst_after
    shared = {**s.post_headers(), s.log.profile.idempotency_header: new_key()}
    burst = await s.burst(scenario, None, kind=Kind.KEYED, headers=shared, role="concurrent")
    known: set[str | None] = set()
    started = [q for q in (_adopt_new(s, st, known, scenario) for st in burst) if q is not None]
    await finish(s, started, scenario)


def _took_single(s: Session, step: Step, scenario: str) -> ProcessRecord | None:
    """Single pattern: an accepted POST that named the known monitor started (or restarted) the process
    behind it all the same; follow it as the current one."""
    return s.adopt(step, scenario) if s.log.pattern == "single" and _2xx(step) else None


async def finish(s: Session, processes: list[ProcessRecord | None], scenario: str) -> None:
    """Leave no process of a probe running: cancel it where a cancel has been seen to free the resource at
    once (cheaper than waiting for its end), else follow it to its end. For processes whose end nothing
    reads (the scenarios' too: the race winner, the POST after a malformed one, an accepted negative
    request)."""
    cancel = s.log.profile.cancel

    async def one(q: ProcessRecord) -> None:
        if cancel is not None and s.cancel_frees and q.monitor:
            step = await _cancel(s, q, scenario, "cleanup")
            if step.ex.status in cancel.first:
                s.cancelled.add(q.id)
                # one look, so that the log shows how it ended (product/stable reasons from the ends seen)
                await _look(s, Kind.CANCEL, q, scenario, "cleanup", "look at the process after the cleanup cancel")
                return
        await s.follow(q, scenario, by=s.phase_end)

    await asyncio.gather(*(one(q) for q in processes if q is not None))


async def leave_idle(s: Session, scenario: str) -> bool:
    """Single pattern: nothing of the suite's left in flight. Where a cancel has been seen to free the resource
    at once, the process in flight is cancelled (nothing reads its end); else, or where the cancel is not taken,
    it is followed to its end (Session.ensure_idle). Whether the resource is known idle."""
    p = s.current
    if p is not None and s.cancel_frees and not s.stuck and not s.terminated(p.id) and p.id not in s.cancelled:
        await finish(s, [p], scenario)
    return await s.ensure_idle()


async def _ended(s: Session, p: ProcessRecord, scenario: str) -> None:
    """Until ``p`` ended; the session learns of the end, so the single-pattern resource counts as idle.
    Single pattern, where a cancel frees the resource at once: cancelled, then looked at until it shows
    ended or gone (a replay after it is a replay after the end all the same, and the look after that
    replay tells a restart behind the same monitor: idempotence.went_back)."""
    cancel = s.log.profile.cancel
    if s.log.pattern == "single" and s.cancel_frees and cancel is not None and p.monitor:
        step = await _cancel(s, p, scenario, "cleanup")
        if step.ex.status in cancel.first:
            s.cancelled.add(p.id)
            await _look_until(s, Kind.KEYED, p, scenario, "look", "look at the process until it ended (cancelled)",
                              lambda st: _ended_or_gone(s, st), s.now() + s.cfg.deadline)
            return
    step = await _look_until(s, Kind.KEYED, p, scenario, "look", "look at the process until it ended",
                             lambda st: (v := s.log.readable_view(st)) is not None and v.state is State.TERMINATED,
                             p.accepted_at + s.cfg.deadline)
    view = s.log.readable_view(step)
    if view is not None and view.state is State.TERMINATED:
        s.last_view[p.id] = view


async def key_missing_probe(s: Session, posted: asyncio.Event | None = None) -> None:
    """Where the user says keys are required: a POST without one must be refused (and start nothing);
    ``posted`` is set once it is answered (or none will be sent)."""
    scenario = "idempotency-key"
    try:
        if "key-required" not in s.log.expected:
            return
        if s.log.pattern == "single" and not await s.ensure_idle():
            return
        step = await _keyed(s, None, s.cfg.body, scenario, "missing", "POST without the required key: expect 400")
    finally:
        _set(posted)
    await finish(s, [s.adopt(step, scenario)], scenario)


async def put_probe(s: Session) -> None:
    """PUT on a monitor URI of the suite's choosing: create, repeat identically, then another body."""
    put, scenario = s.log.profile.put, "put"
    if put is None or s.log.pattern not in ("multi",):
        return
    known = next((q.monitor for q in s.log.processes.values() if q.monitor), None)
    if known is None:
        return
    url = put.target(known, f"conformance-{secrets.token_hex(8)}")
    async def send(role: str, body: bytes, purpose: str, pid: int | None = None) -> Step:
        return await s.send(Kind.PUT, "PUT", url, scenario=scenario, role=role, body=body, purpose=purpose,
                            process=pid)

    create = await send("create", s.cfg.body, "PUT on a client-chosen monitor URI: expect a process (201/202)")
    if not _2xx(create):
        return
    monitor = s.log.accept_view(create).monitor or url
    p = s.log.new_process(scenario, create, monitor)
    p.deadline = s.cfg.deadline
    await s.after_burst()
    await _advance(s, Kind.PUT, p, scenario, "look at the process before the repeated PUT", PUT_REPEAT_AT)
    await send("repeat", s.cfg.body, "the same PUT again: expect no second process", p.id)
    await _look(s, Kind.PUT, p, scenario, "look", "look at the process after the repeated PUT")
    await send("other", other_body(s), "another body for the same URI: expect a refusal", p.id)
    await _look(s, Kind.PUT, p, scenario, "look", "look at the process after the other PUT")
    await finish(s, [p], scenario)


async def run(s: Session, clear: asyncio.Event | None = None) -> None:
    """Every idempotence probe: one after the other in the single pattern, side by side in the multi,
    where ``clear`` is set once every POST of theirs that may start a process has been answered, one
    after the other (the cancel probe's two and its first cancel, then the key probe's original, then the
    POST without a key); their repeated requests wait for the burst (Session.after_burst)."""
    if s.log.pattern == "multi":
        if not any(s.log.states(pid) for pid in s.log.processes):
            s.note("the idempotence probes were skipped: no monitor of this run gave a usable answer")
            return
        # every wait of the phase ends within one deadline (a target whose processes never end costs one)
        s.phase_end = s.phase_deadline()
        try:
            # the cancel probe runs beside no burst: a target that gives two simultaneous POSTs one monitor
            # (multi/distinct-monitors) would otherwise see the cancel remove a process the suite follows;
            # so each POST that starts a process waits for the one before, and the key probe's burst waits
            # for the cancel probe's end (a PUT names its own URI)
            posted, keyed = asyncio.Event(), asyncio.Event()

            async def put() -> None:  # (a process accepted before the cancel could be the one a broken cancel takes)
                await posted.wait()
                await put_probe(s)

            cancels = asyncio.ensure_future(asyncio.gather(cancel_probe(s, posted), put()))

            async def keys() -> None:
                await posted.wait()
                await key_probe(s, burst_after=cancels, posted=keyed)

            async def missing() -> None:
                await keyed.wait()
                await key_missing_probe(s, clear)

            await asyncio.gather(cancels, keys(), missing())
        finally:
            s.phase_end = None
            _set(clear)
    else:
        for probe in (cancel_probe, key_probe, key_missing_probe, put_probe):
            await probe(s)
