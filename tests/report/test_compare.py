"""Comparison page and the command line."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from conformance.report.__main__ import main

from .sample import make_report


@pytest.fixture()
def reports(tmp_path: Path) -> Path:
    folder = tmp_path / "reports"
    folder.mkdir()
    (folder / "conformance-single.json").write_text(json.dumps(make_report()), encoding="utf-8")
    multi = make_report(pattern="multi", failing=False, label="Vendor <b>X</b>")
    multi["requirements"] = multi["requirements"][:-1]
    (folder / "conformance-multi.json").write_text(json.dumps(multi), encoding="utf-8")
    return folder


def test_compare_links_cells_to_each_report(reports: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = reports / "index.html"
    files = sorted(str(p) for p in reports.glob("*.json"))
    assert main(["compare", *files, "-o", str(out)]) == 0
    page = out.read_text(encoding="utf-8")
    assert 'href="conformance-single.html#req-accept-status-202"' in page
    assert 'href="conformance-multi.html#req-accept-status-202"' in page
    assert "Vendor &lt;b&gt;X&lt;/b&gt;" in page and "<b>X" not in page
    assert "http://127.0.0.1:8000/resource" in page
    assert "not checked in this run" in page  # http/json-content-type absent from multi
    assert page.index("accept/status-202") < page.index("http/json-content-type")
    assert 'class="badge o-fail"' in page and 'class="badge o-pass"' in page
    assert "wrote" in capsys.readouterr().out


def test_compare_links_are_relative_to_the_page(reports: Path) -> None:
    out = reports.parent / "site" / "index.html"
    assert main(["compare", str(reports / "conformance-single.json"), "-o", str(out)]) == 0
    assert 'href="../reports/conformance-single.html#req-monitor-terminates"' in out.read_text(encoding="utf-8")


def test_html_command_writes_the_linked_file(reports: Path) -> None:
    assert main(["html", str(reports / "conformance-single.json")]) == 0
    page = (reports / "conformance-single.html").read_text(encoding="utf-8")
    assert 'id="req-accept-status-202"' in page


@pytest.mark.parametrize("argv", [[], ["compare"], ["frob"], ["compare", "--bogus", "x.json"]])
def test_bad_usage_is_one_line_exit_2(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as stop:
        main(argv)
    assert stop.value.code == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "error:" in err and "Traceback" not in err


def test_invalid_report_names_the_file(reports: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = reports / "broken.json"
    bad.write_text(json.dumps({"suite": {}}), encoding="utf-8")
    assert main(["compare", str(bad), "-o", str(reports / "index.html")]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and str(bad) in err and "does not validate" in err


@pytest.mark.parametrize("content, why", [("{not json", "not JSON"), (None, "no such file")])
def test_unreadable_report_is_one_line(reports: Path, content: str | None, why: str,
                                       capsys: pytest.CaptureFixture[str]) -> None:
    path = reports / "x.json"
    if content is not None:
        path.write_text(content, encoding="utf-8")
    assert main(["summary", str(path)]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and why in err


def test_python_dash_m_entry_point(reports: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "conformance.report", "junit", str(reports / "conformance-single.json")],
        capture_output=True, text=True, timeout=60, cwd=Path(__file__).resolve().parents[2],
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith('<?xml version="1.0"')
    done = subprocess.run(
        [sys.executable, "-m", "conformance.report", "compare"],
        capture_output=True, text=True, timeout=60, cwd=Path(__file__).resolve().parents[2],
    )
    assert done.returncode == 2 and done.stderr.count("\n") == 1 and "Traceback" not in done.stderr
