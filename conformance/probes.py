"""Probes: the requests the scenarios send to learn one thing each.

A HEAD compared with the GET after it, a HEAD over a raw socket, a method the
resource probably does not allow, the product (twice, and early), a malformed
POST, a burst of simultaneous POSTs, a monitor URI never handed out. They are
mixed into :class:`conformance.session.Session` and record through it; none of
them decides anything about the target.
"""

from __future__ import annotations

import secrets
from urllib.parse import urlsplit, urlunsplit

from .model import Ending, State, in_flight
from .observations import Expect, Kind, ProcessRecord, Step


class Probes:
    """Mixed into the session: uses its driver, log, processes and send/poll primitives."""

    async def head_pair(self, url: str, scenario: str, process: int | None, kind: Kind = Kind.POLL) -> None:
        if kind is Kind.POLL and process in self.lost:
            return
        await self.send(Kind.HEAD, "HEAD", url, scenario=scenario, purpose="HEAD, compared with the GET after it",
                        process=process)
        purpose = "GET, compared with the HEAD before it"
        if kind is Kind.POLL:
            step = await self.get_monitor(url, scenario=scenario, purpose=purpose, process=process)
            if not step.ex.ok and process in self.log.processes:
                self._give_up_on(self.log.processes[process], step)
        else:
            step = await self.send(kind, "GET", url, scenario=scenario, purpose=purpose, process=process)
        if kind is Kind.POLL and step.ex.status is not None:
            view = self.log.monitor_view(step)
            if view.state is not None and process is not None and not self.terminated(process):
                self.last_view[process] = view

    async def raw_head(self, url: str, scenario: str, process: int | None) -> None:
        if process in self.lost:
            return
        ex = await self.driver.raw_head(url, purpose="HEAD over a raw socket: is there content after the head?",
                                        process=process)
        self.log.add(Step(Kind.RAW_HEAD, ex, scenario, process))

    async def method_probe(self, method: str, url: str, scenario: str, process: int | None = None) -> None:
        if process in self.lost:
            return
        await self.send(Kind.METHOD, method, url, scenario=scenario, process=process, body=b"{}",
                        purpose=f"{method} is probably not allowed here: expect 405 with Allow")

    def product_url(self, p: ProcessRecord) -> str | None:
        """Where the product of an ended process is: its monitor's link, else (once it succeeded)
        the URI known from the acceptance or the profile's template. Inline products have none."""
        view = self.last_view.get(p.id)
        if view is None or view.state is not State.TERMINATED:
            return None
        if view.product is not None:
            return view.product
        if view.ending is Ending.SUCCEEDED and not view.inline_present:
            return p.product_uri
        return None

    async def products(self, p: ProcessRecord, scenario: str, *, head: bool = False) -> None:
        url = self.product_url(p)
        if url is None:
            return
        for _ in range(2):
            await self.send(Kind.PRODUCT, "GET", url, scenario=scenario, process=p.id,
                            purpose="fetch the product")
        if head:
            await self.head_pair(url, scenario, p.id, kind=Kind.PRODUCT)

    async def early_product(self, p: ProcessRecord, scenario: str, uri: str | None = None) -> None:
        """GET the product's URI while the process is in flight (product/not-before-end), then look at
        the process again, so the check knows it was in flight on both sides of the GET. ``uri``: one named
        by an earlier process (the single pattern's shared product URI), not ``p``'s own; what it serves now
        is that process's product, which no check judges here."""
        view = self.last_view.get(p.id)
        uri = uri or p.product_uri
        if uri is None or p.id in self.lost or view is None or not in_flight(view.state):
            return
        purpose = ("GET the product's URI before the process ended: expect it not ready" if uri == p.product_uri
                   else "GET the URI of the resource's last product while the next process is in flight")
        await self.send(Kind.EARLY, "GET", uri, scenario=scenario, process=p.id, purpose=purpose)
        await self.poll(p, scenario, "look at the process after the early product GET")

    async def malformed(self, scenario: str) -> Step:
        step = await self.send(Kind.MALFORMED, "POST", self.cfg.target_url, scenario=scenario,
                               purpose="POST a body that is not JSON: expect 400/415/422",
                               body=b'{"this is": not json', expect=None, headers=self.post_headers())
        return step

    async def burst(self, scenario: str, expect: Expect | None, *, kind: Kind = Kind.POST,
                    headers: dict[str, str] | None = None, role: str | None = None) -> list[Step]:
        """N simultaneous POSTs; each with its own idempotency key where the target requires keys, all
        with the same ``headers`` when given (the key-concurrent probe)."""
        self.bursts += 1
        key = self.log.profile.idempotency_header
        each = (lambda: {key: self.post_headers()[key]}) if headers is None and key in self.post_headers() else None
        exchanges = await self.driver.burst("POST", self.cfg.target_url, self.cfg.burst_size, body=self.cfg.body,
                                            purpose=f"one of {self.cfg.burst_size} simultaneous POSTs",
                                            headers=headers or self.post_headers(), each=each)
        return [self.log.add(Step(kind, ex, scenario, None, expect, burst=self.bursts, role=role))
                for ex in exchanges]

    def unknown_monitor(self, monitor: str) -> str:
        """The monitor URI with its last path segment replaced by one never handed out (query kept:
        some dialects need it on every request, e.g. Azure's api-version)."""
        parts = urlsplit(monitor)
        base, _, _last = parts.path.rstrip("/").rpartition("/")
        slash = "/" if parts.path.endswith("/") else ""  # /tasks/8f3a/ -> /tasks/conformance-unknown-.../
        path = f"{base}/conformance-unknown-{secrets.token_hex(8)}{slash}"
        return urlunsplit((parts.scheme, parts.netloc, path, parts.query, ""))
