"""single/ - one process at a time."""

from __future__ import annotations

from collections import defaultdict

from ..observations import Expect, Log, blamed_on_others
from ..outcomes import Level
from .. import schemas
from ..model import State
from ..profiles import parse_json
from . import SINGLE, Finding, each, ok, requirement, unseen, violated


def _2xx(step) -> bool:
    return step.ex.status is not None and 200 <= step.ex.status < 300


@requirement(
    "single/conflict-409", Level.MUST,
    statement="While a process is ready or running, another POST on the resource is answered 409 Conflict.",
    rationale="The resource can hold one process only; 409 tells the client that the request conflicts with "
    "the resource's current state and can be retried later.",
    source="RFC 9110 section 15.5.10; requirement catalog, single pattern",
    patterns=SINGLE,
)
def conflict_409(log: Log) -> Finding:
    want = log.profile.conflict_status
    return each(
        log.posts(Expect.CONFLICT), lambda s: s.ex.status != want,
        none="no POST was sent while a process was seen in flight (processes end too fast to test)",
        failed=f"{{bad}} of {{total}} POSTs sent while a process was in flight were not answered {want}",
        expected=str(want), passed=f"{{total}} POSTs in flight answered {want}",
    )


@requirement(
    "single/conflict-no-effect", Level.MUST,
    statement="A rejected POST changes nothing: the process in flight keeps its monitor, its state and its "
    "progress are not reset, and it ends as it would have.",
    rationale="Rejection must be harmless, or a client retrying politely would destroy the work of the "
    "client that got there first.",
    source="RFC 9110 section 15.5.10; requirement catalog, single pattern",
    patterns=SINGLE,
)
def conflict_no_effect(log: Log) -> Finding:
    blamed = [
        r for r in blamed_on_others(log)
        if any(s.ex.status == log.profile.conflict_status for s in r.straddled)
        # an accepted (or unanswered) POST in between may have started a new process behind the same monitor
        and not any(s.ex.status is None or _2xx(s) for s in r.straddled)
    ]
    if blamed:
        r = blamed[0]
        post = next(s for s in r.straddled if s.ex.status == log.profile.conflict_status)
        return violated(
            f"process {r.pid} went backwards across a rejected POST: {r.detail}",
            expected="state and progress unchanged by the 409", observed=r.detail,
            evidence=[r.before.seq, post.seq, r.after.seq],
        )
    judged = [
        s for s in log.posts(Expect.CONFLICT, Expect.ANY)
        if s.ex.status == log.profile.conflict_status and s.process is not None
    ]
    if not judged:
        return unseen("no rejected POST was followed by another look at the process")
    return ok(f"{len(judged)} rejected POSTs left the process alone", [s.seq for s in judged[:5]])


@requirement(
    "single/conflict-explained", Level.SHOULD,
    statement="The 409 carries a body that says why (plain text, or application/problem+json).",
    rationale="A bare status leaves people reading logs without a clue; one sentence saves a support call.",
    source="RFC 9110 section 15.5.10 (the server should generate content that explains the conflict); RFC 9457",
    patterns=SINGLE,
)
def conflict_explained(log: Log) -> Finding:
    conflicts = [s for s in log.posts() if s.ex.status == log.profile.conflict_status]
    if not conflicts:
        return unseen("no 409 was received")
    bad = []
    for s in conflicts:
        body = s.ex.response_body.strip()
        if not body:
            bad.append((s, "empty body"))
        elif s.ex.media_type == "application/problem+json":
            value, why = parse_json(body)
            problems = [why] if why else schemas.errors(log.profile.error_schema, value)
            if problems:
                bad.append((s, "; ".join(problems)))
    if bad:
        return violated(
            f"{len(bad)} of {len(conflicts)} 409 responses do not explain the conflict",
            expected="a text or problem+json body", observed=bad[0][1], evidence=[s.seq for s, _ in bad],
        )
    return ok("every 409 explains itself", [s.seq for s in conflicts[:5]])


@requirement(
    "single/same-monitor", Level.MUST,
    statement="Every accepted POST on the resource returns the same monitor URI.",
    rationale="In the single pattern the monitor is the resource's one status page; handing out new URIs "
    "means the target is really running the multi pattern.",
    source="Requirement catalog, single pattern",
    patterns=SINGLE,
)
def same_monitor(log: Log) -> Finding:
    monitors = [(s, log.accept_view(s).monitor) for s in log.accepted_posts()]
    monitors = [(s, m) for s, m in monitors if m]
    if len(monitors) < 2:
        return unseen("fewer than two accepted POSTs")
    first = monitors[0][1]
    other = [(s, m) for s, m in monitors if m != first]
    if other:
        return violated(
            "accepted POSTs returned different monitors",
            expected=first, observed=other[0][1], evidence=[monitors[0][0].seq] + [s.seq for s, _ in other],
        )
    return ok(f"{len(monitors)} accepted POSTs returned {first}")


@requirement(
    "single/reaccept", Level.MUST,
    statement="After the process has terminated (by itself, or cancelled by the client), a POST is accepted again "
    "and the monitor follows the new process.",
    rationale="The single pattern serialises work, it does not stop it: once the resource is idle it must take "
    "the next request. A cancelled process has ended too (the model's cancelled ending): it must not keep the "
    "resource busy.",
    source="Requirement catalog, single pattern",
    patterns=SINGLE,
)
def reaccept(log: Log) -> Finding:
    return each(
        [s for s in log.posts(Expect.REACCEPT, Expect.AFTER_CANCEL) if not _after_several_winners(log, s)],
        lambda s: not _2xx(s),
        none="no POST was sent after a process was seen terminated",
        failed="{bad} of {total} POSTs after termination were not accepted",
        expected="2xx (acceptance)", passed="{total} POSTs after termination were accepted",
    )


def _after_several_winners(log: Log, post) -> bool:
    """A burst before this POST let more than one process in: the resource may still hold one the suite never
    followed, so a refusal says nothing about re-acceptance (single/race-one-winner's finding)."""
    winners: dict[int, int] = defaultdict(int)
    for s in log.posts():
        if s.burst is not None and s.ex.ended is not None and s.ex.ended <= post.ex.started and _2xx(s):
            winners[s.burst] += 1
    return any(n > 1 for n in winners.values())


@requirement(
    "single/race-one-winner", Level.MUST,
    statement="When N POSTs arrive at the same moment on an idle resource, exactly one is accepted and all "
    "others get 409.",
    rationale="A check-then-set race in the server lets two processes run where only one may; it only shows "
    "under simultaneous requests.",
    source="Requirement catalog, single pattern",
    patterns=SINGLE,
)
def race_one_winner(log: Log) -> Finding:
    bursts = defaultdict(list)
    for s in log.posts(Expect.RACE):
        bursts[s.burst].append(s)
    if not bursts:
        return unseen("no concurrent burst was sent")
    sequential = [s for s in log.posts(Expect.CONFLICT) if s.ex.status != log.profile.conflict_status]
    if sequential:
        return unseen("POSTs in flight are not refused even one at a time (see single/conflict-409), "
                      "so a race cannot be told apart", [s.seq for s in sequential[:3]])
    judged = 0
    for bid, steps in bursts.items():
        winners = [s for s in steps if _2xx(s)]
        others = [s for s in steps if not _2xx(s) and s.ex.status != log.profile.conflict_status]
        if len(winners) > 1 and not others and not _outlived(log, steps, winners):
            continue  # the process may have ended within the burst: several acceptances can be legitimate
        judged += 1
        if len(winners) != 1 or others:
            return violated(
                f"burst {bid}: {len(winners)} of {len(steps)} simultaneous POSTs were accepted",
                expected=f"exactly 1 acceptance, {len(steps) - 1} x 409",
                observed=", ".join(str(s.ex.status or s.ex.error) for s in steps),
                evidence=[s.seq for s in steps],
            )
    if not judged:
        return unseen("the processes ended before they could be seen in flight after a burst "
                      "(too fast to race)", [s.seq for steps in bursts.values() for s in steps][:8])
    total = sum(len(v) for v in bursts.values())
    return ok(f"{judged} burst(s), {total} POSTs: one winner each")


def _outlived(log: Log, burst, winners) -> bool:
    """Did the first winner's process certainly outlive the burst?

    Yes when a process from the burst was still in flight at the first look after it, and
    processes on this target are seen alive for more than twice as long as the winners'
    answers were spread over (so no process could start and end within the burst).
    """
    if not _seen_in_flight(log, burst):
        return False
    spread = max(s.ex.ended for s in winners) - min(s.ex.started for s in winners)
    alive = [
        step.ex.started - rec.accepted_at
        for rec in log.processes.values() for step, view in log.states(rec.id)
        if view.state is not State.TERMINATED
    ]
    return bool(alive) and max(alive) > 2 * spread


def _seen_in_flight(log: Log, burst) -> bool:
    """Was a process from this burst still unfinished when first looked at after the burst?

    Then every POST of the burst (all answered before that look) reached a busy resource,
    except the one that made it busy.
    """
    seqs = {s.seq for s in burst}
    last_answer = max(s.ex.ended for s in burst)
    for rec in log.processes.values():
        if rec.accept_seq not in seqs:
            continue
        for step, view in log.states(rec.id):
            if step.ex.started >= last_answer:
                return view.state is not State.TERMINATED
    return False
