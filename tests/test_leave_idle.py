"""The single pattern leaves the resource idle at the end of a run: cancelled where a cancel frees it at once.

Against a live reference server (seed dialect, single pattern): with the session knowing that a cancel frees
the resource (what the cancel probe learns), the process in flight is cancelled and looked at once, not
followed to its end; without that knowledge it is followed to its end, as before.
"""

from __future__ import annotations

import asyncio
from dataclasses import replace

import pytest

from conformance.capabilities import leave_idle
from conformance.model import State
from conformance.profiles import SEED
from conformance.session import Session
from fixtures.behaviour import TEST_BASE
from fixtures.launch import serve
from tests.live import live_session


def _run(duration: float, cancel_frees: bool) -> tuple[Session, bool]:
    b = replace(TEST_BASE, duration=duration, pattern="single")
    with serve(b) as server:
        s = live_session(server, "single")
        driver = s.driver

        async def main() -> bool:
            try:
                p = await s.start("state-machine")
                assert p is not None and p.monitor
                await s.poll(p, "state-machine")
                s.cancel_frees = cancel_frees
                return await leave_idle(s, "state-machine")
            finally:
                await driver.aclose()

        return s, asyncio.run(main())


def _ended_by_itself(s: Session, pid: int) -> bool:
    return any(view.state is State.TERMINATED for _step, view in s.log.states(pid))


@pytest.mark.parametrize("cancel_frees", [True, False])
def test_the_last_process_is_cancelled_where_a_cancel_frees_the_resource(cancel_frees):
    # a long process where it is cancelled (it must not be waited out), a short one where it is followed
    s, idle = _run(30.0 if cancel_frees else 1.0, cancel_frees)
    assert idle
    p = s.current
    deletes = [ex for ex in s.driver.exchanges if ex.method == "DELETE"]
    if cancel_frees:
        assert len(deletes) == 1 and deletes[0].status in SEED.cancel.first
        assert p.id in s.cancelled and not _ended_by_itself(s, p.id)
    else:
        assert not deletes and p.id not in s.cancelled and _ended_by_itself(s, p.id)
