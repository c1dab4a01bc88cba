"""idempotence/ - the seed's question: can an asynchronous request be idempotent?

RFC 9110 section 9.2.2 calls a method idempotent when the intended effect on
the server of several identical requests is the same as that of one. POST is
not idempotent by definition, but a single-pattern resource makes repeated
POSTs *in flight* collapse into one process. The suite answers the question
per target, from what it saw.
"""

from __future__ import annotations

from ..observations import Expect, Log
from ..outcomes import Level
from . import Finding, info, pending, requirement, unseen


def _2xx(s) -> bool:
    return s.ex.status is not None and 200 <= s.ex.status < 300


def post_profile_summary(log: Log) -> dict[str, dict[str, str]]:
    """What repeated identical POSTs did on this target, phase by phase (also used by the reports)."""
    out: dict[str, dict[str, str]] = {}
    conflict = [s for s in log.posts(Expect.CONFLICT) if s.ex.status is not None]
    if conflict:
        rejected = sum(1 for s in conflict if s.ex.status == log.profile.conflict_status)
        one = rejected == len(conflict)
        out["post_in_flight"] = {
            "verdict": "one effect" if one else "several effects",
            "summary": f"{len(conflict)} repeated POST(s) while a process was in flight: {rejected} rejected "
            f"with {log.profile.conflict_status}, the process went on"
            + ("" if one else f"; {len(conflict) - rejected} had another outcome"),
        }
    again = [s for s in log.posts(Expect.REACCEPT, Expect.PREFER, Expect.PROBE) if s.ex.status is not None]
    if again:
        started = sum(1 for s in again if _2xx(s))
        out["post_after_termination"] = {
            "verdict": "new effect each time" if started else "no effect",
            "summary": f"{len(again)} identical POST(s) after the previous process ended: {started} started a new process",
        }
    if log.pattern == "multi":
        accepted = log.accepted_posts()
        monitors = {m for s in accepted if (m := log.accept_view(s).monitor)}
        if accepted:
            out["post_multi"] = {
                "verdict": "new effect each time" if len(monitors) > 1 else "one effect",
                "summary": f"{len(accepted)} identical POSTs were accepted as {len(monitors)} distinct processes",
            }
    return out


@requirement(
    "idempotence/post-profile", Level.INFO,
    statement="The report states, from observation, whether repeated identical POSTs had the effect of one: "
    "in the single pattern while a process is in flight they should (409, nothing changes); after termination "
    "and in the multi pattern each starts a new process.",
    rationale="POST is not idempotent by definition (RFC 9110 section 9.2.2), yet the single pattern makes it "
    "behave idempotently while in flight; clients deciding whether a retry is safe need to know which case applies.",
    source="RFC 9110 sections 9.2.2 and 9.3.3",
)
def post_profile(log: Log) -> Finding:
    summary = post_profile_summary(log)
    if not summary:
        return unseen("no repeated POST was observed")
    return info("; ".join(f"{k.replace('_', ' ')}: {v['summary']}" for k, v in summary.items()))


_LATER = "idempotence probes beyond POST are a later issue"

pending(
    "idempotence/delete", Level.MUST_IF_SUPPORTED,
    statement="DELETE on a monitor (cancel or dismiss) is idempotent: the first answers 200, 202 or 204, repeats "
    "answer 204, 404 or 410, and the monitor is then gone (404/410) or terminated. Without DELETE support: 405 with Allow.",
    rationale="Cancellation is retried over unreliable networks; a repeat must not fail differently or undo anything.",
    source="RFC 9110 sections 9.2.2 and 9.3.5; OGC API - Processes, Part 1 (dismiss)",
    reason=_LATER,
)
pending(
    "idempotence/key-replay", Level.MUST_IF_SUPPORTED,
    statement="With an Idempotency-Key header, repeating a request with the same key and payload returns the same "
    "monitor and starts no second process (in the single pattern: no 409).",
    rationale="The key is how a client makes a POST safe to retry after a lost response.",
    source="IETF draft-ietf-httpapi-idempotency-key-header, sections 2 and 2.6",
    reason=_LATER,
)
pending(
    "idempotence/key-mismatch", Level.SHOULD_IF_SUPPORTED,
    statement="The same Idempotency-Key with a different payload is refused with 422.",
    rationale="Reusing a key for another request is a client bug that must not silently return the wrong result.",
    source="IETF draft-ietf-httpapi-idempotency-key-header, section 2.7",
    reason=_LATER,
)
pending(
    "idempotence/key-concurrent", Level.SHOULD_IF_SUPPORTED,
    statement="Concurrent requests with the same Idempotency-Key start one process; the others get the same "
    "monitor or 409.",
    rationale="Retries often overlap the original; the key must hold under concurrency too.",
    source="IETF draft-ietf-httpapi-idempotency-key-header, section 2.7 (409 for concurrent requests)",
    reason=_LATER,
)
pending(
    "idempotence/put-create", Level.MAY,
    statement="PUT on a client-chosen monitor URI may start a process (201 or 202); repeating it identically "
    "starts no second one.",
    rationale="PUT is idempotent by definition, which makes it the natural idempotent way to start a job.",
    source="RFC 9110 sections 9.2.2 and 9.3.4",
    reason=_LATER,
)
