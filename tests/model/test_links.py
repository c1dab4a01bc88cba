"""conformance.links: RFC 3986 section 5.4 reference resolution, RFC 6454 origins."""

import pytest

from conformance.links import origin, origin_text, resolve, same_origin

BASE = "http://a/b/c/d;p?q"

NORMAL = {  # RFC 3986 section 5.4.1
    "g:h": "g:h",
    "g": "http://a/b/c/g",
    "./g": "http://a/b/c/g",
    "g/": "http://a/b/c/g/",
    "/g": "http://a/g",
    "//g": "http://g",
    "?y": "http://a/b/c/d;p?y",
    "g?y": "http://a/b/c/g?y",
    "#s": "http://a/b/c/d;p?q#s",
    "g#s": "http://a/b/c/g#s",
    "g?y#s": "http://a/b/c/g?y#s",
    ";x": "http://a/b/c/;x",
    "g;x": "http://a/b/c/g;x",
    "g;x?y#s": "http://a/b/c/g;x?y#s",
    "": "http://a/b/c/d;p?q",
    ".": "http://a/b/c/",
    "./": "http://a/b/c/",
    "..": "http://a/b/",
    "../": "http://a/b/",
    "../g": "http://a/b/g",
    "../..": "http://a/",
    "../../": "http://a/",
    "../../g": "http://a/g",
}

ABNORMAL = {  # RFC 3986 section 5.4.2
    "../../../g": "http://a/g",
    "../../../../g": "http://a/g",
    "/./g": "http://a/g",
    "/../g": "http://a/g",
    "g.": "http://a/b/c/g.",
    ".g": "http://a/b/c/.g",
    "g..": "http://a/b/c/g..",
    "..g": "http://a/b/c/..g",
    "./../g": "http://a/b/g",
    "./g/.": "http://a/b/c/g/",
    "g/./h": "http://a/b/c/g/h",
    "g/../h": "http://a/b/c/h",
    "g;x=1/./y": "http://a/b/c/g;x=1/y",
    "g;x=1/../y": "http://a/b/c/y",
    "g?y/./x": "http://a/b/c/g?y/./x",
    "g?y/../x": "http://a/b/c/g?y/../x",
    "g#s/./x": "http://a/b/c/g#s/./x",
    "g#s/../x": "http://a/b/c/g#s/../x",
}


@pytest.mark.parametrize("reference, target", NORMAL.items(), ids=lambda v: repr(v))
def test_normal_examples(reference, target):
    assert resolve(BASE, reference) == target


@pytest.mark.parametrize("reference, target", ABNORMAL.items(), ids=lambda v: repr(v))
def test_abnormal_examples(reference, target):
    assert resolve(BASE, reference) == target


def test_same_scheme_reference():
    # "http:g" is "http:g" for strict parsers, "http://a/b/c/g" for backward compatibility; both are allowed.
    assert resolve(BASE, "http:g") in ("http:g", "http://a/b/c/g")


def test_surrounding_whitespace_is_ignored():
    assert resolve("http://127.0.0.1:9/resource", "  /process/1\n") == "http://127.0.0.1:9/process/1"


def test_origins():
    assert origin("HTTP://Example.COM/x") == ("http", "example.com", 80)
    assert origin("https://example.com/x") == ("https", "example.com", 443)
    assert origin_text("http://127.0.0.1:9/resource") == "http://127.0.0.1:9"
    assert same_origin("http://example.com/a", "http://example.com:80/b")
    assert not same_origin("http://example.com/", "https://example.com/")
    assert not same_origin("http://example.com/", "http://example.com:8080/")


def test_unknown_monitor_keeps_query_and_trailing_slash():
    """The probe for monitor/unknown-404 changes only the identifier: Azure's api-version stays, and so
    does a trailing slash (a home-grown /api/tasks/8f3a/ would otherwise hit a redirect, not a 404)."""
    from conformance.probes import Probes

    azure = Probes.unknown_monitor(None, "http://h:1/operations/abc?api-version=2024-05-01")
    assert azure.startswith("http://h:1/operations/conformance-unknown-") and azure.endswith("?api-version=2024-05-01")
    tasks = Probes.unknown_monitor(None, "http://h:1/api/tasks/8f3a/")
    assert tasks.startswith("http://h:1/api/tasks/conformance-unknown-") and tasks.endswith("/")
    assert "8f3a" not in tasks
