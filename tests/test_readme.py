"""The README states what the code does: its requirement table and its two set-up commands."""

import re
from pathlib import Path

from conformance.profiles import PROFILES, markdown_table as profile_table
from conformance.requirements import dialect_table, markdown_table

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_readme_has_the_requirement_table_of_the_registry():
    assert markdown_table() in README, "regenerate with: python -c 'from conformance.requirements import markdown_table; print(markdown_table())'"


def test_readme_has_the_dialect_tables_of_the_profiles():
    assert profile_table() in README, "regenerate with conformance.profiles.markdown_table()"
    assert dialect_table(PROFILES.values()) in README, "regenerate with conformance.requirements.dialect_table()"


def test_ci_runs_the_readme_test_command():
    commands = re.findall(r"^# 2\. .*\n(.+)$", README, flags=re.M)
    assert commands, "README lost its second set-up command"
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    readme_cmd = commands[0].strip()
    assert readme_cmd in ci, f"{readme_cmd!r} not in .ci/run"
