"""The state machine only ever looks at the scenarios' processes: it never cancels one.

A scenario's process carries a role its checks read (the polling-rate probe's dense side, a cancel probe's
bystander); a cancel from the machine would overwrite it with "cancelled", and the check would lose its
input (``safety/get-safe`` then read "the polling-rate probe did not run" on the conformant reference
server). Against a live reference server (seed dialect, single pattern): a scenario's process followed to
its end, then the machine, built on the same session, is sent a look at it and a cancel of it.
"""

from __future__ import annotations

import asyncio
from dataclasses import replace

from conformance.machine_coverage import GET_MONITOR, LONG_ENDED, Coverage
from conformance.machines import NOTHING, make_machine
from conformance.model import State
from conformance.overlap import DENSE
from fixtures.behaviour import TEST_BASE
from fixtures.launch import serve
from tests.live import live_session


def test_the_machine_never_cancels_a_scenarios_process():
    b = replace(TEST_BASE, duration=0.3, pattern="single")
    with serve(b) as server:
        s = live_session(server, "single")
        driver = s.driver
        loop = asyncio.new_event_loop()
        try:
            theirs = loop.run_until_complete(s.start("lifecycle"))
            assert theirs is not None and theirs.monitor
            theirs.role = DENSE
            end = loop.run_until_complete(s.follow(theirs, "lifecycle"))
            assert end is not None and end.state is State.TERMINATED
            loop.run_until_complete(s.sleep(0.5))  # long terminated: the machine may look at it

            machine = make_machine(s, loop, s.now() + 20, {}, Coverage(), "replay")()
            sent = len(driver.exchanges)
            looked = machine.cover_pair(GET_MONITOR, LONG_ENDED, 0.5)
            looks = driver.exchanges[sent:]
            assert [(ex.method, ex.url) for ex in looks][-1:] == [("GET", theirs.monitor)]
            # the look is the machine's; the process stays out of its bundle
            assert looked is NOTHING

            sent = len(driver.exchanges)
            machine.cancel(p=theirs)
            assert [ex.method for ex in driver.exchanges[sent:]] == []
            assert theirs.role == DENSE and theirs.id not in s.cancelled
        finally:
            loop.run_until_complete(driver.aclose())
            loop.close()

