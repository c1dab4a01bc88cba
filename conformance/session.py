"""The session: send, poll, follow, wait; the processes the suite follows and what it knew when.

The probes (HEAD pairs, raw HEAD, bursts, products, ...) are in :mod:`conformance.probes`.

A :class:`Session` owns the driver and the observation log of one run. It is
the only place that decides what the suite *knew* when it sent a request
(the :class:`~conformance.observations.Expect` tag), and it decides that from
observations only, never from timing guesses.
"""

from __future__ import annotations

import asyncio
import uuid
from dataclasses import dataclass, field
from typing import Any, Awaitable, Callable

from .driver import Driver
from .observations import Expect, Kind, Log, ProcessRecord, Step
from .probes import Probes
from .model import PostAnswer, State, in_flight, post_answer
from .profiles import MonitorView, fill
from .waits import Backoff, retry_after_seconds

UNKNOWN_PREFER = "conformance-probe-unknown-token=1"
#: a phase's waits end one deadline after it began plus this grace, so that a process accepted as the phase
#: began (its POST takes a moment, more under load) can still be followed to its own deadline
PHASE_GRACE = 1.0
#: how many times longer than the look-to-answer window a process must still have had to run, at its
#: observed pace, for an accepted POST to count as one sent while it was in flight (single/conflict-409)
FAR_FACTOR = 10.0
#: the least time a monitor GET is given when it is bounded by a process's deadline (``by``)
POLL_FLOOR = 1.0


def new_key() -> str:
    """A fresh idempotency key (a UUID, as the Idempotency-Key draft suggests)."""
    return f"conformance-{uuid.uuid4()}"


@dataclass
class SessionConfig:
    target_url: str
    body: bytes
    deadline: float
    budget: float
    burst_size: int = 8
    race_rounds: int = 2
    fuzz_examples: int = 20


@dataclass
class Session(Probes):
    driver: Driver
    log: Log
    cfg: SessionConfig
    current: ProcessRecord | None = None  # single pattern: the process that may be in flight
    stuck: bool = False
    last_view: dict[int, MonitorView] = field(default_factory=dict)
    bursts: int = 0
    #: processes the suite stopped following: their monitor gave no usable response (the step that showed it)
    lost: dict[int, Step] = field(default_factory=dict)
    #: processes the suite cancelled: they need no waiting for (what became of them is the cancel probe's)
    cancelled: set[int] = field(default_factory=set)
    #: a cancel was seen to free the single-pattern resource at once (probes may then cancel what they start)
    cancel_frees: bool = False
    #: when the current phase's waits must end (monotonic; None: each process's own deadline only)
    phase_end: float | None = None
    #: set once a monitor gave a usable look (a state)
    answered: asyncio.Event = field(default_factory=asyncio.Event)
    #: multi pattern: set once the burst is answered; the probes' repeated requests wait for it, so that no
    #: other acceptance falls between the looks around them (None: nothing to wait for)
    quiet: asyncio.Event | None = None
    #: multi pattern: set once the burst is answered and the idempotence probes are over, the scenarios whose
    #: looks must follow their requests closely (the state machine beside the scenarios starts then)
    settled: asyncio.Event = field(default_factory=asyncio.Event)

    async def after_burst(self) -> None:
        if self.quiet is not None:
            await self.quiet.wait()

    # -- time ----------------------------------------------------------------
    def now(self) -> float:
        return self.driver.now()

    def phase_deadline(self) -> float:
        """When a phase that begins now must end its waits (monitor/terminates still decided in it)."""
        return self.now() + self.cfg.deadline + PHASE_GRACE

    def budget_left(self) -> float:
        return self.cfg.budget - self.now()

    def note(self, text: str) -> None:
        if text not in self.log.notes:
            self.log.notes.append(text)

    async def sleep(self, seconds: float) -> None:
        await asyncio.sleep(max(0.0, min(seconds, self.budget_left())))

    # -- requests ------------------------------------------------------------
    def post_headers(self, prefer: bool = False) -> dict[str, str]:
        """Headers of a POST on the resource: the profile's own (e.g. Prefer: respond-async), plus an
        unknown Prefer token when ``prefer`` (RFC 7240 section 2: preferences are a list)."""
        headers = dict(self.log.profile.request_headers)
        if "key-required" in self.log.expected:  # the target refuses POSTs without a key: each gets its own
            headers[self.log.profile.idempotency_header] = new_key()
        if prefer:
            key = next((k for k in headers if k.lower() == "prefer"), "Prefer")
            headers[key] = f"{headers[key]}, {UNKNOWN_PREFER}" if key in headers else UNKNOWN_PREFER
        return headers

    async def send(self, kind: Kind, method: str, url: str, *, scenario: str, purpose: str,
                   process: int | None = None, expect: Expect | None = None, body: bytes | None = None,
                   headers: dict[str, str] | None = None, role: str | None = None, by: float | None = None) -> Step:
        """One request, recorded as a step; with ``by`` (session time) it is given up then (at least
        POLL_FLOOR from now), not at --request-timeout."""
        timeout = None if by is None else max(POLL_FLOOR, by - self.now())
        ex = await self.driver.request(method, url, purpose=purpose, body=body, headers=headers, process=process,
                                       timeout=timeout)
        return self.log.add(Step(kind, ex, scenario, process, expect, role=role))

    def terminated(self, pid: int) -> bool:
        """Seen ended, or cancelled by the suite (ended or gone: either way nothing to wait for)."""
        view = self.last_view.get(pid)
        return pid in self.cancelled or (view is not None and view.state is State.TERMINATED)

    async def get_monitor(self, url: str, *, scenario: str, purpose: str, process: int | None,
                          by: float | None = None) -> Step:
        """GET a monitor, following redirects (driver.get_following: at most MAX_REDIRECTS hops, allowed
        origins only); the last hop becomes the POLL step, the others stay in the wire log. With ``by``
        (session time), the GET is given up then (at least POLL_FLOOR from now), not at --request-timeout."""
        timeout = None if by is None else max(POLL_FLOOR, by - self.now())
        ex = await self.driver.get_following(url, purpose=purpose, process=process, timeout=timeout)
        return self.log.add(Step(Kind.POLL, ex, scenario, process))

    def _give_up_on(self, p: ProcessRecord, step: Step) -> None:
        """Stop following a process whose monitor gave no usable response (a transport failure or
        timeout, a body over the cap, a redirect loop, another origin): the step is the evidence, and
        polling again would only spend the deadline on the same failure."""
        if p.id not in self.lost:
            self.lost[p.id] = step
            self.note(f"the suite stopped following process {p.id}: its monitor gave no usable response "
                      f"({step.ex.error})")

    async def poll(self, p: ProcessRecord, scenario: str, purpose: str = "poll the monitor", *,
                   by: float | None = None) -> tuple[Step, MonitorView | None]:
        if p.id in self.lost:
            return self.lost[p.id], None
        step = await self.get_monitor(p.monitor, scenario=scenario, purpose=purpose, process=p.id, by=by)
        if not step.ex.ok:
            self._give_up_on(p, step)
        if step.ex.status is None:
            return step, None
        view = self.log.monitor_view(step)
        if view.readable and view.state is not None:
            self.answered.set()
            prev = self.last_view.get(p.id)
            if not (prev and prev.state is State.TERMINATED):
                self.last_view[p.id] = view
            return step, view
        return step, None

    def adopt(self, step: Step, scenario: str) -> ProcessRecord | None:
        """Start following the process a successful POST created."""
        if step.ex.status is None or not 200 <= step.ex.status < 300:
            return None
        monitor = self.log.accept_view(step).monitor
        if monitor is None:
            self.note("an accepted POST carried no usable monitor link: its process cannot be followed")
        p = self.log.new_process(scenario, step, monitor)
        p.deadline = self.cfg.deadline
        early = self.log.profile.product_early
        p.product_uri = self.log.accept_view(step).product or (
            fill(early, monitor, monitor=monitor) if early and monitor else None)
        if self.log.pattern == "single":
            self.current = p
        return p if monitor else None

    def _expect_single(self) -> Expect:
        """What the suite knows a POST must get now (the model's table), as a tag: an answer the
        model predicts from an observation that may be stale is only ANY."""
        if self.current is None or (self.cancel_frees and self.current.id in self.cancelled):
            return Expect.ACCEPT  # nothing known in flight (a cancel here frees the resource at once)
        view = self.last_view.get(self.current.id)
        if post_answer("single", view.state if view else None) is PostAnswer.ACCEPT and view is not None:
            return Expect.REACCEPT
        return Expect.ANY

    async def start(self, scenario: str, *, prefer: bool = False) -> ProcessRecord | None:
        """POST a valid request and return the process it started (None when nothing can be followed).

        With ``prefer`` the POST carries an unknown Prefer token; if it is refused, the same POST is sent
        once more without the token, so the refusal is put down to the token (accept/prefer-tolerant)
        only when the plain POST is answered otherwise."""
        p = await self._start(scenario, prefer=prefer)
        last = self.log.posts()[-1] if self.log.posts() else None
        if p is None and prefer and last is not None and last.expect is Expect.PREFER and last.ex.status is not None \
                and not 200 <= last.ex.status < 300:
            return await self._start(scenario)
        return p

    async def _start(self, scenario: str, *, prefer: bool = False) -> ProcessRecord | None:
        if self.log.pattern == "single" and not await self.ensure_idle():
            return None
        headers = self.post_headers(prefer)
        backoff = Backoff(first=0.05, cap=1.0)
        give_up = self.now() + self.cfg.deadline
        while True:
            expect = Expect.ACCEPT if self.log.pattern == "multi" else self._expect_single()
            if prefer and expect in (Expect.ACCEPT, Expect.REACCEPT):
                expect = Expect.PREFER
            step = await self.send(Kind.POST, "POST", self.cfg.target_url, scenario=scenario,
                                   purpose=f"start a process ({scenario})", expect=expect,
                                   body=self.cfg.body, headers=headers)
            status = step.ex.status
            if status is not None and 200 <= status < 300:
                return self.adopt(step, scenario)
            retryable = (
                (self.log.pattern == "single" and expect is Expect.ACCEPT and status == self.log.profile.conflict_status)
                or (self.log.pattern == "multi" and status in (429, 503) and step.ex.header("retry-after") is not None)
            )
            if expect is Expect.REACCEPT and status == self.log.profile.conflict_status:
                self.stuck = True
                self.note("the target refused a new process after the previous one ended; later single-pattern "
                          "scenarios were skipped")
            if not retryable or self.now() >= give_up or self.budget_left() <= 0:
                if step.ex.status is None:
                    self.note(f"POST failed: {step.ex.error}")
                return None
            await self.sleep(min(backoff.next(retry_after_seconds(step.ex.header("retry-after"))), give_up - self.now()))

    async def post_in_flight(self, p: ProcessRecord, scenario: str, *, confirming: bool = False,
                             prelude: Callable[[], Awaitable[Any]] | None = None) -> Step:
        """Single pattern: POST while ``p`` was last seen unfinished, then look at ``p`` again.

        The POST is tagged CONFLICT (sent in flight) when the process was still in flight after it: a
        refusal, or an acceptance after which the same process visibly went on. An acceptance after
        which a new process stands in its place counts only when the look just before showed ``p`` far
        from its end (:meth:`far_from_end`) and a repeat of the probe on the new process agrees
        (``confirming``); otherwise ANY. ``prelude``: what the caller sent just before this POST (such as a
        malformed POST), sent again before the repeat, so that the repeat reproduces the same sequence.
        """
        # a fresh look right before the POST, so "the process went on" below compares like with like
        look, _view = await self.poll(p, scenario, "look at the process right before a POST in flight")
        before = self.last_view.get(p.id)
        if before is not None and before.state is State.TERMINATED:
            step = await self.send(Kind.POST, "POST", self.cfg.target_url, scenario=scenario,
                                   purpose="POST after the process ended", expect=Expect.REACCEPT,
                                   body=self.cfg.body, headers=self.post_headers())
            self.adopt(step, scenario)
            return step
        step = await self.send(Kind.POST, "POST", self.cfg.target_url, scenario=scenario,
                               purpose="POST while a process is in flight", expect=Expect.ANY,
                               body=self.cfg.body, process=p.id, headers=self.post_headers())
        _after_step, after = await self.poll(p, scenario, "look at the process after the POST in flight")
        status = step.ex.status
        accepted = status is not None and 200 <= status < 300
        still = after is not None and in_flight(after.state)
        if accepted:
            # A 2xx is a conflict only if the old process visibly went on (progress did not restart).
            continued = (
                still and before is not None and after.state is State.RUNNING and before.state is State.RUNNING
                and before.progress is not None and after.progress is not None
                and after.progress >= before.progress and after.progress > 0
            )
            if continued:
                step.expect = Expect.CONFLICT
            else:
                step.process = None
                new = self.adopt(step, scenario)
                if self.far_from_end(p, look, before, step):
                    # it replaced a process that was, at its pace, far from its end when the POST arrived:
                    # the model says refuse (single/conflict-409). A process can still end in the gap by
                    # chance, so the probe is repeated on the new process and decides only if it agrees.
                    if confirming:
                        step.expect = Expect.CONFLICT
                    elif new is not None:
                        # looked at at the old process's pace (a twentieth of its duration, as its progress
                        # tells it), not at Retry-After's: a ready state shorter than that is otherwise missed
                        pace = (None if not before.progress else
                                max(0.01, (look.ex.started - p.accepted_at) / before.progress / 20))
                        view = await self.follow(new, scenario, until=lambda v: v.state is State.RUNNING,
                                                 interval=pace)
                        if view is not None and in_flight(view.state):
                            if prelude is not None:
                                await prelude()
                            again = await self.post_in_flight(new, scenario, confirming=True)
                            # agreed only if the repeat, too, was accepted in flight (a refusal now says
                            # the first may have been a process ending in the gap)
                            if again.expect is Expect.CONFLICT and 200 <= (again.ex.status or 0) < 300:
                                step.expect = Expect.CONFLICT
        elif still:
            step.expect = Expect.CONFLICT
        return step

    def far_from_end(self, p: ProcessRecord, look: Step, before: MonitorView | None, post: Step) -> bool:
        """Whether, at the pace observed, the process seen in flight by ``look`` could not have ended
        before ``post`` arrived: its estimated remaining time is FAR_FACTOR times the whole window from
        the look's start to the POST's answer. The pace comes from its own progress (elapsed time over
        progress made) or, without progress, from how long this target's earlier processes at least
        lasted; with neither, nothing is assumed."""
        if before is None or not in_flight(before.state) or look.ex.status is None:
            return False
        window = post.ex.ended - look.ex.started
        elapsed = look.ex.started - p.accepted_at  # the server answered the look no earlier than this
        if before.progress is not None and 0 < before.progress < 1:
            remaining = elapsed * (1 - before.progress) / before.progress
        else:
            lasted = [self.log.lasted_at_least(q.id) for q in self.log.processes.values() if q.id != p.id]
            known = [t for t in lasted if t is not None]
            if not known:
                return False
            remaining = min(known) - (look.ex.ended - p.accepted_at)
        return remaining > FAR_FACTOR * max(window, 0.001)

    async def follow(self, p: ProcessRecord, scenario: str, *, until: Callable[[MonitorView], bool] | None = None,
                     interval: float | Callable[[float], float] | None = None, max_polls: int = 10_000,
                     by: float | None = None) -> MonitorView | None:
        """Poll until ``until`` holds (default: terminated), honouring Retry-After unless an interval is
        forced (seconds, or a function of the time since acceptance), bounded by the process deadline
        (or ``by``, session time, if earlier) and the run budget: a monitor GET that hangs is given up
        there too, so a lost or stuck process costs its deadline and no more."""
        until = until or (lambda v: v.state is State.TERMINATED)
        deadline_at = p.accepted_at + self.cfg.deadline
        if by is not None:
            deadline_at = min(deadline_at, by)
        backoff = Backoff()
        polls = 0
        while True:
            step, view = await self.poll(p, scenario, by=deadline_at)
            polls += 1
            if view is not None and (until(view) or view.state is State.TERMINATED):
                return view
            if p.id in self.lost:
                return None
            left = deadline_at - self.now()
            if left <= 0:
                # its own deadline passed (not merely the caller's bound): monitor/terminates
                p.timed_out = self.now() >= p.accepted_at + self.cfg.deadline
                return None
            if self.budget_left() <= 0:
                self.note("the run's time budget was spent before every process ended (--budget)")
                return None
            if polls >= max_polls:
                return None
            if callable(interval):
                wait = interval(self.now() - p.accepted_at)
            else:
                wait = interval if interval is not None else backoff.next(retry_after_seconds(step.ex.header("retry-after")))
            await self.sleep(min(wait, left))

    async def ensure_idle(self) -> bool:
        """Single pattern: wait until the process the suite knows of has ended."""
        if self.stuck:
            return False
        p = self.current
        if p is None or self.terminated(p.id) or p.id in self.cancelled:
            return True
        if p.monitor is None:
            self.stuck = True
            self.note("the target's process could not be followed (no usable monitor link), so the suite cannot "
                      "tell when the resource is idle; later single-pattern scenarios were skipped")
            return False
        view = await self.follow(p, "wait for idle")
        if view is None or view.state is not State.TERMINATED:
            self.stuck = True
            why = "its monitor gave no usable response" if p.id in self.lost else "it never ended"
            self.note(f"the target did not become idle: process {p.id} could not be followed to its end "
                      f"({why}); later single-pattern scenarios were skipped")
            return False
        return True
