"""errors/ - bad input and unknown things."""

from __future__ import annotations

from pathlib import Path
from typing import Callable
from urllib.parse import urlsplit

from ..evidence import Exchange
from ..observations import Expect, Kind, Log
from ..outcomes import Level
from ..profiles import Profile, read_error
from . import Finding, ok, requirement, unseen, violated

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
    # a 5xx is the server failing to decide, not a decision about the body: errors/no-5xx judges it
    failed = [s for s in probes if (s.ex.status or 0) >= 500]
    probes = [s for s in probes if s not in failed]
    if not probes:
        return unseen("every malformed POST got a 5xx (errors/no-5xx judges those)", [s.seq for s in failed])
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
        elif status in (404, 410):  # (a 5xx is the server failing: errors/no-5xx judges it)
            judged.append(s)
            bad.append((s, f"{status} for a method on an existing resource"))
    if bad:
        s, why = bad[0]
        return violated(
            f"{s.ex.method} {s.ex.url}: {why}", expected="405 with Allow", observed=s.ex.summary(),
            evidence=[b[0].seq for b in bad],
        )
    if not judged:
        return unseen("no probed method was refused: the target allowed them (or answered 5xx, which "
                      "errors/no-5xx judges)")
    return ok(f"{len(judged)} disallowed methods answered 405 with Allow", [s.seq for s in judged])


def _back_pressure(profile: Profile, ex: Exchange) -> bool:
    return ex.status == 503 and ex.header("retry-after") is not None


def _no_cancel(profile: Profile, ex: Exchange) -> bool:
    """The dialect's way of saying it has no cancel operation (Google: 501 UNIMPLEMENTED to :cancel)."""
    cancel = profile.cancel
    if cancel is None or ex.method != cancel.method or ex.status not in cancel.unsupported:
        return False
    suffix = cancel.url.removeprefix("{monitor}") if cancel.url.startswith("{monitor}") else None
    return suffix is not None and urlsplit(ex.url).path.endswith(suffix)


#: 5xx answers that are not failures, as data: (why, predicate over the profile and the exchange).
#: A status a profile declares meaningful (say, a dialect's "cancel unsupported" 501) is excused by
#: adding a predicate here that reads the profile's field, never by a branch in the check.
NO_5XX_EXCEPTIONS: tuple[tuple[str, Callable[[Profile, Exchange], bool]], ...] = (
    ("503 with Retry-After is back-pressure", _back_pressure),
    ("the profile's answer for 'no cancel operation here'", _no_cancel),
)
#: how many 5xx exchanges the message names one by one (the rest by sequence number)
NAMED_5XX = 5


def excused_5xx(profile: Profile, ex: Exchange) -> str | None:
    """Why a 5xx answer is not a failure (None: it is one)."""
    return next((why for why, applies in NO_5XX_EXCEPTIONS if applies(profile, ex)), None)


@requirement(
    "errors/no-5xx", Level.MUST,
    statement="No request the suite sends, generated invalid ones included, is answered with a 5xx status "
    "(503 with Retry-After as back-pressure excepted). Every exchange of the run counts: scenarios, state "
    "machine, probes and fuzzing.",
    rationale="A 5xx says the server failed, not the client: on bad input it means the input was not "
    "validated, and a client cannot tell that bug from an outage, so it retries what will never work.",
    source="RFC 9110 section 15.6 (5xx: the server failed to fulfil an apparently valid request)",
)
def no_5xx(log: Log) -> Finding:
    answered = [ex for ex in log.traffic() if ex.status is not None]
    if not answered:
        return unseen("no request got an HTTP answer")
    bad = [ex for ex in answered if ex.status >= 500 and excused_5xx(log.profile, ex) is None]
    excused = [ex for ex in answered if ex.status >= 500 and ex not in bad]
    if bad:
        named = "; ".join(ex.summary() for ex in bad[:NAMED_5XX])
        more = f"; and {len(bad) - NAMED_5XX} more: " + ", ".join(f"#{ex.seq}" for ex in bad[NAMED_5XX:]) \
            if len(bad) > NAMED_5XX else ""
        return violated(
            f"{len(bad)} of the run's {len(answered)} answered requests got a 5xx",
            expected="no 5xx (503 with Retry-After excepted)", observed=named + more, evidence=[ex.seq for ex in bad],
        )
    note = f" ({len(excused)} excused: {excused_5xx(log.profile, excused[0])})" if excused else ""
    return ok(f"none of the run's {len(answered)} answered requests got a 5xx{note}", [ex.seq for ex in excused])


@requirement(
    "errors/problem-json", Level.SHOULD,
    statement="Error responses (4xx and 5xx with content) use the dialect's error format: its media type, a body "
    "valid against its error schema, and, where the format repeats the HTTP status, the same status (seed and "
    "OGC: application/problem+json with 'status'; Azure: {'error': {'code', 'message'}}; Google: "
    "google.rpc.Status with 'error.code').",
    rationale="One machine-readable error format lets a client handle every error the same way, and report "
    "it; an HTML error page or a bare string leaves it guessing what went wrong.",
    source="RFC 9457 sections 3 and 3.1.2; Azure REST API guidelines (rest-error-response-body-structure); "
    "Google AIP-193 (errors, HTTP/JSON representation); OGC API - Processes 1.0 (exceptions as problem details)",
)
def problem_json(log: Log) -> Finding:
    # HEAD has no content by definition; an error without content is single/conflict-explained's (409) or no
    # one's: this requirement judges the format of the content that is sent
    judged = [ex for ex in log.traffic() if ex.ok and ex.status >= 400 and ex.method != "HEAD" and ex.response_body]
    if not judged:
        return unseen("no error response with content was received")
    bad = [(ex, why) for ex in judged if (why := read_error(log.profile, ex))]
    if bad:
        ex, why = bad[0]
        return violated(
            f"{len(bad)} of {len(judged)} error responses are not in the dialect's error format",
            expected=f"{' or '.join(sorted(log.profile.error_media_types))} valid against "
            f"{Path(log.profile.error_schema).name}",
            observed=f"{ex.summary()}: {'; '.join(why)}", evidence=[e.seq for e, _ in bad],
        )
    return ok(f"{len(judged)} error responses are in the dialect's error format", [ex.seq for ex in judged[:5]])
