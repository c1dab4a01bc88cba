"""A session of the suite against a live reference server, for the tests that drive one by hand."""

from __future__ import annotations

import time

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
