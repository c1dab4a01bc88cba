"""The result model of one run, as the JSON document every report view reads."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

from . import SUITE_NAME, __version__, schemas
from .evidence import curl_command, exchange_to_dict
from .judge import judge
from .observations import Log
from .outcomes import Outcome, breaks_gate, overall_verdict
from .requirements.idempotence import post_profile_summary

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
    fatal: str | None = None, undecided: str | None = None,
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
            "reproduce": [curl_command(by_seq[seq], secret_headers) for seq in evidence[:MAX_REPRODUCE]]
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
        "exchanges": [exchange_to_dict(ex, secret_headers) for ex in kept],
        "processes": _processes(log),
        "idempotence": idempotence_summary(log, {req.id: f for req, f in findings}),
    }
    return report


def idempotence_summary(log: Log, findings: dict) -> dict[str, dict[str, str]]:
    """The seed's question, method by method, from what this run observed."""
    out = post_profile_summary(log)

    def verdict(*ids: str) -> tuple[str, str]:
        got = [findings[i] for i in ids if i in findings]
        if not got:
            return "not judged", "not selected in this run"
        if any(f.outcome in (Outcome.FAIL, Outcome.WARN) for f in got):
            bad = next(f for f in got if f.outcome in (Outcome.FAIL, Outcome.WARN))
            return "not idempotent", bad.message
        if all(f.outcome is Outcome.PASS for f in got):
            return "idempotent", "; ".join(f.message for f in got)
        return "not decided", "; ".join(f.message for f in got)

    for key, ids in (("get", ("safety/get-safe", "product/stable")),
                     ("head", ("safety/head-no-content", "safety/head-matches-get"))):
        v, why = verdict(*ids)
        out[key] = {"verdict": v, "summary": why}
    for key, req_id in (("delete", "idempotence/delete"), ("put", "idempotence/put-create"),
                        ("idempotency_key", "idempotence/key-replay")):
        f = findings.get(req_id)
        out[key] = {"verdict": "not probed", "summary": f.message if f else "not selected in this run"}
    return out


def validate_report(report: dict) -> list[str]:
    return schemas.errors("report.schema.json", report)
