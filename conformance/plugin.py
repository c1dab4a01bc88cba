"""The pytest plugin (entry point ``pytest11``): options, one test per requirement, reports, gate.

``pytest --pyargs conformance`` collects ``conformance/test_requirements.py``,
whose tests each look up one requirement's verdict. The first test of a
pattern runs the suite against the target (or a bundled reference server)
once; everything else is a view of that run's report.
"""

from __future__ import annotations

import fnmatch
import json
import sys
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import Iterator

import pytest

from . import options as opt
from .outcomes import SEVERITY, Outcome

STATE_KEY = pytest.StashKey[dict]()
HERE = Path(__file__).resolve().parent
TEST_MODULE = HERE / "test_requirements.py"


def pytest_addoption(parser: pytest.Parser) -> None:
    opt.add_options(parser)


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "conformance: a requirement of the asynchronous request catalog")
    config.stash[STATE_KEY] = {"opts": opt.load(config), "reports": {}, "paths": {}}


def pytest_cmdline_main(config: pytest.Config) -> int | None:
    if config.getoption("conformance_list_profiles", False):
        from .profiles import PROFILES

        opt.load(config)
        for profile in PROFILES.values():
            print(f"{profile.name:8} {'+'.join(profile.patterns):13} {profile.title}")
            print(f"{'':8} {profile.description}")
            print(f"{'':8} source: {profile.source}")
        print("Your own API: --profile-file my-api.toml (TOML or JSON; see schemas/profile.schema.json and the README).")
        return 0
    if config.getoption("conformance_list_requirements", False):
        from .requirements import select

        opts = opt.load(config)
        for req in select(opts["requirements"]):
            print(f"{req.id:34} {req.level.value:20} {req.statement}")
        return 0
    return None


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    # record_xml_attribute (used to name JUnit test cases by requirement ID) is marked experimental
    # record_xml_attribute (naming JUnit test cases by requirement ID) is experimental, and pytest
    # notes that overriding attributes is outside the xunit2 schema; both are expected here.
    quiet = [
        pytest.mark.filterwarnings("ignore::pytest.PytestExperimentalApiWarning"),
        pytest.mark.filterwarnings("ignore:record_xml_attribute is incompatible:pytest.PytestWarning"),
    ]
    for item in items:
        if item.path.resolve() == TEST_MODULE:
            for mark in quiet:
                item.add_marker(mark)


def pytest_collect_file(file_path: Path, parent: pytest.Collector):
    """Collect the requirement tests even where python_files would not match them."""
    if file_path.resolve() != TEST_MODULE:
        return None
    patterns = parent.config.getini("python_files")
    if any(fnmatch.fnmatch(file_path.name, p) for p in patterns):
        return None  # pytest's own collector takes it
    return pytest.Module.from_parent(parent, path=file_path)


# -- running ---------------------------------------------------------------------

@contextmanager
def _bundled_server(pattern: str, duration: float, dialect: str) -> Iterator[str]:
    try:
        from ._fixtures import behaviour, launch  # installed wheel
    except ImportError:
        root = str(HERE.parent)
        if root not in sys.path:
            sys.path.insert(0, root)
        from fixtures import behaviour, launch  # source checkout
    if dialect not in behaviour.DIALECTS:
        raise pytest.UsageError(f"the bundled reference server does not speak the {dialect!r} profile: "
                                "give --target-url")
    with launch.serve(behaviour.Behaviour(pattern=pattern, duration=duration, dialect=dialect)) as server:
        yield server.resource_url


def _report_path(opts: dict, key: str, pattern: str, suffix: str) -> Path:
    given = opts[key]
    if given:
        path = Path(given)
        if len(opt.patterns(opts)) > 1:  # one file per pattern
            path = path.with_name(f"{path.stem}-{pattern}{path.suffix}")
        return path
    return Path("reports") / f"conformance-{pattern}.{suffix}"


def run_pattern(config: pytest.Config, pattern: str) -> dict:
    state = config.stash[STATE_KEY]
    if pattern in state["reports"]:
        return state["reports"][pattern]
    from .result import validate_report
    from .runner import RunConfig, run

    opts = state["opts"]
    with ExitStack() as stack:
        url = opts["target_url"]
        bundled = url is None
        if bundled:
            url = stack.enter_context(_bundled_server(pattern, opts["reference_duration"], opts["profile"]))
        cfg = RunConfig(
            target_url=url, pattern=pattern, profile=opts["profile_obj"], body=opts["body"],
            content_type=opts["content_type"], secrets=opts["secrets"],
            own_openapi=opts["own_openapi"],
            headers=opts["header"], deadline=opts["deadline"], request_timeout=opts["request_timeout"],
            max_body_bytes=opts["max_body_bytes"], allowed_origins=opts["allow_origin"], budget=opts["budget"],
            burst_size=opts["burst_size"], hypothesis_examples=opts["hypothesis_examples"],
            fuzz_examples=opts["fuzz_examples"],
            hypothesis_seed=opts["conformance_seed"], requirements=tuple(opts["requirements"]),
            expect=opts["expect"],
            strict=bool(opts["conformance_strict"]), bundled=bundled,
            label=f"bundled reference server ({opts['profile']}, {pattern})" if bundled else None,
        )
        report = run(cfg)
    problems = validate_report(report)
    if problems:
        report["notes"].append("suite error: this report does not match its schema: " + "; ".join(problems[:3]))
    state["reports"][pattern] = report
    state["paths"][pattern] = _write_reports(report, opts, pattern)
    if report.get("fatal"):
        # One line instead of a failure per requirement: the target could not be observed at all.
        where = ", ".join(str(p) for p in state["paths"][pattern])
        pytest.exit(_printable(f"conformance [{pattern}]: {report['fatal']} (reports: {where})"), returncode=1)
    return report


def _write_reports(report: dict, opts: dict, pattern: str) -> list[Path]:
    written = []
    json_path = _report_path(opts, "conformance_json", pattern, "json")
    json_path.parent.mkdir(parents=True, exist_ok=True)
    json_path.write_text(json.dumps(report, indent=1), encoding="utf-8")
    written.append(json_path)
    try:
        from .report.html import render_html
    except ImportError:
        return written
    html_path = _report_path(opts, "conformance_html", pattern, "html")
    html_path.parent.mkdir(parents=True, exist_ok=True)
    html_path.write_text(render_html(report), encoding="utf-8")
    written.append(html_path)
    return written


# -- judging one requirement inside pytest ------------------------------------------

def cases(config: pytest.Config) -> list[tuple[str, str]]:
    from .requirements import select

    opts = config.stash[STATE_KEY]["opts"]
    return [(p, r.id) for p in opt.patterns(opts) for r in select(opts["requirements"])]


def explain(entry: dict, report: dict) -> str:
    lines = [f"{entry['id']} ({entry['level']}): {entry['outcome'].upper()}: {entry['message']}"]
    if entry.get("expected") or entry.get("observed"):
        lines.append(f"  expected: {entry.get('expected')}")
        lines.append(f"  observed: {entry.get('observed')}")
    by_seq = {ex["seq"]: ex for ex in report["exchanges"]}
    for seq in entry["evidence"][:6]:
        ex = by_seq.get(seq)
        if ex:
            got = ex["response"]["status"] if ex["response"] else ex["error"]
            lines.append(f"  evidence #{seq}: {ex['method']} {ex['url']} -> {got}  ({ex['purpose']})")
    for cmd in entry.get("reproduce", [])[:2]:
        lines.append(f"  reproduce: {cmd}")
    if entry.get("hypothesis"):
        lines.append(f"  state machine: replay with {entry['hypothesis']['replay']}")
    return _printable("\n".join(lines))


def _printable(text: str) -> str:
    """Escape control characters that came from the server, keeping newlines we wrote."""
    return "".join(c if c == "\n" or c.isprintable() else repr(c)[1:-1] for c in text)


def check_requirement(config: pytest.Config, pattern: str, req_id: str) -> None:
    report = run_pattern(config, pattern)
    entry = next(e for e in report["requirements"] if e["id"] == req_id)
    outcome = Outcome(entry["outcome"])
    strict = bool(config.stash[STATE_KEY]["opts"]["conformance_strict"])
    text = explain(entry, report)
    if outcome in (Outcome.FAIL, Outcome.ERROR) or (outcome is Outcome.WARN and strict):
        pytest.fail(text, pytrace=False)
    if outcome is Outcome.NOT_APPLICABLE:
        pytest.skip(f"not applicable: {_printable(entry['message'])}")
    if outcome is Outcome.INCONCLUSIVE:
        pytest.skip(f"INCONCLUSIVE: {_printable(entry['message'])}")


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """--conformance-junit: JUnit XML rendered from the report model (warn and inconclusive visible)."""
    state = session.config.stash.get(STATE_KEY, None)
    if not state or not state["reports"] or not state["opts"]["conformance_junit"]:
        return
    from .report.junit import render_junit

    path = Path(state["opts"]["conformance_junit"])
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render_junit(list(state["reports"].values())), encoding="utf-8")
    for pattern in state["reports"]:
        state["paths"].setdefault(pattern, []).append(path)


def pytest_terminal_summary(terminalreporter, exitstatus: int, config: pytest.Config) -> None:
    state = config.stash.get(STATE_KEY, None)
    if not state or not state["reports"]:
        return
    tr = terminalreporter
    tr.section("asynchronous request conformance")
    for pattern, report in state["reports"].items():
        if report.get("fatal"):
            tr.write_line(_printable(f"[{pattern}] {report['target']['url']}: {report['fatal']}"))
            for path in state["paths"].get(pattern, []):
                tr.write_line(f"  report: {path}")
            continue
        tr.write_line(f"[{pattern}] {report['target']['url']}  verdict: {report['verdict']}  "
                      f"({', '.join(f'{k} {v}' for k, v in sorted(report['counts'].items()))}) in {report['duration_s']:.1f} s")
        try:
            from .report.terminal import summary_lines
        except ImportError:
            summary_lines = None
        if summary_lines is not None:
            for line in summary_lines(report):
                tr.write_line(f"  {line}")
        else:
            worst = sorted(report["requirements"], key=lambda e: SEVERITY[Outcome(e["outcome"])])
            for e in worst:
                if e["outcome"] in ("fail", "error", "warn", "inconclusive"):
                    tr.write_line(_printable(f"  {e['outcome'].upper():13} {e['id']:32} {e['message']}"))
        for note in report.get("notes", []):
            tr.write_line(_printable(f"  note: {note}"))
        for path in state["paths"].get(pattern, []):
            tr.write_line(f"  report: {path}")

