"""Turn an observation log into one finding per requirement (pure: no I/O)."""

from __future__ import annotations

import traceback
from typing import Iterable

from .observations import Log
from .outcomes import Level, Outcome
from .requirements import Finding, Requirement, select

SOFT_LEVELS = (Level.SHOULD, Level.SHOULD_IF_SUPPORTED, Level.SHOULD_IF_REQUIRED, Level.MAY)


def judge_one(req: Requirement, log: Log, fatal: str | None = None, undecided: str | None = None) -> Finding:
    if log.pattern not in req.patterns:
        only = " and ".join(sorted(req.patterns))
        return Finding(Outcome.NOT_APPLICABLE, f"applies to the {only} pattern only")
    why = req.not_applicable(log.profile)
    if why:
        return Finding(Outcome.NOT_APPLICABLE, f"does not carry over to the {log.profile.name} profile: {why}")
    try:
        finding = req.check(log)
    except Exception as exc:  # a check must never take the run down: report it as the suite's own error
        where = traceback.extract_tb(exc.__traceback__)[-1]
        return Finding(
            Outcome.ERROR,
            f"suite error while checking {req.id}: {type(exc).__name__}: {exc} "
            f"({where.filename.rsplit('/', 1)[-1]}:{where.lineno}); please report it",
        )
    # a capability the user declared (--expect) is a promise: its requirements are judged as MUSTs
    promised = req.capability is not None and req.capability in log.expected
    if finding.outcome is Outcome.FAIL and req.level in SOFT_LEVELS and not promised:
        finding = Finding(Outcome.WARN, finding.message, finding.expected, finding.observed, finding.evidence)
    if fatal and finding.outcome is not Outcome.NOT_APPLICABLE:
        # Nothing about the target could be observed: no verdict either way.
        finding = Finding(Outcome.ERROR, f"not checked: {fatal}", evidence=finding.evidence)
    elif undecided and finding.outcome is Outcome.INCONCLUSIVE:
        # The run was cut short (e.g. --budget spent): what it could not decide is an error, not a pass.
        finding = Finding(Outcome.ERROR, f"{undecided} ({finding.message})", evidence=finding.evidence)
    return finding


def judge(log: Log, globs: Iterable[str] | None = None, fatal: str | None = None,
          undecided: str | None = None) -> list[tuple[Requirement, Finding]]:
    return [(req, judge_one(req, log, fatal, undecided)) for req in select(globs)]
