"""Scenario writes and the state machine's brackets, kept apart while the machine runs beside the scenarios.

A request that may disturb a process (a HEAD, say) is bracketed by looks at it, so that a disturbance shows
as a step backwards between the two looks. The checks blame such a step on a request that may change the
target (a POST, a cancel, a PUT...) when one falls between the looks, as they must. So while the machine
runs beside the scenarios, no scenario request that may change the target is in flight during a bracket,
and a bracket does not open while one is: a step backwards inside a bracket is the bracketed request's.
"""

from __future__ import annotations

import asyncio
from contextlib import asynccontextmanager, nullcontext
from typing import Any, AsyncIterator, Coroutine

#: methods that never count as writes (RFC 9110 section 9.2.1: safe)
SAFE = frozenset({"GET", "HEAD"})


class Gate:
    def __init__(self) -> None:
        self._cond = asyncio.Condition()  # (bound to the running loop at its first use)
        self.writes = 0
        self.brackets = 0

    @asynccontextmanager
    async def _hold(self, mine: str, other: str) -> AsyncIterator[None]:
        cond = self._cond
        async with cond:
            await cond.wait_for(lambda: getattr(self, other) == 0)
            setattr(self, mine, getattr(self, mine) + 1)
        try:
            yield
        finally:
            async with cond:
                setattr(self, mine, getattr(self, mine) - 1)
                cond.notify_all()

    def write(self, method: str):
        """Around a scenario request: held while a bracket is open, unless ``method`` is safe."""
        return nullcontext() if method.upper() in SAFE else self._hold("writes", "brackets")

    async def bracketed(self, *coros: Coroutine) -> list[Any]:
        """Run ``coros`` one after another with no scenario write in flight meanwhile."""
        async with self._hold("brackets", "writes"):
            return [await coro for coro in coros]
