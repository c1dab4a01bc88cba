"""Synchronous code (the Hypothesis state machine) beside the scenarios, on the scenarios' event loop.

Hypothesis drives a state machine synchronously, and the suite's requests are coroutines on one event
loop. To let the machine explore while the scenarios run, its code runs in a worker thread that hands
over strictly with the loop, the way a coroutine and its loop do: while the worker runs, the loop thread
waits; while the loop runs (the scenarios, and the request the worker asked for), the worker waits. So
the session, the log and the driver are only ever touched by one thread at a time, and no lock is needed
anywhere else.

    bridge = LoopBridge()
    result = await bridge.drive(fn)   # on the loop: runs fn() in the worker, returns what it returns
    value = bridge.call(coro)         # in fn, in the worker: runs coro on the loop and waits for it
"""

from __future__ import annotations

import asyncio
import threading
from typing import Any, Callable, Coroutine


class MachineStopped(Exception):
    """The worker's request was not run: the loop side stopped the machine (the run is over)."""


class Over(BaseException):
    """Raised through Hypothesis to end an exploration whose time is up: not an Exception, so Hypothesis
    does not take it for a failing example (it would replay it to report it)."""


class LoopBridge:
    def __init__(self) -> None:
        self._to_worker = threading.Semaphore(0)
        self._to_loop = threading.Semaphore(0)
        self._pending: Coroutine | None = None
        self._result: tuple[Any, BaseException | None] = (None, None)
        self._finished = False
        #: set by the loop side: every later call raises MachineStopped at once
        self.stopping = False
        #: the request being run for the worker (None between requests)
        self.task: asyncio.Task | None = None
        #: debugging figures: how long the loop was held for the worker, in all and at most (seconds)
        self.held = 0.0
        self.longest = 0.0

    # -- the worker's side ---------------------------------------------------------------------------------
    def call(self, coro: Coroutine) -> Any:
        """Run ``coro`` on the loop and return its result (or raise its exception); the worker waits."""
        if self.stopping:
            coro.close()
            raise MachineStopped("the state machine was stopped")
        self._pending = coro
        self._to_loop.release()
        self._to_worker.acquire()
        value, error = self._result
        self._result = (None, None)
        if error is not None:
            raise error
        return value

    # -- the loop's side -----------------------------------------------------------------------------------
    async def drive(self, fn: Callable[[], Any], warm_up: Callable[[], None] | None = None) -> Any:
        """Run ``fn()`` in a worker thread and serve its calls until it returns; its result (or exception).
        ``warm_up`` runs in the worker first, beside the loop (it must touch nothing the loop uses)."""
        loop = asyncio.get_running_loop()
        outcome: dict[str, Any] = {}

        def worker() -> None:
            try:
                if warm_up is not None:
                    warm_up()
            except Exception:
                pass
            self._to_loop.release()  # ready: from here on, strictly in turn with the loop
            self._to_worker.acquire()
            try:
                outcome["value"] = fn()
            except BaseException as exc:  # handed to the loop side, never lost in the thread
                outcome["error"] = exc
            finally:
                self._finished = True
                self._to_loop.release()

        thread = threading.Thread(target=worker, name="state-machine", daemon=True)
        thread.start()
        try:
            await loop.run_in_executor(None, self._to_loop.acquire)  # the warm-up, beside the loop
        except asyncio.CancelledError:
            # stopped before the worker ever ran: let it run to its end on its own, every call refused
            self.stopping = True
            self._to_worker.release()
            raise
        try:
            while True:
                self._hand_over(loop)
                if self._finished:
                    break
                coro, self._pending = self._pending, None
                self.task = asyncio.ensure_future(coro)
                try:
                    self._result = (await asyncio.shield(self.task), None)
                except asyncio.CancelledError:
                    if not self.task.cancelled():  # this side was cancelled (the budget): stop the machine
                        raise
                    self._result = (None, MachineStopped("the state machine's request was cancelled"))
                except Exception as exc:
                    self._result = (None, exc)
                finally:
                    self.task = None
        except BaseException:
            self._finish(loop)
            raise
        thread.join()
        if "error" in outcome:
            raise outcome["error"]
        return outcome.get("value")

    def _hand_over(self, loop: asyncio.AbstractEventLoop) -> None:
        """Let the worker run until it asks for a request or returns; the loop waits meanwhile."""
        start = loop.time()
        self._to_worker.release()
        self._to_loop.acquire()
        spent = loop.time() - start
        self.held += spent
        self.longest = max(self.longest, spent)

    def _finish(self, loop: asyncio.AbstractEventLoop) -> None:
        """The loop side is stopping (cancelled): let the worker run to its end, every call refused."""
        self.stopping = True
        if self.task is not None:
            self.task.cancel()
        self._result = (None, MachineStopped("the state machine was stopped"))
        while not self._finished:
            self._hand_over(loop)
            self._pending, pending = None, self._pending
            if pending is not None:
                pending.close()
            self._result = (None, MachineStopped("the state machine was stopped"))

    def stop_request(self) -> None:
        """Cancel the request being run for the worker (its call raises MachineStopped)."""
        if self.task is not None and not self.task.done():
            self.task.cancel()
