"""A replay of the machine's failing example fails again when its failing look is about a process the original
example already caught.

Each example is judged on its own steps, with the earlier looks at the processes they touch as context; a
failure those earlier looks already show is not the example's. A replay comes after the original, so its
context holds the original's failing look: judged that way, no replay about the same process could ever
fail again, and the report showed "not reproduced" with the whole example (every product/stable+in-flight
failure in Azure and Google, whose failing look is at one of the scenarios' processes). A replay of the
failing requirement is judged against the process's looks from before the original example instead.

Against a live mutant (seed dialect, multi pattern, product/stable+in-flight: from half a duration after a
product's first read, a read beside another process in flight gets that process's product): a scenario's
process followed to its end and its product read, then the machine, built on the same session, sends a POST,
whose aftermath reads that product again beside the new process.
"""

from __future__ import annotations

import asyncio
from dataclasses import replace

from conformance.machine_coverage import Coverage
from conformance.machines import make_machine
from conformance.model import State
from fixtures.behaviour import TEST_BASE
from fixtures.launch import serve
from tests.live import live_session


def test_a_replay_about_a_process_already_caught_fails_again():
    b = replace(TEST_BASE, duration=0.3, pattern="multi", mutant="product/stable", flavour="in-flight")
    with serve(b) as server:
        s = live_session(server, "multi")
        loop = asyncio.new_event_loop()
        try:
            theirs = loop.run_until_complete(s.start("lifecycle"))
            assert theirs is not None
            end = loop.run_until_complete(s.follow(theirs, "lifecycle"))
            assert end is not None and end.state is State.TERMINATED
            loop.run_until_complete(s.products(theirs, "lifecycle"))  # the first reads: its own product
            loop.run_until_complete(s.sleep(0.3))  # past half a duration: the next read beside a process is wrong

            failures: dict[str, list[str]] = {}
            machine = make_machine(s, loop, s.now() + 20, failures, Coverage(), "replay")
            example = machine()
            example.carry_over()
            assert example.post_valid() is not None
            example.model_holds()
            assert failures.get("product/stable"), failures  # the original example caught it
            assert str(theirs.id) in " ".join(failures["product/stable"])

            machine.shrink(s.now() + 20)
            shown = failures["product/stable"]
            assert shown[0].startswith("shrunk from 1 rules to 1"), shown
            assert shown[-2].startswith("-> product/stable") and shown[-1].startswith("replay: ")
        finally:
            loop.run_until_complete(s.driver.aclose())
            loop.close()
