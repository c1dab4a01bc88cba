"""The valid POST's body as real clients send it: JSON (the default), a raw body with its own content
type, or a multipart form (fields and files), built once per run from the options.

Form values may be credentials (an upload token, say): the run keeps them as secrets, and every report
shows them masked, like credential headers.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

JSON = "application/json"


class BodyError(ValueError):
    """An option that cannot make a body; the message is one line."""


@dataclass(frozen=True)
class RequestBody:
    content: bytes
    content_type: str = JSON
    #: values to mask in reports (form fields' values)
    secrets: tuple[str, ...] = ()

    @property
    def is_json(self) -> bool:
        media = self.content_type.split(";", 1)[0].strip().lower()
        return media == JSON or media.endswith("+json")


def _pair(text: str, flag: str, shape: str) -> tuple[str, str]:
    name, sep, value = text.partition("=")
    if not sep or not name.strip() or any(c in name for c in '"\r\n'):
        raise BodyError(f"{flag}: expected {shape}, got {text!r}")
    return name.strip(), value


def multipart(fields: list[str], files: list[str]) -> RequestBody:
    """A multipart/form-data body (RFC 7578) from 'name=value' fields and 'field=@path' files."""
    parts: list[tuple[str, str | None, bytes]] = []
    secrets = []
    for text in fields:
        name, value = _pair(text, "--request-form", "'name=value'")
        parts.append((name, None, value.encode("utf-8")))
        if value:
            secrets.append(value)
    for text in files:
        name, value = _pair(text, "--request-file", "'field=@path'")
        if not value.startswith("@") or len(value) < 2:
            raise BodyError(f"--request-file: expected 'field=@path', got {text!r}")
        path = Path(value[1:])
        try:
            parts.append((name, path.name, path.read_bytes()))
        except OSError as exc:
            raise BodyError(f"--request-file: cannot read {path}: {exc.strerror or exc}") from None
    digest = hashlib.sha256(b"".join(p[2] for p in parts)).hexdigest()[:24]
    boundary = f"conformance-{digest}"
    out = bytearray()
    for name, filename, data in parts:
        disposition = f'form-data; name="{name}"' + (f'; filename="{filename}"' if filename is not None else "")
        out += f"--{boundary}\r\nContent-Disposition: {disposition}\r\n".encode()
        if filename is not None:
            out += b"Content-Type: application/octet-stream\r\n"
        out += b"\r\n" + data + b"\r\n"
    out += f"--{boundary}--\r\n".encode()
    return RequestBody(bytes(out), f"multipart/form-data; boundary={boundary}", tuple(secrets))


def build(body: str | None, body_file: str | None, content_type: str | None, fields: list[str],
          files: list[str]) -> RequestBody:
    """The valid POST's body from the options (``body`` and ``body_file`` already exclusive)."""
    if (fields or files) and (body is not None or body_file is not None):
        raise BodyError("--request-form/--request-file and --request-body/--request-body-file: give one kind")
    if fields or files:
        if content_type is not None:
            raise BodyError("--request-content-type: a form is sent as multipart/form-data")
        return multipart(fields, files)
    raw: bytes
    if body_file is not None:
        try:
            raw = Path(body_file).read_bytes()
        except OSError as exc:
            raise BodyError(f"--request-body-file: cannot read {body_file}: {exc.__class__.__name__}") from None
    else:
        raw = ("{}" if body is None else body).encode("utf-8")
    result = RequestBody(raw, content_type or JSON)
    if result.is_json:
        try:
            json.loads(raw)
        except ValueError as exc:
            raise BodyError(f"request body is not valid JSON ({exc}); the valid POST must carry valid JSON "
                            "(or give --request-content-type)") from None
    return result


def variant(body: bytes, content_type: str) -> bytes:
    """Another payload as plausible as ``body``: a JSON object gains a member, a form a field, anything
    else a trailing byte (the idempotence probes' 'same key, other payload')."""
    import secrets as random

    marker = f"conformance-{random.token_hex(4)}"
    media = content_type.split(";", 1)[0].strip().lower()
    if media == "multipart/form-data" and "boundary=" in content_type:
        boundary = content_type.split("boundary=", 1)[1].strip().strip('"').encode()
        end = b"--" + boundary + b"--"
        extra = (b"--" + boundary + b'\r\nContent-Disposition: form-data; name="conformance_variant"\r\n\r\n'
                 + marker.encode() + b"\r\n")
        return body.replace(end, extra + end, 1) if end in body else body + b" "
    try:
        data = json.loads(body)
    except ValueError:
        return body + b" "
    if isinstance(data, dict):
        data = {**data, "conformance_variant": marker}
    elif isinstance(data, list):
        data = [*data, marker]
    else:
        data = {"value": data, "conformance_variant": marker}
    return json.dumps(data).encode()
