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
from hypothesis.reporting import with_reporter
from hypothesis.stateful import (
    Bundle, RuleBasedStateMachine, get_state_machine_test, initialize, invariant, multiple, precondition, rule,
)

from .judge import judge_one
from .observations import Expect
from .outcomes import Outcome
from .requirements import REGISTRY
from .session import Session

SCENARIO = "state-machine"
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


def make_machine(session: Session, loop: asyncio.AbstractEventLoop, budget_end: float) -> type:
    single = session.log.pattern == "single"

    def run(coro) -> Any:
        return loop.run_until_complete(coro)

    def time_left() -> bool:
        return session.now() < budget_end and session.budget_left() > 0 and not session.stuck

    def idle() -> bool:
        return single and (session.current is None or session.terminated(session.current.id))

    class LifecycleMachine(RuleBasedStateMachine):
        processes = Bundle("processes")

        @initialize()
        def quiesce(self) -> None:
            if single and time_left():
                run(session.ensure_idle())

        @precondition(lambda self: time_left())
        @rule(target=processes)
        def post_valid(self):
            if single and not idle() and session.current is not None and session.current.monitor:
                run(session.post_in_flight(session.current, SCENARIO))
                return multiple(session.current)
            p = run(session.start(SCENARIO))
            return multiple(p) if p is not None else multiple()

        @precondition(lambda self: time_left() and (not single or idle()))
        @rule()
        def post_malformed(self) -> None:
            step = run(session.malformed(SCENARIO))
            if step.ex.status is not None and 200 <= step.ex.status < 300:
                session._adopt(step, SCENARIO)

        @precondition(lambda self: time_left())
        @rule(p=processes)
        def get_monitor(self, p) -> None:
            run(session.poll(p, SCENARIO))

        @precondition(lambda self: time_left())
        @rule(p=processes)
        def head_monitor(self, p) -> None:
            run(session.head_pair(p.monitor, SCENARIO, p.id))

        @precondition(lambda self: time_left())
        @rule(p=processes)
        def get_product(self, p) -> None:
            run(session.products(p, SCENARIO))

        @precondition(lambda self: time_left())
        @rule(seconds=st.sampled_from([0.0, 0.05, 0.25]))
        def wait(self, seconds: float) -> None:
            """Let time pass: as long as the last Retry-After said, bounded."""
            last = session.log.steps[-1].ex.header("retry-after") if session.log.steps else None
            from .waits import retry_after_seconds

            hint = retry_after_seconds(last)
            run(session.sleep(min(1.0, hint if hint is not None and seconds else seconds)))

        @precondition(lambda self: time_left() and (not single or idle()))
        @rule(target=processes)
        def burst(self):
            steps = run(session.burst(SCENARIO, Expect.RACE if single else Expect.ACCEPT))
            adopted = []
            for st_ in steps:
                if st_.ex.status is not None and 200 <= st_.ex.status < 300:
                    p = session._adopt(st_, SCENARIO)
                    if p is not None:
                        adopted.append(p)
                    if single:
                        break
            return multiple(*adopted)

        @invariant()
        def model_holds(self) -> None:
            for req_id in LIVE_CHECKS:
                req = REGISTRY[req_id]
                if session.log.pattern not in req.patterns:
                    continue
                finding = judge_one(req, session.log)
                if finding.outcome is Outcome.FAIL:
                    raise TargetViolation(req_id, finding.message)

        def teardown(self) -> None:
            # Leave the target as the next example expects it: nothing of ours in flight.
            if single and time_left():
                run(session.ensure_idle())

    return LifecycleMachine


def run_machine(session: Session, loop: asyncio.AbstractEventLoop, cfg) -> None:
    """Explore lifecycles with Hypothesis within the run's budget; record seed and failing steps."""
    budget_end = session.now() + max(0.0, session.budget_left())
    machine = make_machine(session, loop, budget_end)
    the_seed = cfg.hypothesis_seed if cfg.hypothesis_seed is not None else random.SystemRandom().randrange(2**32)
    test = get_state_machine_test(machine, settings=settings(
        max_examples=cfg.hypothesis_examples,
        stateful_step_count=cfg.hypothesis_steps,
        deadline=None,
        database=None,
        phases=(Phase.explicit, Phase.generate),  # no shrinking: replays hit a stateful server
        suppress_health_check=list(HealthCheck),
        report_multiple_bugs=False,
        verbosity=Verbosity.normal,
        print_blob=False,
    ))
    seed(the_seed)(test)
    lines: list[str] = []
    record: dict = {"seed": the_seed, "replay": f"--conformance-seed {the_seed}", "failures": {}}
    session.log.hypothesis = record
    try:
        with with_reporter(lambda text: lines.append(str(text))):
            test()
    except TargetViolation as exc:
        record["failures"][exc.req_id] = [ln for text in lines for ln in text.splitlines()][-60:]
    except Exception as exc:  # Flaky and friends: the verdicts still come from the log
        violation = next((e for e in _chain(exc) if isinstance(e, TargetViolation)), None)
        steps = [ln for text in lines for ln in text.splitlines()][-60:]
        if violation is not None:
            record["failures"][violation.req_id] = steps + [f"(did not reproduce on replay: {type(exc).__name__})"]
        else:
            session.note(f"the state machine stopped early: {type(exc).__name__}: {str(exc).splitlines()[0][:200] if str(exc) else ''}")


def _chain(exc: BaseException):
    seen = set()
    stack = [exc]
    while stack:
        e = stack.pop()
        if e is None or id(e) in seen:
            continue
        seen.add(id(e))
        yield e
        stack += [e.__cause__, e.__context__] + list(getattr(e, "exceptions", []) or [])
