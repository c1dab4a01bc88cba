"""conformance.waits: Retry-After (RFC 9110 section 10.2.3) and the poll interval."""

import os
import time

import pytest

from conformance.waits import Backoff, retry_after_seconds, retry_after_valid

# 784111777 is Sun, 06 Nov 1994 08:49:37 GMT, the date in RFC 9110's examples.
EPOCH_OF_EXAMPLE = 784111777.0
SAME_INSTANT = [
    "Sun, 06 Nov 1994 08:49:37 GMT",  # IMF-fixdate
    "Sunday, 06-Nov-94 08:49:37 GMT",  # obsolete RFC 850 format
    "Sun Nov  6 08:49:37 1994",  # ANSI C's asctime() format
]


@pytest.mark.parametrize("value, seconds", [("0", 0.0), ("5", 5.0), ("120", 120.0), ("007", 7.0), (" 3 ", 3.0)])
def test_delay_seconds(value, seconds):
    assert retry_after_valid(value)
    assert retry_after_seconds(value) == seconds


@pytest.mark.parametrize("value", SAME_INSTANT)
def test_http_dates(value):
    assert retry_after_valid(value)
    assert retry_after_seconds(value, now=EPOCH_OF_EXAMPLE - 30) == pytest.approx(30.0)


@pytest.mark.parametrize("value", SAME_INSTANT)
def test_dates_in_the_past_mean_now(value):
    assert retry_after_seconds(value, now=EPOCH_OF_EXAMPLE + 3600) == 0.0


def test_asctime_two_digit_day():
    assert retry_after_seconds("Wed Nov 16 08:49:37 1994", now=EPOCH_OF_EXAMPLE) == pytest.approx(10 * 86400)


@pytest.mark.parametrize("value", [
    "", "soon", "-1", "+5", "1.5", "1e3", "5s", "0x10",
    "Sun, 06 Nov 1994 08:49:37 UTC",  # IMF-fixdate is always GMT
    "Sun, 06 Nov 1994 08:49:37 +0000",
    "Sun,  6 Nov 1994 08:49:37 GMT",  # day must be two digits
    "Sun, 06 Nov 94 08:49:37 GMT",  # four-digit year in IMF-fixdate
    "sun, 06 nov 1994 08:49:37 gmt",  # case-sensitive names
    "Sun, 31 Nov 1994 08:49:37 GMT",  # no such day
    "Sun, 06 Nov 1994 24:00:00 GMT",
    "2024-01-01T00:00:00Z",
])
def test_invalid_values(value):
    assert not retry_after_valid(value)
    assert retry_after_seconds(value) is None


def test_absent():
    assert retry_after_seconds(None) is None


def test_asctime_is_utc_whatever_the_local_zone():
    old = os.environ.get("TZ")
    os.environ["TZ"] = "EST+5"  # POSIX zone five hours behind UTC, no tz database needed
    time.tzset()
    try:
        assert retry_after_seconds("Sun Nov  6 08:49:37 1994", now=EPOCH_OF_EXAMPLE) == 0.0
    finally:
        if old is None:
            del os.environ["TZ"]
        else:
            os.environ["TZ"] = old
        time.tzset()


def test_backoff_grows_to_its_cap_and_honours_retry_after():
    b = Backoff(first=0.1, factor=2.0, cap=0.5, floor=0.01)
    assert [b.next(None) for _ in range(5)] == pytest.approx([0.1, 0.2, 0.4, 0.5, 0.5])
    assert b.next(3.0) == 3.0
    assert b.next(None) == 0.1  # a Retry-After resets the growth
    assert b.next(0.0) == 0.01  # never a busy loop
