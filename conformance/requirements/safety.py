"""safety/ - GET and HEAD change nothing."""

from __future__ import annotations

from ..observations import Kind, Log
from ..outcomes import Level
from ..model import State
from . import Finding, each, ok, requirement, unseen, violated

# How much longer the sparsely polled process may take, as a factor of the
# densely polled one's time plus a margin, before the difference is blamed on polling.
SLOWDOWN_FACTOR = 2.0
SLOWDOWN_MARGIN = 0.25


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
    fast = [p.id for p in log.processes.values() if p.scenario == "get-safe-fast"]
    slow = [p.id for p in log.processes.values() if p.scenario == "get-safe-slow"]
    if not fast or not slow:
        return unseen("the polling-rate probe did not run")
    f, s = _time_to_end(log, fast[0]), _time_to_end(log, slow[0])
    if f is None or s is None:
        return unseen("a polling-rate probe process was not seen terminated")
    (t_fast, n_fast), (t_slow, n_slow) = f, s
    if n_fast < 4:
        return unseen(f"the process ended after {n_fast} poll(s): too fast to compare polling rates")
    limit = SLOWDOWN_FACTOR * t_fast + SLOWDOWN_MARGIN
    evidence = [log.processes[fast[0]].accept_seq, log.processes[slow[0]].accept_seq]
    evidence += [st.seq for st, _ in log.states(fast[0])[-1:]] + [st.seq for st, _ in log.states(slow[0])[-1:]]
    if t_slow > limit and n_slow * 2 >= n_fast:
        return violated(
            "the process advanced with the number of polls, not with time",
            expected=f"the sparsely polled process ends about as soon as the densely polled one (<= {limit:.2f} s)",
            observed=f"dense: {n_fast} polls, ended after {t_fast:.2f} s; "
            f"sparse: {n_slow} polls, ended after {t_slow:.2f} s",
            evidence=evidence,
        )
    return ok(
        f"dense polling ({n_fast} polls, {t_fast:.2f} s) and sparse polling ({n_slow} polls, {t_slow:.2f} s) "
        "saw the same pace", evidence,
    )


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
    pairs = []
    for head in log.of(Kind.HEAD):
        get = _paired_get(log, head)
        if get is not None and head.ex.status is not None and get.ex.status is not None:
            pairs.append((head, get))
    if not pairs:
        return unseen("no HEAD was followed by a GET of the same URI")
    for head, get in pairs:
        if head.ex.status != get.ex.status:
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
