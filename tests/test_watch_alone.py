"""A step back that straddled another acceptance every time is decided by one process watched alone.

Against a live server that steps back on its own (the monitor/transitions mutant: ready again between 40 %
and 70 % of the duration), the test makes the only step back the log holds straddle another acceptance, the
way the scenarios' timing sometimes does. multi/independent then blames that acceptance; after
conformance.overlap.watch_alone the target's own step back is on record and the verdict moves to
monitor/transitions. Against a target whose acceptances do set other processes back, the watched process
shows no step back and the blame stays.
"""

from __future__ import annotations

import asyncio
from dataclasses import replace

import pytest

from conformance.model import State
from conformance.observations import Log, blamed_on_others
from conformance.outcomes import Outcome
from conformance.overlap import watch_alone
from conformance.session import Session
from fixtures.behaviour import TEST_BASE
from fixtures.launch import serve
from tests.live import live_session
from tests.model.build import outcome

DURATION = 3.0  # long enough that the looks below land in their fraction of the duration under load


async def _straddled_step_back(s: Session, at: float) -> None:
    """Process a seen running, another process accepted, then a looked at again at fraction ``at`` of the
    duration (at once if it has passed)."""
    a = await s.start("lifecycle")
    assert a is not None
    await s.follow(a, "lifecycle", until=lambda v: v.state is State.RUNNING, interval=0.02)
    await s.start("lifecycle")
    await s.sleep(a.accepted_at + at * DURATION - s.now())
    await s.poll(a, "lifecycle")


def _run(mutant: str, at: float) -> Log:
    b = replace(TEST_BASE, duration=DURATION, pattern="multi", mutant=mutant)
    with serve(b) as server:
        s = live_session(server, "multi")
        driver, log = s.driver, s.log

        async def main() -> tuple[bool, Outcome]:
            try:
                await _straddled_step_back(s, at)
                before = (bool(blamed_on_others(log)), outcome(log, "multi/independent"))
                await watch_alone(s)
                return before
            finally:
                await driver.aclose()

        before = asyncio.run(main())
    assert before == (True, Outcome.FAIL), "the set-up did not give a straddled step back"
    return log


@pytest.mark.parametrize("mutant, at, fails, passes", [
    # ready again from 40 % on, whatever else happens
    ("monitor/transitions", 0.55, "monitor/transitions", "multi/independent"),
    # set back to the start by the other acceptance: seen at once
    ("multi/independent", 0.0, "multi/independent", "monitor/transitions"),
])
def test_a_process_watched_alone_decides_whose_step_back_it_was(mutant, at, fails, passes):
    log = _run(mutant, at)
    alone = [p for p in log.processes.values() if p.scenario == "alone"]
    assert len(alone) == 1 and len(log.states(alone[0].id)) >= 10  # followed densely, to its end
    assert outcome(log, fails) is Outcome.FAIL
    assert outcome(log, passes) is Outcome.PASS
