"""The worker-thread bridge and the gate that let the state machine run beside the scenarios."""

from __future__ import annotations

import asyncio

import pytest

from conformance.bridge import LoopBridge, MachineStopped
from conformance.gate import Gate


def test_worker_and_loop_take_turns_strictly():
    """While the worker runs, no coroutine of the loop does, and the other way round."""
    bridge = LoopBridge()
    running = {"worker": False, "loop": False}
    overlaps = []

    def busy() -> None:
        for _ in range(2000):  # long enough for another thread to get the interpreter, were it free to run
            pass

    async def ticker(stop: asyncio.Event) -> int:
        ticks = 0
        while not stop.is_set():
            running["loop"] = True
            busy()
            if running["worker"]:
                overlaps.append("the loop ran while the worker did")
            running["loop"] = False
            await asyncio.sleep(0)
            ticks += 1
        return ticks

    async def request(n: int) -> int:
        await asyncio.sleep(0.001)
        return n * 2

    def work() -> list[int]:
        out = []
        for n in range(50):
            running["worker"] = True
            busy()
            if running["loop"]:
                overlaps.append("the worker ran while the loop did")
            running["worker"] = False
            out.append(bridge.call(request(n)))
        return out

    async def main():
        stop = asyncio.Event()
        ticks = asyncio.ensure_future(ticker(stop))
        result = await bridge.drive(work)
        stop.set()
        return result, await ticks

    result, ticks = asyncio.run(main())
    assert result == [n * 2 for n in range(50)]
    assert ticks > 0 and not overlaps


def test_exceptions_cross_the_bridge_both_ways():
    bridge = LoopBridge()

    async def boom():
        raise ValueError("from the loop")

    def work():
        with pytest.raises(ValueError, match="from the loop"):
            bridge.call(boom())
        raise KeyError("from the worker")

    with pytest.raises(KeyError, match="from the worker"):
        asyncio.run(bridge.drive(work))


def test_a_cut_request_raises_machine_stopped_and_the_worker_goes_on():
    bridge = LoopBridge()

    def work():
        try:
            bridge.call(asyncio.sleep(30))
        except MachineStopped:
            return bridge.call(asyncio.sleep(0, result="after the cut"))
        return "not cut"

    async def main():
        task = asyncio.ensure_future(bridge.drive(work))
        await asyncio.sleep(0.05)
        bridge.stop_request()
        return await asyncio.wait_for(task, 5)

    assert asyncio.run(main()) == "after the cut"


def test_cancelling_the_loop_side_refuses_every_later_call():
    bridge = LoopBridge()
    calls = []

    def work():
        for _ in range(3):
            try:
                bridge.call(asyncio.sleep(30))
            except MachineStopped:
                calls.append("refused")

    async def main():
        task = asyncio.ensure_future(bridge.drive(work))
        await asyncio.sleep(0.05)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task

    asyncio.run(main())
    assert calls == ["refused"] * 3


def test_a_write_waits_for_an_open_bracket_and_a_bracket_for_a_write():
    gate = Gate()
    order: list[str] = []

    async def step(name: str, seconds: float) -> None:
        order.append(f"{name} start")
        await asyncio.sleep(seconds)
        order.append(f"{name} end")

    async def write(name: str, seconds: float) -> None:
        async with gate.write("POST"):
            await step(name, seconds)

    async def main():
        bracket = asyncio.ensure_future(gate.bracketed(step("look", 0.02), step("head", 0.02), step("look again", 0.02)))
        await asyncio.sleep(0.005)
        await write("post", 0.01)  # waits for the bracket
        await bracket
        post = asyncio.ensure_future(write("post 2", 0.05))
        await asyncio.sleep(0.005)
        await gate.bracketed(step("look 2", 0.0))  # waits for the write
        await post
        async with gate.write("GET"):  # a safe request never waits
            order.append("get")

    asyncio.run(main())
    assert order == ["look start", "look end", "head start", "head end", "look again start", "look again end",
                     "post start", "post end", "post 2 start", "post 2 end", "look 2 start", "look 2 end", "get"]
