"""Every requirement has hand-built examples: pass and fail (warn for SHOULD), and an unseen/absent case."""

from conformance.outcomes import Level, Outcome
from conformance.requirements import REGISTRY

from . import test_accept, test_errors_http, test_idempotence, test_monitor, test_multi, test_product, test_safety
from . import test_capabilities, test_dialects, test_single, test_no_5xx, test_problem_json, test_own_openapi

MODULES = (test_accept, test_monitor, test_product, test_single, test_multi, test_safety, test_errors_http,
           test_idempotence, test_capabilities, test_dialects, test_no_5xx, test_problem_json, test_own_openapi)
SOFT = (Level.SHOULD, Level.SHOULD_IF_SUPPORTED, Level.SHOULD_IF_REQUIRED, Level.MAY)


def outcomes_by_requirement():
    seen: dict[str, set[Outcome]] = {rid: set() for rid in REGISTRY}
    for module in MODULES:
        for case in module.CASES:
            seen[case.rid].add(case.expected)
    return seen


def test_every_requirement_has_examples():
    seen = outcomes_by_requirement()
    missing = []
    for rid, req in REGISTRY.items():
        got = seen[rid]
        if not req.implemented:
            want = {Outcome.NOT_APPLICABLE}
        elif req.level is Level.INFO or (req.level is Level.MAY and not req.capability):
            want = {Outcome.INFO}
        elif req.capability and req.level in SOFT:
            want = {Outcome.PASS, Outcome.FAIL}  # declared (--expect): a broken promise fails
        else:
            want = {Outcome.PASS, Outcome.WARN if req.level in SOFT else Outcome.FAIL}
        if req.implemented and (req.level is not Level.MAY or req.capability):
            # unseen, or not applicable in the other pattern / without the capability
            if not got & {Outcome.INCONCLUSIVE, Outcome.NOT_APPLICABLE}:
                missing.append(f"{rid}: no inconclusive or not-applicable example")
        if not want <= got:
            missing.append(f"{rid}: no example for {sorted(o.value for o in want - got)}")
    assert not missing, "\n".join(missing)


def test_soft_levels_never_fail():
    """Unless the user declared the capability they judge (--expect): then its requirements are promises."""
    for module in MODULES:
        for case in module.CASES:
            req = REGISTRY[case.rid]
            if req.level in SOFT and not (req.capability and req.capability in case.make().expected):
                assert case.expected is not Outcome.FAIL, case.name


def test_pattern_only_requirements_are_not_applicable_elsewhere():
    from .build import LogBuilder, outcome

    for pattern, other in (("single", "multi"), ("multi", "single")):
        log = LogBuilder(pattern).log
        for rid, req in REGISTRY.items():
            if pattern not in req.patterns:
                assert other in req.patterns
                assert outcome(log, rid) is Outcome.NOT_APPLICABLE, rid
