"""The state machine's coverage and cost on the reference server.

For each pattern and seed, one run of ``pytest --pyargs conformance`` against the bundled reference server
(``--reference-duration D``) with ``--hypothesis-examples N``: how many (request kind x state) pairs the machine
exercised, after how many examples it had them all (the report's ``all_reached_after``), and the machine's own
seconds (the report's ``hypothesis.seconds``, shrinking excluded: a conformant server has nothing to shrink;
in the multi pattern, after ``hypothesis.beside_seconds`` of looks beside the scenarios, which cost no time).
Then the whole run with the machine off (``--hypothesis-examples 0``), for the machine's share of a run.

    python benchmarks/machine_coverage.py                         # D = 0.5 s, seeds 1-5, 5 and 20 examples
    python benchmarks/machine_coverage.py --examples 5 --seeds 1 2 3 --duration 2
"""

from __future__ import annotations

import argparse
import statistics
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks.cost_model import run_suite  # noqa: E402


def one(pattern: str, duration: float, examples: int, seed: int) -> tuple[dict, float]:
    _run_s, _wall, rc, report = run_suite(["--reference-duration", str(duration), "--hypothesis-examples",
                                           str(examples), "--conformance-seed", str(seed)], pattern)
    if rc != 0:
        print(f"  ! {pattern} seed {seed}: exit {rc}", flush=True)
    return report.get("hypothesis") or {}, report["duration_s"]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=float, default=0.5, help="the reference server's process duration D")
    parser.add_argument("--examples", type=int, nargs="+", default=[5, 20])
    parser.add_argument("--seeds", type=int, nargs="+", default=[1, 2, 3, 4, 5])
    parser.add_argument("--patterns", nargs="+", default=["single", "multi"], choices=["single", "multi"])
    args = parser.parse_args()
    for pattern in args.patterns:
        off = [one(pattern, args.duration, 0, seed)[1] for seed in args.seeds[:3]]
        print(f"{pattern:6} machine off: run median {statistics.median(off):.2f} s", flush=True)
        for n in args.examples:
            reached, after, machine, beside, runs = [], [], [], [], []
            for seed in args.seeds:
                hyp, run_s = one(pattern, args.duration, n, seed)
                cov = hyp.get("coverage") or {}
                reached.append(f"{cov.get('reached')}/{cov.get('possible')}")
                after.append(cov.get("all_reached_after"))
                machine.append(hyp.get("seconds") or 0.0)
                beside.append(hyp.get("beside_seconds") or 0.0)
                runs.append(run_s)
            every = [a for a in after if a is not None]
            print(f"{pattern:6} {n:3} examples: pairs reached {reached}; all reached after "
                  f"{after} examples (median {statistics.median(every) if every else '-'}); machine median "
                  f"{statistics.median(machine):.2f} s ({statistics.median(machine) / args.duration:.1f} D) "
                  f"after {statistics.median(beside):.2f} s beside the scenarios, "
                  f"run median {statistics.median(runs):.2f} s", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
