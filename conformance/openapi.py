"""OpenAPI 3.1 descriptions of a dialect's pattern, generated from its profile: the one generator.

A vendor reads one as the reference description of what the suite expects; the negative fuzzing
(:mod:`conformance.fuzz`) generates requests from one. Everything in it comes from the profile's data:
the acceptance statuses and where the monitor link is, the monitor's statuses and schema, the product,
the conflict, unknown and not-ready statuses, the error format, the request headers. The JSON Schemas
of ``schemas/`` (or beside a user's profile file) are embedded under ``components/schemas``, their
cross-file ``$ref`` rewritten to point there, so the document is self-contained.

Paths are where the target has them when the caller knows (the run's observed monitor and product
URLs); otherwise placeholders that say what they stand for.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from . import __version__, schemas
from .profiles import Profile

#: placeholders where the caller does not know the target's paths
RESOURCE_PATH = "/resource"
MONITOR_PATHS = {"single": "/monitor", "multi": "/monitors/{monitorId}"}
PRODUCT_PATHS = {"single": "/product", "multi": "/products/{productId}"}
MALFORMED_STATUSES = (400, 415, 422)
BACK_PRESSURE = (429, 503)


def _schema_name(ref: str) -> str:
    """A components/schemas key for a schema file: ``azure-error.schema.json`` -> ``AzureError``."""
    stem = Path(ref).name.removesuffix(".json").removesuffix(".schema")
    return "".join(part.capitalize() for part in re.split(r"[^A-Za-z0-9]+", stem) if part)


class _Bundle:
    """JSON Schemas embedded in components/schemas, with their $refs pointing inside the document."""

    def __init__(self) -> None:
        self.schemas: dict[str, Any] = {}

    def ref(self, name: str) -> dict[str, str]:
        key = _schema_name(name)
        if key not in self.schemas:
            path = Path(name) if Path(name).is_absolute() else schemas.schema_dir() / name
            self.schemas[key] = {}  # reserved: a schema may refer to itself
            data = json.loads(path.read_text(encoding="utf-8"))
            data.pop("$schema", None)
            data.pop("$id", None)
            self.schemas[key] = self._rewrite(data, key, path.parent)
        return {"$ref": f"#/components/schemas/{key}"}

    def _rewrite(self, node: Any, key: str, base: Path) -> Any:
        if isinstance(node, list):
            return [self._rewrite(v, key, base) for v in node]
        if not isinstance(node, dict):
            return node
        out = {}
        for k, v in node.items():
            if k == "$ref" and isinstance(v, str):
                target, _, fragment = v.partition("#")
                if target:
                    beside = base / Path(target).name
                    owner = self.ref(str(beside) if beside.is_file() and base != schemas.schema_dir()
                                     else Path(target).name)["$ref"]
                else:
                    owner = f"#/components/schemas/{key}"
                out[k] = owner + fragment
            else:
                out[k] = self._rewrite(v, key, base)
        return out


def _json(bundle: _Bundle, name: str | None) -> dict[str, Any]:
    return {"schema": bundle.ref(name) if name else {}}


def _header(description: str, schema: dict | None = None, required: bool = False) -> dict[str, Any]:
    return {"description": description, "required": required, "schema": schema or {"type": "string"}}


RETRY_AFTER = _header("when to look again: delay-seconds or an HTTP-date (RFC 9110 section 10.2.3)")


def _error(bundle: _Bundle, profile: Profile, status: int, why: str, headers: dict | None = None) -> dict[str, Any]:
    content = {media: _json(bundle, profile.error_schema) for media in sorted(profile.error_media_types)}
    if status in profile.error_text_statuses:
        content["text/plain"] = {"schema": {"type": "string"}}
    out: dict[str, Any] = {"description": why, "content": content}
    if headers:
        out["headers"] = headers
    return out


def _params(path: str, query: list[tuple[str, str]]) -> list[dict[str, Any]]:
    found = [{"name": name, "in": "path", "required": True, "schema": {"type": "string"}}
             for name in re.findall(r"{([^}/]+)}", path)]
    return found + [{"name": name, "in": "query", "required": True, "schema": {"type": "string", "const": value}}
                    for name, value in query]


def _split(url_or_path: str | None, default: str) -> tuple[str, list[tuple[str, str]]]:
    if not url_or_path:
        return default, []
    parts = urlsplit(url_or_path)
    return parts.path or "/", parse_qsl(parts.query)


def document(profile: Profile, pattern: str, *, target_url: str | None = None, monitor: str | None = None,
             product: str | None = None) -> dict[str, Any]:
    """The OpenAPI 3.1 document of ``pattern`` in ``profile``'s dialect. ``target_url``, ``monitor`` and
    ``product`` (URLs or paths) put the target's own paths in place of the placeholders."""
    if pattern not in profile.patterns:
        raise ValueError(f"the {profile.name} profile offers only the {' and '.join(profile.patterns)} pattern")
    bundle = _Bundle()
    resource_path, query = _split(target_url, RESOURCE_PATH)
    monitor_path, monitor_query = _split(monitor, MONITOR_PATHS[pattern])
    product_path, product_query = _split(product, PRODUCT_PATHS[pattern])

    # -- POST on the resource -------------------------------------------------------------------
    accepted: dict[str, Any] = {"Retry-After": RETRY_AFTER}
    place = profile.monitor_link
    if place.header:
        accepted[place.header] = _header("the status monitor's URI", {"type": "string", "format": "uri-reference"},
                                         required=True)
    for alias in profile.monitor_aliases:
        accepted.setdefault(alias, _header("names the status monitor, when sent (accept/location-consistent)"))
    if profile.accept_product and profile.accept_product.header:
        accepted[profile.accept_product.header] = _header("the URI of the final result")
    where = place.describe() + (" (as " + place.template + ")" if place.template else "")
    responses: dict[str, Any] = {}
    for status in sorted(profile.accept_statuses):
        body = _json(bundle, profile.accept_schema) if profile.accept_schema else {"schema": {}}
        responses[str(status)] = {
            "description": f"accepted: a process started; the status monitor is named by the {where}",
            "headers": accepted, "content": {"application/json": body}}
    for status in MALFORMED_STATUSES:
        responses[str(status)] = _error(bundle, profile, status,
                                        "the body is not valid for the resource; no process started")
    if pattern == "single":
        responses[str(profile.conflict_status)] = _error(
            bundle, profile, profile.conflict_status, "a process is in flight: nothing changed, retry later",
            {"Retry-After": RETRY_AFTER})
    else:
        for status in BACK_PRESSURE:
            responses[str(status)] = _error(bundle, profile, status, "back-pressure: retry after Retry-After",
                                            {"Retry-After": {**RETRY_AFTER, "required": True}})
    post_params = _params(resource_path, query) + [
        {"name": name, "in": "header", "required": True, "schema": {"type": "string"},
         "description": f"the dialect asks for it (e.g. '{value}')"}
        for name, value in profile.request_headers]
    paths: dict[str, Any] = {resource_path: {"post": {
        "operationId": "start", "summary": "start a process",
        "parameters": post_params,
        "requestBody": {"required": True, "content": {"application/json": _json(bundle, profile.request_schema)}},
        "responses": responses,
    }}}

    # -- the status monitor ---------------------------------------------------------------------
    monitor_ok = {str(s): {"description": "the process's status", "headers": {
        "Retry-After": RETRY_AFTER, "Cache-Control": _header("no-store, no-cache or max-age=0")},
        "content": {"application/json": _json(bundle, profile.monitor_schema)}} for s in sorted(profile.monitor_statuses)}
    monitor_ok["303"] = {"description": "ended: See Other to the product (monitor/see-other)",
                         "headers": {"Location": _header("the product's URI", required=True)}}
    for status in sorted(profile.unknown_statuses):
        monitor_ok[str(status)] = _error(bundle, profile, status, "no such process")
    monitor_ok["405"] = _error(bundle, profile, 405, "method not allowed",
                               {"Allow": _header("the methods allowed", required=True)})
    head = {str(s): {"description": "as GET, without content"} for s in sorted(profile.monitor_statuses)}
    paths[monitor_path] = {
        "parameters": _params(monitor_path, monitor_query),
        "get": {"operationId": "monitor", "summary": "the status monitor", "responses": monitor_ok},
        "head": {"operationId": "monitorHead", "summary": "the status monitor's header fields", "responses": head},
    }

    # -- the product (where it has a URI of its own) -------------------------------------------
    if profile.monitor_links_product or profile.product_uri_early:
        product_responses: dict[str, Any] = {
            str(s): {"description": "the product", "content": {"*/*": {"schema": {}}}}
            for s in sorted(profile.product_statuses)}
        if profile.product_uri_early:
            for status in sorted(profile.not_ready_statuses):
                product_responses[str(status)] = _error(bundle, profile, status, "not ready: the process has not "
                                                        "succeeded (yet)")
        product_responses["405"] = _error(bundle, profile, 405, "method not allowed",
                                          {"Allow": _header("the methods allowed", required=True)})
        paths[product_path] = {
            "parameters": _params(product_path, product_query),
            "get": {"operationId": "product", "summary": "the product", "responses": product_responses},
        }

    return {
        "openapi": "3.1.0",
        "info": {
            "title": f"{profile.title}: {pattern} pattern",
            "version": __version__,
            "description": f"{profile.description}\n\nGenerated by async-request-conformance from the "
            f"'{profile.name}' profile ({profile.source or 'no source given'}).",
        },
        "paths": paths,
        "components": {"schemas": bundle.schemas},
    }


def validate(doc: dict[str, Any]) -> None:
    """Raise when ``doc`` is not a valid OpenAPI 3.1 document (openapi-spec-validator)."""
    from openapi_spec_validator import validate as check

    check(doc)
