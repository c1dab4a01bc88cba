"""The HTTP driver: a thin layer over httpx that records every exchange as evidence.

Every request has a total time limit (``--request-timeout``, and never beyond
the run's ``--budget``) and every body a size cap (``--max-body-bytes``, counted
on the *decoded* content: the driver decodes gzip/deflate itself, bounded, so a
compression bomb never expands in memory). Redirects are never followed
implicitly: :meth:`Driver.get_following` follows those of a monitor GET,
hop by hop, each hop its own exchange. Nothing is sent to an origin other than
the target's unless the user allowed it (``--allow-origin``), so credentials
given with ``--header`` travel only to those origins.

An exchange has a status only if a response head arrived and its content was
read to the end or to the cap; a connection that fails or times out in the
middle of the content leaves the status empty and says in ``error`` what did
arrive. When the first requests of a run all get no HTTP response at all the
driver raises :class:`TargetUnreachable` and the runner stops early.
"""

from __future__ import annotations

import asyncio
import ssl
import time
import zlib
from contextlib import nullcontext
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import httpx

from .decoding import BoundedDecoder, UnsupportedCoding
from .evidence import Exchange
from .links import origin_text, resolve
from .rawwire import RawWire

USER_AGENT = "async-request-conformance"
#: content codings the driver decodes (and so the only ones it asks for)
ACCEPT_ENCODING = "gzip, deflate"
#: redirect statuses a monitor GET follows (303 is monitor/see-other, handled by the scenarios)
FOLLOWED_REDIRECTS = frozenset({301, 302, 307, 308})
#: the most redirects one monitor GET follows
MAX_REDIRECTS = 5
#: the run stops when this many requests in a row, from the first on, got no HTTP response
EARLY_STOP_AFTER = 2


class TargetUnreachable(Exception):
    """The first requests of the run all failed without any HTTP response."""


@dataclass(frozen=True)
class DriverConfig:
    target_url: str
    headers: tuple[tuple[str, str], ...] = ()
    request_timeout: float = 10.0
    max_body_bytes: int = 1 << 20
    allowed_origins: frozenset[str] = field(default_factory=frozenset)
    #: seconds after the driver's t0 when the run's budget ends (None: no budget)
    budget: float | None = None
    #: the Content-Type of request bodies unless a request says otherwise (the valid POST's)
    body_type: str = "application/json"


def describe(exc: BaseException) -> str:
    """``Type: message`` of an exception, taking the message from its cause when it has none."""
    cause, seen = exc, 0
    while cause is not None and not str(cause) and seen < 5:
        cause, seen = cause.__cause__ or cause.__context__, seen + 1
    if cause is None or not str(cause):
        return type(exc).__name__
    if cause is exc:
        return f"{type(exc).__name__}: {exc}"
    return f"{type(exc).__name__}: {type(cause).__name__}: {cause}"


class Driver(RawWire):
    def __init__(self, config: DriverConfig, t0: float | None = None):
        self.config = config
        self.t0 = time.monotonic() if t0 is None else t0
        self.exchanges: list[Exchange] = []
        self._origins = {origin_text(config.target_url)} | {origin_text(o) for o in config.allowed_origins}
        self.answered = 0  # exchanges that got an HTTP response head
        self.unanswered = 0  # exchanges sent that got none
        #: set while the state machine runs beside the scenarios (conformance.gate.Gate)
        self.gate = None
        self._client = httpx.AsyncClient(
            follow_redirects=False,
            trust_env=False,
            timeout=httpx.Timeout(config.request_timeout),
            headers={"User-Agent": USER_AGENT, "Accept-Encoding": ACCEPT_ENCODING},
            limits=httpx.Limits(max_connections=64, max_keepalive_connections=16),
        )

    async def aclose(self) -> None:
        await self._client.aclose()

    def now(self) -> float:
        return time.monotonic() - self.t0

    def allowed(self, url: str) -> bool:
        try:
            return urlsplit(url).scheme.lower() in ("http", "https") and origin_text(url) in self._origins
        except ValueError:  # e.g. an invalid IPv6 literal or a port out of range in a server's link
            return False

    @staticmethod
    def refusal(url: str) -> str:
        """Why the suite does not send to ``url`` and, for another origin, how to allow it."""
        try:
            where = origin_text(url)
            scheme = urlsplit(url).scheme.lower()
        except ValueError:
            return f"{url!r} is not a usable http(s) URL"
        if scheme not in ("http", "https"):
            return f"{url!r} is not an http(s) URL"
        return f"{where} is not the target's origin (pass --allow-origin {where} to follow it)"

    def _timeout(self, bound: float | None = None) -> float:
        """The time the next request may take: the request timeout, within the run's budget (and within
        ``bound``, a caller's own limit such as what is left of a process's deadline)."""
        limit = self.config.request_timeout if bound is None else min(self.config.request_timeout, bound)
        if self.config.budget is None:
            return limit
        return max(0.0, min(limit, self.config.budget - self.now()))

    def _timeout_text(self, timeout: float, bound: float | None = None) -> str:
        if bound is not None and timeout >= bound - 1e-9 and bound < self.config.request_timeout:
            return f"no complete response within {timeout:.3g} s (what was left of the process's or the phase's deadline, --deadline)"
        if timeout < self.config.request_timeout:
            return f"no complete response before the run's time budget (--budget {self.config.budget:g} s) ran out"
        return f"no complete response within {self.config.request_timeout:g} s (--request-timeout)"

    def _why_not(self, url: str) -> str | None:
        """Why a request to ``url`` may not be sent now (another origin, budget spent), or None."""
        if not self.allowed(url):
            return f"not sent, the link was not followed: {self.refusal(url)}"
        if self._timeout() <= 0:
            return f"not sent: the run's time budget (--budget {self.config.budget:g} s) was spent"
        return None

    def _not_sent(self, ex: Exchange) -> Exchange | None:
        """Record a refused request as such and return it; None when it may be sent."""
        why = self._why_not(ex.url)
        if why is None:
            return None
        ex.error = why
        ex.ended = ex.started
        return ex

    def _settle(self, exchanges: list[Exchange]) -> None:
        """Count answered and unanswered exchanges; stop the run if the target never answered."""
        for ex in exchanges:
            if ex.status is not None or ex.error is None or ex.error.startswith("not sent"):
                self.answered += ex.status is not None
                continue
            if "(the head arrived" in ex.error:
                self.answered += 1
            else:
                self.unanswered += 1
        if self.answered == 0 and self.unanswered >= EARLY_STOP_AFTER:
            first = next(ex for ex in self.exchanges if ex.error and not ex.error.startswith("not sent"))
            raise TargetUnreachable(
                f"the target never answered over HTTP: the first {self.unanswered} requests got no response "
                f"(first: {first.error}); the run stopped early. Is a server running at {self.config.target_url}?"
            )

    def _new(self, method: str, url: str, headers: list[tuple[str, str]], body: bytes | None, purpose: str,
             process: int | None) -> Exchange:
        ex = Exchange(
            seq=len(self.exchanges) + 1, method=method, url=url, request_headers=headers,
            request_body=body, purpose=purpose, started=self.now(), process=process,
        )
        self.exchanges.append(ex)
        return ex

    def _headers(self, extra: dict[str, str | None] | None, body: bytes | None) -> list[tuple[str, str]]:
        headers = [("User-Agent", USER_AGENT)]
        if body is not None:
            headers.append(("Content-Type", self.config.body_type))
        for key, value in (extra or {}).items():  # a value of None leaves the header out
            headers = [(k, v) for k, v in headers if k.lower() != key.lower()]
            headers += [(key, value)] if value is not None else []
        headers += list(self.config.headers)
        return headers

    async def request(self, method: str, url: str, *, purpose: str, body: bytes | None = None,
                      headers: dict[str, str | None] | None = None, process: int | None = None,
                      timeout: float | None = None) -> Exchange:
        """One request; ``timeout`` bounds it further than --request-timeout (never beyond)."""
        async with self._gated(method):
            return await self._request(method, url, purpose=purpose, body=body, headers=headers,
                                       process=process, timeout=timeout)

    async def burst(self, method: str, url: str, n: int, **kwargs) -> list[Exchange]:
        async with self._gated(method):
            return await super().burst(method, url, n, **kwargs)

    def _gated(self, method: str):
        """Where the state machine runs beside the scenarios (``self.gate`` set), a request that may change
        the target waits for the machine's open bracket (conformance.gate)."""
        return self.gate.write(method) if self.gate is not None else nullcontext()

    async def _request(self, method: str, url: str, *, purpose: str, body: bytes | None,
                       headers: dict[str, str | None] | None, process: int | None,
                       timeout: float | None) -> Exchange:
        hdrs = self._headers(headers, body)
        ex = self._new(method, url, hdrs, body, purpose, process)
        if self._not_sent(ex):
            return ex
        bound, timeout = timeout, self._timeout(timeout)
        head: dict = {}
        try:
            await asyncio.wait_for(self._send(ex, hdrs, head), timeout=timeout)
        except asyncio.TimeoutError:
            ex.error = self._timeout_text(timeout, bound)
        except (httpx.HTTPError, OSError, ssl.SSLError, ValueError) as exc:
            ex.error = describe(exc)
        if ex.status is None and head:  # failed in the middle of the content: not a response
            ex.response_headers = head["headers"]
            ex.error += (f" (the head arrived: status {head['status']}, then {head['received']} bytes of "
                         "content before the failure)")
        ex.ended = self.now()
        self._settle([ex])
        return ex

    async def _send(self, ex: Exchange, headers: list[tuple[str, str]], head: dict) -> None:
        req = self._client.build_request(ex.method, ex.url, headers=headers, content=ex.request_body)
        resp = await self._client.send(req, stream=True)
        try:
            response_headers = [(k.decode("latin-1"), v.decode("latin-1")) for k, v in resp.headers.raw]
            head.update(status=resp.status_code, headers=response_headers, received=0)
            cap = self.config.max_body_bytes
            body = bytearray()
            error = None
            try:
                decoder = BoundedDecoder(resp.headers.get_list("content-encoding"))
            except UnsupportedCoding as exc:
                decoder = BoundedDecoder([])
                error = (f"content-coding {str(exc)!r} is not one the suite decodes (it asks for "
                         f"{ACCEPT_ENCODING}); the content is kept as received")
            async for chunk in resp.aiter_raw():
                head["received"] += len(chunk)
                try:
                    data, more = decoder.decode(chunk, cap - len(body) + 1)
                except zlib.error as exc:
                    error = f"the content could not be decoded ({', '.join(decoder.codings)}): {exc}"
                    break
                body += data
                if len(body) > cap or more:
                    del body[cap:]
                    ex.truncated = True
                    decoded = " once decoded" if decoder.codings else ""
                    error = (f"body larger than the cap of {cap} bytes{decoded} (--max-body-bytes); "
                             "reading stopped")
                    break
            ex.response_body = bytes(body)
            ex.response_headers = response_headers
            ex.error = error
            ex.status = resp.status_code
        finally:
            await resp.aclose()

    async def get_following(self, url: str, *, purpose: str, process: int | None = None,
                            timeout: float | None = None) -> Exchange:
        """GET ``url``, following 301/302/307/308 for at most MAX_REDIRECTS hops within allowed origins.

        Every hop is its own exchange; the last one is returned. A loop, too long a
        chain, or a redirect to an origin that is not allowed ends the walk at the
        redirect response, with ``error`` saying why it was not followed.
        """
        visited = [url]
        ex = await self.request("GET", url, purpose=purpose, process=process, timeout=timeout)
        while ex.status in FOLLOWED_REDIRECTS and ex.error is None:
            location = ex.header("location")
            if not location:
                ex.error = f"redirect {ex.status} without a Location header"
                break
            nxt = resolve(ex.url, location)
            chain = " -> ".join(visited + [nxt])
            if nxt in visited:
                ex.error = f"redirect loop: {nxt} was already visited ({chain})"
                break
            if len(visited) > MAX_REDIRECTS:
                ex.error = f"more than {MAX_REDIRECTS} redirects; the suite stopped following ({chain})"
                break
            if not self.allowed(nxt):
                ex.error = f"redirect not followed: {self.refusal(nxt)}"
                break
            visited.append(nxt)
            ex = await self.request("GET", nxt, purpose=f"{purpose} (redirect {len(visited) - 1})",
                                    process=process, timeout=timeout)
        return ex
