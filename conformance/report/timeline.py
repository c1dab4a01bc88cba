"""Geometry of the per-process timeline pictures (drawn as inline SVG).

x is the time since the process was accepted, y its progress (0..1).  The
state seen at each poll colours the band up to the next poll; every poll is a
marker (filled: progress given, hollow: none given, red square: a status
other than 200 or no response).  Progress that goes down and states that go
backwards are drawn in red so a regression, flap or stuck process stands out.
Only numbers and pre-escaped strings leave this module.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .text import visible

WIDTH, HEIGHT = 720, 150
LEFT, RIGHT, TOP = 40, 14, 10
PLOT_H = 90
STRIP_Y = TOP + PLOT_H + 4
STRIP_H = 10
AXIS_Y = STRIP_Y + STRIP_H + 14
MAX_PROCESSES = 30
MAX_POLLS = 400

from ..model import RANK

#: the lifecycle order, from the one protocol model
STATE_RANK = {state.value: rank for state, rank in RANK.items()}
STATE_CLASS = {state: f"st-{state}" for state in STATE_RANK}


@dataclass
class Band:
    x: float
    w: float
    css: str
    title: str


@dataclass
class Mark:
    x: float
    y: float
    kind: str  # "dot", "hollow", "bad"
    title: str


@dataclass
class Segment:
    x1: float
    y1: float
    x2: float
    y2: float
    bad: bool


@dataclass
class Chart:
    """One process, ready to draw."""

    pid: str
    scenario: str
    monitor: str
    product: str
    polls: int
    span: float
    bands: list[Band] = field(default_factory=list)
    marks: list[Mark] = field(default_factory=list)
    segments: list[Segment] = field(default_factory=list)
    ticks: list[tuple[float, str]] = field(default_factory=list)
    flags: list[str] = field(default_factory=list)
    width: int = WIDTH
    height: int = HEIGHT
    left: int = LEFT
    right_edge: int = WIDTH - RIGHT
    top: int = TOP
    plot_bottom: int = TOP + PLOT_H
    strip_y: int = STRIP_Y
    strip_h: int = STRIP_H
    axis_y: int = AXIS_Y


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    return float(value)


def _observations(process: dict[str, Any]) -> list[dict[str, Any]]:
    accepted = _number(process.get("accepted_at")) or 0.0
    rows = []
    for obs in process.get("observations") or []:
        t = _number(obs.get("t"))
        if t is None:
            continue
        rows.append({
            "dt": max(t - accepted, 0.0),
            "seq": obs.get("seq"),
            "status": obs.get("status"),
            "state": obs.get("state"),
            "ending": obs.get("ending"),
            "raw": obs.get("raw_state"),
            # a readable observation (2xx, or 303 See Other at the end), as the verdicts count it
            "ok": obs["usable"] if isinstance(obs.get("usable"), bool) else obs.get("status") == 200,
            "progress": _number(obs.get("progress")),
        })
    rows.sort(key=lambda row: row["dt"])
    return rows


def _anomalies(rows: list[dict[str, Any]]) -> tuple[list[str], set[int]]:
    """Flags for the whole process and indexes of the polls that show them."""
    flags: list[str] = []
    marked: set[int] = set()
    best_rank, best_progress, flips, last_state = -1, None, 0, None
    regressed = backwards = outside = False
    for i, row in enumerate(rows):
        state, progress = row["state"], row["progress"]
        if not row["ok"]:
            marked.add(i)
        if progress is not None and not 0.0 <= progress <= 1.0:
            outside = True
            marked.add(i)
        if progress is not None:
            if best_progress is not None and progress < best_progress:
                regressed = True
                marked.add(i)
            best_progress = progress if best_progress is None else max(best_progress, progress)
        if state in STATE_RANK:
            if STATE_RANK[state] < best_rank:
                backwards = True
                marked.add(i)
            if last_state is not None and state != last_state:
                flips += 1
            best_rank = max(best_rank, STATE_RANK[state])
            last_state = state
    bad = sum(1 for row in rows if not row["ok"])
    if regressed:
        flags.append("progress went down")
    if backwards:
        flags.append("state went backwards")
    if outside:
        flags.append("progress outside 0..1")
    if flips > 2:
        flags.append(f"state changed {flips} times")
    if bad:
        flags.append(f"{bad} poll(s) without a readable state")
    if rows and rows[-1]["state"] != "terminated":
        flags.append("not seen terminated")
    if not rows:
        flags.append("never polled")
    return flags, marked


def _thin(rows: list[dict[str, Any]], keep: set[int]) -> list[int]:
    """Indexes to draw: all when few, else the anomalies plus an even sample."""
    if len(rows) <= MAX_POLLS:
        return list(range(len(rows)))
    step = len(rows) / MAX_POLLS
    chosen = {int(i * step) for i in range(MAX_POLLS)} | keep | {len(rows) - 1}
    return sorted(chosen)


def _ticks(span: float) -> list[tuple[float, str]]:
    for step in (0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 1800, 3600):
        if span / step <= 8:
            break
    ticks, value = [], 0.0
    while value <= span * 1.0001:
        ticks.append((value, f"{value:g} s"))
        value = round(value + step, 6)
    return ticks


def chart(process: dict[str, Any]) -> Chart:
    """Lay out one process."""
    rows = _observations(process)
    flags, marked = _anomalies(rows)
    # Leave room after the last poll so the final state shows as a band.
    span = (max((row["dt"] for row in rows), default=0.0) * 1.08) or 1.0
    plot_w = WIDTH - RIGHT - LEFT

    def x_of(dt: float) -> float:
        return round(LEFT + plot_w * dt / span, 2)

    def y_of(progress: float) -> float:
        return round(TOP + PLOT_H * (1 - min(max(progress, 0.0), 1.0)), 2)

    result = Chart(
        pid=visible(process.get("id")),
        scenario=visible(process.get("scenario") or ""),
        monitor=visible(process.get("monitor") or ""),
        product=visible(process.get("product") or ""),
        polls=len(rows),
        span=span,
        flags=flags,
        ticks=[(x_of(v), label) for v, label in _ticks(span)],
    )
    for i, row in enumerate(rows):
        x1 = x_of(row["dt"])
        x2 = x_of(rows[i + 1]["dt"]) if i + 1 < len(rows) else WIDTH - RIGHT
        state = row["state"]
        css = STATE_CLASS.get(state, "st-unknown") if row["ok"] else "st-bad"
        label = visible(state) if state is not None else "no state"
        if row["ending"]:
            label += f" ({visible(row['ending'])})"
        result.bands.append(Band(x1, max(x2 - x1, 1.0), css, f"{label} from +{row['dt']:.3f} s"))

    previous: tuple[float, float, float] | None = None
    for i in _thin(rows, marked):
        row = rows[i]
        x, progress = x_of(row["dt"]), row["progress"]
        status = "no response" if row["status"] is None else f"HTTP {visible(row['status'])}"
        title = (
            f"poll #{visible(row['seq'])} at +{row['dt']:.3f} s: {status}, "
            f"state {visible(row['state']) if row['state'] is not None else '-'}"
            f"{' (' + visible(row['raw']) + ')' if row['raw'] not in (None, row['state']) else ''}, "
            f"progress {progress if progress is not None else '-'}"
        )
        if not row["ok"]:
            kind = "bad"
        elif progress is None:
            kind = "hollow"
        else:
            kind = "dot"
        y = y_of(progress) if progress is not None else STRIP_Y + STRIP_H / 2
        result.marks.append(Mark(x, y, kind, title))
        if progress is not None:
            if previous is not None:
                px, py, pp = previous
                result.segments.append(Segment(px, py, x, y, progress < pp))
            previous = (x, y, progress)
    return result


def charts(processes: list[dict[str, Any]], limit: int = MAX_PROCESSES) -> tuple[list[Chart], int]:
    """Charts for at most ``limit`` processes, odd ones first; and how many were left out."""
    laid_out = [chart(process) for process in processes]
    ordered = sorted(enumerate(laid_out), key=lambda item: (not item[1].flags, item[0]))
    kept = [c for _, c in ordered[:limit]]
    return kept, max(len(laid_out) - limit, 0)
