"""Recorded HTTP exchanges: the evidence every verdict points to.

An :class:`Exchange` is written by the driver and never changed afterwards.
Serialisation masks credential headers and cuts bodies, so reports can be
published as CI artifacts.
"""

from __future__ import annotations

import shlex
from dataclasses import dataclass, field

# Headers whose values never appear in any report.
CREDENTIAL_HEADERS = frozenset(
    {"authorization", "proxy-authorization", "cookie", "set-cookie", "x-api-key"}
)
MASK = "***"
REPORT_BODY_LIMIT = 4096


@dataclass
class Exchange:
    seq: int
    method: str
    url: str
    request_headers: list[tuple[str, str]]
    request_body: bytes | None
    purpose: str
    started: float
    ended: float = 0.0
    status: int | None = None
    response_headers: list[tuple[str, str]] = field(default_factory=list)
    response_body: bytes = b""
    truncated: bool = False
    error: str | None = None
    process: int | None = None

    def header(self, name: str) -> str | None:
        """First response header with this name (case-insensitive), or None."""
        lname = name.lower()
        for key, value in self.response_headers:
            if key.lower() == lname:
                return value
        return None

    def header_values(self, name: str) -> list[str]:
        lname = name.lower()
        return [v for k, v in self.response_headers if k.lower() == lname]

    @property
    def media_type(self) -> str | None:
        value = self.header("content-type")
        if value is None:
            return None
        return value.split(";", 1)[0].strip().lower()

    @property
    def ok(self) -> bool:
        """A complete response arrived (no transport error, body within the cap)."""
        return self.error is None and self.status is not None

    def summary(self) -> str:
        outcome = self.error if self.status is None else str(self.status)
        if self.status is not None and self.error:
            outcome += f" ({self.error})"
        return f"#{self.seq} {self.method} {self.url} -> {outcome}"


def _masked(headers: list[tuple[str, str]], secret_names: frozenset[str]) -> list[list[str]]:
    out = []
    for key, value in headers:
        if key.lower() in CREDENTIAL_HEADERS or key.lower() in secret_names:
            value = MASK
        out.append([key, value])
    return out


def _text(body: bytes | None, limit: int = REPORT_BODY_LIMIT) -> str | None:
    if body is None:
        return None
    text = body[:limit].decode("utf-8", errors="replace")
    if len(body) > limit:
        text += f"\n[... {len(body) - limit} more bytes not shown]"
    return text


def hide_secrets(text: str | None, secret_values: tuple[str, ...]) -> str | None:
    """``text`` with every secret value (a form field's, say) masked."""
    for secret in sorted(secret_values, key=len, reverse=True):
        text = text.replace(secret, MASK) if text is not None else None
    return text


def exchange_to_dict(ex: Exchange, secret_names: frozenset[str] = frozenset(),
                     secret_values: tuple[str, ...] = ()) -> dict:
    response = None
    if ex.status is not None:
        response = {
            "status": ex.status,
            "headers": _masked(ex.response_headers, secret_names),
            "body": _text(ex.response_body) or "",
            "truncated": ex.truncated,
        }
    return {
        "seq": ex.seq,
        "method": ex.method,
        "url": ex.url,
        "purpose": ex.purpose,
        "process": ex.process,
        "started": round(ex.started, 4),
        "ended": round(ex.ended, 4),
        "error": ex.error,
        "request": {
            "headers": _masked(ex.request_headers, secret_names),
            "body": hide_secrets(_text(ex.request_body), secret_values),
        },
        "response": response,
    }


# Request headers that curl or the transport set by themselves.
_CURL_SKIP = frozenset({"host", "content-length", "accept-encoding", "connection", "user-agent"})


def curl_command(ex: Exchange, secret_names: frozenset[str] = frozenset(), secret_values: tuple[str, ...] = ()) -> str:
    """A shell command that sends the same request again (credentials masked)."""
    parts = ["curl", "-i", "-sS", "--max-time", "30"]
    if ex.method == "HEAD":
        parts.append("--head")
    elif ex.method != "GET":
        parts += ["-X", ex.method]
    for key, value in ex.request_headers:
        lname = key.lower()
        if lname in _CURL_SKIP:
            continue
        if lname in CREDENTIAL_HEADERS or lname in secret_names:
            value = MASK
        parts += ["-H", f"{key}: {value}"]
    if ex.request_body:
        parts += ["--data-binary", hide_secrets(ex.request_body.decode("utf-8", errors="replace"), secret_values)]
    parts.append(ex.url)
    return " ".join(shlex.quote(p) for p in parts)
