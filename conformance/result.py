"""The result model of one run, as the JSON document every report view reads."""

from __future__ import annotations

import re
from datetime import datetime, timezone
from typing import Any

from . import SUITE_NAME, __version__, schemas
from .evidence import curl_command, exchange_to_dict
from .judge import judge
from .observations import Log
from .outcomes import Outcome, breaks_gate, overall_verdict
from .answer import answer

MAX_EXCHANGES = 3000
MAX_REPRODUCE = 3


def _iso(ts: float) -> str:
    return datetime.fromtimestamp(ts, timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _processes(log: Log) -> list[dict]:
    out = []
    for pid, rec in log.processes.items():
        obs = []
        usable = {s.seq for s, _v in log.states(pid)}
        for step, view in log.observations(pid):
            obs.append({
                "t": round(step.ex.ended, 4), "seq": step.seq, "status": step.ex.status,
                "state": view.state.value if view.state else None,
                "ending": view.ending.value if view.ending else None,
                "raw_state": view.raw_state if isinstance(view.raw_state, (str, bool, int, float)) else None,
                "usable": step.seq in usable,
                "progress": view.progress,
            })
        product = next((v.product for _s, v in log.states(pid) if v.product), None) or rec.product_uri
        out.append({
            "id": pid, "scenario": rec.scenario, "monitor": rec.monitor, "accepted_at": round(rec.accepted_at, 4),
            "product": product, "observations": obs, "timed_out": rec.timed_out,
        })
    return out


def build_report(
    log: Log, exchanges: list, *, target_url: str, bundled: bool, label: str | None, started: float, ended: float,
    options: dict[str, Any], globs: list[str] | None, strict: bool, secret_headers: frozenset[str],
    fatal: str | None = None, undecided: str | None = None, secret_values: tuple[str, ...] = (),
) -> dict:
    findings = judge(log, globs, fatal, undecided)
    by_seq = {ex.seq: ex for ex in exchanges}
    hyp = log.hypothesis or {}
    requirements = []
    referenced: set[int] = set()
    for req, f in findings:
        evidence = [seq for seq in f.evidence if seq in by_seq]
        referenced.update(evidence)
        entry = {
            "id": req.id, "group": req.group, "level": req.level.value, "statement": req.statement,
            "rationale": req.rationale, "source": req.source, "outcome": f.outcome.value, "message": f.message,
            "expected": f.expected, "observed": f.observed, "evidence": evidence,
            "reproduce": [curl_command(by_seq[seq], secret_headers, secret_values) for seq in evidence[:MAX_REPRODUCE]]
            if f.outcome not in (Outcome.PASS, Outcome.INFO, Outcome.NOT_APPLICABLE) else [],
            "hypothesis": None,
        }
        if hyp and req.id in hyp.get("failures", {}):
            entry["hypothesis"] = {"seed": hyp.get("seed"), "replay": hyp.get("replay", ""),
                                   "steps": hyp["failures"][req.id]}
        requirements.append(entry)
    counts: dict[str, int] = {}
    for _req, f in findings:
        counts[f.outcome.value] = counts.get(f.outcome.value, 0) + 1
    outcomes = [f.outcome for _r, f in findings]
    kept = [ex for ex in exchanges if ex.seq <= MAX_EXCHANGES or ex.seq in referenced]
    report = {
        "suite": {"name": SUITE_NAME, "version": __version__},
        "target": {"url": target_url, "bundled": bundled, **({"label": label} if label else {})},
        "pattern": log.pattern,
        "profile": log.profile.name,
        "started": _iso(started),
        "ended": _iso(ended),
        "duration_s": round(ended - started, 3),
        "verdict": overall_verdict(outcomes),
        "exit_status": 1 if any(breaks_gate(o, strict) for o in outcomes) else 0,
        "counts": counts,
        "options": options,
        "notes": list(log.notes),
        "fatal": fatal,
        "requirements": requirements,
        "exchanges": [exchange_to_dict(ex, secret_headers, secret_values) for ex in kept],
        "processes": _processes(log),
        "idempotence": answer(log, {req.id: f for req, f in findings}),
    }
    if hyp.get("coverage"):
        # the state machine's exploration: its seed, replay command, time, and the (request kind x state)
        # pairs it exercised (conformance.machines)
        report["hypothesis"] = {"seed": hyp.get("seed"), "replay": hyp.get("replay", ""),
                                "seconds": hyp.get("seconds"), "coverage": hyp["coverage"]}
        if hyp.get("beside_seconds") is not None:  # multi pattern: also beside the scenarios, this long
            report["hypothesis"]["beside_seconds"] = hyp["beside_seconds"]
    return report


#: the keywords the report schema's exchange uses: types, keys, array lengths and a minimum. With these alone,
#: two exchanges of one shape (``_shape``) are both valid or both not (tests/report/test_validate.py holds the
#: schema to this list: a keyword that looks at values, such as ``pattern``, would need every exchange checked)
EXCHANGE_KEYWORDS = frozenset({"type", "required", "properties", "items", "prefixItems", "minItems", "maxItems",
                               "minimum", "$ref", "description"})


def _shape(value: Any) -> Any:
    """``value``'s JSON types, recursively (an object's keys, an array's length kept), with whether a number is
    at least 1 (the only value the exchange schema looks at: ``seq``'s minimum)."""
    if isinstance(value, dict):
        return tuple(sorted((k, _shape(v)) for k, v in value.items()))
    if isinstance(value, list):
        return tuple(_shape(v) for v in value)
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return type(value).__name__
    return (type(value).__name__, value >= 1)


def validate_report(report: dict) -> list[str]:
    """The report's schema violations. Its exchanges (hundreds in a run: most of the time a full check
    takes, 0.34 of 0.40 s of CPU for 490 of them) are checked one per shape: the schema's exchange looks at
    nothing else (EXCHANGE_KEYWORDS)."""
    exchanges = report.get("exchanges")
    if not isinstance(exchanges, list):
        return schemas.errors("report.schema.json", report)
    first: dict[Any, int] = {}  # shape -> index of the first exchange of that shape
    for i, ex in enumerate(exchanges):
        first.setdefault(_shape(ex), i)
    kept = sorted(first.values())
    found = schemas.errors("report.schema.json", {**report, "exchanges": [exchanges[i] for i in kept]})
    # a violation's place named by the exchange's index in the report, not in the shortened list
    return [re.sub(r"^exchanges/(\d+)", lambda m: f"exchanges/{kept[int(m.group(1))]}", e) for e in found]
