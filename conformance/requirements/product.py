"""product/ - what a terminated process produced."""

from __future__ import annotations

from collections import defaultdict

from ..observations import Kind, Log
from ..outcomes import Level
from ..model import State, in_flight
from . import MULTI, Finding, absent, codes, each, ok, requirement, unseen, violated


def _product_gets(log: Log):
    by_url = defaultdict(list)
    for s in log.of(Kind.PRODUCT):
        by_url[s.ex.url].append(s)
    return by_url


@requirement(
    "product/available", Level.MUST,
    statement="After termination, the product link answers GET with 200.",
    rationale="The product is the point of the whole request; a link that does not work loses the result.",
    source="RFC 9110 sections 15.3.1 and 15.3.3",
    applies=lambda p: _inline_reason(p),
)
def available(log: Log) -> Finding:
    want = log.profile.product_statuses
    gets = [s for steps in _product_gets(log).values() for s in steps]
    if not gets and _inline_only(log):
        return absent("the product is delivered inline in the monitor (no product link to fetch)")
    return each(
        gets, lambda s: s.ex.status not in want,
        none="no product link was fetched (no process with a product was seen terminated)",
        failed=f"{{bad}} of {{total}} product GETs did not answer {codes(want)}", expected=codes(want),
        passed=f"{{total}} product GETs answered {codes(want)}",
    )


def _inline_reason(profile) -> str | None:
    if profile.inline_product and profile.accept_product is None and not profile.product_early:
        return f"the product is inline in the monitor ({profile.product_link.describe()}): there is no product link"
    return None


def _inline_only(log: Log) -> bool:
    """No product link exists in this run: the profile puts products inline and no URI was known early."""
    return log.profile.inline_product and not any(p.product_uri for p in log.processes.values())


@requirement(
    "product/stable", Level.MUST,
    statement="Repeated GETs of one product give the same content, and the same ETag when one is sent.",
    rationale="A product is the fixed outcome of a finished process; if it changes between reads, clients "
    "cannot trust any copy of it.",
    source="RFC 9110 sections 8.8.3 (ETag) and 9.2.1 (safe methods)",
)
def stable(log: Log) -> Finding:
    pairs = 0
    for pid in log.processes:  # inline products: the same in every look at the ended process
        ended = [(s, v) for s, v in log.states(pid)
                 if v.state is State.TERMINATED and v.inline_present and not s.ex.truncated]
        for (a, va), (b, vb) in zip(ended, ended[1:]):
            pairs += 1
            if va.inline != vb.inline:
                return violated(
                    f"process {pid}'s inline product changed between two looks at its ended monitor",
                    expected="the same product", observed=f"{_short(va.inline)} then {_short(vb.inline)}",
                    evidence=[a.seq, b.seq],
                )
    for url, steps in _product_gets(log).items():
        good = [s for s in steps if s.ex.status in log.profile.product_statuses and not s.ex.truncated]
        for a, b in zip(good, good[1:]):
            if _another_may_end_between(log, a, b):
                continue  # a shared URI (single: /product) may name another process's product by now
            pairs += 1
            if a.ex.response_body != b.ex.response_body:
                return violated(
                    f"two GETs of {url} returned different content",
                    expected="identical bodies", observed=f"{len(a.ex.response_body)} vs {len(b.ex.response_body)} bytes, different",
                    evidence=[a.seq, b.seq],
                )
            ea, eb = a.ex.header("etag"), b.ex.header("etag")
            if ea != eb:
                return violated(
                    f"two GETs of {url} returned different ETags",
                    expected=f"ETag {ea}", observed=f"ETag {eb}", evidence=[a.seq, b.seq],
                )
    if not pairs:
        return unseen("no product was seen twice")
    return ok(f"{pairs} repeated looks at a product matched")


def _short(value) -> str:
    text = repr(value)
    return text if len(text) <= 80 else text[:77] + "..."


def _another_may_end_between(log: Log, a, b) -> bool:
    """Could a process other than the one these GETs were for have terminated between them?

    True unless every other process was accepted after ``b``, seen terminated before ``a``, or seen
    terminated with a product link other than this one (or none). In the multi pattern every process has
    a product URI of its own: only one that was seen naming this one could (sharing a URI is
    product/distinct's finding).
    """
    if log.pattern == "multi":
        return bool(_others_naming(log, a.process, a.ex.url))
    for pid, rec in log.processes.items():
        if pid == a.process or rec.accepted_at >= b.ex.ended:
            continue
        end = log.first_end(pid)
        if end is None or (end[0].ex.ended > a.ex.started and end[1] == a.ex.url):
            return True
    return False


@requirement(
    "product/distinct", Level.MUST,
    statement="In the multi pattern, different processes link different product URIs.",
    rationale="Each request has its own result; a shared product URI hands one client's result to another.",
    source="Requirement catalog, multi pattern",
    patterns=MULTI,
    applies=lambda p: _inline_reason(p),
)
def distinct(log: Log) -> Finding:
    if _inline_only(log):
        return absent("the product is delivered inline in each process's own monitor (no product URI to share)")
    product_of: dict[int, tuple[str, int]] = {}
    monitors: set[str] = set()
    for pid, rec in log.processes.items():
        if rec.monitor in monitors:
            continue  # processes behind one monitor share its product too: multi/distinct-monitors' finding
        monitors.add(rec.monitor)
        for s, v in log.states(pid):
            if v.product is not None:
                product_of[pid] = (v.product, s.seq)
                break
        else:
            if rec.product_uri:  # named by the acceptance, or derived from the monitor URI
                product_of[pid] = (rec.product_uri, rec.accept_seq)
    if len(product_of) < 2:
        return unseen("fewer than two processes showed a product link")
    owners: dict[str, list[int]] = defaultdict(list)
    for pid, (url, _seq) in product_of.items():
        owners[url].append(pid)
    shared = {url: pids for url, pids in owners.items() if len(pids) > 1}
    if shared:
        url, pids = next(iter(shared.items()))
        return violated(
            f"processes {pids} share the product URI {url}",
            expected="one product URI per process", observed=f"{len(pids)} processes -> {url}",
            evidence=[product_of[p][1] for p in pids],
        )
    return ok(f"{len(product_of)} processes have distinct product URIs")


@requirement(
    "product/not-before-end", Level.MUST,
    statement="Where the product's URI is known before the process ends (from the acceptance, or a URI the "
    "dialect derives from the monitor, such as OGC's /jobs/{id}/results), it answers 404 until the process has "
    "succeeded: never a partial product.",
    rationale="A client that fetches early must learn 'not yet', not take a half-made result for the answer.",
    source="OGC API - Processes 1.0, /req/core/job-results-exception/results-not-ready (404, result-not-ready); "
    "Azure Architecture Center, Asynchronous Request-Reply pattern (a result requested before it exists: 404)",
    applies=lambda p: None if p.product_uri_early else
    "the product's URI is not known before the end in this dialect",
)
def not_before_end(log: Log) -> Finding:
    early = list(log.of(Kind.EARLY))
    if not early and not any(p.product_uri for p in log.processes.values()):
        return absent("the product's URI is not known before the end in this profile (nor named by the acceptance)")
    want = log.profile.not_ready_statuses
    judged = [s for s in early if s.ex.status is not None and _in_flight_around(log, s)
              and not _ended_other_shares(log, s)]
    return each(
        judged, lambda s: s.ex.status not in want,
        none="the product's URI was not fetched while its process was certainly in flight",
        failed=f"{{bad}} of {{total}} GETs of a product URI before the end did not answer {codes(want)}",
        expected=f"{codes(want)} until the process succeeded",
        passed=f"the product's URI answered {codes(want)} before the end ({{total}} GETs)",
    )


def _ended_other_shares(log: Log, step) -> bool:
    """Another process named the same product URI and was seen ended before this GET: what the URI then
    serves is that one's product (a URI shared between processes is product/distinct's finding)."""
    for pid in _others_naming(log, step.process, step.ex.url):
        end = next((s for s, v in log.states(pid) if v.state is State.TERMINATED), None)
        if end is not None and end.ex.ended <= step.ex.started:
            return True
    return False


def _others_naming(log: Log, pid: int | None, url: str) -> list[int]:
    """Processes other than ``pid`` that were given ``url`` as their product's URI (at acceptance, or by a link)."""
    return [other for other, rec in log.processes.items()
            if other != pid and (rec.product_uri == url or any(v.product == url for _s, v in log.states(other)))]


def _in_flight_around(log: Log, step) -> bool:
    """The process was seen in flight before the GET was sent and still after its answer came."""
    obs = log.states(step.process) if step.process in log.processes else []
    before = [v for s, v in obs if s.ex.ended <= step.ex.started]
    after = [v for s, v in obs if s.ex.started >= step.ex.ended]
    return bool(before and after) and in_flight(before[-1].state) and in_flight(after[0].state)
