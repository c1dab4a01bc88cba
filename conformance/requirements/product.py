"""product/ - what a terminated process produced."""

from __future__ import annotations

from collections import defaultdict

from ..observations import Kind, Log
from ..outcomes import Level
from ..profiles import State
from . import MULTI, Finding, each, ok, requirement, unseen, violated


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
)
def available(log: Log) -> Finding:
    return each(
        [s for steps in _product_gets(log).values() for s in steps], lambda s: s.ex.status != 200,
        none="no product link was fetched (no process with a product was seen terminated)",
        failed="{bad} of {total} product GETs did not answer 200", expected="200",
        passed="{total} product GETs answered 200",
    )


@requirement(
    "product/stable", Level.MUST,
    statement="Repeated GETs of one product give the same content, and the same ETag when one is sent.",
    rationale="A product is the fixed outcome of a finished process; if it changes between reads, clients "
    "cannot trust any copy of it.",
    source="RFC 9110 sections 8.8.3 (ETag) and 9.2.1 (safe methods)",
)
def stable(log: Log) -> Finding:
    pairs = 0
    for url, steps in _product_gets(log).items():
        good = [s for s in steps if s.ex.status == 200 and not s.ex.truncated]
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
        return unseen("no product was fetched twice with 200")
    return ok(f"{pairs} repeated product GETs matched")


def _another_may_end_between(log: Log, a, b) -> bool:
    """Could a process other than the one these GETs were for have terminated between them?

    True unless every other process was accepted after ``b``, seen terminated before ``a``, or seen
    terminated with a product link other than this one (or none).
    """
    for pid, rec in log.processes.items():
        if pid == a.process or rec.accepted_at >= b.ex.ended:
            continue
        end = next(((s, v) for s, v in log.states(pid) if v.state is State.TERMINATED), None)
        if end is None or (end[0].ex.ended > a.ex.started and end[1].product == a.ex.url):
            return True
    return False


@requirement(
    "product/distinct", Level.MUST,
    statement="In the multi pattern, different processes link different product URIs.",
    rationale="Each request has its own result; a shared product URI hands one client's result to another.",
    source="Requirement catalog, multi pattern",
    patterns=MULTI,
)
def distinct(log: Log) -> Finding:
    product_of: dict[int, tuple[str, int]] = {}
    for pid in log.processes:
        for s, v in log.states(pid):
            if v.product is not None:
                product_of[pid] = (v.product, s.seq)
                break
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
