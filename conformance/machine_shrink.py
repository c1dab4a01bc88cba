"""Shrinking a failing example on a live target: shorter sequences replayed from a quiescent target.

Hypothesis' own shrinker replays candidates from wherever the target happens to be, so on a server that cannot
be reset they rarely fail the same way. Here a candidate is a sublist of the failing example's recorded actions,
replayed by the caller after it brought the target to rest (single pattern: nothing of the suite in flight). The
search is delta debugging (Zeller and Hildebrandt, "Simplifying and isolating failure-inducing input", 2002),
complements only, within a number of replays and a time limit the caller's ``more`` enforces.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable, Sequence, TypeVar

T = TypeVar("T")


@dataclass(frozen=True)
class Ref:
    """A process argument: the one the action at ``index`` of the same example produced (-1: the carried one)."""

    index: int


@dataclass
class Action:
    """One top-level rule of an example, as it can be replayed: the rule's name, its arguments (processes as
    :class:`Ref`), and what it resolved to where the rule itself chooses from the target's state (the
    coverage-directed steps: the (kind, state) pair they went for)."""

    name: str
    args: dict[str, Any] = field(default_factory=dict)
    resolved: tuple | None = None

    def text(self) -> str:
        args = ", ".join(f"{k}={f'process of step {v.index + 1}' if isinstance(v, Ref) else v}"
                         for k, v in self.args.items())
        what = f" -> {self.resolved}" if self.resolved else ""
        return f"{self.name}({args}){what}"


def ddmin(items: Sequence[T], fails: Callable[[list[T]], bool], more: Callable[[], bool]) -> tuple[list[T], int]:
    """A shorter sublist of ``items`` (which failed) for which ``fails`` still holds, 1-minimal if ``more``
    lasts: no single chunk at the finest split can be removed. Returns (the shortest found, candidates tried).
    ``items`` must not be empty; ``more`` is asked before every candidate."""
    best = list(items)
    n = 2
    tried = 0
    while len(best) >= 2 and more():
        size = -(-len(best) // n)
        smaller = False
        for start in range(0, len(best), size):
            if not more():
                break
            candidate = best[:start] + best[start + size:]
            tried += 1
            if fails(candidate):
                best, n, smaller = candidate, max(n - 1, 2), True
                break
        if not smaller:
            if n >= len(best) or not more():
                break
            n = min(2 * n, len(best))
    return best, tried


def first_candidates(items: Sequence[T]) -> list[list[T]]:
    """What a shrink replays before any search, until one fails again: the whole failing example, then its
    last action alone, its last two, four, eight (each shorter than the whole). On a live target the whole may
    not fail again from rest when it took long to reach the state its end needs (coverage-directed steps wait
    for states), while its end does: a POST, a wait and a look at an old process beside the new one (an action
    about a process that a dropped action produced then does nothing)."""
    ends = []
    k = 1
    while k < len(items):
        ends.append(list(items[-k:]))
        k *= 2
    return [list(items), *ends]
