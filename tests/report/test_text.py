from __future__ import annotations

from conformance.report.text import shorten, visible


def test_control_characters_become_escapes() -> None:
    assert visible("a\x1b[2Jb\x07\x00") == "a\\x1b[2Jb\\x07\\x00"
    assert visible("x\u202ey\x85") == "x\\u202ey\\x85"
    assert visible("line\nnext\ttab\r") == "line\\nnext\\ttab\\r"


def test_multiline_keeps_newlines_and_tabs_only() -> None:
    assert visible("a\nb\tc\rd\x1b", multiline=True) == "a\nb\tc\\rd\\x1b"


def test_xml_invalid_characters_are_gone() -> None:
    out = visible("\ud800\ufffe\uffff\x0b\x0c")
    assert all(ord(ch) < 0x7F for ch in out)


def test_plain_text_and_none() -> None:
    assert visible("héllo <b>") == "héllo <b>"
    assert visible(None) == ""
    assert visible(42) == "42"


def test_shorten() -> None:
    assert shorten("abc", 5) == "abc"
    assert shorten("abcdef", 4) == "abc\u2026"
