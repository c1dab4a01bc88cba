"""The commands the CI examples run work, end to end, against the bundled reference servers.

examples/ci/commands.txt lists the exact suite commands both CI examples use
(tests/report/test_ci_examples.py checks that); here each is run in a shell,
as a CI job would, with TARGET_URL pointing at a real reference server.
"""

import os
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

from fixtures.behaviour import TEST_BASE, Behaviour
from fixtures.launch import serve, user_env

COMMANDS = Path(__file__).resolve().parents[1] / "examples" / "ci" / "commands.txt"


def _run(command: str, cwd: Path, target: str | None) -> subprocess.CompletedProcess:
    env = dict(os.environ, PATH=os.path.dirname(sys.executable) + os.pathsep + os.environ.get("PATH", ""))
    if target:
        env["TARGET_URL"] = target
    env["CONFORMANCE_HYPOTHESIS_EXAMPLES"] = "2"  # keep the test quick; the commands themselves are unchanged
    return subprocess.run(["bash", "-c", command], cwd=cwd, env=user_env(env), capture_output=True, text=True,
                          timeout=300)


def test_ci_commands_run_against_reference_servers(tmp_path):
    lines = [line for line in COMMANDS.read_text().splitlines() if line.strip()]
    assert any("--pattern single" in line for line in lines) and any("--pattern multi" in line for line in lines)
    for line in lines:
        pattern = "single" if "--pattern single" in line else "multi" if "--pattern multi" in line else None
        if pattern is None:
            done = _run(line, tmp_path, None)
        else:
            with serve(Behaviour(**{**TEST_BASE.__dict__, "pattern": pattern})) as server:
                done = _run(line, tmp_path, server.resource_url)
        assert done.returncode == 0, f"{line}\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
    for pattern in ("single", "multi"):
        tree = ET.parse(tmp_path / "reports" / f"junit-{pattern}.xml")
        cases = tree.getroot().iter("testcase")
        names = {(c.get("classname"), c.get("name")) for c in cases}
        assert ("accept", "accept/status-202") in names
        assert (tmp_path / "reports" / f"conformance-{pattern}.html").exists()
    index = (tmp_path / "reports" / "index.html").read_text()
    assert "conformance-single.html" in index and "conformance-multi.html" in index
