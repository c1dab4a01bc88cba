"""What the state machine exercised: request kinds x the states they were sent in (the report's coverage table).

A request is recorded against the state it was sent in: for a request about one process, the model state last
observed for it (ready, running in the first or the second half of its duration, just or long terminated); for a
request on the resource, whether the suite last saw a process of its own in flight (idle, busy). A look at a
process in flight (GET or HEAD of its monitor) counts only if the process is still seen in flight after it (the
GET's own answer, the GET after the HEAD): one that shows it over may have come after the end. Which pairs exist
depends only on the profile.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .model import ending_of
from .observations import Log

POST, MALFORMED, BURST = "post", "malformed-post", "burst"
GET_MONITOR, HEAD_MONITOR, GET_PRODUCT, HEAD_PRODUCT, CANCEL = (
    "get-monitor", "head-monitor", "get-product", "head-product", "cancel")
RESOURCE_KINDS = (POST, MALFORMED, BURST)
PROCESS_KINDS = (GET_MONITOR, HEAD_MONITOR, GET_PRODUCT, HEAD_PRODUCT, CANCEL)
IDLE, BUSY = "idle", "busy"
#: single pattern, where the profile has a cancel: the resource idle because the suite cancelled its process
FREED = "idle, after a cancel"
READY, EARLY, LATE = "ready", "running, first half", "running, second half"
JUST_ENDED, LONG_ENDED = "just terminated", "long terminated"
#: multi pattern: a process long terminated while another process of the suite is in flight (requests about one
#: process must not depend on the others: multi/independent, product/stable)
BESIDE = "long terminated, another in flight"
#: in the order a process passes through them (a process in one can reach the later ones by waiting)
PROCESS_STATES = (READY, EARLY, LATE, JUST_ENDED, LONG_ENDED, BESIDE)
ENDED = (JUST_ENDED, LONG_ENDED, BESIDE)
IN_FLIGHT = (READY, EARLY, LATE)
RESOURCE_STATES = (IDLE, BUSY, FREED)


def resource_product_uri(log: Log) -> str | None:
    """Single pattern: the one URI the resource keeps its products at, where two processes or more were seen
    linking their products there (the seed's single pattern: ``/product``), so known before the next process
    ends; else None (the multi pattern, or a product URI per process)."""
    if log.pattern != "single":
        return None
    links: dict[str, set[int]] = {}
    for pid in log.processes:
        for link in {v.product for _s, v in log.states(pid) if v.product is not None}:
            links.setdefault(link, set()).add(pid)
    shared = [link for link, pids in links.items() if len(pids) > 1]
    return shared[-1] if shared else None


def possible_pairs(log: Log, cancel: bool = True) -> list[tuple[str, str]]:
    """The (request kind, state) pairs the machine can reach against this profile: product requests
    before the end only where the product's URI is known early (and then only GET: from the acceptance or
    the profile's template, or in the single pattern the URI the resource's last product had), after it only
    where the product is not inline in the monitor (an inline one is read with the monitor); the cancel only
    where the profile has one (and ``cancel``: the machine cancels); the ready state only where the profile has
    a word for it."""
    profile = log.profile
    cancel = cancel and profile.cancel is not None
    early = profile.product_uri_early or resource_product_uri(log) is not None
    freed = log.pattern == "single" and cancel
    # a dialect without a word for "ready" (Google's done: false) shows every process in flight as running
    ready = READY in {ending_of(word)[0].value for word in profile.states.values()}
    pairs = [(k, s) for k in RESOURCE_KINDS for s in RESOURCE_STATES if s != FREED or freed]
    for kind in PROCESS_KINDS:
        if kind == CANCEL and not cancel:
            continue
        for state in PROCESS_STATES:
            if state == BESIDE and log.pattern != "multi" or state == READY and not ready:
                continue
            if kind in (GET_PRODUCT, HEAD_PRODUCT):
                if state in IN_FLIGHT and (kind == HEAD_PRODUCT or not early):
                    continue
                if state not in IN_FLIGHT and profile.inline_product:
                    continue
            pairs.append((kind, state))
    return pairs


def end_estimate(first_over: float, in_flight_at: list[float], accepted_at: float | None, duration: float) -> float:
    """When a process ended, for telling "just" from "long" terminated: the first look that showed it over
    (``first_over``); but where the last look before it that showed it in flight (``in_flight_at``) came long
    before, its acceptance plus the ``duration`` seen, never before that look. A process first seen over long
    after its end is not "just terminated" (say one accepted before the scenarios and not looked at since)."""
    if accepted_at is None:
        return first_over
    last = max((t for t in in_flight_at if t <= first_over), default=accepted_at)
    return max(last, min(first_over, accepted_at + duration))


@dataclass
class Coverage:
    """Which (kind, state) pairs were exercised, how often, and in which example first."""

    counts: dict[tuple[str, str], int] = field(default_factory=dict)
    first: dict[tuple[str, str], int] = field(default_factory=dict)
    example: int = 0
    #: whether the machine cancels (the cancel pairs are possible)
    cancel: bool = True
    #: pairs a coverage-directed step went for (reached or not: the target may have moved on meanwhile), with
    #: how often they had been exercised then
    tried: dict[tuple[str, str], int] = field(default_factory=dict)

    def next_pairs(self, possible: list[tuple[str, str]]) -> list[tuple[str, str]]:
        """The pairs a coverage-directed step may go for: those exercised least often so far (first the ones not
        exercised yet, then round after round), leaving out those already gone for in this round."""
        fewest = min(self.counts.get(pair, 0) for pair in possible)
        least = [pair for pair in possible if self.counts.get(pair, 0) == fewest]
        return [pair for pair in least if self.tried.get(pair) != fewest] or least

    def add(self, kind: str, state: str) -> None:
        key = (kind, state)
        self.counts[key] = self.counts.get(key, 0) + 1
        self.first.setdefault(key, self.example)

    def withdraw(self, kind: str, state: str) -> None:
        """Take back one :meth:`add`: the request was not sent in that state after all."""
        key = (kind, state)
        self.counts[key] -= 1
        if not self.counts[key]:
            del self.counts[key]
            self.first.pop(key, None)

    def as_dict(self, log: Log) -> dict:
        possible = possible_pairs(log, self.cancel)
        pairs = [{"kind": k, "state": s, "count": self.counts.get((k, s), 0), "first_example": self.first.get((k, s))}
                 for k, s in possible]
        reached = [p for p in pairs if p["count"]]
        firsts = [p["first_example"] for p in reached]
        return {
            "kinds": list(dict.fromkeys(k for k, _s in possible)),
            "states": list(dict.fromkeys(s for _k, s in possible)),
            "pairs": pairs,
            "reached": len(reached),
            "possible": len(possible),
            "examples": self.example,
            # how many examples it took to reach every pair (None: not all were reached)
            "all_reached_after": max(firsts) if firsts and len(reached) == len(possible) else None,
        }
