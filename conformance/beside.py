"""Multi pattern: the scenarios and the Hypothesis state machine at once, on one event loop.

The machine's two processes are accepted before anything of the scenarios; then, once the scenarios' burst
is answered and their idempotence probes are over (until then their timing is the point: the lifecycle pair
must still be in flight when the burst arrives, a look must follow a repeated request closely, and the
machine's Python work would hold their loop), the machine explores beside them in a worker
thread (conformance.bridge), looking at its own processes (GETs, and HEADs in brackets no scenario write
enters: conformance.gate). When the scenarios are over it
goes on alone for a short, timed tail with every kind of request (conformance.machines.explore_beside).
"""

from __future__ import annotations

import asyncio
import os
import sys
from typing import Any, Awaitable, Callable

from .bridge import LoopBridge
from .gate import Gate
from .session import Session

#: the machine's own processes, accepted before the scenarios' (it starts none while beside them)
PRE_POSTED = 2
#: once the scenarios are over, how long the machine's request in progress may take before it is cut
GRACE = 1.0
#: the scenario name of the state machine's steps
SCENARIO = "state-machine"


async def run_beside(session: Session, cfg: Any, flow: Callable[[Session], Awaitable[None]],
                     may_go_on: Callable[[], bool]) -> None:
    """Run ``flow`` (the scenarios) with the state machine beside it; return when both are done."""
    bridge, gate = LoopBridge(), Gate()
    over, left = asyncio.Event(), asyncio.Event()
    loaded: dict[str, Any] = {}

    def warm_up() -> None:  # in the worker, beside the loop: the import and Hypothesis' first scan
        from . import machines

        machines.warm_hypothesis()
        loaded["machines"] = machines

    async def leave() -> None:
        left.set()

    def work() -> None:
        if "machines" not in loaded:
            return
        loaded["machines"].explore_beside(session, cfg, bridge.call, gate, over.is_set, over.wait, leave,
                                          may_go_on)

    async def once_settled() -> Any:
        """The machine's worker starts (warm-up included) once the scenarios settled."""
        await session.settled.wait()
        return await bridge.drive(work, warm_up)

    machine = asyncio.ensure_future(once_settled())
    try:
        started = await asyncio.gather(*(session.start(SCENARIO) for _ in range(PRE_POSTED)))
        # each looked at once (the machine's states are those it has seen), as the scenarios begin: a monitor
        # that never answers costs them nothing, and the look is given up within one deadline
        by = session.phase_deadline()
        looks = [session.poll(p, SCENARIO, "first GET right after the acceptance", by=by)
                 for p in started if p is not None and p.monitor]
        session.driver.gate = gate
        await asyncio.gather(flow(session), *looks)
    except BaseException:
        # the scenarios stopped (the target unreachable, the budget spent): the machine with them, whether its
        # worker is running (every later request refused) or still waiting for the scenarios to settle
        machine.cancel()  # (LoopBridge.drive, cancelled, lets its worker run to its end with every request refused)
        await asyncio.gather(machine, return_exceptions=True)
        raise
    finally:
        over.set()
        session.settled.set()  # (a flow that ended without settling: the machine starts now, for its tail)
        if os.environ.get("CONFORMANCE_MACHINE_DEBUG"):
            print(f"scenarios over at {session.now():.2f} s; loop held {bridge.held:.3f} s, at most "
                  f"{bridge.longest:.3f} s", file=sys.stderr)
    try:
        await asyncio.wait_for(asyncio.shield(left.wait()), GRACE)
    except asyncio.TimeoutError:
        bridge.stop_request()
    try:
        await machine
    finally:
        session.driver.gate = None
        for ex in session.driver.exchanges:
            if ex.status is None and ex.error is None:
                ex.error = "cut: the state machine's time beside the scenarios was up"
                ex.ended = session.now()
