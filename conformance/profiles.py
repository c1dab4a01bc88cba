"""Profiles: the wire format as data.

A profile says how a dialect expresses the one model the suite judges:
which status means 'accepted', where the monitor link is, which members hold
state, progress and product, and how the dialect's state names map onto
ready / running / terminated. Requirement IDs never change per profile.

Only the seed profile is bundled now; the shapes below are chosen so that
OGC API - Processes (201 + Location, statuses accepted/running/successful/
failed/dismissed, progress 0-100, a ``results`` link), Azure LRO
(Operation-Location header, status NotStarted/Running/Succeeded/...) and
Google AIP-151 (``done`` boolean, ``metadata``) fit as data.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from enum import Enum
from typing import Any, Mapping

from . import schemas
from .evidence import Exchange
from .links import resolve


class State(str, Enum):
    READY = "ready"
    RUNNING = "running"
    TERMINATED = "terminated"


RANK = {State.READY: 0, State.RUNNING: 1, State.TERMINATED: 2}


@dataclass(frozen=True)
class LinkAt:
    """Where a link lives: a body member (dotted path), a header, or a link relation in a ``links`` array."""

    kind: str  # "member" | "header" | "link-rel"
    name: str

    def find(self, body: Any, ex: Exchange) -> str | None:
        if self.kind == "header":
            return ex.header(self.name)
        if self.kind == "member":
            node = body
            for part in self.name.split("."):
                if not isinstance(node, dict) or part not in node:
                    return None
                node = node[part]
            return node if isinstance(node, str) and node else None
        if self.kind == "link-rel" and isinstance(body, dict):
            for link in body.get("links") or []:
                if isinstance(link, dict) and link.get("rel") == self.name and isinstance(link.get("href"), str):
                    return link["href"]
        return None


@dataclass(frozen=True)
class Profile:
    name: str
    description: str
    accept_statuses: frozenset[int]
    monitor_link: LinkAt
    accept_schema: str
    monitor_schema: str
    monitor_statuses: frozenset[int]
    state_member: str
    states: Mapping[str, State]
    progress_member: str | None
    progress_scale: float
    product_link: LinkAt
    conflict_status: int = 409
    problem_schema: str = "problem.schema.json"
    extra: Mapping[str, Any] = field(default_factory=dict)


SEED = Profile(
    name="seed",
    description="The default wire format: 202 with {'monitor': ...}, monitor {'state', 'progress', 'product'}.",
    accept_statuses=frozenset({202}),
    monitor_link=LinkAt("member", "monitor"),
    accept_schema="accept.schema.json",
    monitor_schema="monitor.schema.json",
    monitor_statuses=frozenset({200}),
    state_member="state",
    states={"ready": State.READY, "running": State.RUNNING, "terminated": State.TERMINATED},
    progress_member="progress",
    progress_scale=1.0,
    product_link=LinkAt("member", "product"),
)

PROFILES: dict[str, Profile] = {SEED.name: SEED}


def parse_json(body: bytes) -> tuple[Any, str | None]:
    """Decode a body as JSON whatever its label; (value, None) or (None, reason)."""
    if not body:
        return None, "empty body"
    try:
        return json.loads(body), None
    except (ValueError, UnicodeDecodeError) as exc:
        return None, f"not JSON: {exc}"


@dataclass(frozen=True)
class AcceptView:
    """What an accepting response says, read through a profile."""

    body: Any
    problems: tuple[str, ...]  # schema violations or parse failure
    monitor: str | None  # resolved absolute URL
    location: str | None  # resolved Location
    content_location: str | None


@dataclass(frozen=True)
class MonitorView:
    """One monitor observation, read through a profile."""

    status: int | None
    body: Any
    problems: tuple[str, ...]
    raw_state: Any
    state: State | None
    progress: float | None  # normalised to [0, 1] by the profile's scale; None when absent, not a number or out of range
    progress_present: bool
    product: str | None  # resolved absolute URL
    see_other: bool = False


def read_accept(profile: Profile, ex: Exchange) -> AcceptView:
    body, why = parse_json(ex.response_body)
    problems: list[str] = [why] if why else schemas.errors(profile.accept_schema, body)
    if ex.error:  # e.g. the body was over the cap and cut: say so before what the cut body looks like
        problems.insert(0, ex.error)
    link = profile.monitor_link.find(body, ex)
    monitor = resolve(ex.url, link) if link else None
    loc = ex.header("location")
    cloc = ex.header("content-location")
    return AcceptView(
        body=body,
        problems=tuple(problems),
        monitor=monitor,
        location=resolve(ex.url, loc) if loc else None,
        content_location=resolve(ex.url, cloc) if cloc else None,
    )


def read_monitor(profile: Profile, ex: Exchange) -> MonitorView:
    if ex.status == 303:
        loc = ex.header("location")
        return MonitorView(
            status=303, body=None, problems=(), raw_state=None, state=State.TERMINATED,
            progress=None, progress_present=False,
            product=resolve(ex.url, loc) if loc else None, see_other=True,
        )
    body, why = parse_json(ex.response_body)
    problems: list[str] = [why] if why else schemas.errors(profile.monitor_schema, body)
    if ex.error:  # e.g. the body was over the cap and cut: say so before what the cut body looks like
        problems.insert(0, ex.error)
    raw_state = body.get(profile.state_member) if isinstance(body, dict) else None
    state = profile.states.get(raw_state) if isinstance(raw_state, str) else None
    progress = None
    present = False
    if profile.progress_member and isinstance(body, dict) and profile.progress_member in body:
        present = True
        value = body[profile.progress_member]
        if isinstance(value, (int, float)) and not isinstance(value, bool) and 0 <= value <= profile.progress_scale:
            progress = float(value) / profile.progress_scale
    link = profile.product_link.find(body, ex)
    return MonitorView(
        status=ex.status, body=body, problems=tuple(problems), raw_state=raw_state, state=state,
        progress=progress, progress_present=present,
        product=resolve(ex.url, link) if link else None,
    )
