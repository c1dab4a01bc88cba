"""multi/ - many processes side by side."""

from __future__ import annotations

import re
from collections import defaultdict
from urllib.parse import urlsplit

from ..observations import Expect, Log, blamed_on_others
from ..outcomes import Level
from . import MULTI, Finding, ok, requirement, unseen, violated

BACK_PRESSURE = (429, 503)


@requirement(
    "multi/accept-all", Level.MUST,
    statement="Every valid POST is accepted while other processes are in flight, never answered 409. "
    "Back-pressure is 429 or 503 with Retry-After, which the suite waits out and retries.",
    rationale="The multi pattern promises independent processes; refusing because others exist is the single "
    "pattern's behaviour, and a client written for multi would give up.",
    source="Requirement catalog, multi pattern; RFC 6585 section 4 (429); RFC 9110 section 15.6.4 (503)",
    patterns=MULTI,
)
def accept_all(log: Log) -> Finding:
    # a POST with an unknown Prefer token is judged against plain ones by accept/prefer-tolerant
    posts = [s for s in log.posts() if s.expect is not Expect.PREFER]
    if not posts:
        return unseen("no POST was sent")
    bad = []
    for s in posts:
        status = s.ex.status
        if status is not None and 200 <= status < 300:
            continue
        if status in BACK_PRESSURE and s.ex.header("retry-after") is not None:
            continue
        bad.append(s)
    if bad:
        return violated(
            f"{len(bad)} of {len(posts)} valid POSTs were not accepted",
            expected="2xx (or 429/503 with Retry-After)", observed=bad[0].ex.summary(),
            evidence=[s.seq for s in bad],
        )
    return ok(f"all {len(posts)} valid POSTs were accepted")


@requirement(
    "multi/distinct-monitors", Level.MUST,
    statement="Every acceptance names a monitor URI that no other live process has, also when N POSTs "
    "arrive at the same moment.",
    rationale="Two processes behind one monitor means one client reads another's status and product.",
    source="Requirement catalog, multi pattern",
    patterns=MULTI,
)
def distinct_monitors(log: Log) -> Finding:
    owners = defaultdict(list)
    for s in log.accepted_posts():
        monitor = log.accept_view(s).monitor
        if monitor:
            owners[monitor].append(s)
    total = sum(len(v) for v in owners.values())
    if total < 2:
        return unseen("fewer than two accepted POSTs")
    shared = [steps for steps in owners.values() if len(steps) > 1]
    if shared:
        steps = shared[0]
        return violated(
            f"{len(steps)} acceptances named the same monitor",
            expected="distinct monitor URIs", observed=f"{log.accept_view(steps[0]).monitor} x {len(steps)}",
            evidence=[s.seq for s in steps],
        )
    return ok(f"{total} acceptances named {total} distinct monitors")


@requirement(
    "multi/independent", Level.MUST,
    statement="Processes evolve and end independently: accepting, advancing, ending or deleting one does "
    "not change another's state or progress.",
    rationale="Independence is what the multi pattern sells; a shared clock or shared state makes one "
    "client's request disturb another's.",
    source="Requirement catalog, multi pattern",
    patterns=MULTI,
)
def independent(log: Log) -> Finding:
    # (a kind of step back the target takes on its own is monitor/transitions' or progress-monotonic's)
    blamed, looked = blamed_on_others(log), 0
    for pid in log.processes:
        obs = log.states(pid)
        looked += sum(1 for a, b in zip(obs, obs[1:]) if log.other_posts_between(pid, a[0], b[0]))
    if blamed:
        r = blamed[0]
        return violated(
            f"process {r.pid} went backwards when another process was accepted: {r.detail}",
            expected="no effect from other processes", observed=r.detail,
            evidence=[r.before.seq, r.straddled[0].seq, r.after.seq],
        )
    if not looked:
        return unseen("no process was observed before and after another one was accepted")
    return ok(f"{looked} observations across other acceptances showed no interference")


_INT = re.compile(r"^[0-9]+$")


def _varying_part(urls: list[str]) -> list[str]:
    """The path segment(s) in which the monitor URIs differ (the query, e.g. an api-version, aside)."""
    split = [urlsplit(u).path.rstrip("/").split("/") for u in urls]
    if len({len(p) for p in split}) != 1:
        return [p[-1] for p in split]
    columns = [i for i in range(len(split[0])) if len({p[i] for p in split}) > 1]
    return ["/".join(p[i] for i in columns) for p in split]


@requirement(
    "multi/unguessable", Level.SHOULD,
    statement="Monitor identifiers cannot be predicted from one another: not sequential numbers, not short.",
    rationale="A guessable monitor URI lets anyone read or cancel other clients' processes; identifiers "
    "should carry enough randomness (e.g. 96 bits or more).",
    source="OWASP API Security Top 10, API1 (broken object level authorization); RFC 9110 section 17",
    patterns=MULTI,
)
def unguessable(log: Log) -> Finding:
    monitors = sorted({m for s in log.accepted_posts() if (m := log.accept_view(s).monitor)})
    if len(monitors) < 3:
        return unseen("fewer than three distinct monitors to compare")
    ids = _varying_part(monitors)
    evidence = [s.seq for s in log.accepted_posts()[:5]]
    if all(_INT.match(i) for i in ids):
        return violated(
            "monitor identifiers are plain numbers", expected="random identifiers",
            observed=", ".join(ids[:5]), evidence=evidence,
        )
    shortest = min(len(i) for i in ids)
    if shortest < 12:
        return violated(
            f"monitor identifiers are short ({shortest} characters)", expected="at least 12 random characters",
            observed=", ".join(ids[:5]), evidence=evidence,
        )
    return ok(f"{len(ids)} identifiers look random (shortest {shortest} characters)")
