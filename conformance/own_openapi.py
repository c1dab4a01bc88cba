"""The target's own OpenAPI document (``--target-openapi URL|FILE``).

Two uses: the valid POST's body is drawn from the request schema of the operation the document gives
for the target URL (schemathesis' positive mode through Hypothesis: the smallest valid body), and the
target's responses are judged against the document (``http/own-openapi``): a response whose status
the operation documents must have a documented media type and a body valid against the documented
schema; a success status the operation does not document, where it documents others, contradicts it.
Error statuses the document leaves out are no contradiction: OpenAPI does not expect every status to
be listed (OpenAPI 3.1, Responses Object).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from .evidence import Exchange
from .profiles import parse_json

#: largest document read
MAX_DOCUMENT_BYTES = 5 << 20
#: the URI the document is known by while its schemas are resolved
_ROOT = "urn:conformance:target-openapi"
_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")


class OpenAPIError(ValueError):
    """A document that cannot be used; the message says why, in one line."""


def _parse(text: str, where: str) -> dict[str, Any]:
    try:
        data = json.loads(text)
    except ValueError:
        import yaml

        try:
            data = yaml.safe_load(text)
        except yaml.YAMLError as exc:
            raise OpenAPIError(f"{where} is neither JSON nor YAML ({str(exc).splitlines()[0]})") from None
    if not isinstance(data, dict) or not str(data.get("openapi", "")).startswith("3."):
        raise OpenAPIError(f"{where} is not an OpenAPI 3 document (no 'openapi: 3.x' member)")
    return data


def load(source: str, timeout: float = 10.0) -> "OwnDocument":
    """Read the document from a file or an http(s) URL (bounded in time and size) and check it."""
    if source.startswith(("http://", "https://")):
        import httpx

        try:
            with httpx.Client(timeout=timeout, follow_redirects=False) as client:
                with client.stream("GET", source) as response:
                    chunks, size = [], 0
                    for chunk in response.iter_bytes():
                        size += len(chunk)
                        if size > MAX_DOCUMENT_BYTES:
                            raise OpenAPIError(f"{source} is larger than {MAX_DOCUMENT_BYTES} bytes")
                        chunks.append(chunk)
                    if response.status_code != 200:
                        raise OpenAPIError(f"GET {source} answered {response.status_code}")
        except httpx.HTTPError as exc:
            raise OpenAPIError(f"cannot fetch {source}: {type(exc).__name__}") from None
        text = b"".join(chunks).decode("utf-8", "replace")
    else:
        path = Path(source)
        try:
            if path.stat().st_size > MAX_DOCUMENT_BYTES:
                raise OpenAPIError(f"{source} is larger than {MAX_DOCUMENT_BYTES} bytes")
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise OpenAPIError(f"cannot read {source}: {getattr(exc, 'strerror', None) or exc}") from None
    doc = _parse(text, source)
    try:
        from openapi_spec_validator import validate

        validate(doc)
    except Exception as exc:  # the validator's own error types; one line is enough for a usage error
        raise OpenAPIError(f"{source} is not a valid OpenAPI document: {str(exc).splitlines()[0][:200]}") from None
    return OwnDocument(source, doc)


@dataclass
class OwnDocument:
    source: str
    doc: dict[str, Any]
    _routes: list[tuple[re.Pattern[str], str]] = field(default_factory=list, repr=False)

    def __post_init__(self) -> None:
        servers = self.doc.get("servers") or [{}]
        base = urlsplit(str(servers[0].get("url", ""))).path.rstrip("/") if isinstance(servers[0], dict) else ""
        for template in self.doc.get("paths") or {}:
            pattern = re.sub(r"\\\{[^/]+?\\\}", "[^/]+", re.escape(template))
            self._routes.append((re.compile(f"^{re.escape(base)}{pattern}/?$"), template))

    def operation(self, method: str, url: str) -> tuple[str, dict[str, Any]] | None:
        """(path template, operation object) of the document that ``method url`` is, or None."""
        path = urlsplit(url).path
        for regex, template in self._routes:
            if regex.match(path):
                op = (self.doc["paths"][template] or {}).get(method.lower())
                if isinstance(op, dict):
                    return template, op
        return None

    # -- valid request bodies -------------------------------------------------------------------
    def valid_body(self, target_url: str) -> bytes | None:
        """The smallest JSON body the POST operation of ``target_url`` documents as valid (None: the
        document has no such operation or no JSON request body)."""
        found = self.operation("POST", target_url)
        if found is None:
            return None
        template, op = found
        content = ((op.get("requestBody") or {}).get("content") or {})
        if not any(media.split(";")[0].strip().endswith(("/json", "+json")) for media in content):
            return None
        import schemathesis
        from hypothesis import HealthCheck, Phase, find, settings
        from schemathesis.generation import GenerationMode

        operation = schemathesis.openapi.from_dict(self.doc)[template]["POST"]
        # generate and shrink only: Hypothesis' explain phase (on by default) replayed the shrunk body some 190
        # times to explain it, 5.7 of the run's 8 s of CPU (cProfile, a served document with a required member)
        case = find(operation.as_strategy(generation_mode=GenerationMode.POSITIVE), lambda c: True,
                    settings=settings(database=None, max_examples=200, deadline=None,
                                      phases=[Phase.generate, Phase.shrink],
                                      suppress_health_check=list(HealthCheck)))
        return json.dumps(case.body).encode()

    # -- judging responses --------------------------------------------------------------------------
    def contradictions(self, ex: Exchange) -> list[str]:
        """How the response of ``ex`` contradicts the document (empty: it does not, or it is not covered)."""
        if ex.status is None:
            return []
        found = self.operation(ex.method, ex.url)
        if found is None:
            return []
        template, op = found
        responses = op.get("responses") or {}
        key = _response_key(responses, ex.status)
        if key is None:
            documented = [k for k in responses if str(k).startswith("2") or str(k).upper() == "2XX"]
            if 200 <= ex.status < 300 and documented:
                return [f"{ex.method} {template} answered {ex.status}; the document gives {', '.join(documented)}"]
            return []
        response = responses[key]
        content = response.get("content") if isinstance(response, dict) else None
        if not content or ex.method == "HEAD" or not ex.response_body:
            return []
        media = (ex.media_type or "").lower()
        entry = _media_entry(content, media)
        if entry is None:
            return [f"{ex.method} {template} {ex.status}: Content-Type {media or '(none)'}, the document gives "
                    f"{', '.join(content)}"]
        schema = entry.get("schema") if isinstance(entry, dict) else None
        if schema is None or not (media.endswith("/json") or media.endswith("+json")):
            return []
        body, why = parse_json(ex.response_body)
        if why:
            return [f"{ex.method} {template} {ex.status}: the body is {why}"]
        pointer = "/".join(_escape(p) for p in ("paths", template, ex.method.lower(), "responses", key, "content",
                                                 _media_key(content, media), "schema"))
        return [f"{ex.method} {template} {ex.status}: {problem}" for problem in self._errors(pointer, body)[:3]]

    def _errors(self, pointer: str, body: Any) -> list[str]:
        from jsonschema import Draft202012Validator
        from referencing import Registry, Resource
        from referencing.jsonschema import DRAFT202012

        registry = Registry().with_resource(_ROOT, Resource.from_contents(self.doc, default_specification=DRAFT202012))
        validator = Draft202012Validator({"$ref": f"{_ROOT}#/{pointer}"}, registry=registry)
        return [f"{'/'.join(map(str, e.absolute_path)) or '(root)'}: {e.message[:200]}"
                for e in validator.iter_errors(body)]


def _escape(part: str) -> str:
    return str(part).replace("~", "~0").replace("/", "~1")


def _response_key(responses: dict[str, Any], status: int) -> str | None:
    for key in (str(status), f"{str(status)[0]}XX", f"{str(status)[0]}xx", "default"):
        if key in responses:
            return key
    return None


def _media_key(content: dict[str, Any], media: str) -> str | None:
    """The content key that covers ``media``: exact, then type/*, then */*."""
    for key in content:
        if key.split(";")[0].strip().lower() == media:
            return key
    for key in content:
        if key.lower() == media.split("/")[0] + "/*":
            return key
    return next((key for key in content if key == "*/*"), None)


def _media_entry(content: dict[str, Any], media: str) -> dict[str, Any] | None:
    key = _media_key(content, media)
    return None if key is None else (content[key] or {})
