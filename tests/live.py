"""A session of the suite against a live reference server, for the tests that drive one by hand."""

from __future__ import annotations

import asyncio
import time

import httpx

from conformance.driver import Driver, DriverConfig
from conformance.observations import Log
from conformance.profiles import SEED
from conformance.session import Session, SessionConfig
from fixtures.launch import Server

BODY = b'{"input": 42}'


def live_session(server: Server, pattern: str) -> Session:
    """A session (seed profile, ``pattern``) against ``server``; its driver is closed by the caller
    (``await s.driver.aclose()``)."""
    driver = Driver(DriverConfig(server.resource_url), time.monotonic())
    return Session(driver, Log(SEED, pattern), SessionConfig(server.resource_url, BODY, deadline=30, budget=60))


def released_together(url: str, n: int, body: bytes, headers: dict[str, str] | None = None) -> list[httpx.Response]:
    """``n`` identical POSTs released together by the suite's own burst (``Driver.burst``: all but each request's
    last byte written first, then the last bytes back to back), as httpx responses. The race mutants' window is a
    few ms: plain simultaneous httpx requests on a loaded host arrived further apart than that (CI in a fresh
    virtual environment missed single/race-one-winner and tasks:idempotence/key-concurrent five bursts in a row)."""

    async def run() -> list[httpx.Response]:
        driver = Driver(DriverConfig(url), time.monotonic())
        try:
            sent = await driver.burst("POST", url, n, body=body, headers=headers, purpose="a test's burst")
        finally:
            await driver.aclose()
        return [httpx.Response(ex.status or 0, headers=ex.response_headers, content=ex.response_body or b"",
                               request=httpx.Request("POST", url)) for ex in sent]

    return asyncio.run(run())
