"""The cost model of a run: wall time ≈ slope·D + base per pattern, D the target's process duration.

Runs ``pytest --pyargs conformance`` against the bundled reference server, once per pattern, at
several process durations (``--reference-duration``), a few times each, and fits by least squares
on the medians. "run" is the suite's own time for one pattern (the report's ``duration_s``: from
the first request to the verdicts); "process" is the whole pytest process (interpreter, plugin,
reference server start and stop, reports), so the fixed cost around the run shows separately.

Then the broken-target tail, in deadlines: a multi-pattern target whose monitors never answer
(``monitor-silent``), and one whose processes never end (mutant ``monitor/terminates``), judged
with ``--deadline``.

    python benchmarks/cost_model.py                              # D = 0.5, 2, 5 s; 3 runs each
    python benchmarks/cost_model.py --durations 0.5 3 --runs 5 --deadline 5
    python benchmarks/cost_model.py --patterns multi --no-broken
    python benchmarks/cost_model.py --hypothesis-examples 0     # without the state machine
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from fixtures.behaviour import Behaviour  # noqa: E402
from fixtures.launch import serve  # noqa: E402

BASE = ["-m", "pytest", "--pyargs", "conformance", "-q", "-p", "no:cacheprovider"]


def run_suite(args: list[str], pattern: str) -> tuple[float, float, int, dict]:
    """(suite run seconds from the report, whole-process seconds, exit status, report)."""
    with tempfile.TemporaryDirectory(prefix="cost-") as tmp:
        json_path = Path(tmp, "report.json")
        cmd = [sys.executable, *BASE, "--pattern", pattern, "--conformance-json", str(json_path),
               "--conformance-html", str(Path(tmp, "report.html")), *args]
        start = time.perf_counter()
        done = subprocess.run(cmd, cwd=tmp, capture_output=True, text=True, timeout=900)
        wall = time.perf_counter() - start
        if not json_path.exists():
            raise RuntimeError(f"no report ({done.returncode}):\n{done.stdout[-2000:]}\n{done.stderr[-2000:]}")
        report = json.loads(json_path.read_text())
        return report["duration_s"], wall, done.returncode, report


def fit(points: list[tuple[float, float]]) -> tuple[float, float]:
    """Least squares: y = slope·x + base."""
    n = len(points)
    mx = sum(x for x, _ in points) / n
    my = sum(y for _, y in points) / n
    sxx = sum((x - mx) ** 2 for x, _ in points)
    if sxx == 0:
        return 0.0, my
    slope = sum((x - mx) * (y - my) for x, y in points) / sxx
    return slope, my - slope * mx


def bad_outcomes(report: dict) -> list[str]:
    return [f"{e['id']}: {e['outcome']}" for e in report["requirements"] if e["outcome"] in ("fail", "error", "warn")]


def model(patterns: list[str], durations: list[float], runs: int, extra: list[str]) -> None:
    for pattern in patterns:
        run_med, proc_med = [], []
        for d in durations:
            runs_s, procs_s = [], []
            for _ in range(runs):
                run_s, wall, rc, report = run_suite(["--reference-duration", str(d), *extra], pattern)
                runs_s.append(run_s)
                procs_s.append(wall)
                bad = bad_outcomes(report)
                if rc != 0 or bad:
                    print(f"  ! {pattern} D={d}: exit {rc} {bad}")
            run_med.append((d, statistics.median(runs_s)))
            proc_med.append((d, statistics.median(procs_s)))
            print(f"{pattern:6} D={d:<4g}  run median {run_med[-1][1]:6.2f} s {sorted(round(x, 2) for x in runs_s)}"
                  f"   process median {proc_med[-1][1]:6.2f} s", flush=True)
        slope, base = fit(run_med)
        pslope, pbase = fit(proc_med)
        print(f"{pattern:6} run     ≈ {slope:.2f}·D + {base:.2f} s")
        print(f"{pattern:6} process ≈ {pslope:.2f}·D + {pbase:.2f} s  (fixed cost around the run: "
              f"{pbase - base:.2f} s)\n", flush=True)


BROKEN = {
    "monitors never answer": {"wire": "monitor-silent"},
    "processes never end": {"mutant": "monitor/terminates"},
}


def broken(deadline: float, runs: int, extra: list[str]) -> None:
    for what, knobs in BROKEN.items():
        walls, procs = [], []
        for _ in range(runs):
            b = replace(Behaviour(pattern="multi", duration=0.5), **knobs)
            with serve(b) as server:
                run_s, wall, rc, report = run_suite(
                    ["--target-url", server.resource_url, "--deadline", str(deadline), *extra], "multi")
            walls.append(run_s)
            procs.append(wall)
        med = statistics.median(walls)
        print(f"multi, {what}: run median {med:.2f} s = {med / deadline:.2f} deadlines (--deadline {deadline:g}; "
              f"runs {sorted(round(x, 2) for x in walls)}); process median {statistics.median(procs):.2f} s",
              flush=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--durations", type=float, nargs="+", default=[0.5, 2.0, 5.0])
    parser.add_argument("--runs", type=int, default=3, help="runs per pattern and duration (median)")
    parser.add_argument("--patterns", nargs="+", default=["single", "multi"], choices=["single", "multi"])
    parser.add_argument("--deadline", type=float, default=5.0, help="--deadline of the broken-target runs")
    parser.add_argument("--no-broken", action="store_true", help="skip the broken-target tail")
    parser.add_argument("--no-model", action="store_true", help="only the broken-target tail")
    parser.add_argument("--suite-arg", action="append", default=[], help="extra argument to the suite (repeatable)")
    parser.add_argument("--hypothesis-examples", type=int, default=None,
                        help="the suite's --hypothesis-examples (0: without the state machine; default: the suite's)")
    args = parser.parse_args()
    if args.hypothesis_examples is not None:
        args.suite_arg += ["--hypothesis-examples", str(args.hypothesis_examples)]
    if not args.no_model:
        model(args.patterns, args.durations, args.runs, args.suite_arg)
    if not args.no_broken:
        broken(args.deadline, args.runs, args.suite_arg)
    return 0


if __name__ == "__main__":
    sys.exit(main())
