"""How long the default run takes: `pytest --pyargs conformance` against the bundled reference servers.

Runs the command N times in a fresh temporary folder each time and prints the
wall time (median, min, max) and the per-pattern run time the reports give.

    python benchmarks/default_run.py            # 5 runs, reference processes of 0.5 s
    python benchmarks/default_run.py --runs 9 --duration 0.5
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def one_run(duration: float) -> tuple[float, int, dict[str, float]]:
    with tempfile.TemporaryDirectory(prefix="bench-") as tmp:
        cmd = [sys.executable, "-m", "pytest", "--pyargs", "conformance", "-q", "-p", "no:cacheprovider",
               "--reference-duration", str(duration)]
        start = time.perf_counter()
        done = subprocess.run(cmd, cwd=tmp, capture_output=True, text=True, timeout=600)
        wall = time.perf_counter() - start
        per_pattern = {}
        for path in Path(tmp, "reports").glob("conformance-*.json"):
            report = json.loads(path.read_text())
            per_pattern[report["pattern"]] = report["duration_s"]
            for entry in report["requirements"]:
                if entry["outcome"] in ("fail", "error"):
                    print(f"  ! {report['pattern']} {entry['id']}: {entry['message']} "
                          f"(expected {entry['expected']}, observed {entry['observed']})")
        return wall, done.returncode, per_pattern


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--duration", type=float, default=0.5, help="reference process duration (s)")
    args = parser.parse_args()
    walls, patterns = [], {"single": [], "multi": []}
    for i in range(args.runs):
        wall, rc, per = one_run(args.duration)
        walls.append(wall)
        for k, v in per.items():
            patterns[k].append(v)
        print(f"run {i + 1}: {wall:.1f} s wall, exit {rc}, " + ", ".join(f"{k} {v:.1f} s" for k, v in per.items()))
    print(f"\nwall time over {args.runs} runs (both patterns, processes of {args.duration} s): "
          f"median {statistics.median(walls):.1f} s, min {min(walls):.1f} s, max {max(walls):.1f} s")
    for k, values in patterns.items():
        if values:
            print(f"  {k}: median {statistics.median(values):.1f} s (min {min(values):.1f}, max {max(values):.1f})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
