"""accept/ - the response that accepts the request."""

from __future__ import annotations

from ..observations import Expect, Log
from ..outcomes import Level
from . import BOTH, Finding, absent, codes, each, ok, requirement, unseen, violated


def _is_2xx(status: int | None) -> bool:
    return status is not None and 200 <= status < 300


@requirement(
    "accept/status-202", Level.MUST,
    statement="A valid POST that the target takes on is answered with the profile's acceptance status "
    "(seed: 202 Accepted), not with a plain success code.",
    rationale="202 tells the client that the work is not done yet and that it must look at the monitor; "
    "a 200 or 204 would claim completion that has not happened.",
    source="RFC 9110 section 15.3.3; Azure REST API guidelines, long-running operations",
)
def status_202(log: Log) -> Finding:
    want = log.profile.accept_statuses
    judged, bad = [], []
    # a POST carrying an unknown Prefer token is compared with plain ones by accept/prefer-tolerant
    for s in log.posts(Expect.ACCEPT, Expect.REACCEPT, Expect.PROBE, Expect.RACE, Expect.ANY):
        status = s.ex.status
        if _is_2xx(status):
            judged.append(s.seq)
            if status not in want:
                bad.append(s)
        elif (s.expect is Expect.ACCEPT and log.pattern == "single" and status is not None
              and status != log.profile.conflict_status):
            judged.append(s.seq)
            bad.append(s)
    if bad:
        first = bad[0]
        return violated(
            f"{len(bad)} valid POST(s) were answered with another status than {sorted(want)}",
            expected=" or ".join(map(str, sorted(want))), observed=f"{first.ex.status} ({first.ex.summary()})",
            evidence=[s.seq for s in bad],
        )
    if not judged:
        return unseen("no POST was accepted, so the acceptance status could not be seen")
    return ok(f"{len(judged)} accepted POST(s) answered {sorted(want)}", judged[:5])


@requirement(
    "accept/monitor-link", Level.MUST,
    statement="The accepting response names the status monitor where the profile says (seed: the string "
    "member 'monitor' of a JSON body), as a URI reference the client resolves against the request URL.",
    rationale="Without a monitor link the client has no way to learn the outcome of the request it just made.",
    source="RFC 9110 section 15.3.3 (point to a status monitor); RFC 3986 section 5 (reference resolution)",
)
def monitor_link(log: Log) -> Finding:
    accepted = log.accepted_posts()
    if not accepted:
        return unseen("no POST was accepted")
    bad = [s for s in accepted if log.accept_view(s).problems or log.accept_view(s).monitor is None]
    if bad:
        view = log.accept_view(bad[0])
        return violated(
            f"{len(bad)} of {len(accepted)} accepting responses do not carry a usable monitor link",
            expected=(f"a body valid against {log.profile.accept_schema}, " if log.profile.accept_schema else "")
            + f"the monitor link at {log.profile.monitor_link.describe()}",
            observed="; ".join(view.problems) or "no monitor link",
            evidence=[s.seq for s in bad],
        )
    return ok(f"all {len(accepted)} accepting responses name a monitor", [s.seq for s in accepted[:5]])


@requirement(
    "accept/monitor-ready", Level.MUST,
    statement="The monitor exists as soon as the acceptance has been answered: the first GET of it does "
    "not answer 404 or 410.",
    rationale="Clients poll right after the 202; a window in which the monitor is missing makes a correct "
    "client believe its request was lost.",
    source="RFC 9110 section 15.3.3; Microsoft Azure REST API guidelines (operation status available at once)",
)
def monitor_ready(log: Log) -> Finding:
    seen, bad = [], []
    for pid in log.processes:
        for step, _view in log.observations(pid):
            seen.append(step.seq)
            if step.ex.status in log.profile.unknown_statuses:
                bad.append(step)
                continue
            break  # the monitor answered: the window is over for this process
    if bad:
        return violated(
            f"the monitor answered {bad[0].ex.status} after the acceptance ({len(bad)} time(s))",
            expected=f"{codes(log.profile.monitor_statuses)} from the first GET after the acceptance",
            observed=bad[0].ex.summary(),
            evidence=[log.processes[bad[0].process].accept_seq] + [s.seq for s in bad],
        )
    if not seen:
        return unseen("no monitor was polled")
    return ok("every monitor answered from its first GET", seen[:5])


@requirement(
    "accept/location-consistent", Level.MUST,
    statement="When the accepting response also sends Location or Content-Location (those of them that the "
    "profile says name the monitor), that header identifies the same monitor as the profile's monitor link.",
    rationale="Clients and intermediaries that follow the header must end up where clients that read the "
    "body do; two different answers to 'where is my request' cannot both be right.",
    source="RFC 9110 sections 10.2.2 (Location) and 8.7 (Content-Location)",
)
def location_consistent(log: Log) -> Finding:
    judged, bad = [], []
    for s in log.accepted_posts():
        view = log.accept_view(s)
        for header, value in view.aliases:
            if view.monitor is None:
                continue
            judged.append(s.seq)
            if value != view.monitor:
                bad.append((s, header, value, view.monitor))
    if bad:
        s, header, value, monitor = bad[0]
        return violated(
            f"{header} and the body name different monitors",
            expected=f"{header}: {monitor}", observed=f"{header}: {value}", evidence=[b[0].seq for b in bad],
        )
    if not judged:
        names = " or ".join(log.profile.monitor_aliases) or "header naming the monitor"
        return absent(f"the target sends no {names} with its acceptance")
    return ok("the headers name the same monitor as the body", judged[:5])


@requirement(
    "accept/retry-after", Level.SHOULD,
    statement="The accepting response carries Retry-After, telling the client when to look at the monitor first.",
    rationale="It spares the server early polls and tells clients a sensible pace.",
    source="RFC 9110 section 10.2.3; Azure REST API guidelines (Retry-After on 202)",
)
def retry_after(log: Log) -> Finding:
    return each(
        log.accepted_posts(), lambda s: s.ex.header("retry-after") is None,
        none="no POST was accepted", failed="{bad} of {total} accepting responses have no Retry-After",
        expected="a Retry-After header", observed=lambda s: "none",
        passed="all {total} accepting responses carry Retry-After",
    )


@requirement(
    "accept/prefer-tolerant", Level.MUST,
    statement="A Prefer header with tokens the server does not know leaves the outcome of a POST unchanged.",
    rationale="Preferences are optional hints: a server ignores the ones it does not understand, so clients "
    "can send them to any server without risk.",
    source="RFC 7240 section 2",
    patterns=BOTH,
)
def prefer_tolerant(log: Log) -> Finding:
    # what plain POSTs on an idle resource got: the outcome an unknown token must not change
    plain = {s.ex.status for s in log.posts(Expect.ACCEPT, Expect.REACCEPT) if _is_2xx(s.ex.status)}
    # a refused POST with the token is followed by the same POST without it (Session.start): when that one
    # is refused alike, the token changed nothing (the resource refused for another reason); nor when plain
    # POSTs got that same refusal elsewhere in the run (a multi-pattern target refusing under load)
    posts = log.posts()
    after = {a.seq: b for a, b in zip(posts, posts[1:]) if a.expect is Expect.PREFER and b.expect is not Expect.PREFER}
    plain_refusals = {s.ex.status for s in posts if s.expect is not Expect.PREFER and s.ex.status is not None
                      and not _is_2xx(s.ex.status)}
    judged = [s for s in log.posts(Expect.PREFER)
              if _is_2xx(s.ex.status) or (s.ex.status not in plain_refusals
                                          and (s.seq not in after or after[s.seq].ex.status != s.ex.status))]
    return each(
        judged, lambda s: not _is_2xx(s.ex.status) or (plain and s.ex.status not in plain),
        none="no POST with an unknown Prefer token was sent on an idle resource",
        failed="{bad} of {total} POSTs with an unknown Prefer token were not answered like a plain one",
        expected="the same answer as without the unknown token ("
        + (" or ".join(map(str, sorted(plain))) if plain else "2xx") + ")",
        passed="an unknown Prefer token was ignored ({total} POSTs)",
    )
