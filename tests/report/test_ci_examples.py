"""The CI examples run exactly the suite commands listed in examples/ci/commands.txt."""
from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

CI = Path(__file__).resolve().parents[2] / "examples" / "ci"
EXAMPLES = ("github-actions.yml", "gitlab-ci.yml")


def _commands() -> list[str]:
    lines = (CI / "commands.txt").read_text(encoding="utf-8").splitlines()
    return [line for line in lines if line.strip()]


def _shell_lines_by_reading(text: str) -> list[str]:
    """Without a YAML parser: every line, less list dashes and a ``run:`` key."""
    found = []
    for line in text.splitlines():
        line = line.strip()
        if line.startswith("- "):
            line = line[2:].strip()
        if line.startswith("run: "):
            line = line[5:].strip()
        found.append(line)
    return found


def _shell_lines_by_parsing(document: dict[Any, Any]) -> list[str]:
    """With PyYAML: the lines of every ``run`` step and every script list item."""
    scripts: list[str] = []
    for job in (document.get("jobs") or {}).values():  # GitHub Actions
        scripts += [step["run"] for step in job.get("steps", []) if "run" in step]
    for name, job in document.items():  # GitLab CI
        if isinstance(job, dict) and name != "variables":
            for key in ("before_script", "script", "after_script"):
                scripts += job.get(key) or []
    return [line.strip() for script in scripts for line in str(script).splitlines()]


def _shell_lines(name: str) -> list[str]:
    text = (CI / name).read_text(encoding="utf-8")
    try:
        import yaml
    except ImportError:
        return _shell_lines_by_reading(text)
    return _shell_lines_by_parsing(yaml.safe_load(text))


def test_commands_file_lists_the_suite_runs() -> None:
    commands = _commands()
    assert len(commands) == 3
    assert all(c.startswith("pytest --pyargs conformance --target-url \"$TARGET_URL\"") for c in commands[:2])
    assert "--pattern single --junitxml reports/junit-single.xml" in commands[0]
    assert "--pattern multi --junitxml reports/junit-multi.xml" in commands[1]
    assert commands[2].startswith("python -m conformance.report compare reports/*.json")


@pytest.mark.parametrize("name", EXAMPLES)
def test_example_runs_exactly_those_commands(name: str) -> None:
    lines = _shell_lines(name)
    for command in _commands():
        assert lines.count(command) == 1, f"{name} does not run: {command}"
    suite_runs = [line for line in lines if line.startswith("pytest")]
    assert suite_runs == _commands()[:2]  # nothing else, no '|| true' that would hide a failure


@pytest.mark.parametrize("name", EXAMPLES)
def test_example_installs_starts_a_server_and_keeps_reports(name: str) -> None:
    text = (CI / name).read_text(encoding="utf-8")
    assert "pip install async-request-conformance" in text
    assert 'sh -c "$SERVER_COMMAND"' in text
    assert "reports/" in text and ("upload-artifact" in text or "artifacts:" in text)


def test_line_reader_agrees_with_parser() -> None:
    pytest.importorskip("yaml")
    for name in EXAMPLES:
        text = (CI / name).read_text(encoding="utf-8")
        by_reading = _shell_lines_by_reading(text)
        for command in _commands():
            assert by_reading.count(command) == 1
