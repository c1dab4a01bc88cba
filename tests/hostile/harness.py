"""Helpers for the hostile-target tests: a measured suite run and a recording listener."""

from __future__ import annotations

import json
import os
import socket
import socketserver
import subprocess
import sys
import threading
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from fixtures.launch import suite_command, suite_env

HERE = Path(__file__).resolve().parent
#: suite settings of every hostile run: a short deadline and request timeout, no state machine
DEADLINE = 3.0
REQUEST_TIMEOUT = 2.0
# No state machine and no generated bodies: these targets test the driver's time and size caps, and the
# memory limit must measure the driver, not schemathesis' generator starting cold (the negative phase's
# own tests are elsewhere).
SUITE_ARGS = ["--deadline", str(DEADLINE), "--request-timeout", str(REQUEST_TIMEOUT), "--hypothesis-examples", "0",
              "--fuzz-examples", "0"]
#: a credential that must never reach another origin, a report or the terminal
SECRET = "s3cret"
AUTH = ["--header", f"Authorization: Bearer {SECRET}"]
#: the most a suite run may take in all; the tests assert much tighter bounds
HARD_TIMEOUT = 90


@dataclass
class Run:
    returncode: int
    seconds: float  # wall time of the whole suite process (interpreter, pytest, run, reports)
    peak_rss_mb: float  # peak resident set of the suite process
    report: dict | None
    json_text: str
    html_text: str
    output: str  # terminal output (stdout + stderr)

    def entry(self, req_id: str) -> dict:
        assert self.report is not None, self.output[-3000:]
        return next(e for e in self.report["requirements"] if e["id"] == req_id)

    def explain(self) -> str:
        if self.report is None:
            return f"no report; exit {self.returncode}\n{self.output[-3000:]}"
        bad = {e["id"]: (e["outcome"], e["message"], e["observed"]) for e in self.report["requirements"]
               if e["outcome"] in ("fail", "error", "warn")}
        return (f"exit {self.returncode} in {self.seconds:.1f} s (run {self.report['duration_s']} s), "
                f"peak RSS {self.peak_rss_mb:.0f} MB\nnon-passing: {json.dumps(bad, indent=1)[:3000]}\n"
                f"notes: {self.report['notes']}\n{self.output[-1500:]}")


def run_suite(url: str, out_dir: Path, extra: list[str] = (), *, pattern: str = "single") -> Run:
    """``pytest --pyargs conformance --pattern single`` (or ``pattern``) against ``url`` in a measured subprocess."""
    out_dir.mkdir(parents=True, exist_ok=True)
    json_path, html_path, stats = out_dir / "report.json", out_dir / "report.html", out_dir / "stats.json"
    cmd = suite_command("--color=no", "--target-url", url, "--pattern", pattern, "--conformance-json", str(json_path),
                        "--conformance-html", str(html_path), *SUITE_ARGS, *extra)
    env = suite_env({k: v for k, v in os.environ.items()
                     if k not in ("PY_COLORS", "FORCE_COLOR") and not k.startswith("CONFORMANCE_")})
    done = subprocess.run([sys.executable, str(HERE / "measure.py"), str(stats), "--", *cmd], cwd=out_dir,
                          capture_output=True, text=True, errors="surrogateescape", timeout=HARD_TIMEOUT, env=env)
    measured = json.loads(stats.read_text())
    json_text = json_path.read_text(encoding="utf-8") if json_path.exists() else ""
    html_text = html_path.read_text(encoding="utf-8") if html_path.exists() else ""
    return Run(measured["rc"], measured["seconds"], measured["peak_rss_mb"],
               json.loads(json_text) if json_text else None, json_text, html_text, done.stdout + done.stderr)


def raw_controls(text: str) -> list[str]:
    """Control characters (C0 but newline and tab, DEL, C1) and bidi/format characters in ``text``."""
    return sorted({repr(c) for c in text if c not in "\n\t" and unicodedata.category(c) in ("Cc", "Cf")})


class _Recorder(socketserver.BaseRequestHandler):
    def handle(self) -> None:
        data = bytearray()
        with self.server.lock:  # type: ignore[attr-defined]
            self.server.connections.append(data)  # type: ignore[attr-defined]
        self.request.settimeout(5)
        try:
            while b"\r\n\r\n" not in data and len(data) < 65536:
                chunk = self.request.recv(65536)
                if not chunk:
                    return
                data += chunk
            self.request.sendall(b"HTTP/1.1 404 Not Found\r\ncontent-length: 0\r\nconnection: close\r\n\r\n")
        except OSError:
            pass


class Listener:
    """A TCP listener on another port of 127.0.0.1 (another origin) that records every connection and byte.

    It answers each request head with a bare 404, so a suite that was allowed to come here moves on.
    """

    def __init__(self) -> None:
        self.server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), _Recorder)
        self.server.daemon_threads = True
        self.server.connections = []  # type: ignore[attr-defined]
        self.server.lock = threading.Lock()  # type: ignore[attr-defined]
        self.thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
        self.thread.start()

    @property
    def origin(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    @property
    def connections(self) -> list[bytes]:
        with self.server.lock:  # type: ignore[attr-defined]
            return [bytes(c) for c in self.server.connections]  # type: ignore[attr-defined]

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(5)


def closed_port() -> int:
    """A port on 127.0.0.1 with nothing listening (bound, then released)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]
