"""The HTML view: content, structure and that server text never becomes markup."""
from __future__ import annotations

from html.parser import HTMLParser

import pytest

from conformance.report.html import render_html

from .sample import make_report

# Every element the report template itself writes; anything else came from a server.
ALLOWED_TAGS = {
    "html", "head", "meta", "title", "style", "body", "header", "main", "nav", "section", "footer",
    "div", "span", "strong", "code", "pre", "p", "a", "ul", "li", "dl", "dt", "dd", "h2", "h3", "h4",
    "table", "thead", "tbody", "tr", "th", "td", "details", "summary", "figure", "figcaption", "i",
    "svg", "rect", "line", "circle", "text",
}


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: set[str] = set()
        self.attributes: set[str] = set()
        self.ids: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.add(tag)
        for name, value in attrs:
            self.attributes.add(name)
            if name == "id" and value:
                self.ids.append(value)


@pytest.fixture(scope="module")
def page() -> str:
    return render_html(make_report())


def _parse(html: str) -> _Tags:
    parser = _Tags()
    parser.feed(html)
    return parser


def test_only_template_markup(page: str) -> None:
    parsed = _parse(page)
    assert parsed.tags <= ALLOWED_TAGS, parsed.tags - ALLOWED_TAGS
    assert not any(a.startswith("on") for a in parsed.attributes)
    assert "<script" not in page.lower()
    assert "<img" not in page.lower()
    assert 'href="javascript' not in page.lower()
    assert "default-src 'none'" in page  # CSP: even a missed escape could not run script


def test_server_script_is_shown_escaped(page: str) -> None:
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "&lt;script&gt;document.title=&#39;pwned&#39;&lt;/script&gt;" in page
    assert "&lt;img src=x onerror=" in page


def test_control_characters_are_shown_not_sent(page: str) -> None:
    for raw in ("\x1b", "\x00", "\x07", "\x08", "\u202e"):
        assert raw not in page
    assert "\\x1b[2J" in page and "\\u202e" in page


def test_top_shows_verdict_and_failures_first(page: str) -> None:
    verdict_at = page.index('class="verdict"')
    problems_at = page.index('id="problems"')
    matrix_at = page.index('id="requirements"')
    assert verdict_at < problems_at < matrix_at
    assert ">error<" in page[verdict_at:verdict_at + 60]
    problems = page[problems_at:matrix_at]
    assert problems.index("accept/status-202") < problems.index("accept/retry-after")
    assert "expected 202, got 200" in problems
    for fact in ("http://127.0.0.1:8000/resource", "single", "seed", "0.1.0", "42.5 s", "2 FAIL", "7 pass"):
        assert fact in page[:problems_at]
    assert "target answered slowly" in page[:problems_at]


def test_requirement_anchor_and_evidence(page: str) -> None:
    assert page.count('id="req-accept-status-202"') == 1
    assert 'href="#req-accept-status-202"' in page
    start = page.index('id="req-accept-status-202"')
    body = page[start:page.index("</details>", start)]
    assert "Clients rely on it" in body and "RFC 9110" in body
    assert "POST http://127.0.0.1:8000/resource" in body
    assert "x-evil&lt;script&gt;alert(1)&lt;/script&gt;: &lt;img" in body
    assert "read timeout" in body and "no response" in body
    assert "curl -si -X POST http://127.0.0.1:8000/resource" in body
    assert "200 OK" in body


def test_hypothesis_and_missing_evidence() -> None:
    page = render_html(make_report())
    start = page.index('id="req-monitor-progress-monotonic"')
    body = page[start:page.index("</details>", start)]
    assert "123456789" in body and "@reproduce_failure" in body
    assert "Not in the wire log: #99" in body


def test_every_requirement_once_in_matrix(page: str) -> None:
    ids = [i for i in _parse(page).ids if i.startswith("req-")]
    assert len(ids) == len(set(ids)) == len(make_report()["requirements"])


def test_timelines_drawn_and_flagged(page: str) -> None:
    assert page.count("<svg") == 4
    assert "progress went down" in page and "state went backwards" in page
    assert "not seen terminated" in page
    assert 'class="m-bad"' in page and 'class="seg bad"' in page


def test_timelines_capped() -> None:
    page = render_html(make_report(processes=40))
    assert page.count("<figure") == 30
    assert "10 more processes not drawn" in page


def test_idempotence_section_answers_the_question(page: str) -> None:
    section = page[page.index('id="idempotence"'):page.index('id="timelines"')]
    assert "Yes: on this target a POST repeated with the same Idempotency-Key" in section
    assert "Idempotency-Key honoured: <code>yes</code> (declared)" in section
    for request in ("POST while a process is in flight", "POST after the process ended", "DELETE to cancel, repeated"):
        assert request in section
    assert "a new process started" in section
    assert "<img" not in section  # server text in the matrix is escaped
    assert "1 exchange</summary>" in section  # each cell carries the exchanges that show it
    assert 'href="#req-idempotence-delete"' in section


def test_passing_report_says_conformant() -> None:
    page = render_html(make_report(failing=False))
    assert "No requirement failed" in page
    assert "v-conformant" in page


def test_minimal_report_renders() -> None:
    report = make_report()
    for key in ("notes", "idempotence"):
        report.pop(key)
    report.update(processes=[], exchanges=[], counts={}, requirements=report["requirements"][:1])
    page = render_html(report)
    assert "No process was observed." in page
    assert "Not in the wire log: #1, #2, #4" in page
