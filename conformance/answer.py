"""The seed's question, answered per target: can asynchronous requests be idempotent here?

RFC 9110 section 9.2.2: a request is idempotent when the intended effect of several identical ones is
the effect of one. From the run's observations and verdicts this builds what every report shows:

- the capabilities the target was found to have (or was declared to have, ``--expect``);
- a matrix: each kind of repeated request x the effect observed (one effect, a new effect each time,
  refused, not supported, no effect for the safe methods, not observed), with the exchanges that show it;
- one sentence that answers the question for this target.
"""

from __future__ import annotations

from typing import Any

from .observations import Expect, Log
from .outcomes import Outcome
from .requirements import Finding
from .requirements.idempotence import post_profile_summary

ONE, NEW, REFUSED, UNSUPPORTED, SAFE, UNSAFE, UNSEEN, NOT_HERE = (
    "one effect", "a new effect each time", "refused", "not supported", "no effect", "changes state",
    "not observed", "not offered here")
#: the effects, as the reports list them (and the report schema allows them)
EFFECTS = (ONE, NEW, REFUSED, UNSUPPORTED, SAFE, UNSAFE, UNSEEN, NOT_HERE)


def _row(request: str, effect: str, summary: str, evidence: tuple[int, ...] | list[int] = ()) -> dict[str, Any]:
    return {"request": request, "effect": effect, "summary": summary, "evidence": list(evidence)[:10]}


def _dialect_lacks(finding: Finding | None) -> bool:
    """Not-applicable because of the dialect or the pattern (not because the target lacks it)."""
    return finding is not None and finding.outcome is Outcome.NOT_APPLICABLE and (
        "profile" in finding.message or finding.message.startswith("applies to the"))


def _capability_row(request: str, finding: Finding | None, *, broken: str) -> dict[str, Any]:
    """A row read off the verdict of the requirement that judges the capability."""
    if finding is None:
        return _row(request, UNSEEN, "not selected in this run")
    if _dialect_lacks(finding):
        return _row(request, NOT_HERE, finding.message)
    effect = {Outcome.PASS: ONE, Outcome.NOT_APPLICABLE: UNSUPPORTED, Outcome.FAIL: broken,
              Outcome.WARN: broken}.get(finding.outcome, UNSEEN)
    return _row(request, effect, finding.message, finding.evidence)


def _broken_effect(log: Log, finding: Finding | None) -> str:
    """A failed capability: refused when the repeat got an error status, else a new effect."""
    if finding is None or not finding.evidence:
        return NEW
    statuses = [s.ex.status for s in log.steps if s.seq in finding.evidence[1:2]]
    return REFUSED if statuses and statuses[0] is not None and statuses[0] >= 400 else NEW


def matrix(log: Log, findings: dict[str, Finding]) -> list[dict[str, Any]]:
    rows = []
    posts = post_profile_summary(log)
    if log.pattern == "single":
        seen = posts.get("post_in_flight")
        conflict = [s.seq for s in log.posts(Expect.CONFLICT)]
        rows.append(_row("POST while a process is in flight", UNSEEN if seen is None else
                         ONE if seen["verdict"] == "one effect" else NEW,
                         seen["summary"] if seen else "no POST was sent while a process was seen in flight", conflict))
        again = posts.get("post_after_termination")
        rows.append(_row("POST after the process ended", UNSEEN if again is None else
                         NEW if again["verdict"] == "new effect each time" else ONE,
                         again["summary"] if again else "not observed",
                         [s.seq for s in log.posts(Expect.REACCEPT, Expect.PREFER, Expect.PROBE)]))
    else:
        multi = posts.get("post_multi")
        rows.append(_row("POST (any time)", UNSEEN if multi is None else
                         NEW if multi["verdict"] == "new effect each time" else ONE,
                         multi["summary"] if multi else "not observed", [s.seq for s in log.accepted_posts()]))
    key = findings.get("idempotence/key-replay")
    rows.append(_capability_row(f"POST with the same {log.profile.idempotency_header}", key,
                                broken=_broken_effect(log, key)))
    cancel = findings.get("idempotence/delete")
    name = f"{log.profile.cancel.method} to cancel" if log.profile.cancel else "cancel"
    rows.append(_capability_row(f"{name}, repeated", cancel, broken=_broken_effect(log, cancel)))
    put = findings.get("idempotence/put-create")
    rows.append(_capability_row("PUT on a client-chosen monitor URI, repeated", put, broken=_broken_effect(log, put)))
    for request, ids in (("GET of monitors and products", ("safety/get-safe", "product/stable")),
                         ("HEAD of monitors and products", ("safety/head-no-content",))):
        got = [findings[i] for i in ids if i in findings]
        bad = [f for f in got if f.outcome in (Outcome.FAIL, Outcome.WARN)]
        if bad:
            rows.append(_row(request, UNSAFE, bad[0].message, bad[0].evidence))
        elif got and all(f.outcome is Outcome.PASS for f in got):
            rows.append(_row(request, SAFE, "; ".join(f.message for f in got), got[0].evidence))
        else:
            rows.append(_row(request, UNSEEN, "; ".join(f.message for f in got) or "not selected in this run"))
    return rows


def capabilities(log: Log, findings: dict[str, Finding]) -> list[dict[str, Any]]:
    """Which optional capabilities the target has: yes, no, broken, not in this dialect, not decided."""
    cancel = f"{log.profile.cancel.method} cancels" if log.profile.cancel else "Cancel"
    out = []
    for capability, label, req_id in (
        ("delete", cancel, "idempotence/delete"),
        ("idempotency-key", f"{log.profile.idempotency_header} honoured", "idempotence/key-replay"),
        ("key-required", f"{log.profile.idempotency_header} required", "idempotence/key-missing"),
        ("put-create", "PUT creates", "idempotence/put-create"),
    ):
        f = findings.get(req_id)
        if f is None:
            found = "not probed"
        elif _dialect_lacks(f):
            found = "not in this pattern" if f.message.startswith("applies to the") else "not in this dialect"
        else:
            found = {Outcome.PASS: "yes", Outcome.NOT_APPLICABLE: "no", Outcome.FAIL: "broken",
                     Outcome.WARN: "broken"}.get(f.outcome, "not decided")
        out.append({"capability": capability, "label": label, "found": found,
                    "declared": capability in log.expected})
    return out


#: the rows of plain POSTs, where a new effect each time is what the pattern says
_PLAIN = ("POST while", "POST after", "POST (any")


def sentence(log: Log, rows: list[dict[str, Any]]) -> str:
    """One plain-language answer to "can asynchronous requests be idempotent?" for this target."""
    by = {r["request"]: r for r in rows}
    ways = []
    for r in rows:
        if r["effect"] != ONE:
            continue
        if r["request"].startswith("POST with the same"):
            ways.append(f"a POST repeated with the same {log.profile.idempotency_header} had the effect of one")
        elif r["request"].endswith("to cancel, repeated"):
            ways.append("cancelling twice had the effect of cancelling once")
        elif r["request"].startswith("PUT"):
            ways.append("a repeated PUT on a client-chosen URI started one process")
    if log.pattern == "single":
        busy = by.get("POST while a process is in flight", {}).get("effect")
        plain = ("a plain POST is refused while a process is in flight (a repeat then has no effect) but starts "
                 "a new process once it has ended" if busy == ONE else
                 "a plain POST repeated while a process was in flight was not simply refused")
    else:
        plain = "a plain POST starts a new process every time"
    broken = [r["request"] for r in rows if r["effect"] in (NEW, REFUSED) and not r["request"].startswith(_PLAIN)
              or r["effect"] == UNSAFE]
    flaws = f" Not idempotent as it should be: {', '.join(broken)}." if broken else ""
    if ways:
        return f"Yes: on this target {'; '.join(ways)}; {plain}.{flaws}"
    return (f"Not by any mechanism the suite found: no idempotency key, cancel or PUT behaved idempotently here; "
            f"{plain}.{flaws}")


def answer(log: Log, findings: dict[str, Finding]) -> dict[str, Any]:
    rows = matrix(log, findings)
    return {"answer": sentence(log, rows), "capabilities": capabilities(log, findings), "matrix": rows}
