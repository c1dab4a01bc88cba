"""Synthetic, schema-valid result documents for the report-view tests.

The documents carry hostile server content on purpose: markup and script in
bodies, headers, URLs and (monitor-body) state values, terminal escape
sequences, bidi overrides and XML-invalid control characters.
"""
from __future__ import annotations

import copy
import json
from typing import Any

SCRIPT = "<script>document.title='pwned'</script>"
IMG = "<img src=x onerror=\"document.title='pwned'\">"
ALERT = "<script>alert(1)</script>"
CONTROL = "\x1b[2J\x1b]0;owned\x07\x00\x08\u202e"
BASE = "http://127.0.0.1:8000"

# (id, level, outcome, statement, expected, observed, message)
_CATALOGUE: list[tuple[str, str, str, str, str | None, str | None, str]] = [
    ("accept/status-202", "MUST", "fail", "A valid POST on the resource answers 202 Accepted.",
     "202", "200", "the POST was answered 200 " + ALERT),
    ("accept/monitor-link", "MUST", "pass", "The 202 carries a monitor link.", None, None, ""),
    ("accept/retry-after", "SHOULD", "warn", "The 202 carries Retry-After.",
     "a Retry-After header", "none", "no Retry-After on the 202"),
    ("monitor/status-200", "MUST", "pass", "GET on a monitor answers 200.", None, None, ""),
    ("monitor/progress-monotonic", "MUST", "fail", "progress never decreases within one process.",
     "progress >= 0.5", "0.25", "progress fell from 0.5 to 0.25 " + CONTROL),
    ("monitor/terminates", "MUST", "error", "A process reaches terminated within the deadline.",
     None, None, "timeout budget spent while polling " + SCRIPT),
    ("monitor/see-other", "MAY", "info", "At termination the monitor may answer 303.", None, None,
     "the monitor never answered 303"),
    ("product/available", "MUST", "pass", "After termination the product link answers 200.", None, None, ""),
    ("single/conflict-409", "MUST", "inconclusive", "A POST while a process runs answers 409.",
     None, None, "processes ended before a second POST could be sent"),
    ("single/same-monitor", "MUST", "pass", "Every accepted POST returns the same monitor URI.", None, None, ""),
    ("safety/get-safe", "MUST", "pass", "GET and HEAD change no state.", None, None, ""),
    ("idempotence/post-profile", "info", "info", "The report states whether repeated POSTs had one effect.",
     None, None, "in flight: one effect (409); after termination: a new process"),
    ("idempotence/delete", "MUST if supported", "not-applicable", "DELETE on a monitor is idempotent.",
     None, None, "DELETE answered 405 with Allow: GET, HEAD"),
    ("idempotence/key-replay", "MUST if supported", "pass", "An Idempotency-Key replay starts nothing new.",
     None, None, ""),
    ("errors/no-5xx", "MUST", "pass", "No request the suite sends answers 5xx.", None, None, ""),
    ("http/json-content-type", "MUST", "warn", "JSON bodies are labelled with a JSON media type.",
     "application/json", "text/html" + CONTROL, "monitor body labelled text/html"),
]


def _exchange(seq: int, method: str, path: str, status: int | None, body: str, *,
              process: int | None = None, headers: list[list[str]] | None = None,
              started: float = 0.0, purpose: str = "poll", error: str | None = None) -> dict[str, Any]:
    response = None
    if status is not None:
        response = {
            "status": status,
            "headers": headers or [["content-type", "application/json"]],
            "body": body,
            "truncated": False,
        }
    return {
        "seq": seq,
        "method": method,
        "url": BASE + path,
        "purpose": purpose,
        "process": process,
        "started": started,
        "ended": started + 0.004,
        "error": error,
        "request": {"headers": [["accept", "application/json"]], "body": None if method == "GET" else "{}"},
        "response": response,
    }


def _exchanges() -> list[dict[str, Any]]:
    hostile_headers = [
        ["content-type", "text/html"],
        ["x-evil" + ALERT, IMG + CONTROL],
        ["location", "javascript:alert(1)"],
    ]
    return [
        _exchange(1, "POST", "/resource", 200, "<html>" + SCRIPT + IMG + "</html>" + CONTROL,
                  headers=hostile_headers, purpose="accept", started=0.01),
        _exchange(2, "GET", "/process?x=" + ALERT + "%1b", 200,
                  json.dumps({"state": SCRIPT, "progress": 0.5}) + CONTROL, process=1, started=0.2),
        _exchange(3, "GET", "/process", 200, json.dumps({"state": "running", "progress": 0.25}),
                  process=1, started=0.4),
        _exchange(4, "GET", "/process", None, "", process=1, started=0.6,
                  error="read timeout " + ALERT + CONTROL),
        _exchange(5, "POST", "/resource", 202, json.dumps({"monitor": "/process"}), purpose="accept",
                  headers=[["content-type", "application/json"]], started=0.8),
    ]


def _process(pid: int, accepted: float, points: list[tuple[float, int | None, str | None, float | None]],
             *, seq0: int = 100, scenario: str = "basic") -> dict[str, Any]:
    observations = []
    for i, (dt, status, state, progress) in enumerate(points):
        observations.append({"t": accepted + dt, "seq": seq0 + i, "status": status,
                             "state": state, "progress": progress})
    done = points and points[-1][2] == "terminated"
    return {
        "id": pid,
        "scenario": scenario,
        "monitor": f"/process/{pid}" + ("?" + ALERT if pid == 2 else ""),
        "accepted_at": accepted,
        "product": f"/product/{pid}" if done else None,
        "observations": observations,
    }


def _processes() -> list[dict[str, Any]]:
    healthy = [(0.05, 200, "ready", None), (0.3, 200, "running", 0.2), (0.6, 200, "running", 0.6),
               (0.9, 200, "running", 0.9), (1.2, 200, "terminated", 1.0)]
    regress = [(0.1, 200, "running", 0.5), (0.3, 200, "running", 0.25), (0.5, 503, None, None),
               (0.7, 200, "running", 0.7), (0.9, 200, "terminated", 1.0)]
    flap = [(0.1, 200, "running", 0.1), (0.2, 200, "ready", None), (0.3, 200, "running", 0.3),
            (0.4, 200, "ready", None), (0.5, 200, "running", 0.5), (0.6, None, None, None)]
    stuck = [(t / 2, 200, "running", 0.4) for t in range(1, 12)]
    return [
        _process(1, 0.8, healthy, seq0=10, scenario="basic " + ALERT),
        _process(2, 1.0, regress, seq0=20),
        _process(3, 1.5, flap, seq0=30, scenario="flap"),
        _process(4, 2.0, stuck, seq0=40, scenario="stuck"),
    ]


def _requirement(rid: str, level: str, outcome: str, statement: str,
                 expected: str | None, observed: str | None, message: str) -> dict[str, Any]:
    bad = outcome in ("fail", "error", "warn")
    req: dict[str, Any] = {
        "id": rid,
        "group": rid.split("/")[0],
        "level": level,
        "statement": statement,
        "rationale": "Clients rely on it to " + rid.split("/")[1].replace("-", " ") + ".",
        "source": "RFC 9110 s.15.3.3",
        "outcome": outcome,
        "message": message,
        "expected": expected,
        "observed": observed,
        "evidence": [1, 2, 4] if bad else ([5] if outcome == "pass" else []),
    }
    if bad:
        req["reproduce"] = [
            f"curl -si -X POST {BASE}/resource -H 'content-type: application/json' -d '{{}}'",
            f"curl -si '{BASE}/process?x={ALERT}'",
        ]
    if rid == "monitor/progress-monotonic":
        req["hypothesis"] = {"seed": 123456789, "replay": "@reproduce_failure('6.100', b'AXic" + ALERT + "')",
                             "steps": ["post()", "poll() -> 0.5", "poll() -> 0.25" + CONTROL]}
        req["evidence"] = [2, 3, 99]  # 99 is not in the log on purpose
    return req


def _counts(requirements: list[dict[str, Any]]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for req in requirements:
        counts[req["outcome"]] = counts.get(req["outcome"], 0) + 1
    return counts


def make_report(*, pattern: str = "single", failing: bool = True, strict: bool = False,
                label: str | None = None, url: str = BASE + "/resource",
                processes: int | None = None) -> dict[str, Any]:
    """A schema-valid result document.

    ``failing`` keeps the catalogue's fail/error/warn/inconclusive outcomes;
    otherwise every requirement passes (info and not-applicable stay).
    ``processes`` replaces the four hand-made processes by that many copies.
    """
    requirements = [_requirement(*row) for row in _CATALOGUE]
    if not failing:
        for req in requirements:
            if req["outcome"] in ("fail", "error", "warn", "inconclusive"):
                req.update(outcome="pass", expected=None, observed=None, message="", evidence=[5])
                req.pop("reproduce", None)
                req.pop("hypothesis", None)
    outcomes = {r["outcome"] for r in requirements}
    if "error" in outcomes:
        verdict = "error"
    elif "fail" in outcomes or (strict and "warn" in outcomes):
        verdict = "non-conformant"
    elif "warn" in outcomes:
        verdict = "conformant-with-warnings"
    else:
        verdict = "conformant"
    procs = _processes()
    if processes is not None:
        procs = []
        for i in range(processes):
            clone = copy.deepcopy(_processes()[i % 4])
            clone["id"] = i + 1
            procs.append(clone)
    target: dict[str, Any] = {"url": url, "bundled": False}
    if label is not None:
        target["label"] = label
    return {
        "suite": {"name": "async-request-conformance", "version": "0.1.0"},
        "target": target,
        "pattern": pattern,
        "profile": "seed",
        "started": "2024-05-01T12:00:00Z",
        "ended": "2024-05-01T12:00:42Z",
        "duration_s": 42.5,
        "verdict": verdict,
        "exit_status": 0 if verdict in ("conformant", "conformant-with-warnings") else 1,
        "counts": _counts(requirements),
        "options": {"strict": strict, "deadline_s": 30, "requirements": ["*"]},
        "notes": ["target answered slowly " + ALERT, "budget: 12 of 60 s used" + CONTROL] if failing else [],
        "requirements": requirements,
        "exchanges": _exchanges(),
        "processes": procs,
        "idempotence": {
            "answer": "Yes: on this target a POST repeated with the same Idempotency-Key had the effect of one" + CONTROL,
            "capabilities": [
                {"capability": "delete", "label": "DELETE cancels", "found": "no", "declared": False},
                {"capability": "idempotency-key", "label": "Idempotency-Key honoured", "found": "yes",
                 "declared": True},
            ],
            "matrix": [
                {"request": "POST while a process is in flight", "effect": "one effect",
                 "summary": "a second POST in flight got 409; one process", "evidence": [2]},
                {"request": "POST after the process ended", "effect": "a new effect each time",
                 "summary": "a new process started", "evidence": []},
                {"request": "DELETE to cancel, repeated", "effect": "not supported", "summary": "405 Allow: " + IMG,
                 "evidence": [1]},
                {"request": "HEAD of monitors and products", "effect": "no effect", "summary": "HEAD matched GET" + CONTROL,
                 "evidence": []},
            ],
        },
    }
