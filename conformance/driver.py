"""The HTTP driver: a thin layer over httpx that records every exchange as evidence.

Every request has a total time limit and every body a size cap; redirects are
never followed implicitly (the scenarios decide), and nothing is sent to an
origin other than the target's unless the user allowed it. Credentials given
by the user travel only with those requests.
"""

from __future__ import annotations

import asyncio
import ssl
import time
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import h11
import httpx

from .evidence import Exchange
from .links import origin_text

USER_AGENT = "async-request-conformance"


@dataclass(frozen=True)
class DriverConfig:
    target_url: str
    headers: tuple[tuple[str, str], ...] = ()
    request_timeout: float = 10.0
    max_body_bytes: int = 1 << 20
    allowed_origins: frozenset[str] = field(default_factory=frozenset)


class Driver:
    def __init__(self, config: DriverConfig, t0: float | None = None):
        self.config = config
        self.t0 = time.monotonic() if t0 is None else t0
        self.exchanges: list[Exchange] = []
        self._origins = {origin_text(config.target_url)} | {origin_text(o) for o in config.allowed_origins}
        self._client = httpx.AsyncClient(
            follow_redirects=False,
            trust_env=False,
            timeout=httpx.Timeout(config.request_timeout),
            headers={"User-Agent": USER_AGENT},
            limits=httpx.Limits(max_connections=64, max_keepalive_connections=16),
        )

    async def aclose(self) -> None:
        await self._client.aclose()

    def now(self) -> float:
        return time.monotonic() - self.t0

    def allowed(self, url: str) -> bool:
        scheme = urlsplit(url).scheme.lower()
        return scheme in ("http", "https") and origin_text(url) in self._origins

    def _new(self, method: str, url: str, headers: list[tuple[str, str]], body: bytes | None, purpose: str,
             process: int | None) -> Exchange:
        ex = Exchange(
            seq=len(self.exchanges) + 1, method=method, url=url, request_headers=headers,
            request_body=body, purpose=purpose, started=self.now(), process=process,
        )
        self.exchanges.append(ex)
        return ex

    def _headers(self, extra: dict[str, str] | None, body: bytes | None) -> list[tuple[str, str]]:
        headers = [("User-Agent", USER_AGENT)]
        if body is not None:
            headers.append(("Content-Type", "application/json"))
        for key, value in (extra or {}).items():
            headers = [(k, v) for k, v in headers if k.lower() != key.lower()] + [(key, value)]
        headers += list(self.config.headers)
        return headers

    async def request(self, method: str, url: str, *, purpose: str, body: bytes | None = None,
                      headers: dict[str, str] | None = None, process: int | None = None) -> Exchange:
        hdrs = self._headers(headers, body)
        ex = self._new(method, url, hdrs, body, purpose, process)
        if not self.allowed(url):
            ex.error = (f"not sent: {origin_text(url)} is not the target's origin "
                        f"(pass --allow-origin {origin_text(url)} to follow it)")
            ex.ended = ex.started
            return ex
        try:
            await asyncio.wait_for(self._send(ex, hdrs), timeout=self.config.request_timeout)
        except asyncio.TimeoutError:
            ex.error = f"no complete response within {self.config.request_timeout:g} s"
        except httpx.HTTPError as exc:
            ex.error = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
        except (OSError, ssl.SSLError, ValueError) as exc:
            ex.error = f"{type(exc).__name__}: {exc}"
        ex.ended = self.now()
        return ex

    async def _send(self, ex: Exchange, headers: list[tuple[str, str]]) -> None:
        req = self._client.build_request(ex.method, ex.url, headers=headers, content=ex.request_body)
        resp = await self._client.send(req, stream=True)
        try:
            ex.status = resp.status_code
            ex.response_headers = [(k.decode("latin-1"), v.decode("latin-1")) for k, v in resp.headers.raw]
            cap = self.config.max_body_bytes
            chunks, size = [], 0
            async for chunk in resp.aiter_bytes():
                size += len(chunk)
                if size > cap:
                    chunks.append(chunk[: max(0, cap - (size - len(chunk)))])
                    ex.truncated = True
                    ex.error = f"body larger than the cap of {cap} bytes (--max-body-bytes); reading stopped"
                    break
                chunks.append(chunk)
            ex.response_body = b"".join(chunks)
        finally:
            await resp.aclose()

    # -- raw socket probes ----------------------------------------------------
    async def _open(self, url: str):
        parts = urlsplit(url)
        secure = parts.scheme == "https"
        port = parts.port or (443 if secure else 80)
        ctx = ssl.create_default_context() if secure else None
        return await asyncio.open_connection(parts.hostname, port, ssl=ctx,
                                             server_hostname=parts.hostname if secure else None)

    def _request_bytes(self, method: str, url: str, headers: list[tuple[str, str]], body: bytes | None) -> bytes:
        parts = urlsplit(url)
        target = parts.path or "/"
        if parts.query:
            target += "?" + parts.query
        lines = [f"{method} {target} HTTP/1.1", f"Host: {parts.netloc}"]
        lines += [f"{k}: {v}" for k, v in headers]
        if body is not None:
            lines.append(f"Content-Length: {len(body)}")
        lines.append("Connection: close")
        return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + (body or b"")

    async def raw_head(self, url: str, *, purpose: str, process: int | None = None) -> Exchange:
        """HEAD over a plain socket, keeping any bytes the server sends after the header section.

        httpx (rightly) never reads content after a HEAD response, so this is the only
        way to see a server that sends some.
        """
        hdrs = self._headers(None, None)
        ex = self._new("HEAD", url, hdrs, None, purpose, process)
        if not self.allowed(url):
            ex.error = f"not sent: {origin_text(url)} is not the target's origin"
            ex.ended = ex.started
            return ex
        try:
            await asyncio.wait_for(self._raw_head(ex, url, hdrs), timeout=self.config.request_timeout)
        except asyncio.TimeoutError:
            ex.error = f"no complete response within {self.config.request_timeout:g} s"
        except (OSError, ssl.SSLError, ValueError) as exc:
            ex.error = f"{type(exc).__name__}: {exc}"
        ex.ended = self.now()
        return ex

    async def _raw_head(self, ex: Exchange, url: str, hdrs: list[tuple[str, str]]) -> None:
        reader, writer = await self._open(url)
        try:
            writer.write(self._request_bytes("HEAD", url, hdrs, None))
            await writer.drain()
            data = b""
            cap = self.config.max_body_bytes
            while len(data) <= cap:
                chunk = await reader.read(65536)
                if not chunk:
                    break
                data += chunk
            head, sep, rest = data.partition(b"\r\n\r\n")
            if not sep:
                raise ValueError("no complete HTTP header section in the HEAD response")
            lines = head.decode("latin-1").split("\r\n")
            status_parts = lines[0].split(" ", 2)
            if len(status_parts) < 2 or not status_parts[0].startswith("HTTP/") or not status_parts[1].isdigit():
                raise ValueError(f"not an HTTP status line: {lines[0][:80]!r}")
            ex.status = int(status_parts[1])
            ex.response_headers = [
                (k.strip(), v.strip()) for k, _, v in (line.partition(":") for line in lines[1:]) if k
            ]
            ex.response_body = rest[:cap]
            ex.truncated = len(rest) > cap
        finally:
            writer.close()

    async def burst(self, method: str, url: str, n: int, *, body: bytes | None, purpose: str,
                    headers: dict[str, str] | None = None) -> list[Exchange]:
        """Send N identical requests so that they reach the server at the same moment.

        Each request goes on its own connection; everything but the last byte is
        written first, then the last bytes of all N are written back to back, so
        the server sees N complete requests within a fraction of a millisecond.
        """
        hdrs = self._headers(headers, body)
        raw = self._request_bytes(method, url, hdrs, body)
        if not self.allowed(url):
            ex = self._new(method, url, hdrs, body, purpose, None)
            ex.error = f"not sent: {origin_text(url)} is not the target's origin"
            return [ex]
        conns = []
        try:
            for _ in range(n):
                conns.append(await asyncio.wait_for(self._open(url), self.config.request_timeout))
            for _reader, writer in conns:
                writer.write(raw[:-1])
            await asyncio.gather(*(w.drain() for _r, w in conns))
            exchanges = [self._new(method, url, hdrs, body, purpose, None) for _ in conns]
            for _reader, writer in conns:
                writer.write(raw[-1:])
            results = await asyncio.gather(
                *(asyncio.wait_for(self._read_response(r, ex), self.config.request_timeout)
                  for (r, _w), ex in zip(conns, exchanges)),
                return_exceptions=True,
            )
            for ex, result in zip(exchanges, results):
                if isinstance(result, BaseException):
                    ex.error = (f"no complete response within {self.config.request_timeout:g} s"
                                if isinstance(result, asyncio.TimeoutError) else f"{type(result).__name__}: {result}")
                ex.ended = self.now()
            return exchanges
        except (OSError, asyncio.TimeoutError) as exc:
            ex = self._new(method, url, hdrs, body, purpose, None)
            ex.error = f"could not open {n} connections for a burst: {type(exc).__name__}: {exc}"
            ex.ended = self.now()
            return [ex]
        finally:
            for _reader, writer in conns:
                writer.close()

    async def _read_response(self, reader: asyncio.StreamReader, ex: Exchange) -> None:
        conn = h11.Connection(h11.CLIENT)
        # h11 must know what it is answering: replay the request through it without sending.
        conn.send(h11.Request(method=ex.method, target="/", headers=[("Host", "x")] + [
            (k, v) for k, v in ex.request_headers if k.lower() != "host"
        ] + ([("Content-Length", str(len(ex.request_body)))] if ex.request_body is not None else [])))
        if ex.request_body is not None:
            conn.send(h11.Data(data=ex.request_body))
        conn.send(h11.EndOfMessage())
        body = bytearray()
        cap = self.config.max_body_bytes
        while True:
            event = conn.next_event()
            if event is h11.NEED_DATA:
                conn.receive_data(await reader.read(65536))
                continue
            if isinstance(event, h11.Response):
                ex.status = event.status_code
                ex.response_headers = [(k.decode("latin-1"), v.decode("latin-1")) for k, v in event.headers]
            elif isinstance(event, h11.Data):
                body += event.data
                if len(body) > cap:
                    ex.truncated = True
                    ex.error = f"body larger than the cap of {cap} bytes"
                    break
            elif isinstance(event, (h11.EndOfMessage, h11.ConnectionClosed)):
                break
        ex.response_body = bytes(body[:cap])
