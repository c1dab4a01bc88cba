"""errors/ - bad input and unknown things."""

from __future__ import annotations

from ..observations import Expect, Kind, Log
from ..outcomes import Level
from . import Finding, ok, pending, requirement, unseen, violated

MALFORMED_OK = (400, 415, 422)


@requirement(
    "errors/malformed-body", Level.MUST,
    statement="A POST whose body is not valid for the resource (for example, not JSON at all) is refused at "
    "once with 400, 415 or 422, and starts no process.",
    rationale="Accepting garbage turns a client bug into a failed process found much later, and in the "
    "single pattern it blocks the resource for everyone.",
    source="RFC 9110 sections 15.5.1 and 15.5.16; RFC 4918 section 11.2 (422), now RFC 9110 section 15.5.21",
)
def malformed_body(log: Log) -> Finding:
    probes = list(log.of(Kind.MALFORMED))
    if not probes:
        return unseen("no malformed POST was sent")
    bad = [s for s in probes if s.ex.status not in MALFORMED_OK]
    if bad:
        return violated(
            "a malformed POST was not refused",
            expected="400, 415 or 422", observed=bad[0].ex.summary(), evidence=[s.seq for s in bad],
        )
    after = [s for s in log.posts(Expect.PROBE) if s.ex.status == log.profile.conflict_status]
    if after:
        return violated(
            "a valid POST right after a refused malformed one found the resource busy",
            expected="the malformed POST started nothing, so the next valid POST is accepted",
            observed=after[0].ex.summary(), evidence=[probes[0].seq, after[0].seq],
        )
    return ok(f"{len(probes)} malformed POSTs were refused", [s.seq for s in probes])


@requirement(
    "errors/method-405", Level.MUST,
    statement="A method that a resource does not allow is answered 405 Method Not Allowed with an Allow header "
    "listing the methods it does allow.",
    rationale="405 with Allow lets a client (and a person) discover the interface instead of guessing; a "
    "404 would claim the resource does not exist.",
    source="RFC 9110 sections 15.5.6 and 10.2.1",
)
def method_405(log: Log) -> Finding:
    probes = [s for s in log.of(Kind.METHOD) if s.ex.status is not None]
    # a cancel or PUT the target does not offer says so with 405 too (the idempotence probes)
    probes += [s for s in log.of(Kind.CANCEL, Kind.PUT) if s.role in ("first", "create") and s.ex.status == 405]
    if not probes:
        return unseen("no method probe got an answer")
    judged, bad = [], []
    for s in probes:
        status = s.ex.status
        if status == 405:
            judged.append(s)
            if s.ex.header("allow") is None:
                bad.append((s, "405 without Allow"))
        elif status in (404, 410) or status >= 500:
            judged.append(s)
            bad.append((s, f"{status} for a method on an existing resource"))
    if bad:
        s, why = bad[0]
        return violated(
            f"{s.ex.method} {s.ex.url}: {why}", expected="405 with Allow", observed=s.ex.summary(),
            evidence=[b[0].seq for b in bad],
        )
    if not judged:
        return unseen("every probed method was allowed by the target")
    return ok(f"{len(judged)} disallowed methods answered 405 with Allow", [s.seq for s in judged])


pending(
    "errors/no-5xx", Level.MUST,
    statement="No request the suite sends, generated invalid ones included, is answered with a 5xx status "
    "(503 with Retry-After as back-pressure excepted).",
    rationale="A 5xx on bad input means the server failed to validate it; clients cannot tell a bug from an outage.",
    source="RFC 9110 section 15.6",
    reason="negative fuzzing (schemathesis) is a later issue",
)

pending(
    "errors/problem-json", Level.SHOULD,
    statement="Error responses use application/problem+json, with 'status' equal to the HTTP status.",
    rationale="One machine-readable error format lets clients handle every error the same way.",
    source="RFC 9457 sections 3 and 3.1.2",
    reason="problem-details checks are a later issue",
)
