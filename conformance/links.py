"""Link resolution (RFC 3986 section 5) and origin comparison (RFC 6454)."""

from __future__ import annotations

from urllib.parse import urljoin, urlsplit

_DEFAULT_PORTS = {"http": 80, "https": 443}


def resolve(base: str, reference: str) -> str:
    """Resolve a URI reference against the URL of the response that carried it.

    A reference that cannot even be parsed (e.g. ``http://[``) comes back as it is:
    the driver refuses to send to it, and the checks report it, instead of the
    run crashing on a server's bad link.
    """
    try:
        return urljoin(base, reference.strip())
    except ValueError:
        return reference.strip()


def origin(url: str) -> tuple[str, str, int]:
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    port = parts.port or _DEFAULT_PORTS.get(scheme, 0)
    return scheme, (parts.hostname or "").lower(), port


def origin_text(url: str) -> str:
    scheme, host, port = origin(url)
    return f"{scheme}://{host}:{port}"


def same_origin(a: str, b: str) -> bool:
    return origin(a) == origin(b)
