"""Build observation logs by hand, the way the driver and the scenarios would record them.

    b = LogBuilder("single")
    p = b.accept(monitor="/process")
    b.poll(p, state="running", progress=0.5)
    b.post(expect=Expect.CONFLICT, status=409, process=p)
    b.poll(p, state="terminated", product="/product")
    b.product("/product", body=b"result")
    outcome(b.log, "single/conflict-409")

Every exchange goes to http://127.0.0.1:9 (nothing listens there: no test sends
anything). Times are on a fake monotonic clock: each exchange starts after the
previous one ended unless ``at`` says otherwise (for bursts and overlaps).
Relative links resolve as the checks resolve them: against the URL of the
response that carried them.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, Callable

from conformance.evidence import Exchange
from conformance.judge import judge_one
from conformance.links import resolve
from conformance.observations import Expect, Kind, Log, Step
from conformance.outcomes import Outcome
from conformance.profiles import SEED, Profile
from conformance.requirements import REGISTRY, Finding

BASE = "http://127.0.0.1:9"
RESOURCE = BASE + "/resource"
REQUEST_BODY = b'{"input": 42}'
JSON = "application/json"
CONFLICT_TEXT = "A request has already been accepted, retry later."
DEFAULT = object()  # "use the builder's usual value" (None means: leave the header out)


def judged(log: Log, rid: str) -> Finding:
    """The finding for one requirement, through the judge (SHOULD fails become warnings)."""
    return judge_one(REGISTRY[rid], log)


def outcome(log: Log, rid: str) -> Outcome:
    return judged(log, rid).outcome


def failing(log: Log, prefix: str = "") -> set[str]:
    """IDs (under ``prefix``) whose finding is fail or error."""
    return {
        rid for rid in REGISTRY
        if rid.startswith(prefix) and outcome(log, rid) in (Outcome.FAIL, Outcome.ERROR)
    }


@dataclass(frozen=True)
class Example:
    """A hand-built log and the outcome one requirement must get on it."""

    rid: str
    expected: Outcome
    make: Callable[[], Log]

    @property
    def name(self) -> str:
        return f"{self.rid}:{self.expected.value}:{self.make.__name__}"


def collector(cases: list[Example]):
    """``@example(rid, outcome)`` adds the decorated log maker to ``cases``; decorators stack."""

    def example(rid: str, expected: Outcome):
        assert rid in REGISTRY, rid

        def register(make: Callable[[], Log]) -> Callable[[], Log]:
            cases.append(Example(rid, expected, make))
            return make

        return register

    return example


def check_example(case: Example) -> None:
    finding = judged(case.make(), case.rid)
    assert finding.outcome is case.expected, f"{case.name}: got {finding.outcome.value}: {finding.message}"
    if finding.outcome in (Outcome.FAIL, Outcome.WARN):
        # the catalog: every fail/warn carries evidence, expected vs observed
        assert finding.evidence, case.name
        assert finding.expected and finding.observed, case.name


class LogBuilder:
    def __init__(self, pattern: str = "single", profile: Profile = SEED, *, start: float = 1000.0,
                 gap: float = 0.01, duration: float = 0.005):
        self.log = Log(profile, pattern)
        self.clock = start
        self.gap = gap
        self.duration = duration

    def wait(self, seconds: float) -> None:
        """Let time pass before the next exchange."""
        self.clock += seconds

    # -- the recording primitive ------------------------------------------------
    def exchange(self, kind: Kind, method: str, url: str, *, status: int | None = 200, body: Any = b"",
                 headers: list[tuple[str, str]] | None = None, request_headers: list[tuple[str, str]] | None = None,
                 request_body: bytes | None = None, process: int | None = None, expect: Expect | None = None,
                 burst: int | None = None, at: float | None = None, duration: float | None = None,
                 error: str | None = None, purpose: str = "", scenario: str = "lifecycle") -> Step:
        """Record one exchange. ``body`` may be bytes, str, or any JSON value (then sent as application/json)."""
        headers = list(headers or [])
        if not isinstance(body, (bytes, str)):
            body = json.dumps(body).encode()
            if not any(k.lower() == "content-type" for k, _ in headers):
                headers.insert(0, ("Content-Type", JSON))
        elif isinstance(body, str):
            body = body.encode()
        started = self.clock + self.gap if at is None else at
        ended = started + (self.duration if duration is None else duration)
        self.clock = max(self.clock, ended)
        ex = Exchange(
            seq=len(self.log.steps) + 1, method=method, url=resolve(RESOURCE, url),
            request_headers=list(request_headers or [("Accept", "*/*")]), request_body=request_body,
            purpose=purpose or f"{kind.value} {url}", started=started, ended=ended,
            status=None if error else status, response_headers=headers if not error else [],
            response_body=body if not error else b"", error=error,
        )
        return self.log.add(Step(kind, ex, scenario, process, expect, burst))

    # -- POSTs ---------------------------------------------------------------------
    def post(self, *, expect: Expect | None = Expect.CONFLICT, status: int | None = 409, body: Any = DEFAULT,
             headers: list[tuple[str, str]] | None = None, process: int | None = None,
             request_headers: list[tuple[str, str]] = (), **kw) -> Step:
        """A valid POST on the resource (by default a rejected one while a process is in flight)."""
        if body is DEFAULT:
            body = CONFLICT_TEXT if status == 409 else {"monitor": "/process"} if status == 202 else b""
        if headers is None:
            headers = [("Content-Type", "text/plain")] if status == 409 else []
        return self.exchange(Kind.POST, "POST", RESOURCE, status=status, body=body, headers=headers,
                             request_headers=[("Content-Type", JSON), *request_headers],
                             request_body=REQUEST_BODY, process=process, expect=expect, **kw)

    def accept(self, monitor: str | None = "/process", *, status: int = 202, body: Any = DEFAULT,
               headers: list[tuple[str, str]] | None = None, retry_after: str | None = "1",
               expect: Expect = Expect.ACCEPT, **kw) -> int:
        """A POST that is accepted and starts a process; returns the process id the suite follows."""
        if body is DEFAULT:
            body = {"monitor": monitor} if monitor is not None else {}
        headers = list(headers or [])
        if retry_after is not None:
            headers.append(("Retry-After", retry_after))
        step = self.post(expect=expect, status=status, body=body, headers=headers, **kw)
        return self.adopt(step)

    def adopt(self, step: Step, scenario: str | None = None) -> int:
        """Follow the process an accepted POST started (as the session does)."""
        monitor = self.log.accept_view(step).monitor
        rec = self.log.new_process(scenario or step.scenario, step, monitor)
        rec.deadline = 10.0
        return rec.id

    def burst(self, statuses: list[int | None], *, expect: Expect = Expect.RACE, monitor: str = "/process",
              adopt_first: bool = True) -> list[Step]:
        """N simultaneous POSTs (overlapping exchanges); the first 2xx is followed, as the scenarios do."""
        burst_id = 1 + max((s.burst or 0 for s in self.log.steps), default=0)
        at = self.clock + self.gap
        steps = []
        for i, status in enumerate(statuses):
            body = {"monitor": monitor} if status is not None and 200 <= status < 300 else DEFAULT
            steps.append(self.post(expect=expect, status=status, body=body, burst=burst_id, at=at + i * 0.0001,
                                   duration=0.02, error="connection reset" if status is None else None))
        winners = [s for s in steps if s.ex.status is not None and 200 <= s.ex.status < 300]
        if adopt_first and winners:
            self.adopt(winners[0], "race")
        return steps

    def malformed(self, status: int = 400, **kw) -> Step:
        return self.exchange(Kind.MALFORMED, "POST", RESOURCE, status=status,
                             body={"type": "about:blank", "title": "Bad Request", "status": status},
                             headers=[("Content-Type", "application/problem+json")],
                             request_headers=[("Content-Type", JSON)], request_body=b'{"this is": not json', **kw)

    # -- GETs of monitors and products ----------------------------------------------------
    def monitor_of(self, pid: int) -> str:
        return self.log.processes[pid].monitor or RESOURCE

    def poll(self, pid: int, state: str | None = "running", progress: Any = None, product: str | None = None, *,
             status: int | None = 200, body: Any = DEFAULT, retry_after: Any = DEFAULT,
             cache_control: str | None = "no-store", headers: list[tuple[str, str]] | None = None, **kw) -> Step:
        """GET of the process's monitor. ``progress``/``product`` None leave the member out."""
        if body is DEFAULT:
            if status == 200:
                body = {"state": state}
                if progress is not None:
                    body["progress"] = progress
                if product is not None:
                    body["product"] = product
            else:
                body = b""
        if retry_after is DEFAULT:
            retry_after = "1" if state != "terminated" else None
        hdrs = list(headers or [])
        if cache_control is not None:
            hdrs.append(("Cache-Control", cache_control))
        if retry_after is not None:
            hdrs.append(("Retry-After", retry_after))
        return self.exchange(Kind.POLL, "GET", self.monitor_of(pid), status=status, body=body, headers=hdrs,
                             process=pid, **kw)

    def see_other(self, pid: int, location: str = "/product", **kw) -> Step:
        """The monitor answers 303 See Other to the product at termination."""
        return self.exchange(Kind.POLL, "GET", self.monitor_of(pid), status=303, headers=[("Location", location)],
                             process=pid, **kw)

    def product(self, url: str = "/product", *, body: Any = b"the product", status: int = 200,
                etag: str | None = None, process: int | None = None, **kw) -> Step:
        headers = [("Content-Type", "text/plain")] + ([("ETag", etag)] if etag else [])
        return self.exchange(Kind.PRODUCT, "GET", url, status=status, body=body, headers=headers,
                             process=process, **kw)

    def head(self, url: str, *, status: int = 200, content_type: str = JSON, process: int | None = None) -> Step:
        return self.exchange(Kind.HEAD, "HEAD", url, status=status, headers=[("Content-Type", content_type)],
                             process=process)

    def raw_head(self, url: str, *, status: int = 200, trailing: bytes = b"", process: int | None = None) -> Step:
        return self.exchange(Kind.RAW_HEAD, "HEAD", url, status=status, body=trailing,
                             headers=[("Content-Type", JSON)], process=process)

    def method(self, method: str = "PATCH", url: str = RESOURCE, *, status: int = 405,
               allow: str | None = "GET, POST", **kw) -> Step:
        headers = [("Allow", allow)] if allow else []
        return self.exchange(Kind.METHOD, method, url, status=status, headers=headers, request_body=b"{}", **kw)

    def unknown(self, url: str = "/process/conformance-unknown-0123456789abcdef", *, status: int = 404,
                **kw) -> Step:
        return self.exchange(Kind.UNKNOWN, "GET", url, status=status, **kw)

    # -- whole lifecycles -----------------------------------------------------------
    def lifecycle(self, monitor: str = "/process", product: str | None = "/product", *,
                  expect: Expect = Expect.ACCEPT, progress=(0.25, 0.75)) -> int:
        """A clean process: 202, ready, running with rising progress, terminated, product fetched twice."""
        p = self.accept(monitor, expect=expect)
        self.poll(p, "ready")
        for value in progress:
            self.poll(p, "running", value)
        self.poll(p, "terminated", product=product)
        if product is not None:
            self.product(product, process=p)
            self.product(product, process=p)
        return p


def at(state: str | None = "running", progress: Any = None, product: str | None = None, **kw: Any) -> tuple:
    """One look at a monitor, for :func:`polled` (same arguments as :meth:`LogBuilder.poll`)."""
    return (state, progress, product), kw


def polled(*looks: tuple, pattern: str = "single") -> Log:
    """The most common example: one accepted process, looked at in order."""
    b = LogBuilder(pattern)
    pid = b.accept()
    for args, kw in looks:
        b.poll(pid, *args, **kw)
    return b.log


class ProbeBuilder(LogBuilder):
    """A LogBuilder that also records the idempotence probes (conformance.capabilities) as they do."""

    def role(self, step: Step, role: str) -> Step:
        step.role = role
        return step

    def cancel(self, pid: int, role: str = "first", *, status: int | None = 204, allow: str | None = None,
               body: Any = b"", **kw) -> Step:
        headers = [("Allow", allow)] if allow else []
        step = self.exchange(Kind.CANCEL, "DELETE", self.monitor_of(pid), status=status, body=body, headers=headers,
                             process=pid, scenario="cancel", **kw)
        return self.role(step, role)

    def look(self, kind: Kind, pid: int, role: str, state: str | None = "running", progress: Any = None, *,
             status: int = 200, **kw) -> Step:
        """A probe's own look at a process (not a monitor poll)."""
        body: Any = b""
        if status == 200:
            body = {"state": state, **({"progress": progress} if progress is not None else {})}
        step = self.exchange(kind, "GET", self.monitor_of(pid), status=status, body=body, process=pid, **kw)
        return self.role(step, role)

    def keyed(self, role: str, *, status: int | None = 202, monitor: str | None = "/process",
              key: str | None = "k1", body: Any = DEFAULT, **kw) -> Step:
        if body is DEFAULT:
            body = {"monitor": monitor} if status is not None and 200 <= status < 300 else b""
        request_headers = [("Content-Type", JSON)] + ([("Idempotency-Key", key)] if key else [])
        step = self.exchange(Kind.KEYED, "POST", RESOURCE, status=status, body=body, request_headers=request_headers,
                             request_body=REQUEST_BODY, scenario="idempotency-key", **kw)
        return self.role(step, role)

    def put(self, role: str, url: str = "/process/mine", *, status: int | None = 201, body: Any = DEFAULT,
            **kw) -> Step:
        if body is DEFAULT:
            body = {"monitor": url} if status is not None and 200 <= status < 300 else b""
        step = self.exchange(Kind.PUT, "PUT", url, status=status, body=body, request_headers=[("Content-Type", JSON)],
                             request_body=REQUEST_BODY, scenario="put", **kw)
        return self.role(step, role)
