"""The HTML report's compiled templates are cached (conformance.report.html); a cache folder that cannot be
used costs a compile, never the report."""
from __future__ import annotations

import jinja2

from conformance.report import html

from .sample import make_report


def _environment(cache: jinja2.BytecodeCache) -> jinja2.Environment:
    base = html.environment()
    return base.overlay(bytecode_cache=cache)


def test_a_cache_folder_that_is_gone_still_renders(tmp_path):
    env = _environment(html._TemplateCache(str(tmp_path / "gone")))
    page = env.get_template("report.html.j2").render(**html.context(make_report()))
    assert page == html.render_html(make_report())  # the same page as with a usable cache


def test_a_second_environment_reads_what_the_first_compiled(tmp_path):
    cache = html._TemplateCache(str(tmp_path))
    first = _environment(cache).get_template("report.html.j2").render(**html.context(make_report()))
    assert list(tmp_path.iterdir())  # the compiled template was written
    second = _environment(html._TemplateCache(str(tmp_path))).get_template("report.html.j2")
    assert second.render(**html.context(make_report())) == first
