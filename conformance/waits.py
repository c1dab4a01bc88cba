"""Retry-After parsing (RFC 9110 section 10.2.3) and bounded waiting."""

from __future__ import annotations

import re
import time
from datetime import timezone
from email.utils import parsedate_to_datetime

_DELAY = re.compile(r"^[0-9]+$")
# IMF-fixdate, e.g. "Sun, 06 Nov 1994 08:49:37 GMT" (RFC 9110 section 5.6.7)
_IMF = re.compile(r"^[A-Z][a-z]{2}, [0-9]{2} [A-Z][a-z]{2} [0-9]{4} [0-9]{2}:[0-9]{2}:[0-9]{2} GMT$")
# obsolete forms a recipient must still accept: RFC 850 and asctime
_RFC850 = re.compile(r"^[A-Z][a-z]+, [0-9]{2}-[A-Z][a-z]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2} GMT$")
_ASCTIME = re.compile(r"^[A-Z][a-z]{2} [A-Z][a-z]{2} [ 0-9][0-9] [0-9]{2}:[0-9]{2}:[0-9]{2} [0-9]{4}$")


def retry_after_valid(value: str) -> bool:
    """Retry-After = HTTP-date / delay-seconds."""
    value = value.strip()
    if _DELAY.match(value):
        return True
    if _IMF.match(value) or _RFC850.match(value) or _ASCTIME.match(value):
        try:
            parsedate_to_datetime(value)
        except (TypeError, ValueError):
            return False
        return True
    return False


def retry_after_seconds(value: str | None, now: float | None = None) -> float | None:
    """Seconds to wait, or None when absent or unparseable (the caller falls back to its backoff)."""
    if value is None or not retry_after_valid(value):
        return None
    value = value.strip()
    if _DELAY.match(value):
        return float(int(value))
    moment = parsedate_to_datetime(value)
    if moment.tzinfo is None:  # asctime carries no zone; every HTTP-date is UTC (RFC 9110 section 5.6.7)
        moment = moment.replace(tzinfo=timezone.utc)
    when = moment.timestamp()
    return max(0.0, when - (time.time() if now is None else now))


class Backoff:
    """Poll interval: the server's Retry-After when it gives one, else a growing interval.

    Every wait is bounded by the caller's deadline; none is a fixed sleep chosen
    to make something 'probably' happen.
    """

    def __init__(self, first: float = 0.02, factor: float = 1.6, cap: float = 0.5, floor: float = 0.01):
        self.first, self.factor, self.cap, self.floor = first, factor, cap, floor
        self.current = first

    def next(self, retry_after: float | None) -> float:
        if retry_after is not None:
            self.current = self.first
            return max(self.floor, retry_after)
        value = self.current
        self.current = min(self.cap, self.current * self.factor)
        return value
