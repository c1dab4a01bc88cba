"""Self-contained HTML view of one result document.

No external assets and no script: inline CSS, inline SVG, ``<details>`` for
the one-click-away evidence.  Jinja2 autoescapes everything, and every string
that can come from the server is passed through :func:`text.visible` first,
so control and bidi characters are shown as escapes, never obeyed.
"""
from __future__ import annotations

import json
from functools import lru_cache
from http import HTTPStatus
from pathlib import Path
from typing import Any

import jinja2

from . import model, timeline
from .text import visible

TEMPLATES = Path(__file__).parent / "templates"


class _TemplateCache(jinja2.FileSystemBytecodeCache):
    """Jinja2's bytecode cache, where a folder it cannot read or write only means compiling again."""

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        try:
            super().load_bytecode(bucket)
        except OSError:
            bucket.reset()

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        try:
            super().dump_bytecode(bucket)
        except OSError:
            pass


@lru_cache(maxsize=1)
def environment() -> jinja2.Environment:
    """The Jinja2 environment of the report templates (autoescape on). Compiled templates are kept in Jinja2's
    per-user cache folder under the temporary directory, where it can make one: compiling them took some 0.1 s
    of CPU in every run of the suite."""
    try:
        cache: jinja2.BytecodeCache | None = _TemplateCache()
    except (OSError, RuntimeError):  # no usable temporary directory: compiled each run, as before
        cache = None
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(TEMPLATES)),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        bytecode_cache=cache,
    )


def _reason(status: Any) -> str:
    try:
        return HTTPStatus(int(status)).phrase
    except (TypeError, ValueError):
        return ""


def _headers(headers: Any) -> list[str]:
    lines = []
    for pair in headers or []:
        if isinstance(pair, (list, tuple)) and len(pair) == 2:
            lines.append(f"{visible(pair[0])}: {visible(pair[1])}")
        else:
            lines.append(visible(pair))
    return lines


def _seconds(value: Any) -> str:
    return f"{value:.3f}" if isinstance(value, (int, float)) and not isinstance(value, bool) else "?"


def exchange_view(exchange: dict[str, Any]) -> dict[str, Any]:
    """One exchange as display strings (all server text made visible)."""
    request = exchange.get("request") or {}
    response = exchange.get("response")
    started, ended = exchange.get("started"), exchange.get("ended")
    took = ""
    if all(isinstance(v, (int, float)) for v in (started, ended)):
        took = f"{(ended - started) * 1000:.0f} ms"
    view: dict[str, Any] = {
        "seq": visible(exchange.get("seq")),
        "method": visible(exchange.get("method")),
        "url": visible(exchange.get("url")),
        "purpose": visible(exchange.get("purpose") or ""),
        "process": visible(exchange.get("process")) if exchange.get("process") is not None else "",
        "started": _seconds(started),
        "ended": _seconds(ended),
        "took": took,
        "error": visible(exchange.get("error")) if exchange.get("error") else "",
        "request_headers": _headers(request.get("headers")),
        "request_body": visible(request.get("body"), multiline=True),
        "response": None,
    }
    view["request_text"] = "\n".join(
        [f"{view['method']} {view['url']}", *view["request_headers"]]
        + (["", view["request_body"]] if view["request_body"] else [])
    )
    if isinstance(response, dict):
        status = response.get("status")
        view["response"] = {
            "status": visible(status),
            "reason": _reason(status),
            "ok": isinstance(status, int) and 200 <= status < 400,
            "headers": _headers(response.get("headers")),
            "body": visible(response.get("body"), multiline=True),
            "truncated": bool(response.get("truncated")),
        }
        r = view["response"]
        r["text"] = "\n".join(
            [f"{r['status']} {r['reason']}".rstrip(), *r["headers"]]
            + (["", r["body"]] if r["body"] else [])
        )
    return view


def requirement_view(req: dict[str, Any], exchanges: dict[int, dict[str, Any]]) -> dict[str, Any]:
    """One requirement as display strings, with its evidence resolved."""
    evidence, missing = [], []
    for seq in req.get("evidence") or []:
        if seq in exchanges:
            evidence.append(exchange_view(exchanges[seq]))
        else:
            missing.append(visible(seq))
    hypo = req.get("hypothesis") or None
    hypothesis = None
    if isinstance(hypo, dict) and any(hypo.get(k) not in (None, "", []) for k in ("seed", "replay", "steps")):
        hypothesis = {
            "seed": visible(hypo.get("seed")) if hypo.get("seed") is not None else "",
            "replay": visible(hypo.get("replay") or "", multiline=True),
            "steps": [visible(step) for step in hypo.get("steps") or []],
        }
    outcome = str(req.get("outcome", "error"))
    return {
        "id": visible(req.get("id")),
        "anchor": model.anchor(str(req.get("id", ""))),
        "group": visible(model.group_of(req)),
        "level": visible(req.get("level")),
        "statement": visible(req.get("statement")),
        "rationale": visible(req.get("rationale") or ""),
        "source": visible(req.get("source") or ""),
        "outcome": outcome,
        "outcome_css": _css(outcome),
        "outcome_label": model.OUTCOME_LABELS.get(outcome, visible(outcome)),
        "message": visible(req.get("message") or "", multiline=True),
        "expected": visible(req.get("expected")) if req.get("expected") is not None else None,
        "observed": visible(req.get("observed")) if req.get("observed") is not None else None,
        "brief": visible(model.expected_observed(req) or req.get("message") or ""),
        "evidence": evidence,
        "missing": missing,
        "reproduce": [visible(cmd, multiline=True) for cmd in req.get("reproduce") or []],
        "hypothesis": hypothesis,
    }


def _css(word: str) -> str:
    """A CSS class suffix from a fixed vocabulary (never raw report text)."""
    known = set(model.OUTCOME_ORDER) | set(model.VERDICT_LABELS)
    return word if word in known else "unknown"


def _idempotence(report: dict[str, Any], reqs: list[dict[str, Any]],
                 exchanges: dict[int, dict[str, Any]]) -> dict[str, Any]:
    """The answer to the seed's question: the sentence, the capabilities, the matrix with its evidence."""
    observed = report.get("idempotence")
    observed = observed if isinstance(observed, dict) else {}
    rows = []
    for row in observed.get("matrix") or []:
        if not isinstance(row, dict):
            continue
        seqs = [seq for seq in row.get("evidence") or [] if isinstance(seq, int)]
        effect = str(row.get("effect") or "")
        rows.append({
            "request": visible(row.get("request")),
            "effect": visible(effect),
            "effect_css": _EFFECT_CSS.get(effect, "unknown"),
            "summary": visible(row.get("summary")),
            "evidence": [exchange_view(exchanges[seq]) for seq in seqs if seq in exchanges],
        })
    caps = [
        {"label": visible(c.get("label")), "found": visible(c.get("found")), "declared": bool(c.get("declared"))}
        for c in observed.get("capabilities") or [] if isinstance(c, dict)
    ]
    related = [r for r in reqs if r["group"] == "idempotence"]
    return {"answer": visible(observed.get("answer") or ""), "capabilities": caps, "rows": rows,
            "requirements": related}


#: badge colours of the matrix's effects (a fixed vocabulary; anything else is "unknown")
_EFFECT_CSS = {"one effect": "pass", "no effect": "pass", "a new effect each time": "info", "refused": "warn",
               "changes state": "fail", "not supported": "not-applicable", "not offered here": "not-applicable",
               "not observed": "inconclusive"}


def _options(report: dict[str, Any]) -> list[tuple[str, str]]:
    options = report.get("options") or {}
    return [(visible(k), visible(json.dumps(v, default=str))) for k, v in sorted(options.items())]


def context(report: dict[str, Any]) -> dict[str, Any]:
    """Everything the template needs, already made safe to display."""
    exchanges = model.exchanges_by_seq(report)
    raw = list(report.get("requirements") or [])
    reqs = [requirement_view(r, exchanges) for r in raw]
    view_of = {id(r): v for r, v in zip(raw, reqs)}
    groups = []
    for name, members in model.grouped(raw):
        views = [view_of[id(m)] for m in members]
        bad = sum(1 for v in views if v["outcome"] in model.PROBLEM_OUTCOMES)
        groups.append({"name": visible(name), "requirements": views, "problems": bad})
    problems = [view_of[id(r)] for r in model.problems(raw)]
    charts, omitted = timeline.charts(list(report.get("processes") or []))
    verdict = str(report.get("verdict", "error"))
    suite = report.get("suite") or {}
    target = report.get("target") or {}
    return {
        "title": f"{model.VERDICT_LABELS.get(verdict, visible(verdict))}: "
                 f"{visible(model.target_label(report))} ({visible(report.get('pattern'))})",
        "verdict": model.VERDICT_LABELS.get(verdict, visible(verdict)),
        "verdict_css": _css(verdict),
        "verdict_meaning": model.VERDICT_MEANINGS.get(verdict, ""),
        "exit_status": visible(report.get("exit_status")),
        "target_url": visible(target.get("url")),
        "target_label": visible(target.get("label") or ""),
        "bundled": bool(target.get("bundled")),
        "pattern": visible(report.get("pattern")),
        "profile": visible(report.get("profile")),
        "suite_name": visible(suite.get("name") or "conformance"),
        "suite_version": visible(suite.get("version")),
        "started": visible(report.get("started")),
        "ended": visible(report.get("ended")),
        "duration": model.format_duration(report.get("duration_s")),
        "strict": model.is_strict(report),
        "counts": [
            {"outcome": o, "css": _css(o), "label": model.OUTCOME_LABELS.get(o, visible(o)), "n": n}
            for o, n in model.counts(report)
        ],
        "notes": [visible(note, multiline=True) for note in report.get("notes") or []],
        "problems": problems,
        "groups": groups,
        "charts": charts,
        "omitted": omitted,
        "process_count": len(report.get("processes") or []),
        "idempotence": _idempotence(report, reqs, exchanges),
        "machine": _machine(report),
        "options": _options(report),
        "exchange_count": len(exchanges),
    }


def _machine(report: dict[str, Any]) -> dict[str, Any] | None:
    """The state machine's coverage as a small table: request kinds by process or resource states, each cell
    how often the pair was exercised ('-': a pair this profile cannot have)."""
    hyp = report.get("hypothesis")
    cov = hyp.get("coverage") if isinstance(hyp, dict) else None
    if not isinstance(cov, dict):
        return None
    pairs = {(str(p.get("kind")), str(p.get("state"))): p for p in cov.get("pairs") or [] if isinstance(p, dict)}
    states = [str(s) for s in cov.get("states") or []]
    rows = []
    for kind in cov.get("kinds") or []:
        cells = []
        for state in states:
            pair = pairs.get((str(kind), state))
            count = pair.get("count", 0) if pair else None
            cells.append({"text": "-" if pair is None else visible(count), "missed": pair is not None and not count})
        rows.append({"kind": visible(kind), "cells": cells})
    after = cov.get("all_reached_after")
    return {
        "states": [visible(s) for s in states], "rows": rows,
        "summary": visible(f"{cov.get('reached')} of {cov.get('possible')} pairs in {cov.get('examples')} example(s)"
                           + (f"; all reached after {after}" if after else "")
                           + (f"; {hyp.get('seconds')} s" if hyp.get("seconds") is not None else "")
                           + (f" after {hyp['beside_seconds']} s beside the scenarios"
                              if hyp.get("beside_seconds") is not None else "")),
        "replay": visible(hyp.get("replay") or ""),
    }


def render_html(report: dict[str, Any]) -> str:
    """Render one result document as a single self-contained HTML page."""
    return environment().get_template("report.html.j2").render(**context(report))
