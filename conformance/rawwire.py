"""Raw-socket probes: what httpx rightly will not do, the suite does over plain sockets.

Two jobs of the driver live here: a HEAD that keeps any bytes the server sends
after the header section (safety/head-no-content), and a burst of N requests
released together (single/race-one-winner, multi/distinct-monitors). Both record
exchanges through the driver like any other request and keep its limits: the
request timeout, the run's budget, the body cap and the allowed origins.
"""

from __future__ import annotations

import asyncio
import ssl
from urllib.parse import urlsplit
from typing import Callable

import h11

from .evidence import Exchange


class RawWire:
    """Mixed into :class:`conformance.driver.Driver`, whose bookkeeping it uses."""

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
        if self._not_sent(ex):
            return ex
        timeout = self._timeout()
        try:
            await asyncio.wait_for(self._raw_head(ex, url, hdrs), timeout=timeout)
        except asyncio.TimeoutError:
            ex.error = self._timeout_text(timeout)
        except (OSError, ssl.SSLError, ValueError) as exc:
            ex.error = f"{type(exc).__name__}: {exc}"
        ex.ended = self.now()
        self._settle([ex])
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
                    headers: dict[str, str] | None = None,
                    each: Callable[[], dict[str, str]] | None = None) -> list[Exchange]:
        """Send N identical requests so that they reach the server at the same moment.

        Each request goes on its own connection; everything but the last byte is
        written first, then the last bytes of all N are written back to back, so
        the server sees N complete requests within a fraction of a millisecond.
        ``each`` gives per-request headers (e.g. a distinct idempotency key for each).
        """
        hdrs = self._headers(headers, body)
        per = [self._headers({**(headers or {}), **each()}, body) for _ in range(n)] if each else [hdrs] * n
        raws = [self._request_bytes(method, url, h, body) for h in per]
        if self._why_not(url) is not None:
            return [self._not_sent(self._new(method, url, hdrs, body, purpose, None))]
        conns = []
        try:
            for _ in range(n):
                conns.append(await asyncio.wait_for(self._open(url), max(0.0, self._timeout())))
            for (_reader, writer), raw in zip(conns, raws):
                writer.write(raw[:-1])
            await asyncio.gather(*(w.drain() for _r, w in conns))
            exchanges = [self._new(method, url, h, body, purpose, None) for h, _ in zip(per, conns)]
            for (_reader, writer), raw in zip(conns, raws):
                writer.write(raw[-1:])
            timeout = self._timeout()
            results = await asyncio.gather(
                *(asyncio.wait_for(self._read_response(r, ex), timeout) for (r, _w), ex in zip(conns, exchanges)),
                return_exceptions=True,
            )
            for ex, result in zip(exchanges, results):
                if isinstance(result, BaseException):
                    ex.error = (self._timeout_text(timeout) if isinstance(result, asyncio.TimeoutError)
                                else f"{type(result).__name__}: {result}")
                    if ex.status is not None:  # failed in the middle of the content: not a response
                        ex.error += f" (the head arrived: status {ex.status}, then the content failed)"
                        ex.status = None
                ex.ended = self.now()
        except (OSError, asyncio.TimeoutError) as exc:
            ex = self._new(method, url, hdrs, body, purpose, None)
            ex.error = f"could not open {n} connections for a burst: {type(exc).__name__}: {exc}"
            ex.ended = self.now()
            exchanges = [ex]
        finally:
            for _reader, writer in conns:
                writer.close()
        self._settle(exchanges)
        return exchanges

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
