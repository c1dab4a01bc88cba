"""Negative requests: what careless and hostile clients send, and what a target must survive.

A fixed set of cases runs in every run (a JSON array where the resource takes an object, the valid
body labelled with a wrong content type and with none, a method the product does not allow); the
generated ones (schemathesis, from an OpenAPI description of the target) follow, bounded by
``--fuzz-examples`` and the run's budget. Each is recorded as a step of the kind its check judges:

- a body that is certainly not valid for the resource: :attr:`Kind.MALFORMED` (``errors/malformed-body``);
- a method the resource does not allow: :attr:`Kind.METHOD` (``errors/method-405``);
- a request that is odd but may be acceptable (a wrong or missing content type, which a lenient
  server may sniff): :attr:`Kind.FUZZ`, judged only by ``errors/no-5xx`` and ``errors/problem-json``,
  which read every exchange of the run anyway.

In the single pattern every POST is sent on an idle resource (a 409 would hide what the target thinks
of the body), and a POST the target accepts starts a process the suite follows to its end before it
sends anything else; that acceptance is the finding (of ``errors/malformed-body`` for a malformed body).
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
from dataclasses import dataclass
from pathlib import Path

from . import capabilities, schemas
from .observations import Kind, Step
from .profiles import parse_json
from .session import Session

JSON = "application/json"
#: the request's own valid body (--request-body)
VALID = object()


@dataclass(frozen=True)
class Case:
    name: str
    kind: Kind
    method: str
    #: "resource" (the POST target) or "product" (a product link the run has fetched)
    where: str
    body: object  # bytes, or VALID
    #: the Content-Type sent (None: none at all)
    content_type: str | None
    purpose: str


FIXED: tuple[Case, ...] = (
    Case("array", Kind.MALFORMED, "POST", "resource", b"[]", JSON,
         "POST a JSON array where the resource takes an object: expect 400/415/422"),
    Case("wrong-content-type", Kind.FUZZ, "POST", "resource", VALID, "text/plain",
         "POST the valid body labelled text/plain: expect 415 (never a 5xx)"),
    Case("no-content-type", Kind.FUZZ, "POST", "resource", VALID, None,
         "POST the valid body without Content-Type: expect 415 or acceptance (never a 5xx)"),
    Case("patch-product", Kind.METHOD, "PATCH", "product", b"{}", JSON,
         "PATCH is probably not allowed on a product: expect 405 with Allow"),
)


def _product_url(s: Session) -> str | None:
    """A product link the run fetched with success (None: inline products, or none yet)."""
    return next((st.ex.url for st in s.log.of(Kind.PRODUCT) if st.ex.status is not None and 200 <= st.ex.status < 300),
                None)


async def send_case(s: Session, case: Case, scenario: str = "fuzz") -> Step | None:
    """Send one negative request; in the single pattern on an idle resource, and an acceptance's
    process is followed to its end before this returns. None when it could not be sent."""
    if s.budget_left() <= 0:
        return None
    url = s.cfg.target_url if case.where == "resource" else _product_url(s)
    if url is None:
        return None
    post = case.method == "POST"
    if post and s.log.pattern == "single" and not await s.ensure_idle():
        return None
    body = s.cfg.body if case.body is VALID else case.body
    headers: dict[str, str | None] = {**(s.post_headers() if post else {}), "Content-Type": case.content_type}
    step = await s.send(case.kind, case.method, url, scenario=scenario, purpose=case.purpose, body=body,
                        headers=headers)
    if post and step.ex.status is not None and 200 <= step.ex.status < 300 and s.log.pattern == "single":
        # it started a process: cancelled (where that frees the resource) or waited for before going on
        await capabilities.finish(s, [s.adopt(step, scenario)], scenario)
        await s.ensure_idle()
    return step


def _encode(body: object) -> bytes:
    if isinstance(body, bytes):
        return body
    try:
        return json.dumps(body, allow_nan=False).encode()
    except (TypeError, ValueError):
        return str(body).encode("utf-8", "replace")


def _cache_dir() -> Path:
    root = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(root) / "async-request-conformance" / "fuzz"


def generated_bodies(profile, pattern: str, target_url: str, n: int) -> list[bytes]:
    """:func:`generate_bodies`, cached on disk: generation is deterministic (derandomized), and importing
    and running schemathesis costs seconds a run need not spend twice. The cache is keyed by the OpenAPI
    document, ``n`` and the schemathesis version; a cache that cannot be read or written is ignored."""
    if n <= 0:
        return []
    from importlib.metadata import version

    from .openapi import document

    doc = document(profile, pattern, target_url=target_url)
    key = hashlib.sha256(json.dumps([doc, n, version("schemathesis")], sort_keys=True).encode()).hexdigest()[:32]
    path = _cache_dir() / f"{key}.json"
    try:
        return [base64.b64decode(b) for b in json.loads(path.read_text())]
    except (OSError, ValueError):
        pass
    bodies = generate_bodies(profile, pattern, target_url, n)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_text(json.dumps([base64.b64encode(b).decode() for b in bodies]))
        tmp.replace(path)
    except OSError:
        pass
    return bodies


def generate_bodies(profile, pattern: str, target_url: str, n: int) -> list[bytes]:
    """Up to ``n`` distinct POST bodies that schemathesis generates as invalid for the resource (its
    negative mode, from the OpenAPI description of ``profile``'s pattern), each checked against the
    profile's request schema: only bodies that are certainly invalid are kept.

    Only the body is taken from a generated case: the headers and query are the profile's own, so that
    a case schemathesis made negative by dropping a required header (OGC's Prefer) or query parameter
    (Azure's api-version) cannot pass for a malformed body the target wrongly accepted. schemathesis'
    own checks are not used as verdicts (see the README: they read a 202 as a finished operation)."""
    if n <= 0:
        return []
    import schemathesis
    from hypothesis import HealthCheck, Phase, given, settings
    from schemathesis.generation import GenerationMode

    from .openapi import document

    doc = document(profile, pattern, target_url=target_url)
    path = next(iter(doc["paths"]))
    operation = schemathesis.openapi.from_dict(doc)[path]["POST"]
    found: dict[bytes, None] = {}

    @settings(max_examples=max(4 * n, 10), database=None, deadline=None, derandomize=True,
              suppress_health_check=list(HealthCheck), phases=[Phase.generate])
    @given(operation.as_strategy(generation_mode=GenerationMode.NEGATIVE))
    def collect(case) -> None:
        if len(found) >= n:
            return
        raw = _encode(case.body)
        value, why = parse_json(raw)
        if why or schemas.errors(profile.request_schema, value):
            found.setdefault(raw)

    collect()
    return list(found)


async def negative(s: Session, scenario: str = "fuzz") -> None:
    """The fixed negative cases, then the generated ones (within --fuzz-examples and the budget)."""
    for case in FIXED:
        await send_case(s, case, scenario)
    try:
        bodies = generated_bodies(s.log.profile, s.log.pattern, s.cfg.target_url, s.cfg.fuzz_examples)
    except Exception as exc:  # schemathesis could not read the description: say so, never crash the run
        s.note(f"negative fuzzing was skipped: schemathesis could not generate from the OpenAPI description ({exc})")
        return
    for i, body in enumerate(bodies, start=1):
        case = Case(f"generated-{i}", Kind.MALFORMED, "POST", "resource", body, JSON,
                    f"POST a body schemathesis generated as invalid for the resource ({i} of {len(bodies)}): "
                    "expect 400/415/422")
        if await send_case(s, case, scenario) is None:
            break
