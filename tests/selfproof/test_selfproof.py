"""The suite proves itself: every mutant is caught for its own ID only; every valid variant passes.

Each case starts a real reference server (a subprocess on 127.0.0.1) in the variant's dialect and
runs ``pytest --pyargs conformance --profile <dialect>`` against it in another subprocess, exactly
as a user would, then reads the JSON report. Test ids are the variant names: ``monitor/schema``
(seed), ``ogc:monitor/schema``, ``azure:reference@multi``.
"""

import json
import re
from pathlib import Path

import pytest

from conformance.requirements import REGISTRY
from fixtures.behaviour import INTERLEAVING, MUTANTS, RACES, VALID_VARIANTS
from fixtures.selfproof import prove


def test_every_requirement_that_can_fail_has_a_mutant():
    broken = {m.requirement for m in MUTANTS.values()}
    missing = [r.id for r in REGISTRY.values() if r.can_fail and r.id not in broken]
    assert not missing, f"requirements without a mutant: {missing}"
    strays = [name for name, m in MUTANTS.items() if m.requirement not in REGISTRY]
    assert not strays, f"mutants for unknown requirements: {strays}"


#: an interleaving or race mutant missed at the self-proof's seed is run once more at this one (see below)
SECOND_SEED = "7"


@pytest.mark.parametrize("name", list(MUTANTS))
def test_mutant_is_caught_for_its_requirement_only(name, tmp_path):
    """A mutant the deterministic scenarios find must be found every time. An interleaving mutant
    (INTERLEAVING: run with the state machine's default settings) is found by a time-bounded random
    exploration, which under load (this test runs four proofs at a time on two cores) misses now and then:
    measured 67 of 70 runs with two more CPU burners besides (README, "State machine"). So is a race (RACES):
    simultaneous requests meet in the race mutant's window of a few ms unless the OS schedules them apart (a CI
    run missed ogc:idempotence/key-concurrent once; the five key-concurrent mutants at 16 seeds, four proofs at
    a time: 80 of 80, 40 of them beside three CPU burners). Either is given a second run at another seed; two
    misses fail."""
    proof = prove(name, tmp_path)
    if not proof.ok and (name in INTERLEAVING or name in RACES):
        first = proof.explain()
        proof = prove(name, tmp_path, seed=SECOND_SEED)
        assert proof.ok, f"missed at two seeds.\n{first}\n\n{proof.explain()}"
    assert proof.ok, proof.explain()
    if name in INTERLEAVING:  # found by the state machine: the report shows the failing sequence, shrunk
        report = json.loads(Path(proof.report_path).read_text())
        entry = next(e for e in report["requirements"] if e["id"] == MUTANTS[name].requirement)
        steps = (entry.get("hypothesis") or {}).get("steps") or []
        assert steps and steps[0].startswith(("shrunk from", "not reproduced")), steps[:3]
        assert any(re.match(r"  \d+\. #\d+ ", line) for line in steps) and steps[-1].startswith("replay: "), steps


@pytest.mark.parametrize("name", list(VALID_VARIANTS))
def test_valid_variant_passes(name, tmp_path):
    proof = prove(name, tmp_path)
    assert proof.ok, proof.explain()


@pytest.mark.parametrize("name", sorted(INTERLEAVING))
def test_interleaving_mutant_is_missed_by_the_scenarios(name, tmp_path):
    """An interleaving mutant passes with --hypothesis-examples 0: no deterministic scenario finds it (the
    state machine must; test_mutant_is_caught_for_its_requirement_only runs it with the default settings). Under
    load a scenario's request may land in the defect's window by chance (a CI run: the scenarios' own early
    HEAD past mid-way): one more run, and two catches fail."""
    proof = prove(name, tmp_path, machine_off=True)
    if not proof.ok:
        first = proof.explain()
        proof = prove(name, tmp_path, machine_off=True, seed=SECOND_SEED)
        assert proof.ok, f"caught without the machine twice.\n{first}\n\n{proof.explain()}"
