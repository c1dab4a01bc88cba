"""idempotence/ - the seed's question: can an asynchronous request be idempotent?

RFC 9110 section 9.2.2 calls a method idempotent when the intended effect on
the server of several identical requests is the same as that of one. POST is
not idempotent by definition, but a single-pattern resource makes repeated
POSTs *in flight* collapse into one process. The suite answers the question
per target, from what it saw.
"""

from __future__ import annotations

from ..model import Ending, State, in_flight, may_follow
from ..observations import Expect, Kind, Log, Step, intrinsic_kinds, regressions
from ..outcomes import Level, Outcome
from . import MULTI, Finding, codes, info, ok, requirement, unseen, violated

#: the probes that feed these checks are in conformance/capabilities.py (role names below are theirs)
CANCELLED, BYSTANDER = "cancelled", "bystander"


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


# -- shared by the capability checks ---------------------------------------------------------------

def _missing(log: Log, capability: str, message: str, evidence: list[int]) -> Finding:
    """The capability is not there: a broken promise if the user declared it, else not-applicable."""
    if capability in log.expected:
        return violated(f"declared with --expect {capability}, but {message}", expected=f"the {capability} capability",
                        observed=message, evidence=evidence)
    return Finding(Outcome.NOT_APPLICABLE, f"{message} (the target lacks it; declare --expect {capability} "
                   "to require it)", evidence=tuple(evidence))


def _monitor(log: Log, step: Step) -> str | None:
    return log.accept_view(step).monitor if _2xx(step) else None


def _went_back(log: Log, looks: list[Step]) -> tuple[Step, Step, str] | None:
    """Two successive readable looks at one process where the second went backwards (a restart). A kind
    of step back ("state", "progress") the target shows on its own, with no request in between, is no
    sign of a restart: monitor/transitions and progress-monotonic judge it."""
    own = intrinsic_kinds(log)
    for a, b in zip(looks, looks[1:]):  # gone after the suite cancelled it, then in flight again
        view = log.readable_view(b)
        if (a.ex.status in log.profile.unknown_statuses and view is not None and view.state is not None
                and in_flight(view.state) and _cancelled_before(log, a)):
            return a, b, f"gone after a cancel, then {view.state.value}"
    views = [(s, v) for s in looks if (v := log.readable_view(s)) is not None and v.state is not None]
    for (a, va), (b, vb) in zip(views, views[1:]):
        if not may_follow(va.state, vb.state) and "state" not in own:
            return a, b, f"{va.state.value} then {vb.state.value}"
        if (va.state is vb.state and va.progress is not None and vb.progress is not None
                and vb.progress < va.progress and "progress" not in own):
            return a, b, f"progress {va.progress:g} then {vb.progress:g}"
    return None


def _cancelled_before(log: Log, look: Step) -> bool:
    """Whether the suite's cancel of the looked-at process was taken before ``look``."""
    return any(s.kind is Kind.CANCEL and s.process == look.process and s.seq < look.seq and s.ex.method != "GET"
               and _2xx(s) for s in log.steps)


def _between(looks: list[Step], step: Step) -> list[Step]:
    """The look just before and the look just after ``step``."""
    before = [s for s in looks if s.ex.ended <= step.ex.started]
    after = [s for s in looks if s.ex.started >= step.ex.ended]
    return before[-1:] + after[:1]


# -- cancel ------------------------------------------------------------------------------------------

@requirement(
    "idempotence/delete", Level.MUST_IF_SUPPORTED,
    statement="Cancelling (DELETE on the monitor, or the dialect's cancel or dismiss operation) is idempotent: "
    "the first request answers 200, 202 or 204 (the dialect's own codes where it has them), repeats answer "
    "204, 404 or 410 (likewise) and never 5xx; afterwards the monitor is gone (404/410) or shows the process "
    "ended (as cancelled, where the dialect has a word for it and the process was far from its end), and stays "
    "so; other processes go on untouched. A target without the operation answers 405 (then not-applicable, "
    "unless declared with --expect delete).",
    rationale="A cancel is retried when its answer is lost; the retry must neither fail in a new way nor undo "
    "or redo anything, and a cancelled job must not disturb other work (a single-pattern resource it keeps "
    "blocking is single/reaccept's finding).",
    source="RFC 9110 sections 9.2.2, 9.3.5 and 15.5.6; OGC API - Processes, Part 1, dismiss "
    "(/req/dismiss/job-dismiss-op); google.longrunning.Operations.CancelOperation (AIP-151)",
    applies=lambda p: None if p.cancel else "the profile names no cancel operation",
    capability="delete",
)
def delete(log: Log) -> Finding:
    cancel = log.profile.cancel
    assert cancel is not None  # applies= makes it so
    firsts = [s for s in log.roles(Kind.CANCEL, "first") if s.ex.status is not None]
    if not firsts:
        sent = log.roles(Kind.CANCEL, "first")
        return unseen(f"no cancel got an answer ({sent[0].ex.error})" if sent else
                      "no process could be started to cancel", [s.seq for s in sent])
    first = firsts[0]
    if first.ex.status in cancel.unsupported:
        return _missing(log, "delete", f"{first.ex.method} {first.ex.url} answered {first.ex.status}: the target "
                        "has no cancel operation", [first.seq])
    problems: list[tuple[str, str, Step, list[int]]] = []
    for f in firsts:
        if f.ex.status not in cancel.first:
            problems.append(("the first cancel was not taken", codes(cancel.first), f, [f.seq]))
    for r in log.roles(Kind.CANCEL, "repeat"):
        if r.ex.status not in cancel.repeat:
            problems.append(("a repeated cancel answered differently from an idempotent one", codes(cancel.repeat),
                             r, [first.seq, r.seq]))
    for pid, proc in log.processes.items():
        if proc.role == CANCELLED:
            problems += _after_cancel(log, pid)
        elif proc.role == BYSTANDER:
            problems += _bystander(log, pid)
    if problems:
        message, expected, step, seqs = problems[0]
        return violated(message, expected=expected, observed=step.ex.summary(), evidence=seqs)
    repeats = log.roles(Kind.CANCEL, "repeat")
    return ok(f"{len(firsts)} cancel(s) taken ({codes({f.ex.status for f in firsts})}), {len(repeats)} repeat(s) "
              "answered as idempotent ones, and the process stayed cancelled", [first.seq, *[r.seq for r in repeats]])


def _after_cancel(log: Log, pid: int) -> list[tuple[str, str, Step, list[int]]]:
    """The looks at a cancelled process: gone or ended (as cancelled, when it was young), and never back."""
    first = next((s for s in log.roles(Kind.CANCEL, "first") if s.process == pid), None)
    if first is None:  # marked cancelled with no first cancel of its own on record: nothing to judge it by
        return []
    afters = [s for s in log.roles(Kind.CANCEL, "after") if s.process == pid and s.ex.status is not None]
    out = []
    settled = None
    # where the dialect has no word for "cancelled" (the seed's one 'terminated'), an end is all it can show
    says_cancelled = Ending.CANCELLED in log.profile.expressible_endings
    for a in afters:
        gone = a.ex.status in log.profile.unknown_statuses or _like_unknown(log, a)
        view = log.readable_view(a)
        ended = view is not None and view.state is State.TERMINATED
        if settled is not None and not gone and not ended:
            out.append(("a cancelled process came back after it was gone or ended", "it stays gone or ended", a,
                        [first.seq, settled.seq, a.seq]))
        if gone or ended:
            settled = settled or a
        if (ended and view.ending is not None and view.ending is not Ending.CANCELLED and says_cancelled
                and _young(log, pid, first)):
            out.append((f"the process ended {view.ending.value}, not cancelled, although it was cancelled far from "
                        "its end", "ended as cancelled (or gone)", a, [first.seq, a.seq]))
    if afters and settled is None:
        out.append(("the cancelled process was still in flight a deadline after the cancel was taken",
                    "gone or ended as cancelled", afters[-1], [first.seq, afters[-1].seq]))
    return out


def _like_unknown(log: Log, step: Step) -> bool:
    """The look answered as this target answers a monitor it never handed out (same status, same state):
    the process is gone, and what gone monitors answer is monitor/unknown-404's to judge."""
    def seen_as(s: Step) -> tuple:
        view = log.readable_view(s)
        return s.ex.status, view.state if view is not None else None

    return any(seen_as(u) == seen_as(step) for u in log.of(Kind.UNKNOWN) if u.ex.status is not None)


def _young(log: Log, pid: int, cancel: Step) -> bool:
    """Whether the process was seen in flight, not yet half way, right before ``cancel``: an ending other
    than cancelled cannot then be a natural end that overtook the cancel. Half way by the progress the target
    told; where it tells none, by time: the cancel reached the process before half the time the other
    processes (those that ended by themselves) were at least in flight. With neither, it is not young."""
    before = [(s, v) for s, v in log.states(pid) if s.ex.ended <= cancel.ex.started]
    if not before:
        return False
    _s, view = before[-1]
    if not in_flight(view.state):
        return False
    if view.progress is not None:
        return view.progress < 0.5
    lasted = [t for q, rec in log.processes.items() if q != pid and rec.role != CANCELLED
              and (t := log.lasted_at_least(q)) is not None and not _ended_cancelled(log, q)]
    if not lasted:
        return False
    age = cancel.ex.ended - log.step(log.processes[pid].accept_seq).ex.started  # at most, when the cancel arrived
    return age < 0.5 * min(lasted)


def _ended_cancelled(log: Log, pid: int) -> bool:
    ending = log.states(pid)[-1][1].ending
    return ending is not None and ending.value == "cancelled"


def _bystander(log: Log, pid: int) -> list[tuple[str, str, Step, list[int]]]:
    """The other process (multi) must go on to its own end: never gone, never cancelled."""
    cancel = next(iter(log.roles(Kind.CANCEL, "first")), None)
    out = []
    looks = [s for s in log.roles(Kind.CANCEL, BYSTANDER) if s.process == pid and s.ex.status is not None]
    alive = False  # a monitor not yet answering (accept/monitor-ready's matter) is not a removed one
    for step in looks:
        view = log.monitor_view(step)
        late = cancel is not None and step.ex.started >= cancel.ex.started
        if late and (alive and step.ex.status in log.profile.unknown_statuses or view.ending is not None
                     and view.ending.value == "cancelled"):
            out.append(("cancelling one process cancelled or removed another", "other processes untouched", step,
                        [cancel.seq, step.seq]))
            break
        alive = alive or _2xx(step)
    return out


# -- Idempotency-Key -----------------------------------------------------------------------------------

def _key_support(log: Log) -> list[int]:
    """Evidence that the target reads the idempotency key (exchange numbers; empty: none)."""
    original = next(iter(log.roles(Kind.KEYED, "original")), None)
    replay = next(iter(log.roles(Kind.KEYED, "replay")), None)
    if original is not None and replay is not None and _replayed(log, original, replay):
        return [original.seq, replay.seq]
    for m in log.roles(Kind.KEYED, "mismatch"):
        if m.ex.status in log.profile.key_mismatch_statuses:
            return [m.seq]
    burst = [s for s in log.roles(Kind.KEYED, "concurrent") if _2xx(s)]
    if log.pattern == "multi" and len(burst) >= 2 and len({_monitor(log, s) for s in burst}) == 1:
        return [s.seq for s in burst]
    for m in log.roles(Kind.KEYED, "missing"):
        if m.ex.status in log.profile.key_missing_statuses:
            return [m.seq]
    return []


def _key_unread(log: Log, what: str, evidence: list[int]) -> Finding | None:
    """Not-applicable (or, declared, a failure) when nothing in the run shows the target reads the key."""
    if _key_support(log):
        return None
    return _missing(log, "idempotency-key", f"nothing shows that the target reads {log.profile.idempotency_header} "
                    f"({what})", evidence)


def _replayed(log: Log, original: Step, replay: Step) -> bool:
    """The replay got the original answer, and that says something: in the multi pattern every process
    has its own monitor; in the single one the process must have been in flight (else any new POST gets
    the same monitor URI)."""
    if not (_2xx(original) and _2xx(replay) and replay.ex.status == original.ex.status
            and _monitor(log, replay) == _monitor(log, original)):
        return False
    if log.pattern == "multi":
        return True
    before = _between(log.roles(Kind.KEYED, "look"), replay)[:1]
    view = log.readable_view(before[0]) if before else None
    return view is not None and in_flight(view.state)


_KEY_SOURCE = "IETF draft-ietf-httpapi-idempotency-key-header (Idempotency-Key HTTP header field)"


@requirement(
    "idempotence/key-replay", Level.MUST_IF_SUPPORTED,
    statement="A POST repeated with the same Idempotency-Key and payload gets the original response (the same "
    "status and monitor) and starts no second process; in the single pattern the replay of a request whose "
    "process is in flight is that original acceptance, not a 409.",
    rationale="The key is what makes a POST safe to retry after a lost response: the retry must find the work "
    "already started, not start it twice or be told to go away.",
    source=f"{_KEY_SOURCE}, sections 2 and 2.6",
    capability="idempotency-key",
)
def key_replay(log: Log) -> Finding:
    originals = log.roles(Kind.KEYED, "original")
    if not originals or originals[0].ex.status is None:
        return unseen("no POST with an idempotency key got an answer", [s.seq for s in originals])
    original = originals[0]
    busy = {log.profile.conflict_status, 429, 503}  # refused for the resource's load, not for the key
    if not _2xx(original):
        if "idempotency-key" in log.expected and original.ex.status not in busy:
            return violated("a valid POST with an idempotency key was not accepted", expected="acceptance",
                            observed=original.ex.summary(), evidence=[original.seq])
        return unseen(f"the POST with an idempotency key was not accepted ({original.ex.status}): nothing to "
                      "replay", [original.seq])
    replays = [s for s in log.roles(Kind.KEYED, "replay") if s.ex.status is not None]
    if not replays:
        return unseen("no replay got an answer", [original.seq])
    looks = log.roles(Kind.KEYED, "look")
    good, bad = [], []
    for replay in replays:
        what = _replay_fault(log, original, replay, looks)
        if what:
            bad.append((replay, what))
        elif _replayed(log, original, replay) and not _straddled(log, _between(looks, replay), replay):
            good.append(replay)
    if bad:
        replay, what = bad[0]
        support = _key_support(log)
        if not support and "idempotency-key" not in log.expected:
            return _missing(log, "idempotency-key", f"the target ignores {log.profile.idempotency_header}: a "
                            f"replay {what}", [original.seq, replay.seq])
        return violated(f"a replay with the same key {what}", expected=f"the original response: "
                        f"{original.ex.status} naming {_monitor(log, original)}, nothing started",
                        observed=replay.ex.summary(), evidence=[original.seq, replay.seq, *support[:2]])
    if not good:
        return unseen("every replay came after the process had ended, where a replay and a new process look "
                      "alike in the single pattern", [original.seq, *[r.seq for r in replays]])
    return ok(f"{len(replays)} replay(s) got the original response ({original.ex.status}, the same monitor) and "
              "started nothing", [original.seq, *[r.seq for r in replays]])


def _replay_fault(log: Log, original: Step, replay: Step, looks: list[Step]) -> str | None:
    """What a replay did wrong, if the evidence shows it (None: nothing seen wrong)."""
    if replay.ex.status == log.profile.conflict_status:
        return f"was refused with {replay.ex.status}"
    if not _2xx(replay) or replay.ex.status != original.ex.status:
        return f"answered {replay.ex.status}, not the original {original.ex.status}"
    if _monitor(log, replay) != _monitor(log, original):
        return "started a second process (another monitor)"
    back = _restart_around(log, looks, replay)
    if back is not None:
        return f"restarted the process or started a new one behind the same monitor ({back[2]})"
    return None


def _restart_around(log: Log, looks: list[Step], step: Step) -> tuple[Step, Step, str] | None:
    """A step back between the looks just before and just after ``step`` (:func:`_went_back`), unless
    another process was accepted between them too (:func:`_straddled`)."""
    pair = _between(looks, step)
    return None if _straddled(log, pair, step) else _went_back(log, pair)


def _straddled(log: Log, pair: list[Step], step: Step) -> bool:
    """Whether another process was accepted between two looks around a probe's request (multi pattern,
    where the other probes run alongside) on a target seen setting a process back when another request came
    in (a step back its polls show across another POST): a step back between the looks cannot then be put
    down to the probe's request alone (multi/independent judges such a target). Where the polls show no
    such disturbance, the step back is the probe's request's doing."""
    return (len(pair) == 2 and pair[0].process is not None
            and bool(log.other_posts_between(pair[0].process, pair[0], pair[1], besides=step))
            and any(r.straddled for pid in log.processes for r in regressions(log, pid)))


@requirement(
    "idempotence/key-mismatch", Level.SHOULD_IF_SUPPORTED,
    statement="Reusing an Idempotency-Key with another payload is refused with 422 and starts nothing.",
    rationale="A key reused for a different request is a client bug; answering with the first request's "
    "result, or running the second, hides it.",
    source=f"{_KEY_SOURCE}, section 2.7 (422 Unprocessable Content)",
    capability="idempotency-key",
)
def key_mismatch(log: Log) -> Finding:
    sent = [s for s in log.roles(Kind.KEYED, "mismatch") if s.ex.status is not None]
    if not sent:
        return unseen("no reused key with another payload got an answer")
    m = sent[0]
    wanted = codes(log.profile.key_mismatch_statuses)
    if m.ex.status in log.profile.key_mismatch_statuses:
        return ok(f"another payload under a used key was refused with {m.ex.status}", [m.seq])
    unread = _key_unread(log, f"another payload under a used key: {m.ex.status}", [m.seq])
    if unread:
        return unread
    what = "was accepted as a new process" if _2xx(m) else f"answered {m.ex.status}"
    return violated(f"another payload under a used key {what}", expected=wanted, observed=m.ex.summary(),
                    evidence=[m.seq, *_key_support(log)[:2]])


@requirement(
    "idempotence/key-concurrent", Level.SHOULD_IF_SUPPORTED,
    statement="Requests sent at the same moment with one Idempotency-Key start one process: every acceptance "
    "names the same monitor, and the others are that acceptance again or 409.",
    rationale="Retries often overlap the original request; the key must hold under concurrency, where a "
    "check-then-set store lets duplicates through.",
    source=f"{_KEY_SOURCE}, section 2.7 (409 for a request still being processed)",
    capability="idempotency-key",
)
def key_concurrent(log: Log) -> Finding:
    burst = [s for s in log.roles(Kind.KEYED, "concurrent") if s.ex.status is not None]
    if not burst:
        return unseen("no concurrent requests with one key got an answer")
    accepted = [s for s in burst if _2xx(s)]
    monitors = {_monitor(log, s) for s in accepted}
    odd = [s for s in burst if not _2xx(s) and s.ex.status != log.profile.conflict_status]
    if len(monitors) <= 1 and not odd:
        return ok(f"{len(burst)} concurrent requests with one key: {len(accepted)} accepted, all naming one monitor",
                  [s.seq for s in burst])
    unread = _key_unread(log, f"{len(monitors)} monitors for one key", [s.seq for s in accepted])
    if unread:
        return unread
    if len(monitors) > 1:
        return violated(f"{len(burst)} concurrent requests with one key started {len(monitors)} processes",
                        expected="one process (one monitor)", observed=f"{len(monitors)} distinct monitors",
                        evidence=[s.seq for s in accepted])
    return violated(f"{len(odd)} of {len(burst)} concurrent requests with one key got neither the acceptance "
                    f"nor {log.profile.conflict_status}", expected=f"2xx or {log.profile.conflict_status}",
                    observed=odd[0].ex.summary(), evidence=[s.seq for s in odd])


@requirement(
    "idempotence/key-missing", Level.SHOULD_IF_REQUIRED,
    statement="A resource that requires an Idempotency-Key refuses a POST without one with 400 and starts "
    "nothing (declare with --expect key-required).",
    rationale="A server that documents the key as required but runs key-less requests gives clients a "
    "retry-safety they do not have.",
    source=f"{_KEY_SOURCE}, section 2.7 (400 Bad Request for a missing key)",
    capability="key-required",
)
def key_missing(log: Log) -> Finding:
    name = log.profile.idempotency_header.lower()
    if "key-required" not in log.expected:
        keyless = [s for s in log.accepted_posts() if name not in {k.lower() for k, _v in s.ex.request_headers}]
        if keyless:
            return Finding(Outcome.NOT_APPLICABLE, "the target accepted POSTs without a key: it does not require "
                           "one (declare --expect key-required if it should)", evidence=(keyless[0].seq,))
        return unseen("no POST without a key was accepted, and none was declared required")
    sent = [s for s in log.roles(Kind.KEYED, "missing") if s.ex.status is not None]
    if not sent:
        return unseen("no POST without the required key got an answer")
    m = sent[0]
    if m.ex.status in log.profile.key_missing_statuses:
        return ok(f"a POST without the required key was refused with {m.ex.status}", [m.seq])
    what = "was accepted and started a process" if _2xx(m) else f"answered {m.ex.status}"
    return violated(f"a POST without the required key {what}", expected=codes(log.profile.key_missing_statuses),
                    observed=m.ex.summary(), evidence=[m.seq])


# -- PUT -----------------------------------------------------------------------------------------------

@requirement(
    "idempotence/put-create", Level.MAY,
    statement="A target may start a process with PUT on a monitor URI the client chooses (201 or 202); an "
    "identical repeat answers success and starts no second process (the process is not restarted), and another "
    "body for that URI is refused (400, 409, 412 or 422).",
    rationale="PUT is idempotent by definition, which makes a client-chosen URI the natural way to make the "
    "start of a job safe to retry without any extra header.",
    source="RFC 9110 sections 9.2.2, 9.3.4 and 15.3.2",
    patterns=MULTI,
    applies=lambda p: None if p.put else "the profile names no PUT creation",
    capability="put-create",
)
def put_create(log: Log) -> Finding:
    put = log.profile.put
    assert put is not None
    created = [s for s in log.roles(Kind.PUT, "create") if s.ex.status is not None]
    if not created:
        sent = log.roles(Kind.PUT, "create")
        return unseen(f"the PUT got no answer ({sent[0].ex.error})" if sent else
                      "no monitor URI was known to derive a PUT target from", [s.seq for s in sent])
    c = created[0]
    if not _2xx(c):
        why = f"PUT {c.ex.url} answered {c.ex.status}: the target does not create processes by PUT"
        if c.ex.status in put.unsupported or "put-create" not in log.expected:
            return _missing(log, "put-create", why, [c.seq])
        return violated(why, expected=codes(put.created), observed=c.ex.summary(), evidence=[c.seq])
    looks = log.roles(Kind.PUT, "look")
    problems = []
    if c.ex.status not in put.created:
        problems.append(("the PUT that started a process answered with another status", codes(put.created), c))
    for r in log.roles(Kind.PUT, "repeat"):
        back = _restart_around(log, looks, r)
        if r.ex.status not in put.repeat:
            problems.append(("the identical repeat of the PUT was not answered as a success", codes(put.repeat), r))
        elif back is not None:
            problems.append((f"the identical repeat restarted the process ({back[2]})", "no second process", r))
        elif _monitor(log, r) not in (None, _monitor(log, c)):
            problems.append(("the identical repeat named another monitor", "the same monitor", r))
    for o in log.roles(Kind.PUT, "other"):
        back = _restart_around(log, looks, o)
        if o.ex.status not in put.refused:
            problems.append(("another body for the same URI was not refused", codes(put.refused), o))
        elif back is not None:
            problems.append((f"a refused PUT restarted the process ({back[2]})", "nothing changes", o))
    if problems:
        message, expected, step = problems[0]
        return violated(message, expected=expected, observed=step.ex.summary(), evidence=[c.seq, step.seq])
    return ok(f"PUT started a process ({c.ex.status}); its identical repeat started no second one",
              [s.seq for s in log.roles(Kind.PUT) if s.role != "look"])
