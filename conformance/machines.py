"""Hypothesis state machine: every kind of request the suite knows, in every state a process can be in.

The target is a real, stateful server that cannot be reset between examples, so an example goes on from
the state the previous one left (single pattern: the process in flight, if any, is carried over; nothing
waits for quiescence between examples) and the whole exploration stays inside the run's time budget.

Rules are requests (a valid POST, a malformed POST, a burst, GET and HEAD of a monitor and of a product,
the profile's cancel) and waits of drawn lengths (fractions of the process duration observed so far, or
until a process reaches a state). Every request is recorded against the state it was sent in: the model
state last observed for the process it concerns (ready, running in the first or second half of its
duration, just or long terminated), or, for a
request on the resource, whether the suite last saw a process of its own in flight (idle, busy). The
report shows which (kind x state) pairs were exercised.

Requests that may disturb a process are bracketed by looks at it, so that any disturbance shows as a
step backwards the checks judge. The invariant asks the same requirement checks that judge the whole
run, on this example's steps (with what came before about the processes they touch): a violation
found here is judged exactly like one found by a scenario, and it ends the exploration. About half the
rules are coverage-directed: each drives the target to the nearest (kind x state) pair not exercised yet
(a state a process is in now, then one a wait reaches, then one a new process reaches) and sends it.

Hypothesis does not shrink here: its replays go on from wherever the live target is. Every top-level rule
is recorded as a replayable action instead, and the failing example is shrunk by delta debugging over
its actions, each candidate replayed from a target at rest (conformance.machine_shrink). The report shows
the shortest sequence that failed the same way, as a numbered wire sequence, with the command that
replays the whole exploration. A failure that does not reproduce on replay is still the target's
failure: its exchanges are in the log and its verdict comes from the checks, never from an exception.
"""

from __future__ import annotations

import asyncio
import functools
import os
import random
import statistics
import sys
from typing import Any, Callable, Coroutine
from urllib.parse import urlsplit

from hypothesis import HealthCheck, Phase, Verbosity, seed, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    Bundle, RuleBasedStateMachine, get_state_machine_test, initialize, invariant, rule,
)

from .beside import SCENARIO
from .bridge import MachineStopped, Over
from .capabilities import leave_idle
from .gate import Gate
from .judge import judge_one
from .model import State, in_flight
from .observations import Expect, Kind, Log, ProcessRecord, Step
from .outcomes import Outcome
from .requirements import REGISTRY, Finding
from .runner import RunConfig
from .session import Session
from .machine_coverage import (
    BESIDE, BURST, BUSY, CANCEL, EARLY, ENDED, FREED, GET_MONITOR, GET_PRODUCT, HEAD_MONITOR, HEAD_PRODUCT, IDLE, IN_FLIGHT, JUST_ENDED,
    LATE, LONG_ENDED, MALFORMED, POST, PROCESS_STATES, READY, RESOURCE_KINDS, Coverage, end_estimate, possible_pairs,
    resource_product_uri,
)
from .machine_shrink import Action, Ref, ddmin, first_candidates

_DEBUG = bool(os.environ.get("CONFORMANCE_MACHINE_DEBUG"))  # prints examples and violations to stderr
NOTHING = None  # bundle entry for "no process came of it"
#: waits, as fractions of the process duration observed so far (0: none; the simplest draw)
WAIT_FRACTIONS = (0.0, 0.15, 0.4, 0.7, 1.3)
#: where in the second half of its duration a coverage-directed step catches a running process (shares of the
#: duration seen, from its acceptance)
LATE_AT = (0.65, 0.55, 0.8)
#: a process last seen in flight this close to its end (progress, or share of the duration seen) is not taken for
#: a request meant to land in flight: by the time it arrives the process has most likely ended
NEAR_END = 0.95
#: a drawn wait takes at most this share of the machine's own time (its clock's span): one long wait drawn in a
#: short tail (multi pattern, D = 2 s: 1.3 x 2 s of a 2.5 s tail) would leave nothing to explore with
WAIT_SHARE = 0.1
#: states a wait may drive a process to
UNTIL = (State.RUNNING, State.TERMINATED)
#: longest single wait (seconds), whatever the duration seen
MAX_WAIT = 5.0
#: a terminated process is "just" terminated within this share of the duration seen after its end was first seen
JUST = 0.5
#: after a request that may change the target, the machine looks again at this many of the processes it may have
#: disturbed (the most recent ones last seen in flight; and the products of as many of the most recently accepted
#: ones that have ended)
AFTERMATH = 3
#: the kinds of request that only look (the scenarios' processes may be looked at, never changed)
LOOKS = (GET_MONITOR, HEAD_MONITOR, GET_PRODUCT, HEAD_PRODUCT)
#: malformed POSTs per example at most (each is cheap, but a target that accepts them starts processes)
MAX_MALFORMED = 3
#: copies of the coverage-directed rule: about half the rules Hypothesis draws from are coverage-directed
COVER_RULES = 8
#: the machine's time: this share of a process duration (the median the scenarios saw) per example, plus
#: MACHINE_BASE seconds; examples go on from one another, so an example costs less than a process's life
MACHINE_SHARE = 0.9
MACHINE_BASE = 2.5
#: multi pattern: the machine explores beside the scenarios (as many examples as their time allows), then
#: for TAIL_BASE seconds with every kind of request, plus MACHINE_SHARE of a process duration for each
#: example asked for beyond DEFAULT_EXAMPLES (--hypothesis-examples)
BESIDE_EXAMPLES = 10_000
TAIL_BASE = 2.5
DEFAULT_EXAMPLES: int = RunConfig.hypothesis_examples  # (a dataclass field's default, as a class attribute)
#: beside the scenarios, each rule waits this share of the process duration seen (at most BESIDE_PACE_MAX s)
BESIDE_PACE = 0.15
BESIDE_PACE_MAX = 0.5
#: kinds of request the machine holds back while beside the scenarios (they change the target)
HELD = (POST, MALFORMED, BURST, CANCEL)
#: shrinking: replays of a failing example's shorter versions at most, and the least time it may take (more if
#: the exploration took longer; always within the run's budget)
MAX_REPLAYS = 12
SHRINK_SECONDS = 20.0

# Checks that can be decided while the machine runs (the rest need the whole run).
LIVE_CHECKS = (
    "accept/status-202", "accept/monitor-link", "accept/monitor-ready", "monitor/status-200", "monitor/schema",
    "monitor/transitions", "monitor/progress-monotonic", "monitor/product-when-terminated",
    "monitor/product-stable", "monitor/outcome-consistent", "product/available", "product/stable",
    "product/distinct", "product/not-before-end", "single/conflict-409", "single/conflict-no-effect",
    "single/same-monitor", "single/reaccept", "single/race-one-winner", "multi/accept-all",
    "multi/distinct-monitors", "multi/independent", "errors/malformed-body", "idempotence/delete",
)


async def _together(*coros: Coroutine) -> list:
    """Requests sent at once (created where the machine runs, awaited on the session's loop)."""
    return list(await asyncio.gather(*coros))


class TargetViolation(AssertionError):
    def __init__(self, req_id: str, message: str):
        super().__init__(f"{req_id}: {message}")
        self.req_id = req_id


def _path(url: str) -> str:
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def make_machine(session: Session, loop: asyncio.AbstractEventLoop, budget_end: float,
                 failures: dict[str, list[str]], coverage: Coverage, replay: str, *,
                 call: Callable[[Coroutine], Any] | None = None, gate: Gate | None = None) -> type:
    """A state machine class bound to one live session; ``failures`` collects, per requirement, the
    shortest example seen to violate it (as a numbered wire sequence, recorded as it happens, so that a
    replay that goes differently cannot lose it); ``coverage`` the (kind x state) pairs exercised.

    ``call`` runs a request's coroutine for the machine (by default, on ``loop``); beside the scenarios it
    is a LoopBridge's, and ``gate`` keeps the scenarios' writes out of the machine's brackets. While
    ``clock["beside"]`` is set the machine only looks (GET, and HEAD in brackets), at its own processes."""
    log = session.log
    single = log.pattern == "single"
    profile = log.profile
    #: violation: this example's (it is raised at its end); beside: the scenarios are running
    clock: dict[str, Any] = {"violation": None, "trace": None, "done": None, "replaying": False, "end": budget_end,
                             "beside": False, "over": lambda: False, "span": budget_end - session.now()}
    #: pid -> session time its end was first seen
    ended_at: dict[int, float] = {}
    #: pid -> how many cancels the machine sent it
    cancels: dict[int, int] = {}
    #: whether the machine cancels: not once the run has shown a cancel breaking its own requirement (its
    #: finding is made; more cancels would only spread their effects, such as other processes removed, to
    #: the checks of the processes they touch)
    cancelling = profile.cancel is not None and judge_one(REGISTRY["idempotence/delete"], log).outcome is not Outcome.FAIL
    coverage.cancel = cancelling
    if profile.cancel is not None and not cancelling:
        session.note("the state machine sent no cancel: the run had already found a cancel breaking "
                     "idempotence/delete")
    #: processes the machine cancelled while they were last seen in flight (a cancel of one already seen ended
    #: frees nothing: the resource was idle by its natural end)
    freed: set[int] = set()
    #: the exploration's failing example: its requirement and its actions (for shrinking)
    found: dict[str, Any] = {}

    def run(coro) -> Any:
        return call(coro) if call is not None else loop.run_until_complete(coro)

    def held(kind: str) -> bool:
        """Whether requests of ``kind`` wait for the scenarios' end: beside them the machine sends nothing
        that changes the target (a POST, a burst, a cancel), so that the scenarios' checks see their own."""
        return clock["beside"] and kind in HELD

    def bracket(*coros) -> None:
        """Requests that may disturb a process, bracketed by looks: beside the scenarios, with none of their
        writes in flight meanwhile (conformance.gate)."""
        if clock["beside"] and gate is not None:
            run(gate.bracketed(*coros))
        else:
            for coro in coros:
                run(coro)

    def pause(seconds: float) -> None:
        """Let time pass, never past the machine's own time (its clock's end)."""
        run(session.sleep(min(seconds, clock["end"] - session.now())))

    def time_left() -> bool:
        return (session.now() < clock["end"] and session.budget_left() > 0 and not session.stuck
                and clock["violation"] is None and clock["done"] is None
                and not (clock["beside"] and clock["over"]()))

    def duration() -> float:
        """The process duration seen so far: the median acceptance-to-first-terminated-look (worked out again
        only when the log has grown)."""
        if clock.get("duration_at") == len(log.steps):
            return clock["duration"]
        clock["duration_at"], clock["duration"] = len(log.steps), _duration()
        return clock["duration"]

    def ended_ever() -> bool:
        """Whether any process of the run (not cancelled) was seen to end."""
        return any(pid not in session.cancelled and any(v.state is State.TERMINATED for _s, v in log.states(pid))
                   for pid in log.processes)

    def _duration() -> float:
        seen = []
        for pid, rec in log.processes.items():
            end = next((s for s, v in log.states(pid) if v.state is State.TERMINATED), None)
            if end is not None and pid not in session.cancelled:
                seen.append(end.ex.started - rec.accepted_at)
        seen.sort()
        if not seen:  # none seen to end yet: at least as long as the oldest process still in flight has lasted
            seen = [max((session.now() - q.accepted_at for q in log.processes.values()
                         if q.accepted_at is not None and resource_holds(q)), default=0.05)]
        return min(MAX_WAIT, max(0.05, seen[len(seen) // 2]))

    def observed(p: ProcessRecord) -> str | None:
        """The state of ``p`` for the coverage table: the model state last observed (None: never seen)."""
        view = session.last_view.get(p.id)
        if view is None:
            return None
        if view.state is State.READY:
            return READY
        if view.state is not State.TERMINATED:
            return LATE if late(p, view) else EARLY
        if session.now() - ended_by(p) <= JUST * duration():
            return JUST_ENDED
        return BESIDE if not single and any(q is not p and fresh(q) for q in log.processes.values()) else LONG_ENDED

    def ended_by(p: ProcessRecord) -> float:
        """When ``p`` ended, as far as the looks at it tell (machine_coverage.end_estimate)."""
        looks = log.states(p.id)
        first = next((s.ex.ended for s, v in looks if v.state is State.TERMINATED), None)
        first = ended_at.setdefault(p.id, session.now()) if first is None else first
        return end_estimate(first, [s.ex.ended for s, v in looks if in_flight(v.state)], p.accepted_at, duration())

    def stale(q: ProcessRecord) -> bool:
        """The last look at ``q`` is older than a tenth of the duration seen (its state may have moved on)."""
        looks = log.states(q.id)
        return not looks or session.now() - looks[-1][0].ex.ended > 0.1 * duration()

    def fresh(q: ProcessRecord) -> bool:
        """``q`` was last seen in flight and may well still be: accepted less than the duration seen ago (one
        last seen in flight long ago has most likely ended meanwhile)."""
        return resource_holds(q) and session.now() - q.accepted_at < duration()

    def late(p: ProcessRecord, view) -> bool:
        """Whether a running process is in the second half of its duration: by its progress where the target
        gives one, else by the time since its acceptance against the duration seen."""
        if view.progress is not None:
            return view.progress >= 0.5
        return session.now() - p.accepted_at >= 0.5 * duration()

    def near_end(q: ProcessRecord) -> bool:
        """``q`` was last seen in flight so close to its end that a request sent now most likely lands after it."""
        view = session.last_view.get(q.id)
        if view is None or not in_flight(view.state) or view.state is State.READY:
            return False
        if view.progress is not None:
            return view.progress >= NEAR_END
        return session.now() - q.accepted_at >= NEAR_END * duration()

    def note_end(p: ProcessRecord) -> None:
        view = session.last_view.get(p.id)
        if view is not None and view.state is State.TERMINATED:
            ended_at.setdefault(p.id, session.now())

    def resource() -> str:
        """idle or busy: whether a process of the suite was last seen in flight (single: the current one)."""
        if single:
            p = session.current
            if p is not None and p.id in freed:
                return FREED
            busy = p is not None and ((view := session.last_view.get(p.id)) is None or in_flight(view.state))
            return BUSY if busy else IDLE
        return BUSY if any(resource_holds(q) for q in log.processes.values()) else IDLE

    def resource_holds(q: ProcessRecord) -> bool:
        """Multi pattern: ``q`` was last seen in flight (so the resource may be busy with it)."""
        view = session.last_view.get(q.id)
        return (q.id not in session.cancelled and q.id not in session.lost and q.monitor is not None
                and view is not None and in_flight(view.state))

    def usable(p) -> bool:
        """Whether requests about ``p`` can be sent (single pattern: an earlier process whose monitor URI
        now names the current one cannot be asked about any more)."""
        if p is NOTHING or p.monitor is None or p.id in session.lost or not time_left():
            return False
        if not single and p.id not in session.cancelled and any(
                log.processes[c].monitor == p.monitor for c in session.cancelled if c in log.processes):
            return False  # another record of the same monitor (a replayed key) was cancelled: it may be gone
        now = session.current
        return not single or now is None or now is p or now.monitor != p.monitor

    class ExampleLog:
        """This example's rules and the steps each sent."""

        def __init__(self) -> None:
            self.first_step = len(log.steps)
            self.rules: list[tuple[str, int]] = []  # (rule text, index of its first step)
            self.start = self._describe_start()
            #: the top-level rules, replayable; which of them produced each process (pid -> index)
            self.actions: list[Action] = []
            self.made_by: dict[int, int] = {}
            #: what the coverage-directed step being run went for
            self.resolved: tuple | None = None

        def record(self, name: str, kwargs: dict, result: Any) -> None:
            args = {k: (Ref(self.made_by[v.id]) if v.id in self.made_by else None)
                    if isinstance(v, ProcessRecord) else v for k, v in kwargs.items()}
            if name.startswith("cover"):
                name, args = "cover", {"at": kwargs.get("at", LATE_AT[0])}
            self.actions.append(Action(name, args, self.resolved))
            self.resolved = None
            if _DEBUG:
                print(f"    {self.actions[-1].text()} -> {getattr(result, 'id', result)}", file=sys.stderr)
            if isinstance(result, ProcessRecord):
                self.made_by.setdefault(result.id, len(self.actions) - 1)

        @staticmethod
        def _describe_start() -> str:
            if single:
                p = session.current
                if p is None:
                    return "start: the resource holds no process of the suite"
                state = observed(p) or "not yet seen"
                return f"start: resource {resource()}, process {p.id} {state} (left by what ran before)"
            busy = [pid for pid in log.processes if (v := session.last_view.get(pid)) is not None
                    and in_flight(v.state) and pid not in session.cancelled]
            return f"start: {len(busy)} process(es) of the suite last seen in flight"

        def rule(self, text: str) -> None:
            self.rules.append((text, len(log.steps)))

        def steps(self) -> list[Step]:
            return log.steps[self.first_step:]

        def wire(self, evidence: list[int]) -> list[str]:
            """The example as a numbered wire sequence, each request under the rule that sent it; long runs
            of looks at one process and the rest of a burst are shortened to '...' (the report's wire log
            has every exchange)."""
            bounds = [i for _t, i in self.rules] + [len(log.steps)]
            lines = [self.start]
            n = 0
            for (text, lo), hi in zip(self.rules, bounds[1:]):
                steps = log.steps[lo:hi]
                if not steps and text.startswith("cover("):
                    continue
                lines.append(text)
                for i, step in enumerate(steps):
                    n += 1
                    in_burst = step.burst is not None and i > 0 and steps[i - 1].burst == step.burst
                    looks = (step.kind is Kind.POLL and 2 <= i < len(steps) - 2 and step.seq not in evidence
                             and all(x.kind is Kind.POLL for x in steps[i - 2:i + 3]))
                    if in_burst or looks:
                        if lines[-1] != "  ...":
                            lines.append("  ...")
                        continue
                    lines.append(f"  {n}. {_describe(step)}")
            return lines

    def _describe(step: Step) -> str:
        ex = step.ex
        answer = str(ex.status) if ex.status is not None else f"error: {ex.error}"
        extra = ""
        if step.kind is Kind.POLL and ex.status is not None:
            view = log.monitor_view(step)
            if view.state is not None:
                extra = f" {view.state.value}" + (f" {view.progress:g}" if view.progress is not None else "")
        who = f" (process {step.process})" if step.process is not None else ""
        return f"#{ex.seq} {ex.method} {_path(ex.url)} -> {answer}{extra}{who}"

    def window(upto: int | None = None) -> tuple[Log, Log]:
        """This example's steps with what came before about the processes they touch (before step ``upto`` of
        the log only, if given); and that context alone."""
        mine = current.steps() if current else []
        touched = {s.process for s in mine if s.process is not None}
        end = current.first_step if upto is None else upto
        before = [s for s in log.steps[:end] if s.process in touched] if current else []
        processes = {pid: log.processes[pid] for pid in touched if pid in log.processes}
        whole = Log(log.profile, log.pattern, expected=log.expected)
        whole.steps, whole.processes = before + mine, processes
        context = Log(log.profile, log.pattern, expected=log.expected)
        context.steps, context.processes = before, processes
        for part in (whole, context):
            part._accept_cache, part._monitor_cache = log._accept_cache, log._monitor_cache
        return whole, context

    current: ExampleLog | None = None

    def _new_failure(req, whole: Log, context: Log) -> Finding | None:
        """The finding of ``req`` if the example's steps (``whole``, with their ``context``) fail it where the
        context alone does not, and the whole run's log fails it too (it may hold what excuses the window)."""
        finding = judge_one(req, whole)
        if finding.outcome is not Outcome.FAIL or judge_one(req, context).outcome is Outcome.FAIL:
            return None
        return finding if judge_one(req, log).outcome is Outcome.FAIL else None

    def recorded(fn):
        """A rule whose top-level calls (not those other rules make) are recorded as replayable actions."""

        @functools.wraps(fn)
        def wrapper(self, *args, **kwargs):
            top = self._depth == 0
            if top and clock["beside"] and time_left():
                # beside the scenarios the machine is paced: it looks, it does not hammer the target
                pause(min(BESIDE_PACE_MAX, BESIDE_PACE * duration()))
            self._depth += 1
            try:
                result = fn(self, *args, **kwargs)
            finally:
                self._depth -= 1
            if top and current is not None:
                current.record(fn.__name__, kwargs, result)
            return result

        return wrapper

    class LifecycleMachine(RuleBasedStateMachine):
        """Rules never depend on the server through preconditions or bundle sizes (that would make
        Hypothesis's data generation inconsistent between runs against a live server): every rule is
        always enabled and does nothing when the target's state or the budget does not allow it."""

        processes = Bundle("processes")

        def __init__(self) -> None:
            nonlocal current
            super().__init__()
            self.malformed = 0
            self._depth = 0
            if not clock["replaying"]:
                coverage.example += 1
            clock["violation"] = clock["trace"] = None
            current = ExampleLog()
            if _DEBUG:
                print(f"example {coverage.example} at {session.now():.2f} s", file=sys.stderr)

        # -- helpers -----------------------------------------------------------------------------------
        def _look(self, p: ProcessRecord, purpose: str) -> None:
            """A GET of the monitor of ``p`` (a probe step once it was cancelled: it may be gone by then)."""
            if p.id in session.cancelled:
                run(session.send(Kind.CANCEL, "GET", p.monitor, scenario=SCENARIO, process=p.id, role="after",
                                 purpose=f"{purpose} (a cancelled process: gone or ended)"))
            else:
                run(session.poll(p, SCENARIO, purpose))
                note_end(p)

        def _look_all(self, qs: list[ProcessRecord], purpose: str) -> None:
            """GETs of the monitors of ``qs`` (none cancelled), sent together: looks change nothing."""
            run(_together(*(session.poll(q, SCENARIO, purpose) for q in qs)))
            for q in qs:
                note_end(q)

        def _kind_state(self, kind: str, p: ProcessRecord) -> str:
            state = observed(p)
            if state is None or (state in IN_FLIGHT and stale(p)):
                # never seen, or last seen in flight a while ago: a look first, so the pair is known
                self._look(p, "look at the process before the request")
                state = observed(p) or READY
            coverage.add(kind, state)
            return state

        def _confirm(self, kind: str, state: str, p: ProcessRecord) -> None:
            """A look at ``p`` counted as sent while it was in flight stands only if ``p`` is still seen in flight
            after it: one that shows it over may have come after the end (under load, a process last seen near
            its end), and the pair is then gone for again."""
            if state in IN_FLIGHT and observed(p) not in IN_FLIGHT:
                coverage.withdraw(kind, state)

        def _watched(self) -> list[ProcessRecord]:
            """The processes a request that may change the target could disturb and a look can still show: the
            most recent ones last seen in flight."""
            return [q for q in log.processes.values() if usable(q) and fresh(q)
                    and (q.scenario == SCENARIO or not clock["beside"])][-AFTERMATH:]

        def _disturbing(self, send: Callable[[], Any], about: ProcessRecord | None = None) -> Any:
            """Send a request that may change the target (``send()``), with looks at what it may disturb: right
            before, the processes in flight not looked at lately (so a step backwards shows against a recent
            look); right after, those again, and the products of the most recently accepted processes that have
            ended (so one that changed or vanished shows; not ``about``'s, the request's own)."""
            watched = self._watched()
            self._look_all([q for q in watched if stale(q)], "look before a request that may disturb the process")
            result = send()
            # and the most recently accepted processes not in flight (seen ended, or accepted so long ago that they
            # have most likely ended: looked at first)
            done = [q for q in log.processes.values() if q is not about and usable(q) and q not in watched
                    and q.id not in session.cancelled and (q.scenario == SCENARIO or not clock["beside"])
                    and (observed(q) in ENDED or q.accepted_at is not None
                         and session.now() - q.accepted_at > duration())]
            done = sorted(done, key=lambda q: q.accepted_at or 0.0)[-AFTERMATH:]
            self._look_all([q for q in watched if usable(q)] + [q for q in done if observed(q) not in ENDED],
                           "look after a request that may have disturbed the process")
            urls = [(q, url) for q in done if observed(q) in ENDED and (url := session.product_url(q)) is not None]
            run(_together(*(session.send(Kind.PRODUCT, "GET", url, scenario=SCENARIO, process=q.id,
                                         purpose="the product, after a request that may have disturbed it")
                            for q, url in urls)))
            return result

        # -- requests on the resource --------------------------------------------------------------------
        @initialize(target=processes)
        @recorded
        def carry_over(self):
            """Go on from what ran before: the single pattern's process (in flight or not), or the multi
            pattern's latest process of the machine."""
            current.rule("carry over the state left by what ran before")
            if single:
                return session.current if session.current is not None and session.current.monitor else NOTHING
            mine = [p for p in log.processes.values() if p.scenario == SCENARIO and p.monitor]
            return mine[-1] if mine else NOTHING

        def _on_resource(self, kind: str, name: str) -> str:
            """A request on the resource: the state it is sent in, counted and written under the rule."""
            state = resource()
            coverage.add(kind, state)
            current.rule(f"{name}() [resource {state}]")
            return state

        @rule(target=processes)
        @recorded
        def post_valid(self):
            if not time_left() or held(POST):
                return NOTHING
            state = self._on_resource(POST, "post_valid")
            if single:
                p = session.current
                if state == BUSY and p is not None and p.monitor and p.id not in session.cancelled:
                    run(session.post_in_flight(p, SCENARIO))
                    return session.current if session.current is not p else NOTHING
                # cancelled but not seen gone or ended: whether the resource is free yet is not known (ANY)
                expect = Expect.ACCEPT if p is None else (
                    Expect.AFTER_CANCEL if state == FREED else
                    Expect.ANY if p.id in session.cancelled and state == BUSY else Expect.REACCEPT)
                step = run(session.send(Kind.POST, "POST", session.cfg.target_url, scenario=SCENARIO,
                                        purpose="POST on the resource (state machine)", expect=expect,
                                        body=session.cfg.body, headers=session.post_headers()))
                new = session.adopt(step, SCENARIO)
            else:
                new = self._disturbing(lambda: run(session.start(SCENARIO)))
            if new is None:
                return NOTHING
            self._look(new, "first GET right after the acceptance")
            return new

        @rule()
        @recorded
        def post_malformed(self) -> None:
            if not time_left() or self.malformed >= MAX_MALFORMED or held(MALFORMED):
                return
            self.malformed += 1
            state = self._on_resource(MALFORMED, "post_malformed")
            p = session.current if single else None
            watched = p is not None and state == BUSY and p.monitor is not None and p.id not in session.lost
            if watched:
                self._look(p, "look at the process before a malformed POST")
            # (the single pattern's process in flight has looks of its own, below)
            step = (run(session.malformed(SCENARIO)) if watched
                    else self._disturbing(lambda: run(session.malformed(SCENARIO))))
            if step.ex.status is not None and 200 <= step.ex.status < 300:
                session.adopt(step, SCENARIO)  # it started something after all
                step.kind = Kind.MALFORMED
            elif watched:
                self._look(p, "look at the process after a malformed POST")
                if single and resource() == BUSY and p.id not in session.cancelled and usable(p) and time_left():
                    # the resource is still taken: a valid POST must still be refused (409), as before the
                    # malformed one (a refused request must not have freed what the process holds); an
                    # acceptance is confirmed by the same two requests on the process that took its place
                    self._on_resource(POST, "post_valid")
                    run(session.post_in_flight(p, SCENARIO, prelude=lambda: session.malformed(SCENARIO)))
                if single and p.id not in session.cancelled and usable(p):
                    # and the resource once the process has ended: free again for a valid POST (a refused
                    # malformed POST must leave nothing behind that outlives the process it came beside)
                    self._until(p, lambda v: v.state is State.TERMINATED)
                    if resource() == IDLE:
                        self.post_valid()

        @rule(target=processes)
        @recorded
        def burst(self):
            if not time_left() or held(BURST):
                return NOTHING
            state = self._on_resource(BURST, "burst")
            # single: a race only on a resource known idle (not after a cancel: the process may still hold it)
            expect = (Expect.RACE if state == IDLE else Expect.ANY) if single else Expect.ACCEPT
            steps = (run(session.burst(SCENARIO, expect)) if single
                     else self._disturbing(lambda: run(session.burst(SCENARIO, expect))))
            started = []
            for step in steps:
                if step.ex.status is not None and 200 <= step.ex.status < 300:
                    p = session.adopt(step, SCENARIO)
                    if p is not None:
                        started.append(p)
                    if single:
                        break
            for p in started[:3]:
                self._look(p, "does the new monitor answer?")
            # one bundle entry whatever happened: a bundle that grows with the target's answers would make
            # Hypothesis's data generation differ between replays of one example
            return started[0] if started else NOTHING

        # -- requests about one process ------------------------------------------------------------------
        @rule(p=processes)
        @recorded
        def get_monitor(self, p) -> None:
            if not usable(p):
                return
            state = self._kind_state(GET_MONITOR, p)
            current.rule(f"get_monitor(process {p.id}) [{state}]")
            self._look(p, "poll the monitor (state machine)")
            self._confirm(GET_MONITOR, state, p)

        @rule(p=processes)
        @recorded
        def head_monitor(self, p) -> None:
            if not usable(p):
                return
            state = self._kind_state(HEAD_MONITOR, p)
            current.rule(f"head_monitor(process {p.id}) [{state}]")
            if p.id in session.cancelled:
                # no pair to compare: the monitor may be gone, and (single) its URI may soon name a new process
                run(session.send(Kind.CANCEL, "HEAD", p.monitor, scenario=SCENARIO, process=p.id, role="after-head",
                                 purpose="HEAD of a cancelled process's monitor"))
                return
            # bracketed by GETs: a HEAD that disturbs the process shows as a step backwards
            bracket(session.poll(p, SCENARIO, "look at the process before a HEAD"),
                    session.head_pair(p.monitor, SCENARIO, p.id))
            note_end(p)
            self._confirm(HEAD_MONITOR, state, p)

        def _product(self, p: ProcessRecord, kind: str) -> None:
            if not usable(p):
                return
            state = self._kind_state(kind, p)
            # a cancelled process has no product (and in the single pattern its URI may name another's by now)
            url = session.product_url(p) if p.id not in session.cancelled else None
            early = p.product_uri or resource_product_uri(log)
            if url is None and state in IN_FLIGHT and kind == GET_PRODUCT and early \
                    and p.id not in session.cancelled:
                current.rule(f"get_product(process {p.id}) [{state}: before the end]")
                self._disturbing(lambda: run(session.early_product(p, SCENARIO, early)), about=p)
                note_end(p)
                if early != p.product_uri and p.id not in session.cancelled and usable(p):
                    # the URI the last product had (single pattern), where this process's product will be: read
                    # once it exists (note_end), an early request must not have spoilt it
                    self._until(p, lambda v: v.state is State.TERMINATED)
                return
            if url is None:
                coverage.withdraw(kind, state)  # nothing to request: not exercised after all
                return
            current.rule(f"{kind.replace('-', '_')}(process {p.id}) [{state}]")
            if kind == GET_PRODUCT:
                self._disturbing(lambda: run(session.send(Kind.PRODUCT, "GET", url, scenario=SCENARIO, process=p.id,
                                                          purpose="fetch the product (state machine)")), about=p)
            else:
                self._disturbing(lambda: bracket(session.head_pair(url, SCENARIO, p.id, kind=Kind.PRODUCT)), about=p)

        @rule(p=processes)
        @recorded
        def get_product(self, p) -> None:
            self._product(p, GET_PRODUCT)

        @rule(p=processes)
        @recorded
        def head_product(self, p) -> None:
            self._product(p, HEAD_PRODUCT)

        @rule(p=processes)
        @recorded
        def cancel(self, p) -> None:
            """The profile's cancel: the first one watched until the process is gone or ended (so the
            suite knows it needs no waiting for), later ones as repeats."""
            cancel = profile.cancel if cancelling else None
            if cancel is None or not usable(p) or held(CANCEL) or p.scenario != SCENARIO:
                # (a scenario's process is only ever looked at: its role, and so what its checks read, is theirs)
                return
            state = self._kind_state(CANCEL, p)
            current.rule(f"cancel(process {p.id}) [{state}]")
            from .capabilities import CANCELLED, _cancel, _ended_or_gone, _watch

            # a process cancelled before, by the machine or anything else (the probes cancel what they start),
            # is cancelled again: a repeat, never a first cancel (idempotence/delete judges a first one's process)
            repeat = cancels.get(p.id, 0) > 0 or p.id in session.cancelled
            if not repeat:
                self._look(p, "look right before the cancel")
            step = run(_cancel(session, p, SCENARIO, "repeat" if repeat else "first"))
            cancels[p.id] = cancels.get(p.id, 0) + 1
            if step.ex.status not in cancel.first and not repeat:
                return  # not taken: the process goes on as before
            if not repeat:
                p.role = CANCELLED
                before = session.last_view.get(p.id)
                was_in_flight = before is None or in_flight(before.state)
                session.cancelled.add(p.id)
                last = run(_watch(session, p, SCENARIO, "after", "look at the process after the cancel"))
                if was_in_flight and _ended_or_gone(session, last):  # the resource is free now
                    freed.add(p.id)
                view = log.monitor_view(last)
                if view.readable and view.state is State.TERMINATED:
                    session.last_view[p.id] = view
                    note_end(p)
                if usable(p):  # the other safe method in the new state too
                    run(session.send(Kind.CANCEL, "HEAD", p.monitor, scenario=SCENARIO, process=p.id, role="after-head",
                                     purpose="HEAD of the monitor of the process just cancelled"))
            else:
                self._look(p, "look again after the repeated cancel: never a restart")

        # -- time ----------------------------------------------------------------------------------------
        @rule(fraction=st.sampled_from(WAIT_FRACTIONS))
        @recorded
        def wait(self, fraction: float) -> None:
            """Let time pass: a drawn share of the process duration seen so far."""
            if not time_left() or not fraction:
                return
            seconds = max(0.0, min(MAX_WAIT, fraction * duration(), WAIT_SHARE * clock["span"],
                                   clock["end"] - session.now()))
            current.rule(f"wait({fraction:g} x duration = {seconds:.3f} s)")
            pause(seconds)

        @rule(p=processes, until=st.sampled_from(UNTIL))
        @recorded
        def wait_until(self, p, until: State) -> None:
            """Let time pass until a process is seen in a state (or later), looking at it as politely as
            the scenarios do while it runs."""
            if not usable(p) or p.id in session.cancelled:
                return
            current.rule(f"wait_until(process {p.id}, {until.value})")

            def reached(view) -> bool:
                return view.state is State.TERMINATED or (view.state is State.RUNNING and until is State.RUNNING)

            self._until(p, reached)

        def _until(self, p: ProcessRecord, reached) -> None:
            if p.id in session.cancelled:  # its monitor may be gone: looked at as the cancel probe does
                from .capabilities import _watch

                run(_watch(session, p, SCENARIO, "after", "look at a cancelled process until it is gone or ended"))
                return
            pace = max(0.01, duration() / 20)
            # never past the process's own deadline: a process not ended by then is monitor/terminates' finding
            by = min(clock["end"], session.now() + max(MAX_WAIT, 3 * duration()),
                     max(session.now(), p.accepted_at + session.cfg.deadline))
            run(session.follow(p, SCENARIO, until=reached, interval=pace, by=by))
            note_end(p)

        # -- coverage-directed steps -----------------------------------------------------------------------
        def _in_flight(self) -> list[ProcessRecord]:
            """The machine's processes last seen in flight that may well still be (accepted less than the
            duration seen ago: one last seen in flight long ago has most likely ended meanwhile)."""
            return [q for q in log.processes.values() if q.scenario == SCENARIO and usable(q) and fresh(q)]

        def _ended(self) -> list[ProcessRecord]:
            return [q for q in log.processes.values() if q.scenario == SCENARIO and usable(q)
                    and q.id not in session.cancelled and observed(q) in ENDED]

        def _new(self) -> ProcessRecord | None:
            """A new process (single: once the resource is idle); none beside the scenarios."""
            if held(POST):
                return None
            if single and resource() == BUSY and session.current is not None:
                self._until(session.current, lambda v: v.state is State.TERMINATED)
            p = self.post_valid()
            return p if p is not NOTHING else None

        def _fetched(self) -> list[ProcessRecord]:
            """Ended processes whose product was fetched before (by the machine or a scenario): a product read
            again later, in another state of the target, shows whether it stays the same."""
            read = {s.process for s in log.of(Kind.PRODUCT)}
            return [q for q in log.processes.values() if q.id in read and usable(q) and q.id not in session.cancelled
                    and observed(q) in ENDED and (q.scenario == SCENARIO or not clock["beside"])]

        def _tier(self, kind: str, state: str) -> int:
            """How far the target is from ``state`` for a request of ``kind``: 0 it is there now, 1 a wait (or, for
            a busy resource, one POST) gets it there, 2 it takes a new process."""
            if kind in RESOURCE_KINDS:
                if resource() == state:
                    return 0
                return 3 if state == IDLE and not ended_ever() else 1
            if state in ENDED and not ended_ever():
                return 3  # no process of the run was ever seen to end: out of reach
            seen = [observed(q) for q in [*self._in_flight(), *self._ended()]]
            if state in seen:
                return 0
            order = PROCESS_STATES.index
            if any(x in IN_FLIGHT and order(x) < order(state) for x in seen):
                return 1
            return 3 if held(POST) else 2  # beside the scenarios no new process is started

        def _drive(self, state: str, at: float, kind: str = "") -> ProcessRecord | None:
            """Bring the target to ``state`` (a resource state, or a process's) the cheapest way it can: a
            process already there, one that gets there by waiting, or a new one; the process concerned (None:
            the resource). ``at``: where in the second half of its duration a running process is caught."""
            d = duration()
            if state == IDLE:
                if resource() == FREED:  # idle once a process ended by itself
                    self._new()
                for q in [q for q in log.processes.values() if usable(q) and resource_holds(q)]:
                    self._until(q, lambda v: v.state is State.TERMINATED)
                return None
            if state == FREED:
                if resource() != FREED:
                    p = session.current if resource() == BUSY else self._new()
                    if p is not None:
                        self.cancel(p=p)
                return None
            if state == BUSY:
                if resource() == IDLE:
                    self._new()
                return None
            if state == BESIDE and (theirs := self._theirs(state, kind)):
                return theirs[0]
            if state == BESIDE:  # a process long ended, and a new one started beside it right now
                p = self._drive(LONG_ENDED, at, kind)
                if p is not None:
                    self._new()
                return p
            order = PROCESS_STATES.index
            again = self._fetched() if kind in (GET_PRODUCT, HEAD_PRODUCT) else []
            alike = (LONG_ENDED, BESIDE) if state == LONG_ENDED else (state,)
            for q in [*again, *self._theirs(state, kind), *self._in_flight(), *self._ended()]:
                if observed(q) in alike and state in IN_FLIGHT and stale(q):
                    self._look(q, "look at the process before the request")  # is it still there?
                if observed(q) in alike and not (state in IN_FLIGHT and near_end(q)):
                    return self._alone(q) if state == LONG_ENDED else q
            before = [q for q in self._in_flight() if order(observed(q)) < order(state)]
            p = before[0] if before else self._new()
            if p is None or state == READY:
                return p
            if state in (EARLY, LATE):
                self._until(p, lambda v: v.state is not State.READY)
                view = session.last_view.get(p.id)
                if state == LATE and observed(p) == EARLY and view is not None and view.progress is not None:
                    # the target tells its progress: looked at until past half-way
                    self._until(p, lambda v: v.state is State.TERMINATED or (v.progress or 0) >= 0.5)
                elif state == LATE and observed(p) == EARLY:
                    pause(min(MAX_WAIT, at * d - (session.now() - p.accepted_at)))
                    self._look(p, "look at the process before the request")
                return p
            self._until(p, lambda v: v.state is State.TERMINATED)
            if state == LONG_ENDED and observed(p) == JUST_ENDED:
                pause(min(MAX_WAIT, (JUST + 0.1) * d))
            return self._alone(p) if state == LONG_ENDED else p

        def _theirs(self, state: str, kind: str) -> list[ProcessRecord]:
            """Once the scenarios are over: their processes seen long ended (``state``, exactly), the oldest first
            (ended longest ago: a look now is long after the end), for a look of ``kind`` only (a GET or HEAD: a
            cancel would change a process whose role, and so what its checks read, is the scenario's)."""
            if state not in (LONG_ENDED, BESIDE) or clock["beside"] or kind not in LOOKS:
                return []
            return [q for q in log.processes.values() if q.scenario != SCENARIO and usable(q)
                    and q.id not in session.cancelled and observed(q) == state]

        def _alone(self, p: ProcessRecord) -> ProcessRecord:
            """Multi pattern: ``p`` long terminated with nothing else of the suite in flight (the others followed
            to their ends), so that a request about it is told from one sent beside another process."""
            if not single and observed(p) == BESIDE:
                for q in [q for q in self._in_flight() if q is not p]:
                    self._until(q, lambda v: v.state is State.TERMINATED)
            return p

        def _pair(self, pick: int) -> tuple[str, str]:
            """The (kind, state) pair a coverage-directed step goes for: one exercised least often so far (none
            yet, then round after round), among those the target is closest to (``pick`` chooses among them)."""
            possible = [pair for pair in possible_pairs(log, cancelling) if not held(pair[0])]
            # where a product URI known before the end can only be the one the last product had (single pattern)
            borrowed = not profile.product_uri_early
            todo = coverage.next_pairs(possible)
            tiers = {pair: self._tier(*pair) for pair in todo}

            def rank(pair: tuple[str, str]) -> tuple:
                # the nearest first; among them, states the target only passes through (a process in flight, a
                # busy resource) before those it stays in, and a cancel last (it ends the process it is sent to);
                # in the single pattern a valid POST or burst on the idle resource after the rest: it starts a
                # process, and the ended one's states (its monitor may be the new one's) are then out of reach
                # until another process has run to its end; a product request before the end at the URI the last
                # product had ranks with the cancel: it keeps the machine on its process until the end, to read the
                # product it may have spoilt
                kind, state = pair
                costly = kind == CANCEL or kind == GET_PRODUCT and state in IN_FLIGHT and borrowed
                return (tiers[pair], costly, state not in IN_FLIGHT and state != BUSY,
                        single and kind in (POST, BURST) and state in (IDLE, FREED))

            best = min(rank(pair) for pair in todo)
            nearest = [pair for pair in todo if rank(pair) == best]
            if tiers[nearest[0]] == 3:  # the rest is out of reach: a round over what is in reach
                reach = [pair for pair in possible if self._tier(*pair) < 3]
                return reach[pick % len(reach)] if reach else nearest[pick % len(nearest)]
            return nearest[pick % len(nearest)]

        def _cover(self, pick: int, at: float):
            if not time_left():
                return NOTHING
            kind, state = self._pair(pick)
            current.resolved = (kind, state)
            coverage.tried[(kind, state)] = coverage.counts.get((kind, state), 0)
            return self.cover_pair(kind, state, at)

        def cover_pair(self, kind: str, state: str, at: float):
            """Drive the target to ``state`` and send a request of ``kind`` there."""
            if not time_left():
                return NOTHING
            current.rule(f"cover({kind}, {state})")
            p = self._drive(state, at, kind)
            if kind == POST:
                return self.post_valid()
            if kind == MALFORMED:
                self.malformed = min(self.malformed, MAX_MALFORMED - 1)
                self.post_malformed()
                return NOTHING
            if kind == BURST:
                return self.burst()
            if p is None:
                return NOTHING
            {GET_MONITOR: self.get_monitor, HEAD_MONITOR: self.head_monitor, GET_PRODUCT: self.get_product,
             HEAD_PRODUCT: self.head_product, CANCEL: self.cancel}[kind](p=p)
            # a scenario's process looked at stays out of the bundle: the machine's other rules would change it
            return p if p.scenario == SCENARIO else NOTHING

        @rule()
        @recorded
        def cover_next(self) -> None:
            """Hypothesis' simplest draw (a rule with no target and no arguments sorts first): the next pair the
            coverage asks for, the first of the nearest ones."""
            self._cover(0, LATE_AT[0])

        @invariant()
        def model_holds(self) -> None:
            if current is None or not current.steps() or not time_left():
                return
            seen = window()
            for req_id in LIVE_CHECKS:
                req = REGISTRY[req_id]
                if log.pattern not in req.patterns or req.not_applicable(profile):
                    continue
                finding = _new_failure(req, *seen)
                if finding is None and clock["replaying"] and req_id == found.get("req_id"):
                    # a replay of the failing example, about a process whose looks in that example already show
                    # the failure (its context fails by itself): judged against what came before that example
                    finding = _new_failure(req, *window(found["first_step"]))
                if finding is None:
                    continue
                trace = [*current.wire(list(finding.evidence)), f"-> {req_id}: {finding.message}"]
                if _DEBUG:
                    print(f"  violation {req_id} after {len(current.steps())} steps", file=sys.stderr)
                if not clock["replaying"]:
                    failures.setdefault(req_id, [*trace, f"replay: {replay}"])
                    found["req_id"] = req_id
                    found["actions"] = list(current.actions)
                    found["first_step"] = current.first_step
                elif req_id not in failures:  # another requirement, broken while shrinking: the target's all the same
                    failures[req_id] = ["found while shrinking another failing example", *trace, f"replay: {replay}"]
                # raised at the end of the example, not here: the example goes on drawing its steps (they do
                # nothing now)
                clock["violation"], clock["trace"] = TargetViolation(req_id, finding.message), trace
                return

        def teardown(self) -> None:
            if clock["beside"] and clock["over"]() and clock["done"] is None:
                clock["done"] = Over("the scenarios are over: the exploration beside them ends")
            if clock["violation"] is not None and not clock["replaying"]:
                # the first violation ends the exploration: Hypothesis' own replay of the failing example (to
                # report it) then sends nothing and fails the same way
                clock["done"] = clock["violation"]
            if clock["done"] is not None:
                raise clock["done"]

    for i in range(COVER_RULES):
        def cover(self, pick: int, at: float):
            return self._cover(pick, at)

        cover.__name__ = f"cover_{i}"
        setattr(LifecycleMachine, cover.__name__,
                rule(target=LifecycleMachine.processes, pick=st.integers(0, 1 << 16),
                     at=st.sampled_from(LATE_AT))(recorded(cover)))

    def replay_actions(actions: list[tuple[int, Action]]) -> tuple[str | None, list[str] | None]:
        """Replay (index, action) pairs of the failing example from a quiescent target (single pattern: nothing
        of the suite in flight); the requirement it then violated, and the wire trace."""
        if single and session.budget_left() > 0:
            run(session.ensure_idle())
        clock["replaying"], clock["done"] = True, None
        try:
            machine = LifecycleMachine()
            current.start = ("start: a target at rest (replayed: nothing of the suite in flight)" if single else
                             f"{current.start} (replayed after the exploration)")
            produced: dict[int, Any] = {0: machine.carry_over()}
            for index, action in actions:
                if clock["violation"] is not None or not time_left():
                    break
                args = {k: produced.get(v.index, NOTHING) if isinstance(v, Ref) else v for k, v in action.args.items()}
                if action.name == "cover":
                    produced[index] = machine.cover_pair(*action.resolved, args["at"]) if action.resolved else NOTHING
                else:
                    produced[index] = getattr(machine, action.name)(**args)
                machine.model_holds()
            violation = clock["violation"]
            return (violation.req_id if violation is not None else None), clock["trace"]
        finally:
            clock["replaying"], clock["violation"] = False, None

    #: where a replay starts (the multi pattern's replays do not wait for the suite's processes to end)
    AFTER = "from a target at rest" if single else "after the exploration"

    def shrink(deadline: float) -> None:
        """Shrink the exploration's failing example to a shorter action sequence that still fails the same
        requirement when replayed from a target at rest; the report shows the shortest found."""
        req_id, actions = found.get("req_id"), found.get("actions") or []
        if req_id is None or len(actions) < 2:
            return
        steps = list(enumerate(actions))[1:]  # the carry-over (index 0) always comes first
        replays = 0
        shortest: dict[str, Any] = {"trace": None}

        def more() -> bool:
            return replays < MAX_REPLAYS and session.now() < deadline and session.budget_left() > 0

        def fails(candidate: list[tuple[int, Action]]) -> bool:
            nonlocal replays
            replays += 1
            got, trace = replay_actions(candidate)
            if got == req_id:
                shortest["trace"] = trace
            return got == req_id

        original = len(steps)
        clock["end"] = deadline  # the replays have time of their own
        start = next((first for first in first_candidates(steps) if more() and fails(first)), None)
        if start is None:
            failures[req_id] = [f"not reproduced when replayed {AFTER} ({replays} replay(s)): shown as it happened, a "
                                "failure of the target all the same", *failures[req_id]]
            return
        # every candidate that failed became the shortest so far, so the last trace kept is the shortest's
        best, _tried = ddmin(start, fails, more)
        failures[req_id] = [f"shrunk from {original} rules to {len(best)}: the sequence below, replayed {AFTER}, "
                            f"fails the same way ({replays} replays)", *shortest["trace"], f"replay: {replay}"]

    LifecycleMachine.shrink = staticmethod(shrink)
    LifecycleMachine.clock = clock
    return LifecycleMachine


def _start(session: Session, cfg, budget_end: float, **how) -> tuple[type, dict, Coverage]:
    """The machine class for this run, and the report's record of its exploration (seed, replay command,
    failures) and coverage."""
    the_seed = cfg.hypothesis_seed if cfg.hypothesis_seed is not None else random.SystemRandom().randrange(2**32)
    replay = replay_command(cfg, the_seed)
    coverage = Coverage()
    record: dict = {"seed": the_seed, "replay": replay, "failures": {}}
    session.log.hypothesis = record
    loop = how.pop("loop", None)
    return make_machine(session, loop, budget_end, record["failures"], coverage, replay, **how), record, coverage


def _explore(session: Session, machine: type, cfg, record: dict, examples: int) -> None:
    """One Hypothesis exploration with ``machine``: ``examples`` examples (fewer if the machine's clock runs
    out); the verdicts come from the log, an unexplained stop is noted."""
    # every example runs its full number of steps (Hypothesis may otherwise stop one early: a step is cheap
    # next to reaching the state the next example starts from)
    test = get_state_machine_test(machine, _min_steps=cfg.hypothesis_steps, settings=settings(
        max_examples=examples,
        stateful_step_count=cfg.hypothesis_steps,
        deadline=None,
        database=None,
        # Hypothesis does not shrink: its replays would go on from wherever the live target is; the failing
        # example is shrunk by replays from a target at rest instead (conformance.machine_shrink)
        phases=(Phase.explicit, Phase.generate),
        suppress_health_check=list(HealthCheck),
        report_multiple_bugs=False,
        verbosity=Verbosity.quiet,
        print_blob=False,
    ))
    seed(record["seed"])(test)
    try:
        test()
    except Over:
        pass
    except Exception as exc:  # the verdicts come from the log; only an unexplained stop is worth a note
        if _DEBUG:
            import traceback
            traceback.print_exc()
        if not record["failures"] and not isinstance(machine.clock["done"], MachineStopped) \
                and not isinstance(exc, MachineStopped):
            first = str(exc).splitlines()[0][:200] if str(exc) else ""
            session.note(f"the state machine stopped early: {type(exc).__name__}: {first}")


def _shrink(session: Session, machine: type, record: dict, coverage: Coverage, spent: float) -> None:
    """Record the coverage, then shrink the failing example: at most as long as the exploration took
    (``spent``), or SHRINK_SECONDS if that is more; within the budget."""
    record["coverage"] = coverage.as_dict(session.log)
    started = session.now()
    machine.shrink(session.now() + min(max(0.0, session.budget_left()), max(SHRINK_SECONDS, spent)))
    record["shrink_seconds"] = round(session.now() - started, 3)


def _allowed(session: Session, examples: int, base: float) -> float:
    """The machine's own time after the scenarios: MACHINE_SHARE of a process duration (as the scenarios saw
    it) per example, plus ``base``; examples go on from one another, so none costs a whole process duration
    (no process seen to end by itself: the states after the end are out of reach, ``base`` only)."""
    seen = session.log.durations_seen()
    return max(0.0, min(session.budget_left(), MACHINE_SHARE * examples * (statistics.median(seen) if seen else 0.0)
                        + base))


def run_machine(session: Session, loop: asyncio.AbstractEventLoop, cfg) -> None:
    """Explore with Hypothesis after the scenarios, within the run's budget; record the seed, failing
    sequences and coverage."""
    machine, record, coverage = _start(session, cfg, session.now() + _allowed(session, cfg.hypothesis_examples,
                                                                              MACHINE_BASE), loop=loop)
    started = session.now()
    _explore(session, machine, cfg, record, cfg.hypothesis_examples)
    record["seconds"] = round(session.now() - started, 3)
    _shrink(session, machine, record, coverage, record["seconds"])
    if session.log.pattern == "single" and session.budget_left() > 0:
        # leave the resource as the suite found it: nothing of ours in flight (once, not per example; cancelled
        # where a cancel frees it at once)
        loop.run_until_complete(leave_idle(session, SCENARIO))


def explore_beside(session: Session, cfg, call: Callable[[Coroutine], Any], gate: Gate,
                   over: Callable[[], bool], wait_over: Callable[[], Coroutine], left: Callable[[], Coroutine],
                   may_go_on: Callable[[], bool]) -> None:
    """Multi pattern, in a LoopBridge's worker: explore beside the scenarios (looks only, at the machine's own
    processes) until ``over()``, tell the loop with ``left()``, then (``may_go_on()``) explore with every kind
    of request for TAIL_BASE seconds (plus MACHINE_SHARE of a process duration per example beyond the
    default), and shrink what failed."""
    machine, record, coverage = _start(session, cfg, float("inf"), call=call, gate=gate)
    clock = machine.clock
    clock["beside"], clock["over"] = True, over
    started = session.now()
    _explore(session, machine, cfg, record, BESIDE_EXAMPLES)
    record["beside_seconds"] = round(session.now() - started, 3)
    clock["beside"] = False
    call(left())
    call(wait_over())  # a violation found beside them ends the exploration early: the scenarios go on alone
    started = session.now()
    record["seconds"] = 0.0
    if not may_go_on():
        # the run cannot go on (no monitor ever answered usably, the single resource stuck, the budget spent):
        # no tail, and no replay of what failed beside the scenarios (its sequence is recorded already); a
        # replay would wait out the same silent monitors again
        record["coverage"] = coverage.as_dict(session.log)
        return
    if clock["done"] is None or isinstance(clock["done"], (MachineStopped, Over)):
        # (a failure found beside the scenarios leaves nothing more to explore)
        clock["done"] = None
        extra = max(0, cfg.hypothesis_examples - DEFAULT_EXAMPLES)
        clock["span"] = _allowed(session, extra, TAIL_BASE)
        clock["end"] = session.now() + clock["span"]
        _explore(session, machine, cfg, record, cfg.hypothesis_examples)
        record["seconds"] = round(session.now() - started, 3)
    _shrink(session, machine, record, coverage, record["seconds"] + record["beside_seconds"])


def warm_hypothesis() -> None:
    """Hypothesis scans the loaded modules for constants when its first example is drawn (about half a second
    here); done beforehand, beside the scenarios, it does not hold their event loop."""
    try:
        from hypothesis.internal.conjecture.providers import _get_local_constants

        _get_local_constants()
    except Exception:  # a private helper of Hypothesis: without it, the first draw pays the scan
        pass


def replay_command(cfg, the_seed: int) -> str:
    """The command line that replays this exploration (same target, pattern, profile, examples and seed)."""
    parts = ["pytest --pyargs conformance", f"--target-url {cfg.target_url}", f"--pattern {cfg.pattern}",
             f"--profile {cfg.profile.name}" if not getattr(cfg, "profile_file", None) else "",
             f"--hypothesis-examples {cfg.hypothesis_examples}", f"--conformance-seed {the_seed}"]
    return " ".join(p for p in parts if p)
