"""monitor/ - the status monitor."""

from __future__ import annotations

from ..observations import Kind, Log, intrinsic_kinds, regressions
from ..outcomes import Level
from ..model import CARRIES, Carry, State
from . import MULTI, Finding, codes as _codes, each, info, ok, requirement, unseen, violated


def _after_window(log: Log, pid: int):
    """Observations once the monitor first answered with something other than 404/410."""
    obs = log.observations(pid)
    for i, (step, _view) in enumerate(obs):
        if step.ex.status not in log.profile.unknown_statuses:
            return obs[i:]
    return []


@requirement(
    "monitor/status-200", Level.MUST,
    statement="Once it exists, a monitor answers GET with 200 (or with 303 See Other to the product at "
    "termination, where the target uses monitor/see-other).",
    rationale="The monitor is a resource in its own right: its status code says whether the monitor could be "
    "read, not how the job is going; that belongs in the body.",
    source="RFC 9110 sections 15.3.1 and 15.3.3; OGC API - Processes, Part 1, status info (200)",
)
def status_200(log: Log) -> Finding:
    allowed = set(log.profile.monitor_statuses) | {303}
    seen, bad = [], []
    for pid in log.processes:
        for step, _view in _after_window(log, pid):
            seen.append(step.seq)
            if step.ex.status not in allowed:
                bad.append(step)
    # transport failures on monitor GETs also count: the monitor did not answer
    failed = [s for s in log.of(Kind.POLL) if s.ex.status is None]
    bad += failed
    if bad:
        return violated(
            f"{len(bad)} monitor GET(s) did not answer {sorted(log.profile.monitor_statuses)}",
            expected=_codes(log.profile.monitor_statuses), observed=bad[0].ex.summary(),
            evidence=[s.seq for s in bad],
        )
    if not seen:
        return unseen("no monitor answered a GET")
    return ok(f"{len(seen)} monitor GETs answered {_codes(log.profile.monitor_statuses)}", seen[:5])


@requirement(
    "monitor/schema", Level.MUST,
    statement="Every monitor body is valid against the profile's monitor schema (seed: 'state' one of ready, "
    "running, terminated; 'progress' a number from 0 to 1; 'product' a URI reference).",
    rationale="Clients decide what to do next from these members; a value outside the agreed vocabulary "
    "leaves them guessing.",
    source="schemas/monitor.schema.json; OGC API - Processes, Part 1, statusInfo schema",
)
def schema(log: Log) -> Finding:
    seen, bad = [], []
    for step in log.of(Kind.POLL):
        if step.ex.status is None or not 200 <= step.ex.status < 300:
            continue
        seen.append(step.seq)
        if log.monitor_view(step).problems:
            bad.append(step)
    if bad:
        return violated(
            f"{len(bad)} of {len(seen)} monitor bodies do not match {log.profile.monitor_schema}",
            expected=f"a body valid against {log.profile.monitor_schema}",
            observed="; ".join(log.monitor_view(bad[0]).problems), evidence=[s.seq for s in bad],
        )
    if not seen:
        return unseen("no monitor body was received")
    return ok(f"{len(seen)} monitor bodies are valid", seen[:5])


def _backwards(log: Log, what: str, went: str, expected: str, judged: list[int], none: str, passed: str) -> Finding:
    """monitor/transitions and progress-monotonic: regressions of one kind ("state" or "progress").

    They count only when the target shows that kind at least once with no other POST in
    between; otherwise each one is blamed on the POST it straddles (single/conflict-no-effect,
    multi/independent).
    """
    regs = [r for pid in log.processes for r in regressions(log, pid) if r.what == what]
    if regs and what in intrinsic_kinds(log):
        r = regs[0]
        return violated(f"{went} in process {r.pid}: {r.detail}", expected, r.detail,
                        [r.before.seq, r.after.seq] + [x.after.seq for x in regs[1:]])
    if not judged:
        return unseen(none)
    return ok(passed.format(n=len(judged)))


@requirement(
    "monitor/transitions", Level.MUST,
    statement="The states a client observes never go backwards along ready, running, terminated; "
    "terminated is final. (Polling may skip states, never reorder them.)",
    rationale="A client that saw 'terminated' acts on the result; a monitor that later says 'running' "
    "makes that decision wrong after the fact.",
    source="Requirement catalog, protocol model; OGC API - Processes, Part 1, status codes",
)
def transitions(log: Log) -> Finding:
    return _backwards(
        log, "state", "the state went backwards", "ready -> running -> terminated, never backwards",
        [pid for pid in log.processes if len(log.states(pid)) >= 2],
        none="no process was observed twice", passed="{n} processes moved forward only",
    )


@requirement(
    "monitor/progress-monotonic", Level.MUST,
    statement="Within one process, the progress value never decreases.",
    rationale="Progress is what clients show to people and use to estimate completion; a value that "
    "goes down is a broken promise and usually a reset process.",
    source="Requirement catalog, protocol model; OGC API - Processes, Part 1 (progress)",
)
def progress_monotonic(log: Log) -> Finding:
    return _backwards(
        log, "progress", "progress decreased", "non-decreasing progress",
        [pid for pid in log.processes if sum(1 for _s, v in log.states(pid) if v.progress is not None) >= 2],
        none="no process reported progress twice", passed="progress never decreased in {n} processes",
    )


@requirement(
    "monitor/progress-present", Level.SHOULD,
    statement="A running process reports its progress.",
    rationale="Without progress a client cannot tell a slow process from a stuck one.",
    source="OGC API - Processes, Part 1 (progress in statusInfo); Google AIP-151 (metadata with progress)",
)
def progress_present(log: Log) -> Finding:
    return each(
        [s for pid in log.processes for s, v in log.states(pid) if v.state is State.RUNNING],
        lambda s: not log.monitor_view(s).progress_present,
        none="no process was observed running", failed="{bad} of {total} running observations carry no progress",
        expected=f"member '{log.profile.progress_member}'" if log.profile.progress_member
        else "progress (this profile names no progress member)", observed=lambda s: "absent",
        passed="all {total} running observations report progress",
    )


@requirement(
    "monitor/terminates", Level.MUST,
    statement="Every process the suite follows reaches terminated within the deadline the user set (--deadline).",
    rationale="An asynchronous request still has to finish; a process that never ends holds the client "
    "(and, in the single pattern, the whole resource) forever.",
    source="RFC 9110 section 15.3.3 (the request will eventually be acted upon); requirement catalog",
)
def terminates(log: Log) -> Finding:
    # a process seen terminated did terminate, whatever its monitor answered afterwards (monitor/status-200's
    # business); only one never seen terminated within its deadline is late
    late = [p for p in log.processes.values()
            if p.timed_out and not any(v.state is State.TERMINATED for _s, v in log.states(p.id))]
    if late:
        p = late[0]
        polls = [s.seq for s, _ in log.observations(p.id)][-3:]
        return violated(
            f"process {p.id} ({p.monitor}) was not terminated after {p.deadline:g} s",
            expected=f"state terminated within {p.deadline:g} s", observed="still not terminated",
            evidence=[p.accept_seq] + polls,
        )
    done = [pid for pid in log.processes if any(v.state is State.TERMINATED for _s, v in log.states(pid))]
    if not done:
        return unseen("no process was followed to its end")
    return ok(f"{len(done)} processes terminated within the deadline")


@requirement(
    "monitor/product-when-terminated", Level.MUST,
    statement="The product link appears only once the process is terminated.",
    rationale="A product link on a running process points at something that does not exist yet, or at a "
    "half-made result.",
    source="Requirement catalog, protocol model",
    applies=lambda p: None if p.product_link is not None else "the monitor carries no product in this dialect "
    "(where its URI is known early, product/not-before-end judges it)",
)
def product_when_terminated(log: Log) -> Finding:
    early = [
        s for pid in log.processes for s, v in log.states(pid)
        if v.state is not State.TERMINATED and v.has_product
    ]
    if early:
        v = log.monitor_view(early[0])
        shown = v.product if v.product is not None else f"inline {log.profile.product_link.describe()}"
        return violated(
            f"{len(early)} non-terminated observations carry a product",
            expected="no product before terminated", observed=f"state {v.raw_state!r} with product {shown}",
            evidence=[s.seq for s in early],
        )
    seen = sum(len(log.states(pid)) for pid in log.processes)
    if not seen:
        return unseen("no monitor state was observed")
    return ok("product links appeared only on terminated processes")


@requirement(
    "monitor/product-stable", Level.MUST,
    statement="Once a monitor has given a product link, it keeps giving the same one.",
    rationale="Clients may read the link once and fetch later; a moving link breaks them and suggests the "
    "result itself is not fixed.",
    source="Requirement catalog; RFC 9110 section 9.2.1 (safe methods do not change the resource)",
    applies=lambda p: None if p.monitor_links_product else "the monitor gives no product link in this dialect",
)
def product_stable(log: Log) -> Finding:
    judged = 0
    for pid in log.processes:
        links = [(s, v.product) for s, v in log.states(pid) if v.product is not None]
        if len(links) < 2:
            continue
        judged += 1
        distinct = {link for _s, link in links}
        if len(distinct) > 1:
            changes = [links[0][0].seq] + [b.seq for (a, la), (b, lb) in zip(links, links[1:]) if la != lb]
            return violated(
                f"process {pid}'s product link changed",
                expected=f"always {links[0][1]}", observed=f"{len(distinct)} different links, e.g. "
                + ", ".join(sorted(distinct)[:3]),
                evidence=changes,
            )
    if not judged:
        return unseen("no process showed its product link twice")
    return ok(f"product links stayed the same in {judged} processes")


@requirement(
    "monitor/outcome-consistent", Level.MUST,
    statement="A terminated process has exactly one ending (succeeded, failed or cancelled), and keeps it; a "
    "failed one carries an error where the profile puts it and no product; a cancelled one has no product.",
    rationale="Clients branch on the ending: a product on a failed process, an operation that is both done with "
    "a response and with an error, or an ending that changes, leaves them no right branch to take.",
    source="Google AIP-151 and google/longrunning/operations.proto (done: exactly one of error or response); Azure "
    "REST API guidelines (status monitor: error when Failed); OGC API - Processes 1.0, statusInfo (one status; "
    "results only for successful jobs, /req/core/job-results-failed)",
    applies=lambda p: None if len(p.expressible_endings) > 1 else
    "the dialect has one way to end, so an ending cannot be inconsistent",
)
def outcome_consistent(log: Log) -> Finding:
    judged, bad = [], []
    for pid in log.processes:
        first = None
        for s, v in log.states(pid):
            if v.state is not State.TERMINATED:
                continue
            judged.append(s.seq)
            why = None
            if v.ending is None:
                why = f"terminated ({v.raw_state!r}) without a recognisable ending"
            elif CARRIES[v.ending] is not Carry.PRODUCT_ALLOWED and v.has_product:
                why = f"{v.ending.value} and still carries a product"
            elif CARRIES[v.ending] is Carry.ERROR_REQUIRED and log.profile.error_member and not v.error_present:
                why = f"failed without an error in member '{log.profile.error_member}'"
            elif first is not None and first[1].ending is not None and v.ending is not first[1].ending:
                why = f"ended {first[1].ending.value}, later {v.ending.value}"
            if why:
                bad.append((s, why, first))
            if first is None:
                first = (s, v)
    if bad:
        s, why, first = bad[0]
        return violated(
            f"process {s.process}: {why}", expected="exactly one ending, kept; failed: an error and no product; "
            "cancelled: no product", observed=why,
            evidence=([first[0].seq] if first else []) + [b[0].seq for b in bad],
        )
    if not judged:
        return unseen("no process was seen terminated")
    return ok(f"{len(judged)} terminated observations have one consistent ending", judged[:5])


@requirement(
    "monitor/retry-after", Level.SHOULD,
    statement="A monitor response for a process that is not finished carries Retry-After; the suite waits as "
    "long as it says (bounded by the deadline).",
    rationale="The server knows best when a new poll is worth it; telling the client keeps polling cheap.",
    source="RFC 9110 section 10.2.3; Azure REST API guidelines (Retry-After on status monitors)",
)
def retry_after(log: Log) -> Finding:
    return each(
        [s for pid in log.processes for s, v in log.states(pid) if v.state is not State.TERMINATED],
        lambda s: s.ex.header("retry-after") is None,
        none="no unfinished process was observed",
        failed="{bad} of {total} responses for unfinished processes lack Retry-After",
        expected="Retry-After", observed=lambda s: "absent",
        passed="all {total} responses for unfinished processes carry Retry-After",
    )


def _fresh(cache_control: str | None) -> bool:
    if not cache_control:
        return False
    tokens = {t.strip().lower() for t in cache_control.split(",")}
    return bool(tokens & {"no-store", "no-cache", "max-age=0"})


@requirement(
    "monitor/no-store", Level.SHOULD,
    statement="Monitor responses cannot be served stale by caches: Cache-Control says no-store, no-cache or max-age=0.",
    rationale="A cached monitor shows an old state forever; polling through a proxy or a browser cache must "
    "reach the server.",
    source="RFC 9111 sections 5.2.2.1, 5.2.2.4 and 5.2.2.5",
)
def no_store(log: Log) -> Finding:
    return each(
        [s for s in log.of(Kind.POLL) if s.ex.status is not None and 200 <= s.ex.status < 300],
        lambda s: not _fresh(s.ex.header("cache-control")),
        none="no monitor body was received", failed="{bad} of {total} monitor responses may be cached",
        expected="Cache-Control: no-store (or no-cache, max-age=0)",
        observed=lambda s: f"Cache-Control: {s.ex.header('cache-control')}",
        passed="all {total} monitor responses forbid stale caching",
    )


@requirement(
    "monitor/see-other", Level.MAY,
    statement="At termination the monitor may answer 303 See Other with the product's URI in Location; the "
    "suite then follows it.",
    rationale="It is one common way to hand over the result; both it and a 200 with a product link are allowed.",
    source="RFC 9110 section 15.4.4",
)
def see_other(log: Log) -> Finding:
    redirects = [s for s in log.of(Kind.POLL) if s.ex.status == 303]
    if redirects:
        return info(f"the monitor answers 303 See Other at termination ({len(redirects)} seen)", [s.seq for s in redirects[:5]])
    return info("the monitor answers 200 at termination (no 303 seen)")


@requirement(
    "monitor/unknown-404", Level.MUST,
    statement="A monitor URI that the server never handed out answers 404 Not Found or 410 Gone.",
    rationale="Answering for a monitor that does not exist tells a client with a mistyped or forged link "
    "that some process exists.",
    source="RFC 9110 sections 15.5.5 and 15.5.11",
    patterns=MULTI,
)
def unknown_404(log: Log) -> Finding:
    return each(
        list(log.of(Kind.UNKNOWN)), lambda s: s.ex.status not in log.profile.unknown_statuses,
        none="no unknown monitor was probed",
        failed="{bad} of {total} monitor URIs that were never handed out did not answer "
        + _codes(log.profile.unknown_statuses),
        expected=_codes(log.profile.unknown_statuses),
        passed=f"unknown monitors answer {_codes(log.profile.unknown_statuses)} ({{total}} probed)",
    )
