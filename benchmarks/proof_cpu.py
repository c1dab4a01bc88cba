"""CPU one self-proof run costs: the reference server and the suite's subprocess, summed (the self-proof runs
four at a time on two cores, so its wall time follows this figure).

    python -m benchmarks.proof_cpu                       # reference@single reference@multi monitor/schema, 3 runs
    python -m benchmarks.proof_cpu --runs 5 ogc:reference@multi

Prints each variant's median CPU seconds (children: user + system) and median wall seconds."""
from __future__ import annotations

import argparse
import resource
import statistics
import tempfile
import time
from pathlib import Path

from fixtures.selfproof import prove


def _children_cpu() -> float:
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("names", nargs="*", default=["reference@single", "reference@multi", "monitor/schema"])
    ap.add_argument("--runs", type=int, default=3)
    args = ap.parse_args()
    for name in args.names:
        cpu, wall = [], []
        for _ in range(args.runs):
            c0, t0 = _children_cpu(), time.monotonic()
            proof = prove(name, Path(tempfile.mkdtemp(prefix="proof-cpu-")))
            cpu.append(_children_cpu() - c0)
            wall.append(time.monotonic() - t0)
            if not proof.ok:
                print(f"  ({name}: the proof failed this run)")
        print(f"{name}: CPU median {statistics.median(cpu):.2f} s (min {min(cpu):.2f}), "
              f"wall median {statistics.median(wall):.2f} s, {args.runs} runs")


if __name__ == "__main__":
    main()
