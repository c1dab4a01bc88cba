"""The HTML report in a real browser (Debian's chromium, headless).

Checks what a person would see: the verdict and the failing requirement on
the first screen, the evidence one click (or one #anchor) away, and that
script a server smuggled into its responses never runs.
"""
from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from conformance.report.html import render_html

from .sample import make_report

TIMEOUT_S = 90
FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--no-first-run", "--disable-component-update", "--disable-sync",
    "--disable-dev-shm-usage", "--window-size=1280,900",
]


def _chromium() -> str:
    for candidate in ("/usr/bin/chromium", shutil.which("chromium"), shutil.which("chromium-browser")):
        if candidate and os.access(candidate, os.X_OK):
            return candidate
    pytest.skip("chromium not installed: apt-get install chromium  (the browser test of the HTML report did NOT run)")


def _run(browser: str, tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    profile = tmp_path / f"profile-{len(list(tmp_path.glob('profile-*')))}"
    profile.mkdir()
    done = subprocess.run(
        [browser, *FLAGS, f"--user-data-dir={profile}", *args],
        capture_output=True, text=True, timeout=TIMEOUT_S, stdin=subprocess.DEVNULL,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return done


@pytest.fixture(scope="module")
def rendered(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, Path, Path]:
    browser = _chromium()
    tmp_path = tmp_path_factory.mktemp("browser")
    page = tmp_path / "conformance-single.html"
    page.write_text(render_html(make_report()), encoding="utf-8")
    return browser, tmp_path, page


def test_dom_shows_verdict_failure_and_runs_no_script(rendered: tuple[str, Path, Path]) -> None:
    browser, tmp_path, page = rendered
    dom = _run(browser, tmp_path, "--dump-dom", page.as_uri()).stdout
    # the server's <script>document.title='pwned'</script> and <img onerror> did nothing
    assert "<title>error: http://127.0.0.1:8000/resource (single)</title>" in dom
    assert "pwned</title>" not in dom
    assert "<script" not in dom.lower() and "<img" not in dom.lower()
    assert "&lt;script&gt;document.title='pwned'&lt;/script&gt;" in dom
    assert "&lt;img src=x onerror=" in dom
    # the first things on the page: verdict, then the problems table with the failing ID
    assert dom.index('class="verdict">error<') < dom.index('href="#req-accept-status-202"')
    assert "expected 202, got 200" in dom
    # evidence of the failing requirement is in the page, in its (closed) details
    assert "curl -si -X POST http://127.0.0.1:8000/resource" in dom
    assert "x-evil&lt;script&gt;alert(1)&lt;/script&gt;" in dom


def test_anchor_opens_the_requirement(rendered: tuple[str, Path, Path]) -> None:
    browser, tmp_path, page = rendered
    dom = _run(browser, tmp_path, "--dump-dom", page.as_uri() + "#req-accept-status-202").stdout
    start = dom.index('id="req-accept-status-202"')
    opening = dom.rindex("<details", 0, start)
    assert "open" in dom[opening:dom.index(">", opening)]
    # other requirements stay closed
    other = dom.index('id="req-accept-monitor-link"')
    opening = dom.rindex("<details", 0, other)
    assert "open" not in dom[opening:dom.index(">", opening)]


def test_screenshot_is_drawn(rendered: tuple[str, Path, Path]) -> None:
    browser, tmp_path, page = rendered
    shot = tmp_path / "first-screen.png"
    _run(browser, tmp_path, f"--screenshot={shot}", page.as_uri())
    data = shot.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")
    assert (width, height) == (1280, 900)
    assert len(data) > 20_000  # a blank page compresses to far less
    keep = os.environ.get("CONFORMANCE_SCREENSHOT_DIR")
    if keep:
        shutil.copy(shot, Path(keep) / shot.name)


def test_report_of_a_real_failing_run(tmp_path: Path) -> None:
    """A mutant from the self-proof, run through the real suite: its HTML report opens on the
    failing requirement, and the requirement's anchor shows the wire log, curl and a timeline."""
    from fixtures.behaviour import MUTANTS, TEST_BASE
    from fixtures.launch import serve
    from fixtures.selfproof import run_suite

    browser = _chromium()
    with serve(MUTANTS["monitor/transitions"].behaviour(TEST_BASE)) as server:
        status, report, _output = run_suite(server.resource_url, "single", tmp_path, ["--hypothesis-examples", "1"])
    assert status == 1 and report is not None
    page = tmp_path / "conformance-single.html"
    dom = _run(browser, tmp_path, "--dump-dom", page.as_uri() + "#req-monitor-transitions").stdout
    assert dom.index("non-conformant") < dom.index('href="#req-monitor-transitions"')
    start = dom.index('id="req-monitor-transitions"')
    section = dom[dom.rindex("<details", 0, start):]
    section = section[: section.index("</details>")]
    assert "running then ready" in section  # observed
    assert "GET " + server.base_url + "/process" in section  # the wire log
    assert "curl " in section  # reproduction
    assert "<svg" in dom  # process timelines
