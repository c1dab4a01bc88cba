"""The requirement registry: ID, level, statement, rationale, source and the check, side by side.

Each group module (accept, monitor, ...) declares its requirements with
:func:`requirement` directly above the function that decides them, so a
reader finds the sentence and its test in one place. A check reads the
observation log only (no I/O) and returns a :class:`Finding`; it reports a
violation as FAIL, and the judge lowers that to WARN for SHOULD-level
requirements.
"""

from __future__ import annotations

import fnmatch
from dataclasses import dataclass
from typing import TYPE_CHECKING, Callable, Iterable

from ..observations import Log
from ..outcomes import Level, Outcome

if TYPE_CHECKING:
    from ..profiles import Profile

BOTH = frozenset({"single", "multi"})
SINGLE = frozenset({"single"})
MULTI = frozenset({"multi"})


@dataclass(frozen=True)
class Finding:
    outcome: Outcome
    message: str
    expected: str | None = None
    observed: str | None = None
    evidence: tuple[int, ...] = ()


Check = Callable[[Log], Finding]
#: why a requirement does not carry over to a profile (None: it does); decided from the profile's data only
Applies = Callable[["Profile"], "str | None"]


@dataclass(frozen=True)
class Requirement:
    id: str
    level: Level
    statement: str
    rationale: str
    source: str
    check: Check
    patterns: frozenset[str] = BOTH
    implemented: bool = True
    applies: Applies | None = None
    #: the optional capability it judges, as --expect names it (declared: its violations fail)
    capability: str | None = None

    def not_applicable(self, profile: "Profile") -> str | None:
        """Why this requirement does not carry over to ``profile`` (its own declaration first), or None."""
        return profile.not_applicable.get(self.id) or (self.applies(profile) if self.applies else None)

    @property
    def can_fail(self) -> bool:
        """Whether some target behaviour makes this requirement fail or warn."""
        return self.implemented and self.level is not Level.INFO and (self.level is not Level.MAY or bool(self.capability))

    @property
    def group(self) -> str:
        return self.id.split("/", 1)[0]


REGISTRY: dict[str, Requirement] = {}
GROUPS = ("accept", "monitor", "product", "single", "multi", "safety", "idempotence", "errors", "http")


def requirement(
    id: str, level: Level, *, statement: str, rationale: str, source: str, patterns: frozenset[str] = BOTH,
    implemented: bool = True, applies: Applies | None = None, capability: str | None = None,
) -> Callable[[Check], Check]:
    def register(check: Check) -> Check:
        if id in REGISTRY:
            raise ValueError(f"duplicate requirement {id}")
        REGISTRY[id] = Requirement(id, level, statement, rationale, source, check, patterns, implemented, applies,
                                   capability)
        return check

    return register


def pending(id: str, level: Level, *, statement: str, rationale: str, source: str, reason: str) -> None:
    """Register a requirement whose check is not built yet: it reports not-applicable, never pass."""

    def not_yet(log: Log) -> Finding:
        return Finding(Outcome.NOT_APPLICABLE, f"not checked by this version of the suite: {reason}")

    requirement(id, level, statement=statement, rationale=rationale, source=source, implemented=False)(not_yet)


# -- small constructors the checks share -------------------------------------

def ok(message: str, evidence: Iterable[int] = ()) -> Finding:
    return Finding(Outcome.PASS, message, evidence=tuple(evidence))


def violated(message: str, expected: str, observed: str, evidence: Iterable[int]) -> Finding:
    return Finding(Outcome.FAIL, message, expected, observed, tuple(sorted(set(evidence)))[:20])


def unseen(message: str, evidence: Iterable[int] = ()) -> Finding:
    return Finding(Outcome.INCONCLUSIVE, message, evidence=tuple(evidence))


def info(message: str, evidence: Iterable[int] = ()) -> Finding:
    return Finding(Outcome.INFO, message, evidence=tuple(evidence))


def absent(message: str) -> Finding:
    return Finding(Outcome.NOT_APPLICABLE, message)


def each(
    steps: list, bad: Callable[[object], bool], *, none: str, failed: str, expected: str, passed: str,
    observed: Callable[[object], str] | None = None,
) -> Finding:
    """The shape most checks share: every judged step must be good.

    No step: inconclusive (``none``). Some bad: a violation whose message is ``failed``
    formatted with {bad} and {total}, observed from the first bad step (its exchange summary
    unless ``observed`` says otherwise). Otherwise a pass (``passed`` formatted with {total}).
    """
    if not steps:
        return unseen(none)
    wrong = [s for s in steps if bad(s)]
    if wrong:
        seen = observed(wrong[0]) if observed else wrong[0].ex.summary()
        return violated(failed.format(bad=len(wrong), total=len(steps)), expected, seen, [s.seq for s in wrong])
    return ok(passed.format(total=len(steps)), [s.seq for s in steps[:5]])


def codes(statuses: Iterable[int]) -> str:
    """Status codes as a person reads them: "404 or 410"."""
    return " or ".join(str(c) for c in sorted(statuses))


def select(globs: Iterable[str] | None) -> list[Requirement]:
    """Requirements matching any of the globs (all when none), in catalog order."""
    pats = list(globs or [])
    reqs = list(REGISTRY.values())
    if not pats:
        return reqs
    return [r for r in reqs if any(fnmatch.fnmatchcase(r.id, p) for p in pats)]


def markdown_table() -> str:
    """The catalog as a markdown table (ID, level, statement, source), as the README shows it."""
    rows = ["| ID | level | requirement | source |", "|---|---|---|---|"]
    for req in REGISTRY.values():
        note = "" if req.implemented else " *(not checked yet: reports not-applicable)*"
        rows.append(f"| `{req.id}` | {req.level.value} | {req.statement}{note} | {req.source} |")
    return "\n".join(rows)


def dialect_table(profiles: Iterable["Profile"]) -> str:
    """Which requirement applies in which bundled dialect, as the README shows it."""
    profiles = list(profiles)
    rows = ["| ID | level | " + " | ".join(p.name for p in profiles) + " |",
            "|---|---|" + "---|" * len(profiles)]
    for req in REGISTRY.values():
        cells = []
        for p in profiles:
            offered = [pat for pat in ("single", "multi") if pat in req.patterns and pat in p.patterns]
            why = req.not_applicable(p)
            if not req.implemented:
                cells.append("not checked yet")
            elif why:
                cells.append(f"n/a: {why}")
            elif not offered:
                cells.append("n/a: no " + " or ".join(sorted(req.patterns)) + " pattern")
            else:
                cells.append("yes")
        rows.append(f"| `{req.id}` | {req.level.value} | " + " | ".join(cells) + " |")
    return "\n".join(rows)


def _load() -> None:
    from . import accept, monitor, product, single, multi, safety, idempotence, errors, http  # noqa: F401


_load()
