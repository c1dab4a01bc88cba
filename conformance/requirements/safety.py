"""safety/ - GET and HEAD change nothing."""

from __future__ import annotations

from ..observations import Kind, Log, Step
from ..outcomes import Level
from ..model import State
from . import Finding, each, ok, requirement, unseen, violated

# How much longer the sparsely polled process may take, as a factor of the
# densely polled one's time plus a margin, before the difference is blamed on polling.
SLOWDOWN_FACTOR = 2.0
SLOWDOWN_MARGIN = 0.25
# The first sparse run looks sooner (the run waits no longer than it must); a run that looks driven
# by GETs there is repeated at the full SLOWDOWN_FACTOR, and only that one can decide a violation.
FIRST_LOOK_FACTOR = 1.2


def slowdown_limit(t_fast: float, factor: float = SLOWDOWN_FACTOR) -> float:
    """The time by which the sparsely polled process must have ended if time, not polls, drives it."""
    return factor * t_fast + SLOWDOWN_MARGIN


def first_look(t_fast: float) -> float:
    """When the first sparse run first looks (the repeat looks at slowdown_limit)."""
    return slowdown_limit(t_fast, FIRST_LOOK_FACTOR)


def polling_sides(log: Log) -> tuple[list[int], list[int]]:
    """The densely and the sparsely polled processes of the polling-rate probe, in order (a process's
    role, else its scenario: the dense side may be a scenario's own process, e.g. the lifecycle's)."""
    side = {pid: p.role or p.scenario for pid, p in log.processes.items()}
    return ([pid for pid, r in side.items() if r == "get-safe-fast"],
            [pid for pid, r in side.items() if r == "get-safe-slow"])


def sparse_interval(t_fast: float) -> float:
    """The sparse poller's pace after its first look (the probe in scenarios._polling_rate_probe)."""
    return max(0.02, t_fast / 2)


def sparse_verdict(log: Log, fast: int, slow: int) -> tuple[bool, str] | None:
    """(driven by GETs?, what was seen) for the sparsely polled process ``slow`` against the densely
    polled ``fast``; None when either did not end or the dense one gives nothing to compare.

    The sparse poller first looks when a process driven by time must be over (the limit); one
    driven by GETs is then still in flight, and ends only after as many GETs as the dense poller sent.
    The probe (scenarios._polling_rate_probe) repeats a run this calls driven; the check decides."""
    dense, end, obs = _time_to_end(log, fast), _time_to_end(log, slow), log.states(slow)
    if dense is None or dense[1] < 2 or end is None or not obs:
        return None
    (t_fast, n_fast), (t_slow, n_slow) = dense, end
    first = obs[0][0].ex.started - log.processes[slow].accepted_at
    driven = first >= first_look(t_fast) and obs[0][1].state is not State.TERMINATED and n_slow >= n_fast
    return driven, (f"first looked at after {first:.2f} s: {obs[0][1].state.value}; ended after "
                    f"{n_slow} polls, {t_slow:.2f} s")


def _time_to_end(log: Log, pid: int) -> tuple[float, int] | None:
    """(seconds from acceptance to the first terminated observation, polls it took)."""
    rec = log.processes[pid]
    for n, (s, v) in enumerate(log.states(pid), start=1):
        if v.state is State.TERMINATED:
            return s.ex.ended - rec.accepted_at, n
    return None


@requirement(
    "safety/get-safe", Level.MUST,
    statement="GET and HEAD on monitors and products change no state: how often a client polls does not "
    "change how or when a process advances.",
    rationale="GET is safe: clients, caches and crawlers repeat it freely; a process driven by polls ends "
    "early for eager clients and never for patient ones.",
    source="RFC 9110 section 9.2.1",
)
def get_safe(log: Log) -> Finding:
    fast, slow = polling_sides(log)
    if not fast or not slow:
        return unseen("the polling-rate probe did not run")
    f = _time_to_end(log, fast[0])
    if f is None:
        return unseen("the densely polled process was not seen terminated")
    t_fast, n_fast = f
    if n_fast < 2:
        return unseen("the densely polled process had ended by the first look: polls cannot be told from time")
    verdicts = [(pid, v) for pid in slow if (v := sparse_verdict(log, fast[0], pid)) is not None]
    if not verdicts:
        return unseen("no sparsely polled process was seen terminated")
    evidence = [log.processes[fast[0]].accept_seq] + [st.seq for st, _ in log.states(fast[0])[-1:]]
    for pid, _v in verdicts:
        obs = log.states(pid)
        evidence += [log.processes[pid].accept_seq, obs[0][0].seq, obs[-1][0].seq]
    dense = f"dense: {n_fast} polls, ended after {t_fast:.2f} s"
    # a process slower this once is not a verdict: the probe repeats a sparse run that looks driven by GETs,
    # and only a run first looked at past the full limit can confirm it
    full = slowdown_limit(t_fast)
    confirmed = any(log.states(pid)[0][0].ex.started - log.processes[pid].accepted_at >= full
                    for pid, _v in verdicts)
    if all(driven for _pid, (driven, _seen) in verdicts) and not confirmed:
        return unseen(f"the sparsely polled process looked driven by GETs when first looked at after "
                      f"{first_look(t_fast):.2f} s, and no run looked after {full:.2f} s to confirm it")
    if all(driven for _pid, (driven, _seen) in verdicts):
        return violated(
            "the process advanced with the number of GETs, not with time",
            expected=f"a process that ended after {t_fast:.2f} s when polled densely has ended when first looked "
            f"at after {slowdown_limit(t_fast):.2f} s",
            observed=f"{dense}; sparse ({len(verdicts)} run(s)): " + "; ".join(seen for _p, (_d, seen) in verdicts),
            evidence=evidence,
        )
    seen = next(seen for _p, (driven, seen) in verdicts if not driven)
    return ok(f"time, not GETs, drives the process ({dense}; sparse: {seen})", evidence)


@requirement(
    "safety/head-no-content", Level.MUST,
    statement="A response to HEAD has no content.",
    rationale="HEAD exists to fetch the header section alone; bytes after it are read by the client as the "
    "start of the next response on the connection, which corrupts it.",
    source="RFC 9110 section 9.3.2",
)
def head_no_content(log: Log) -> Finding:
    return each(
        [s for s in log.of(Kind.RAW_HEAD) if s.ex.status is not None], lambda s: bool(s.ex.response_body),
        none="the raw HEAD probe got no response", failed="{bad} of {total} HEAD responses carried content",
        expected="no content after the header section",
        observed=lambda s: f"{len(s.ex.response_body)} bytes: {s.ex.response_body[:60]!r}",
        passed="{total} HEAD responses had no content",
    )


def _paired_get(log: Log, head) -> object | None:
    for s in log.steps:
        if s.seq > head.seq and s.kind in (Kind.POLL, Kind.PRODUCT) and s.ex.url == head.ex.url:
            return s
    return None


@requirement(
    "safety/head-matches-get", Level.SHOULD,
    statement="HEAD answers with the status and header fields GET would give.",
    rationale="Clients and caches use HEAD to check a resource cheaply; a HEAD that disagrees with GET "
    "misleads them.",
    source="RFC 9110 section 9.3.2",
)
def head_matches_get(log: Log) -> Finding:
    pairs, failed = [], []
    for head in log.of(Kind.HEAD):
        get = _paired_get(log, head)
        if get is not None and head.ex.status is not None and get.ex.status is not None:
            # a 5xx on either side is the server failing, not an answer about the resource: one defect,
            # judged once, by errors/no-5xx
            (failed if max(head.ex.status, get.ex.status) >= 500 else pairs).append((head, get))
    if not pairs:
        if failed:
            return unseen("every HEAD/GET pair had a 5xx on one side (errors/no-5xx judges those)",
                          [s.seq for pair in failed for s in pair])
        return unseen("no HEAD was followed by a GET of the same URI")
    for head, get in pairs:
        if head.ex.status != get.ex.status and not _changed_between(log, head):
            return violated(
                "HEAD and GET answered with different status codes",
                expected=f"HEAD {get.ex.status} like GET", observed=f"HEAD {head.ex.status}",
                evidence=[head.seq, get.seq],
            )
        if head.ex.media_type != get.ex.media_type:
            return violated(
                "HEAD and GET announce different media types",
                expected=f"Content-Type {get.ex.media_type}", observed=f"Content-Type {head.ex.media_type}",
                evidence=[head.seq, get.seq],
            )
    return ok(f"{len(pairs)} HEAD/GET pairs agree")


def _changed_between(log: Log, head: Step) -> bool:
    """The GET of the same URI just before the HEAD answered as the HEAD did: the resource changed between
    the HEAD and the GET after it (a monitor that appears, a process that ends), not HEAD and GET."""
    before = [s for s in log.steps if s.ex.method == "GET" and s.ex.url == head.ex.url and s.ex.status is not None
              and s.ex.ended <= head.ex.started]
    return bool(before) and before[-1].ex.status == head.ex.status
