"""Make untrusted text safe to show.

Everything a server sends (bodies, headers, URLs, messages quoting them) can
hold control characters that drive a terminal, break XML 1.0, or reorder text
(bidi overrides).  :func:`visible` rewrites each such character as a
repr-style escape (``\\x1b``, ``\\u202e``) so it is shown, not obeyed.
"""
from __future__ import annotations

import re

# C0 controls, DEL, C1 controls, bidi marks/overrides/isolates, BOM,
# lone surrogates and the two XML-invalid noncharacters.
_UNSAFE = re.compile(
    "[\x00-\x1f\x7f-\x9f\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069"
    "\ufeff\ud800-\udfff\ufffe\uffff]"
)
_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _escape(char: str) -> str:
    if char in _NAMED:
        return _NAMED[char]
    code = ord(char)
    return f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}"


def visible(value: object, *, multiline: bool = False) -> str:
    """Return ``value`` as text with every unsafe character escaped.

    With ``multiline`` true, newlines and tabs are kept as they are (for
    bodies shown in a ``<pre>``); everything else unsafe is escaped.
    ``None`` becomes the empty string.
    """
    if value is None:
        return ""
    text = value if isinstance(value, str) else str(value)

    def replace(match: re.Match[str]) -> str:
        char = match.group()
        if multiline and char in "\n\t":
            return char
        return _escape(char)

    return _UNSAFE.sub(replace, text)


def shorten(text: str, limit: int = 160) -> str:
    """Cut ``text`` to ``limit`` characters, marking the cut with an ellipsis."""
    if len(text) <= limit:
        return text
    return text[: max(limit - 1, 0)] + "\u2026"
