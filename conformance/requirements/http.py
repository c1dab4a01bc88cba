"""http/ - HTTP hygiene."""

from __future__ import annotations

from ..observations import Kind, Log
from ..outcomes import Level
from ..profiles import parse_json
from ..waits import retry_after_valid
from . import Finding, absent, ok, requirement, unseen, violated

JUDGED_KINDS = (Kind.POST, Kind.POLL, Kind.MALFORMED, Kind.UNKNOWN, Kind.METHOD)


def _json_media_type(media_type: str | None) -> bool:
    return media_type is not None and (media_type == "application/json" or media_type.endswith("+json"))


@requirement(
    "http/json-content-type", Level.MUST,
    statement="A JSON body (acceptance, monitor, error) is labelled with a JSON media type: application/json "
    "or a +json type such as application/problem+json.",
    rationale="Clients choose a parser from Content-Type; a JSON body labelled as text is either not parsed "
    "or parsed by guessing, which is how content sniffing bugs start.",
    source="RFC 8259 section 11; RFC 6839 section 3.1; RFC 9110 section 8.3",
)
def json_content_type(log: Log) -> Finding:
    judged, bad = [], []
    for s in log.of(*JUDGED_KINDS):
        if s.ex.status is None or not s.ex.response_body:
            continue
        value, why = parse_json(s.ex.response_body)
        if why or not isinstance(value, (dict, list)):
            continue
        judged.append(s.seq)
        if not _json_media_type(s.ex.media_type):
            bad.append(s)
    if bad:
        return violated(
            f"{len(bad)} of {len(judged)} JSON bodies carry a non-JSON media type",
            expected="application/json or */*+json", observed=f"Content-Type: {bad[0].ex.header('content-type')}",
            evidence=[s.seq for s in bad],
        )
    if not judged:
        return unseen("no JSON body was received")
    return ok(f"{len(judged)} JSON bodies were labelled as JSON", judged[:5])


@requirement(
    "http/retry-after-syntax", Level.MUST,
    statement="Retry-After, wherever it is sent, is either a number of seconds or an HTTP-date.",
    rationale="Clients that cannot parse the value fall back to guessing; some crash.",
    source="RFC 9110 section 10.2.3",
)
def retry_after_syntax(log: Log) -> Finding:
    judged, bad = [], []
    for s in log.steps:
        for value in s.ex.header_values("retry-after"):
            judged.append(s.seq)
            if not retry_after_valid(value):
                bad.append((s, value))
    if bad:
        return violated(
            f"{len(bad)} Retry-After values are not delay-seconds or an HTTP-date",
            expected="e.g. 'Retry-After: 5' or 'Retry-After: Fri, 31 Dec 1999 23:59:59 GMT'",
            observed=f"Retry-After: {bad[0][1]}", evidence=[s.seq for s, _ in bad],
        )
    if not judged:
        return absent("the target sends no Retry-After")
    return ok(f"{len(judged)} Retry-After values are well formed", judged[:5])


@requirement(
    "http/own-openapi", Level.MUST_IF_SUPPORTED,
    statement="Given the target's own OpenAPI document (--target-openapi), its responses match it: a status the "
    "operation documents comes with a documented media type and a body valid against the documented schema, and "
    "a success status is one the operation documents. Not-applicable without a document.",
    rationale="The document is the vendor's own promise to its clients, who generate code from it; a response "
    "that contradicts it breaks them even when the protocol is followed.",
    source="OpenAPI Specification 3.1.0, Responses Object and Media Type Object",
)
def own_openapi(log: Log) -> Finding:
    doc = log.own_openapi
    if doc is None:
        return absent("no OpenAPI document of the target was given (--target-openapi)")
    covered, bad = 0, []
    for ex in log.traffic():
        if ex.status is None or doc.operation(ex.method, ex.url) is None:
            continue
        covered += 1
        problems = doc.contradictions(ex)
        if problems:
            bad.append((ex, problems[0]))
    if bad:
        return violated(f"{len(bad)} of {covered} responses contradict {doc.source}", expected="what the document "
                        "says", observed=bad[0][1], evidence=[ex.seq for ex, _p in bad])
    if not covered:
        return unseen(f"no response came from an operation {doc.source} describes")
    return ok(f"{covered} responses from operations {doc.source} describes match it")
