"""Hypothesis state machines: random lifecycles against the live target.

The target is a real, stateful server that cannot be reset between examples,
so every example starts from a quiescent target (single pattern: the process
in flight has ended) and the whole exploration stays inside the run's time
budget. Rules only gather observations through the shared session; the
invariant asks the same requirement checks that judge the whole run, so a
violation found here is judged exactly like one found by a scenario.

A failure that does not reproduce on replay (Hypothesis raises Flaky) is still
the target's failure: its exchanges are in the log and its verdict comes from
the checks, never from the exception.
"""

from __future__ import annotations

import asyncio
import random
from typing import Any

from hypothesis import HealthCheck, Phase, Verbosity, seed, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    Bundle, RuleBasedStateMachine, get_state_machine_test, initialize, invariant, rule,
)

from .judge import judge_one
from .observations import Expect
from .outcomes import Outcome
from .requirements import REGISTRY
from .session import Session
from .waits import retry_after_seconds

SCENARIO = "state-machine"
PAUSES = st.sampled_from([0.05, 0.0, 0.15])
NOTHING = None  # bundle entry for "no process came of it"
# Checks that can be decided while the machine runs (the rest need the whole run).
LIVE_CHECKS = (
    "accept/status-202", "accept/monitor-link", "accept/monitor-ready", "monitor/status-200", "monitor/schema",
    "monitor/transitions", "monitor/progress-monotonic", "monitor/product-when-terminated",
    "monitor/product-stable", "product/available", "product/stable", "single/conflict-409",
    "single/conflict-no-effect", "single/same-monitor", "single/reaccept", "single/race-one-winner",
    "multi/accept-all", "multi/distinct-monitors", "multi/independent", "errors/malformed-body",
)


class TargetViolation(AssertionError):
    def __init__(self, req_id: str, message: str):
        super().__init__(f"{req_id}: {message}")
        self.req_id = req_id


def make_machine(session: Session, loop: asyncio.AbstractEventLoop, budget_end: float,
                 failures: dict[str, list[str]]) -> type:
    """A state machine class bound to one live session; ``failures`` collects, per requirement,
    the steps of the example that first violated it (recorded as they happen, so a replay that
    goes differently cannot lose them)."""
    single = session.log.pattern == "single"
    trace: list[str] = []

    def run(coro) -> Any:
        return loop.run_until_complete(coro)

    def time_left() -> bool:
        return session.now() < budget_end and session.budget_left() > 0 and not session.stuck

    def idle() -> bool:
        return single and (session.current is None or session.terminated(session.current.id))

    class LifecycleMachine(RuleBasedStateMachine):
        """Rules never depend on the server through preconditions or bundle sizes (that would
        make Hypothesis's data generation inconsistent between runs against a live server):
        every rule is always enabled, returns exactly one bundle entry, and does nothing when
        the target's state or the budget does not allow it."""

        processes = Bundle("processes")

        def __init__(self) -> None:
            super().__init__()
            self.malformed = 0
            trace.clear()

        def _note(self, text: str) -> None:
            trace.append(text)

        @initialize()
        def quiesce(self) -> None:
            if single and time_left():
                run(session.ensure_idle())

        @rule(target=processes)
        def post_valid(self):
            if not time_left():
                return NOTHING
            if single and not idle() and session.current is not None and session.current.monitor:
                step = run(session.post_in_flight(session.current, SCENARIO))
                self._note(f"post_valid() while in flight -> {step.ex.status or step.ex.error}")
                return session.current
            p = run(session.start(SCENARIO))
            self._note(f"post_valid() -> {session.log.steps[-1].ex.summary()}")
            if p is None:
                return NOTHING
            run(session.poll(p, SCENARIO, "first GET right after the acceptance"))
            return p

        @rule()
        def post_malformed(self) -> None:
            if not time_left() or (single and not idle()) or self.malformed >= 2:
                return
            self.malformed += 1
            step = run(session.malformed(SCENARIO))
            self._note(f"post_malformed() -> {step.ex.status or step.ex.error}")
            if step.ex.status is not None and 200 <= step.ex.status < 300:
                session.adopt(step, SCENARIO)

        # Time is part of the input: a look at a monitor comes after a short pause drawn by
        # Hypothesis (the simplest draw is not 'no pause', so even minimal examples see time pass).
        @rule(p=processes, pause=PAUSES)
        def get_monitor(self, p, pause: float) -> None:
            if p is NOTHING or not time_left():
                return
            run(session.sleep(pause))
            step, view = run(session.poll(p, SCENARIO))
            self._note(f"get_monitor(process {p.id}, pause={pause}) -> {step.ex.status or step.ex.error}"
                       f" {view.raw_state if view else ''}")

        @rule(p=processes, pause=PAUSES)
        def head_monitor(self, p, pause: float) -> None:
            if p is NOTHING or not time_left():
                return
            run(session.sleep(pause))
            run(session.head_pair(p.monitor, SCENARIO, p.id))
            self._note(f"head_monitor(process {p.id}, pause={pause})")

        @rule(p=processes)
        def get_product(self, p) -> None:
            if p is NOTHING or not time_left():
                return
            run(session.products(p, SCENARIO))
            self._note(f"get_product(process {p.id})")

        @rule(seconds=st.sampled_from([0.05, 0.0, 0.25]))
        def wait(self, seconds: float) -> None:
            """Let time pass: as long as the last Retry-After said (when it said), bounded."""
            if not time_left():
                return
            last = session.log.steps[-1].ex.header("retry-after") if session.log.steps else None
            hint = retry_after_seconds(last)
            run(session.sleep(min(1.0, hint if hint is not None and seconds else seconds)))
            self._note(f"wait({seconds})")

        @rule(target=processes)
        def burst(self):
            if not time_left() or (single and not idle()):
                return NOTHING
            steps = run(session.burst(SCENARIO, Expect.RACE if single else Expect.ACCEPT))
            self._note(f"burst() -> {[s.ex.status or s.ex.error for s in steps]}")
            first = NOTHING
            for st_ in steps:
                if st_.ex.status is not None and 200 <= st_.ex.status < 300:
                    p = session.adopt(st_, SCENARIO)
                    if first is NOTHING and p is not None:
                        first = p
                    if single:
                        break
            return first

        @invariant()
        def model_holds(self) -> None:
            mine = session.log.subset(SCENARIO)
            for req_id in LIVE_CHECKS:
                req = REGISTRY[req_id]
                if session.log.pattern not in req.patterns:
                    continue
                finding = judge_one(req, mine)
                if finding.outcome is Outcome.FAIL:
                    failures.setdefault(req_id, [*trace, f"-> {req_id}: {finding.message}"])
                    raise TargetViolation(req_id, finding.message)

        def teardown(self) -> None:
            # Leave the target as the next example expects it: nothing of ours in flight.
            if single and time_left():
                run(session.ensure_idle())

    return LifecycleMachine


def run_machine(session: Session, loop: asyncio.AbstractEventLoop, cfg) -> None:
    """Explore lifecycles with Hypothesis within the run's budget; record the seed and failing steps."""
    budget_end = session.now() + max(0.0, session.budget_left())
    the_seed = cfg.hypothesis_seed if cfg.hypothesis_seed is not None else random.SystemRandom().randrange(2**32)
    record: dict = {"seed": the_seed, "replay": f"--conformance-seed {the_seed}", "failures": {}}
    session.log.hypothesis = record
    machine = make_machine(session, loop, budget_end, record["failures"])
    test = get_state_machine_test(machine, settings=settings(
        max_examples=cfg.hypothesis_examples,
        stateful_step_count=cfg.hypothesis_steps,
        deadline=None,
        database=None,
        phases=(Phase.explicit, Phase.generate),  # no shrinking: replays hit a stateful server
        suppress_health_check=list(HealthCheck),
        report_multiple_bugs=False,
        verbosity=Verbosity.quiet,
        print_blob=False,
    ))
    seed(the_seed)(test)
    try:
        test()
    except Exception as exc:  # the verdicts come from the log; only an unexplained stop is worth a note
        if not record["failures"]:
            first = str(exc).splitlines()[0][:200] if str(exc) else ""
            session.note(f"the state machine stopped early: {type(exc).__name__}: {first}")
